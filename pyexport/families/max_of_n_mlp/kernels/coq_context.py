"""Template context of a Coq certificate (templates/coq/max_of_n_mlp/certificate.v.j2).

`coq_context(doc)` takes a certificate already validated by `pyexport.certificate.read` and
returns the variables of the template. Every value in it is printed here by code: ints, Coq
identifiers over `[A-Za-z0-9_]` chosen from fixed tables (or the model name after checking it
against `certificate.NAME_PATTERN` and mapping it to an identifier), lowercase hex digests
recomputed here, `true`/`false`, and exact hexadecimal float literals made by `coq_float`
(round trip asserted). No string of the certificate reaches the template.

The rendered file states the claim about the real-valued model
(`expected_loss<n> (model_of cert_weights) <= IZR p / IZR q`, resp. `accuracy<n> ... >= ...`,
n = n_ctx = 2 or 3) and proves it with the reflective checker of coq/theories/CheckLoss*.v /
CheckAccuracy*.v (exact arithmetic) or, for the keys of FLOAT_CHECKERS when the prover left
kernel slack, of CheckFloat*.v (outward-rounded binary64), evaluated by `vm_compute`
(`vm_cast_no_check`: the kernel runs it once, at `Qed`).

Context variables (see coq/README.md, "Template context"):

    module_name       file/module name: cert_<model>_<strategy>_<quantity>_<16 hex digits>
    THEOREM_NAME      "certificate"
    DATA_NAMES        the constants holding the certificate's data (parts first)
    model_ident       the model name mapped to [a-z0-9_]
    model_sha256      SHA-256 of the weights (recomputed, equal to the certificate's)
    content_sha256    SHA-256 of the certificate without metrics (recomputed)
    strategy          brute_force | symmetry | convexity
    quantity          expected_loss | accuracy
    n_ctx, d_vocab, d_model, grid_bits, claim_p, claim_q    ints
    quantity_fn       expected_loss2 | accuracy2 | expected_loss3 | accuracy3
    checker, correct_lemma    checker and soundness theorem names
    trace_type        rows_float | list_float | rows_bool | rows3_float | rows3_bool | list_Z |
                      rows_Z (the template maps it to a Coq type: lists of 1 to 3 levels;
                      the Z kinds are the row totals of the binary64 brute-force checkers)
    data_modules      the data as modules rendered from data.v.j2 (see `data_modules`):
                      each {module_name, parts: [{piece, name, kind, rows}]}, where piece is
                      cert_E | cert_H | cert_U | cert_trace, kind a trace_type and rows
                      (nested) lists of float literals, true/false or Z literals
                      (`12%Z`): E, H, U are rows of
                      d_model x d_vocab, d_model x d_model, d_vocab x d_model; the trace is in
                      the layout of the checker (coq/README.md, "Trace layouts")
                      (empty when the data fits one module: see inline_parts)
    inline_parts      the parts of that one module, defined in the check file itself
    piece_parts       [{piece, kind, names}]: each piece's kind and its parts' names
                      (qualified by their data module, or plain when inline), in order
"""

from __future__ import annotations

import re

import numpy as np

from pyexport.families import UnsupportedCertificate
from pyexport.kernels.coq_literals import coq_float
from pyexport.families.max_of_n_mlp.kernels.render_input import RenderInput, prepare, trace_rows

THEOREM_NAME = "certificate"
DATA_NAMES = ("CertData.cert_E", "CertData.cert_H", "CertData.cert_U", "CertData.cert_trace",
              "cert_weights", "cert_data")
# Literals per data module. Coq keeps about 2.5 KB per literal while it reads a file but about
# 60 bytes per literal of a compiled one, so the data is rendered as modules of at most this
# many literals, each compiled by its own coqc (about 1.1 GB and 12 s here), and the check
# file loads them compiled: peak memory is one module's reading, not the whole data's.
DATA_MODULE_LITERALS = 1 << 18

