"""The template context of a Coq certificate file (templates/coq/certificate.v.j2).

`coq_context(doc)` takes a certificate already validated by `pyexport.certificate.read` and
returns the variables of the template. Every value in it is printed here by code: ints, Coq
identifiers over `[A-Za-z0-9_]` chosen from fixed tables (or the model name after checking it
against `certificate.NAME_PATTERN` and mapping it to an identifier), lowercase hex digests
recomputed here, `true`/`false`, and exact hexadecimal float literals made by `coq_float`
(round trip asserted). No string of the certificate reaches the template.

The rendered file states the claim about the real-valued model
(`expected_loss<n> (model_of cert_weights) <= IZR p / IZR q`, resp. `accuracy<n> ... >= ...`,
n = n_ctx = 2 or 3) and proves it with the reflective checker of coq/theories/CheckLoss*.v /
CheckAccuracy*.v, evaluated by `vm_compute` (`vm_cast_no_check`: the kernel runs it once, at
`Qed`).

Context variables (see coq/README.md, "Template context"):

    module_name       file/module name: cert_<model>_<strategy>_<quantity>_<16 hex digits>
    THEOREM_NAME      "certificate"
    DATA_NAMES        the constants holding the certificate's data
    model_ident       the model name mapped to [a-z0-9_]
    model_sha256      SHA-256 of the weights (recomputed, equal to the certificate's)
    content_sha256    SHA-256 of the certificate without metrics (recomputed)
    strategy          brute_force | symmetry | convexity
    quantity          expected_loss | accuracy
    n_ctx, d_vocab, d_model, grid_bits, claim_p, claim_q    ints
    quantity_fn       expected_loss2 | accuracy2 | expected_loss3 | accuracy3
    checker, correct_lemma    checker and soundness theorem names
    trace_type        rows_float | list_float | rows_bool | rows3_float | rows3_bool
                      (the template maps it to a Coq type: lists of 2 or 3 nesting levels)
    E, H, U           rows of float literals (dm x d, dm x dm, d x dm)
    trace             the trace as (nested) lists of float literals or true/false, in the
                      layout of the checker (coq/README.md, "Trace layouts")
"""

from __future__ import annotations

import re

import numpy as np

from pyexport import certificate as cert
from pyexport.model import WEIGHT_KEYS, weights_sha256

THEOREM_NAME = "certificate"
DATA_NAMES = ("CertData.cert_E", "CertData.cert_H", "CertData.cert_U", "CertData.cert_trace",
              "cert_weights", "cert_data")

STRATEGIES = {"brute-force": "brute_force", "symmetry": "symmetry", "convexity": "convexity"}
QUANTITIES = {"expected_loss": ("expected_loss", "<=", "loss"),
              "accuracy": ("accuracy", ">=", "accuracy")}
# (strategy, quantity, n_ctx) -> (trace array name, trace_type)
TRACES = {
    ("brute_force", "expected_loss", 2): ("case_upper", "rows_float"),
    ("symmetry", "expected_loss", 2): ("case_upper", "rows_float"),
    ("convexity", "expected_loss", 2): ("lse_upper", "list_float"),
    ("brute_force", "accuracy", 2): ("correct", "rows_bool"),
    ("symmetry", "accuracy", 2): ("correct", "rows_bool"),
    ("convexity", "accuracy", 2): ("top2", "rows_float"),
    ("brute_force", "expected_loss", 3): ("case_upper", "rows3_float"),
    ("symmetry", "expected_loss", 3): ("case_upper", "rows3_float"),
    ("convexity", "expected_loss", 3): ("pair_upper", "rows_float"),
    ("brute_force", "accuracy", 3): ("correct", "rows3_bool"),
    ("symmetry", "accuracy", 3): ("correct", "rows3_bool"),
    ("convexity", "accuracy", 3): ("runner_up", "rows_float"),
}
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$")
LITERAL = re.compile(r"^-?0x[01](\.[0-9a-f]+)?p-?[0-9]+$")
FLOAT_HEX = re.compile(r"^(-?)0x([01])\.?([0-9a-f]*)p([+-]?[0-9]+)$")
EXACT_INT_LIMIT = 1 << 53


