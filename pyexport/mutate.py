"""Mutated copies of a certificate: the corpus an audit and the tests throw at the checkers.

Every mutation comes with what a sound pipeline must make of it:

    unusable         refused at validation: exit 2, nothing rendered (bad JSON, bad numbers,
                     names that could inject prover syntax, unknown schema or family, ...)
    false-claim      a claim the certificate's weights do not support, or a proof that cannot
                     support the stated bound: rejected (exit 1) by the checker and the kernels
    weights-changed  new weights with a recomputed hash: the claim may still hold about them, so
                     an acceptance is allowed, but then the weights must be reported as
                     "unregistered weights" or "stale"

Kinds (all of issue 8's list that a single file can express): a weight moved one ulp (hash
stale; hash recomputed), subnormal and enormous weights, NaN/Infinity, the bound moved one unit
of its denominator (or of the kernel's slack, where the certificate leaves one) toward the
unsound side, `bound_float` disagreeing, relation flipped, quantity and strategy swapped, a
trace array's entries altered toward a false claim, dropped, duplicated under another name,
reordered; a proved case removed; an unknown schema version or family; floats in integer
fields; duplicate keys; a truncated file, a byte-order mark, UTF-16; JSON nested 10,000 deep;
names with newlines, quotes, comment markers and prover syntax.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from pyexport import certificate as cert
from pyexport.weights import weights_sha256

INJECTED_NAMES = ("max2-d64\n", 'x"; Require Import Evil. (*', "a(*b", "a*)", "-/", ":= by",
                  "Admitted", "sorry\n")


def edit_array(doc: dict, where: list, fn) -> None:
    """Decode the array at doc[where...], apply fn to a writable copy, encode it back."""
    obj = doc
    for key in where[:-1]:
        obj = obj[key]
    array = np.array(cert.decode_array(obj[where[-1]], "mutation"))
    fn(array)
    obj[where[-1]] = cert.encode_array(array)


def _rehash(doc: dict) -> None:
    weights = {k: cert.decode_array(v, k) for k, v in doc["model"]["weights"].items()}
    doc["model"]["sha256"] = weights_sha256(weights, list(weights))


def _first_weight(doc: dict) -> str:
    return next(iter(doc["model"]["weights"]))


def _set_weight(value_fn, rehash: bool):
    def mutate(doc):
        def edit(a):
            flat = a.reshape(-1)
            flat[0] = value_fn(flat[0])
        edit_array(doc, ["model", "weights", _first_weight(doc)], edit)
        if rehash:
            _rehash(doc)
    return mutate


def _unsound_bound(doc):
    """One unit toward the unsound side: of the claim's denominator, or, for a certificate
    whose loss bound leaves its kernel 2^-k of slack (`kernel_slack_bits`), of twice that
    slack, so the moved bound is below what the trace proves."""
    bound = cert.parse_rational(doc["claim"]["bound"], "")
    step = Fraction(1, bound.denominator)
    slack_bits = doc["strategy"].get("parameters", {}).get("kernel_slack_bits")
    if doc["claim"]["quantity"] == "expected_loss" and isinstance(slack_bits, int):
        step = max(step, Fraction(2, 2**slack_bits))
    new = bound + step if doc["claim"]["quantity"] == "accuracy" else bound - step
    doc["claim"]["bound"] = cert.rational_str(new)
    doc["claim"]["bound_float"] = float(new)


def _bound_float(doc):
    doc["claim"]["bound_float"] = float(cert.parse_rational(doc["claim"]["bound"], "")) * 0.5


def _flip_relation(doc):
    doc["claim"]["relation"] = "<=" if doc["claim"]["relation"] == ">=" else ">="


def _swap_quantity(doc):
    swapped = {"accuracy": ("expected_loss", "<="), "expected_loss": ("accuracy", ">=")}
    doc["claim"]["quantity"], doc["claim"]["relation"] = swapped[doc["claim"]["quantity"]]


def _swap_strategy(doc):
    from pyexport.families import get

    names = sorted(get(cert.family_name(doc)).strategies)
    doc["strategy"]["name"] = next(s for s in names if s != doc["strategy"]["name"])


def _weaken_trace(doc):
    """Toward a false claim: a proved verdict turned off (a case removed), an upper bound
    raised, a gap widened, an index moved: the trace then proves less than the bound."""
    name = _main_array(doc)

    def edit(a):
        flat = a.reshape(-1)
        if a.dtype == bool:
            flat[np.flatnonzero(flat)[0]] = False
        elif name == "gap":
            i = np.flatnonzero(flat)[0]
            flat[i] += 1
        elif np.issubdtype(a.dtype, np.integer) and name in ("top2", "runner_up"):
            flat[0] = (flat[0] + 1) % max(2, int(flat.max()) + 1)
        else:
            flat[0] = flat[0] + (1 << 45) if a.dtype == np.int64 else flat[0] * 2 + 1
    edit_array(doc, ["trace", "arrays", name], edit)


def _main_array(doc) -> str:
    """The trace array that carries the proof's case verdicts or bounds."""
    arrays = doc["trace"]["arrays"]
    for name in ("proved", "pure_correct", "correct", "loss_upper", "case_upper", "lse_upper",
                 "pair_upper", "top2", "runner_up"):
        if name in arrays:
            return name
    return sorted(arrays)[0]