# (strategy, quantity, n_ctx) -> how the template types the trace
TRACE_TYPES = {
    ("brute_force", "expected_loss", 2): "rows_float", ("symmetry", "expected_loss", 2): "rows_float",
    ("convexity", "expected_loss", 2): "list_float", ("brute_force", "accuracy", 2): "rows_bool",
    ("symmetry", "accuracy", 2): "rows_bool", ("convexity", "accuracy", 2): "rows_float",
    ("brute_force", "expected_loss", 3): "rows3_float",
    ("symmetry", "expected_loss", 3): "rows3_float", ("convexity", "expected_loss", 3): "rows_float",
    ("brute_force", "accuracy", 3): "rows3_bool", ("symmetry", "accuracy", 3): "rows3_bool",
    ("convexity", "accuracy", 3): "rows_float",
}
# Checkers in outward-rounded binary64 (coq/theories/CheckFloat*.v), name suffix "f", with the
# smallest d_vocab at which they are used: for certificates whose prover left kernel slack
# (strategy.parameters.kernel_slack_bits) and are at least that large. Below it the exact
# checker is as fast or faster (coqc wall time, same machine and run: max2-d64 accuracy
# 2.7 s exact vs 2.8 s float for brute force, 2.3 s vs 3.5 s for convexity; random d_model-32
# models at d_vocab 128: brute force 7.1 s vs 3.2 s, symmetry 5.1 s vs 3.1 s, convexity 4.0 s
# vs 4.8 s; at 256 convexity 6.5 s vs 4.8 s). The loss checkers are faster from 64 up
# (max2-d64: brute force 4.7 s vs 3.3 s, symmetry 4.0 s vs 3.1 s, convexity 3.3 s vs 2.9 s).
# Three tokens (random d_model-32 models, exact vs float, as `bench_kernels.py --exact-vs-float`
# now also runs; one run, not best of two): d_vocab 16 brute-force loss 4.0 s vs
# 3.3 s, symmetry loss 3.0 s vs 3.2 s, accuracy 2.7 s vs 2.8 s and 2.6 s vs 2.9 s; d_vocab 32
# 15.7 s vs 5.6 s, 5.7 s vs 4.9 s, 8.5 s vs 6.9 s, 6.5 s vs 5.8 s.
# Exact checkers accept slackened certificates too, and all older ones as before.
FLOAT_CHECKERS = {("brute_force", "loss", 2): 1, ("symmetry", "loss", 2): 1,
                  ("convexity", "loss", 2): 1, ("brute_force", "accuracy", 2): 128,
                  ("symmetry", "accuracy", 2): 128, ("convexity", "accuracy", 2): 256,
                  ("brute_force", "loss", 3): 16, ("symmetry", "loss", 3): 32,
                  ("brute_force", "accuracy", 3): 32, ("symmetry", "accuracy", 3): 32}
# Brute force with more per-input values than one data module holds is checked against one
# integer per row of inputs (the inputs sharing all tokens but the last): the sum of the row's
# per-input loss bounds (grid units), or its count of inputs marked correct (checkers with
# suffix "r", coq/theories/MaxOfN/CheckFloat2.v, "Brute force against row totals"). Reading a literal
# costs Coq 10-40 us, more than checking an input: 16.8 million took 15 minutes of a max3-d256
# check. Below that size the binary64 checkers read every input's value, so that the checked
# term holds the whole trace and its size orders the strategies as the compactness measure
# should (brute force > symmetry > convexity).
ROW_TOTAL_TRACE_TYPES = {2: "list_Z", 3: "rows_Z"}
ROW_TOTALS_ABOVE = DATA_MODULE_LITERALS  # per-input values
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$")
EXACT_INT_LIMIT = 1 << 53


def coq_int_float(k) -> str:
    """A trace integer as an (exact) float literal; |k| < 2^53 is required."""
    k = int(k)
    if abs(k) >= EXACT_INT_LIMIT:
        raise UnsupportedCertificate(f"trace integer {k} is not exact as a binary64 float")
    return coq_float(float(k))


def _rows(matrix: np.ndarray) -> list[list[str]]:
    return [[coq_float(v) for v in row] for row in np.asarray(matrix, dtype=np.float64).tolist()]


def _trace(inp: RenderInput) -> list:
    flat = inp.trace.reshape(-1).tolist()
    if inp.trace.dtype == bool:
        return trace_rows(inp, ["true" if b else "false" for b in flat])
    return trace_rows(inp, [coq_int_float(k) for k in flat])