class UnsupportedCertificate(ValueError):
    """A certificate this renderer has no Coq checker for (e.g. n_ctx = 3)."""


def coq_float(x) -> str:
    """The exact Coq hexadecimal literal of a finite binary64 value, e.g. `-0x1.a53496p-10`.

    Made from `float.hex()`; the literal is asserted to parse back to the same value. Zero is
    `0x0p0` (the sign of zero does not matter: both denote the real 0).
    """
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"not a finite float: {value!r}")
    if value == 0:
        return "0x0p0"
    match = FLOAT_HEX.match(value.hex())
    if not match:
        raise ValueError(f"unexpected float.hex() output {value.hex()!r}")
    sign, lead, frac, exp = match.groups()
    frac = frac.rstrip("0")
    text = f"{sign}0x{lead}{'.' + frac if frac else ''}p{int(exp)}"
    if float.fromhex(text) != value or not LITERAL.match(text):
        raise AssertionError(f"float literal {text!r} does not round-trip {value!r}")
    return text


def coq_int_float(k) -> str:
    """A trace integer as an (exact) float literal; |k| < 2^53 is required."""
    k = int(k)
    if abs(k) >= EXACT_INT_LIMIT:
        raise UnsupportedCertificate(f"trace integer {k} is not exact as a binary64 float")
    return coq_float(float(k))


def _rows(matrix: np.ndarray) -> list[list[str]]:
    return [[coq_float(v) for v in row] for row in np.asarray(matrix, dtype=np.float64).tolist()]


def _ident(name: str) -> str:
    if not isinstance(name, str) or not cert.NAME_PATTERN.match(name):
        raise ValueError("model name is not an identifier [a-z0-9][a-z0-9._-]{0,63}")
    ident = re.sub(r"[.-]", "_", name)
    assert re.fullmatch(r"[a-z0-9_]{1,64}", ident)
    return ident


def _sorted_rows(values: list, d: int) -> list[list]:
    """Split a flat array in sorted-pair order (0,0),(0,1),(1,1),(0,2),... into rows by c."""
    if len(values) != d * (d + 1) // 2:
        raise ValueError("trace length is not d(d+1)/2")
    rows, start = [], 0
    for c in range(d):
        rows.append(values[start : start + c + 1])
        start += c + 1
    return rows


def _sorted_triples(values: list, d: int) -> list[list[list]]:
    """Sorted-triple order (by c, then a, then b; a <= b <= c) regrouped as [c][b][a]."""
    if len(values) != d * (d + 1) * (d + 2) // 6:
        raise ValueError("trace length is not d(d+1)(d+2)/6")
    nested = [[[None] * (b + 1) for b in range(c + 1)] for c in range(d)]
    it = iter(values)
    for c in range(d):
        for a in range(c + 1):
            for b in range(a, c + 1):
                nested[c][b][a] = next(it)
    return nested