def _remove_case(doc):
    name = _main_array(doc)
    if cert.decode_array(doc["trace"]["arrays"][name], "").dtype != bool:
        return _weaken_trace(doc)
    edit_array(doc, ["trace", "arrays", name],
                lambda a: a.reshape(-1).__setitem__(np.flatnonzero(a.reshape(-1))[-1], False))


def _drop_array(doc):
    del doc["trace"]["arrays"][_main_array(doc)]


def _duplicate_array(doc):
    name = _main_array(doc)
    doc["trace"]["arrays"][f"{name}_copy"] = copy.deepcopy(doc["trace"]["arrays"][name])


class NotApplicable(Exception):
    """The mutation would not change this certificate."""


def _reorder_array(doc):
    """Entries rotated: for a verdict array, proved cases move onto other cases."""
    def edit(a):
        flat = a.reshape(-1)
        rolled = np.roll(flat, 1)
        if np.array_equal(rolled, flat):
            raise NotApplicable
        flat[:] = rolled
    edit_array(doc, ["trace", "arrays", _main_array(doc)], edit)


def _name(value: str):
    def mutate(doc):
        doc["model"]["name"] = value
        doc["model"]["config"]["name"] = value
    return mutate


def _schema_version(doc):
    doc["schema"]["version"] = 99


def _unknown_family(doc):
    doc["model"]["family"] = "unknown-family"


def _float_length(doc):
    doc["trace"]["length"] = float(doc["trace"]["length"])


def _float_n_ctx(doc):
    doc["model"]["config"]["n_ctx"] = float(doc["model"]["config"]["n_ctx"])


MUTATIONS = {
    # name: (mutation of the document, expectation)
    "weight-ulp-stale-hash": (_set_weight(lambda x: np.nextafter(x, np.float32(np.inf)), False),
                              "false-claim"),
    "weight-ulp-rehashed": (_set_weight(lambda x: np.nextafter(x, np.float32(np.inf)), True),
                            "weights-changed"),
    "weight-subnormal-rehashed": (_set_weight(lambda x: np.float32(1e-40), True),
                                  "weights-changed"),
    "weight-enormous-rehashed": (_set_weight(lambda x: np.float32(3e38), True),
                                 "weights-changed"),
    "weight-nan-rehashed": (_set_weight(lambda x: np.float32("nan"), True), "unusable"),
    "weight-infinite-rehashed": (_set_weight(lambda x: np.float32("inf"), True), "unusable"),
    "bound-one-unit-unsound": (_unsound_bound, "false-claim"),
    "bound-float-disagrees": (_bound_float, "unusable"),
    "relation-flipped": (_flip_relation, "false-claim"),
    "quantity-swapped": (_swap_quantity, "false-claim"),
    "strategy-swapped": (_swap_strategy, "false-claim"),
    "trace-entry-weakened": (_weaken_trace, "false-claim"),
    "trace-case-removed": (_remove_case, "false-claim"),
    "trace-array-dropped": (_drop_array, "false-claim"),
    "trace-array-duplicated": (_duplicate_array, "false-claim"),
    "trace-reordered": (_reorder_array, "false-claim"),
    "schema-version-unknown": (_schema_version, "unusable"),
    "family-unknown": (_unknown_family, "unusable"),
    "trace-length-float": (_float_length, "unusable"),
    "n-ctx-float": (_float_n_ctx, "unusable"),
    **{f"name-injection-{i}": (_name(n), "unusable") for i, n in enumerate(INJECTED_NAMES)},
}

# Mutations of the file's bytes rather than the document (all unusable)
RAW = {
    "nan-literal": lambda text: text.replace('"bound_float": ', '"bound_float": NaN, "x": ', 1),
    "infinity-literal": lambda text: text.replace('"bound_float": ', '"bound_float": Infinity, '
                                                  '"y": ', 1),
    "duplicate-key": lambda text: text.replace('"claim": {', '"claim": {"bound": "0/1", ', 1),
    "truncated": lambda text: text[: len(text) // 2],
    "deep-nesting": lambda text: text.replace('"metrics": {', '"metrics": {"deep": '
                                              + "[" * 10000 + "]" * 10000 + ", ", 1),
}
RAW_BYTES = {
    "byte-order-mark": lambda data: cert.UTF8_BOM + data,
    "utf-16": lambda data: data.decode("utf-8").encode("utf-16"),
}


def mutations(doc: dict):
    """(name, mutated document or bytes, expectation) for every kind; kinds that do not apply
    to this certificate (no array to weaken, ...) are skipped."""
    for name, (mutate, expectation) in MUTATIONS.items():
        mutated = copy.deepcopy(doc)
        try:
            mutate(mutated)
        except (IndexError, StopIteration, KeyError, NotApplicable):
            continue
        yield name, (cert.dumps(mutated)).encode(), expectation
    text = cert.dumps(doc)
    for name, mutate in RAW.items():
        yield name, mutate(text).encode(), "unusable"
    for name, mutate in RAW_BYTES.items():
        yield name, mutate(text.encode()), "unusable"


def write_corpus(path: Path, directory: Path) -> list[tuple[str, str]]:
    """Write every mutation of the certificate at `path` into `directory` (plain JSON, named
    <kind>.json); return (file name, expectation) pairs."""
    doc = cert.read(path)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data, expectation in mutations(doc):
        target = directory / f"{name}.json"
        cert.atomic_write_bytes(target, data)
        written.append((target.name, expectation))
    (directory / "expectations.json").write_text(json.dumps(dict(written), indent=1) + "\n")
    return written