def _row_totals(inp: RenderInput) -> list:
    """The brute-force trace summed over the last token, as Z literals: [t1] for n_ctx 2,
    [t1][t2] for n_ctx 3 (exact: Python integers)."""
    d = inp.d
    flat = [int(v) for v in inp.trace.reshape(-1).tolist()]
    totals = [f"{total}%Z" if total >= 0 else f"Z.opp {-total}%Z"
              for total in (sum(flat[i : i + d]) for i in range(0, len(flat), d))]
    return totals if inp.n == 2 else [totals[t * d : (t + 1) * d] for t in range(d)]


def _size(item) -> int:
    """Literals in a (nested) trace or matrix item."""
    return sum(_size(x) for x in item) if isinstance(item, list) else 1


def data_modules(module_name: str, pieces: list[tuple[str, str, list]]) -> list[dict]:
    """The data split into modules `<module_name>_data<k>` of at most DATA_MODULE_LITERALS
    literals (a top-level row is never split): each module holds, for each piece
    (name, kind, rows) it meets, a part `<name>_<k>` of consecutive rows; the check file
    concatenates a piece's parts in order."""
    modules: list[dict] = []
    size = DATA_MODULE_LITERALS
    for name, kind, rows in pieces:
        assert rows, name
        for row in rows:
            row_size = _size(row)
            if size + row_size > DATA_MODULE_LITERALS and size:
                modules.append({"module_name": f"{module_name}_data{len(modules)}", "parts": []})
                size = 0
            parts = modules[-1]["parts"]
            if not parts or parts[-1]["piece"] != name:
                parts.append({"piece": name, "name": f"{name}_{len(modules) - 1}", "kind": kind,
                              "rows": []})
            parts[-1]["rows"].append(row)
            size += row_size
    return modules


def coq_context(doc: dict) -> dict:
    """Template context of a structurally valid certificate (see the module docstring)."""
    inp = prepare(doc, supported_n=(2, 3))
    n = inp.n
    short = "loss" if inp.quantity == "expected_loss" else "accuracy"
    checker = f"check_{inp.strategy}_{short}{n}"
    float_from = FLOAT_CHECKERS.get((inp.strategy, short, n))
    if inp.kernel_slack_bits is not None and float_from is not None and inp.d >= float_from:
        checker += "f"
    row_totals = (inp.strategy == "brute_force" and checker.endswith("f")
                  and inp.d ** n > ROW_TOTALS_ABOVE)
    if row_totals:
        checker = checker[:-1] + "r"
    trace_type = ROW_TOTAL_TRACE_TYPES[n] if row_totals else TRACE_TYPES[(inp.strategy, inp.quantity, n)]
    pieces = [("cert_E", "rows_float", _rows(inp.weights["embedding.weight"])),
              ("cert_H", "rows_float", _rows(inp.weights["linear.weight"])),
              ("cert_U", "rows_float", _rows(inp.weights["unembedding.weight"])),
              ("cert_trace", trace_type, _row_totals(inp) if row_totals else _trace(inp))]
    modules = data_modules(inp.module_name, pieces)
    # Data that fits one module is read by the check file itself: one coqc start less.
    inline_parts = modules.pop()["parts"] if len(modules) == 1 else []
    piece_parts = [{"piece": piece, "kind": kind,
                    "names": [p["name"] for p in inline_parts if p["piece"] == piece]
                    + [f"{m['module_name']}.{p['name']}" for m in modules
                       for p in m["parts"] if p["piece"] == piece]}
                   for piece, kind, _ in pieces]
    data_names = [f"CertData.{name}" if "." not in name else name
                  for piece in piece_parts for name in piece["names"]] + list(DATA_NAMES)
    for ident in (inp.module_name, checker, THEOREM_NAME, *data_names):
        assert IDENT.fullmatch(ident), ident
    return {
        "module_name": inp.module_name,
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": data_names,
        "model_ident": inp.model_ident,
        "model_sha256": inp.model_sha256,
        "content_sha256": inp.content_sha256,
        "strategy": inp.strategy,
        "quantity": inp.quantity,
        "n_ctx": n,
        "d_vocab": inp.d,
        "d_model": inp.dm,
        "grid_bits": inp.grid_bits,
        "claim_p": inp.claim_p,
        "claim_q": inp.claim_q,
        "quantity_fn": f"{inp.quantity}{n}",
        "checker": checker,
        "correct_lemma": f"{checker}_correct",
        "trace_type": trace_type,
        "data_modules": modules,
        "inline_parts": inline_parts,
        "piece_parts": piece_parts,
    }