def _trace(doc: dict, strategy: str, quantity: str, d: int, n: int) -> tuple[str, list]:
    name, kind = TRACES[(strategy, quantity, n)]
    arrays = doc["trace"]["arrays"]
    if set(arrays) != {name}:
        raise ValueError(f"trace must hold exactly the array {name!r}")
    array = cert.decode_array(arrays[name], f"trace.{name}")
    pairs, triples = d * (d + 1) // 2, d * (d + 1) * (d + 2) // 6
    full = (d,) * n
    sorted_shape = (pairs,) if n == 2 else (triples,)
    expected = {
        "case_upper": (full if strategy == "brute_force" else sorted_shape, "int64"),
        "correct": (full if strategy == "brute_force" else sorted_shape, "bits"),
        "lse_upper": ((d,), "int64"), "top2": ((d, 2), "int64"),
        "pair_upper": ((pairs,), "int64"), "runner_up": ((pairs,), "int64"),
    }
    shape, dtype = expected[name]
    if tuple(array.shape) != shape or arrays[name]["dtype"] != dtype:
        raise ValueError(f"trace.{name}: expected {dtype} of shape {shape}")
    if dtype == "bits":
        flat = ["true" if bool(b) else "false" for b in array.reshape(-1).tolist()]
    else:
        flat = [coq_int_float(k) for k in array.reshape(-1).tolist()]
    if kind == "list_float":
        return kind, flat
    if name == "top2":
        return kind, [flat[2 * s : 2 * s + 2] for s in range(d)]
    if name in ("pair_upper", "runner_up"):
        return kind, _sorted_rows(flat, d)
    if strategy == "brute_force":
        if n == 2:
            return kind, [flat[t * d : (t + 1) * d] for t in range(d)]
        return kind, [[flat[(t1 * d + t2) * d : (t1 * d + t2 + 1) * d] for t2 in range(d)]
                      for t1 in range(d)]
    return kind, (_sorted_rows(flat, d) if n == 2 else _sorted_triples(flat, d))


def coq_context(doc: dict) -> dict:
    """Template context of a structurally valid certificate (see the module docstring)."""
    config = cert.model_config(doc)
    weights = cert.model_weights(doc)
    d, dm, n = int(config.d_vocab), int(config.d_model), int(config.n_ctx)
    shapes = {"embedding.weight": (dm, d), "linear.weight": (dm, dm),
              "unembedding.weight": (d, dm)}
    for key in WEIGHT_KEYS:
        if tuple(weights[key].shape) != shapes[key]:
            raise ValueError(f"model.weights.{key}: shape {weights[key].shape}, "
                             f"expected {shapes[key]}")
    model_sha = weights_sha256(weights)
    if model_sha != doc["model"]["sha256"] or not HEX_DIGEST.match(model_sha):
        raise ValueError("model.sha256 does not match the weights")
    content_sha = cert.content_sha256(doc)
    assert HEX_DIGEST.match(content_sha)

    strategy = STRATEGIES.get(doc["strategy"]["name"])
    quantity_relation = QUANTITIES.get(doc["claim"]["quantity"])
    if strategy is None or quantity_relation is None:
        raise ValueError("unknown strategy or quantity")
    quantity, relation, short = quantity_relation
    if doc["claim"]["relation"] != relation:
        raise ValueError(f"{quantity} must be claimed with {relation}")
    if n not in (2, 3):
        raise UnsupportedCertificate(f"the Coq checkers cover n_ctx = 2 and 3 (got {n})")
    grid_bits = doc["strategy"]["parameters"]["grid_bits"]
    if not isinstance(grid_bits, int) or isinstance(grid_bits, bool) or not 0 <= grid_bits <= 1000:
        raise ValueError("strategy.parameters.grid_bits must be an integer in [0, 1000]")
    bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
    p, q = int(bound.numerator), int(bound.denominator)

    trace_type, trace = _trace(doc, strategy, quantity, d, n)
    checker = f"check_{strategy}_{short}{n}"
    model_ident = _ident(config.name)
    module_name = f"cert_{model_ident}_{strategy}_{quantity}_{content_sha[:16]}"
    for ident in (module_name, checker, THEOREM_NAME, *DATA_NAMES):
        assert IDENT.match(ident), ident

    return {
        "module_name": module_name,
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": list(DATA_NAMES),
        "model_ident": model_ident,
        "model_sha256": model_sha,
        "content_sha256": content_sha,
        "strategy": strategy,
        "quantity": quantity,
        "n_ctx": n,
        "d_vocab": d,
        "d_model": dm,
        "grid_bits": grid_bits,
        "claim_p": p,
        "claim_q": q,
        "quantity_fn": f"{quantity}{n}",
        "checker": checker,
        "correct_lemma": f"{checker}_correct",
        "trace_type": trace_type,
        "E": _rows(weights["embedding.weight"]),
        "H": _rows(weights["linear.weight"]),
        "U": _rows(weights["unembedding.weight"]),
        "trace": trace,
    }
