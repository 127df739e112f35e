"""Template context of a Lean 4 certificate (templates/lean/max_of_n_mlp/certificate.lean.j2).

`lean_context(doc, native=False)` takes a certificate already validated by
`pyexport.certificate.read` and returns the variables of the template. Every value in it is
printed here by code: ints (Python ints, rendered in decimal), identifiers over
`[A-Za-z0-9_]` chosen from fixed tables (or the model name after checking it against
`certificate.NAME_PATTERN` and mapping it to an identifier), lowercase hex digests recomputed
here, and `true`/`false`. No string of the certificate reaches the template.

The rendered file states the claim about the real-valued model with the exact dyadic weights,
`expectedLoss2 cert_data.weights.colTable ≤ (p : ℝ) / q` (resp. `accuracy2 … ≥ (p : ℝ) / q`;
`accuracy3 …` for three tokens), and proves it with a reflective checker of
lean/PyExport/MaxOfN/Check.lean / CheckLoss.lean / Check3.lean, evaluated by the kernel
(`decide +kernel`; `native_decide` only when `native` is true). Three-token (n_ctx 3)
certificates are rendered for accuracy only; n_ctx 3 loss certificates are refused
(`UnsupportedCertificate`: no Lean checker for them).

Context variables (see lean/README.md, "Rendering contract"):

    module_name       file stem: cert_<model>_<strategy>_<quantity>_<16 hex digits>
    THEOREM_NAME      "certificate"
    DATA_NAMES        the constants holding the certificate's data
    model_ident       the model name mapped to [a-z0-9_]
    model_sha256      SHA-256 of the weights (recomputed, equal to the certificate's)
    content_sha256    SHA-256 of the certificate without metrics (recomputed)
    strategy          brute_force | symmetry | convexity
    quantity          expected_loss | accuracy
    n_ctx, d_vocab, d_model, grid_bits, claim_p, claim_q    ints
    quantity_fn       expectedLoss2 | accuracy2 | accuracy3
    checker, soundness    Lean checker and soundness theorem names
    native            bool: prove `check … = true` by native_decide instead of decide +kernel
    eE, eH, eU        exponents: E = Et^T / 2^eE, H = H / 2^eH, U = U / 2^eU
    Et, H, U          integer numerators (Et: d rows of d_model; H: d_model rows; U: d rows)
    prec, terms, halvings   parameters of the exp enclosures (loss only; 0 for accuracy)
    trace_type        bool_rows | bool_cubes | nat_rows | int_rows | int_list
    trace             rows (or one list, or n_ctx 3 verdicts: lists of rows) of ints, or of
                      "true"/"false"

`mirror_check(ctx)` re-runs, in Python integers, exactly the computation of the Lean checker
the context names (same lists, same rounding); it is used to choose the exp-enclosure
precision and by the tests. It is not part of the trusted base: the Lean kernel re-does it.
"""

from __future__ import annotations

import re

import numpy as np

from pyexport.dyadic import dyadic_matrix
from pyexport.families import UnsupportedCertificate
from pyexport.kernels.lean_exp import exp_lo_int, exp_up_neg, taylor_terms
from pyexport.families.max_of_n_mlp.kernels.render_input import prepare, trace_rows

THEOREM_NAME = "certificate"
DATA_NAMES = ("cert_Et", "cert_H", "cert_U", "cert_trace", "cert_data")

# (quantity, n_ctx) -> (the Lean quantity, the checker name's suffix)
QUANTITIES = {("expected_loss", 2): ("expectedLoss2", "Loss"),
              ("accuracy", 2): ("accuracy2", "Accuracy"),
              ("accuracy", 3): ("accuracy3", "Accuracy3")}
CHECKER_PREFIX = {"brute_force": "checkBruteForce", "symmetry": "checkSymmetry",
                  "convexity": "checkConvexity"}
# trace array -> how the template types it
TRACE_TYPES = {"case_upper": "int_rows", "lse_upper": "int_list", "correct": "bool_rows",
               "top2": "nat_rows", "runner_up": "nat_rows"}
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FILE_STEM = re.compile(r"^[A-Za-z0-9_]+$")

# Exp enclosures (loss strategies): the fixed-point precisions tried in turn (the first one
# for which the Python mirror of the checker succeeds is used).
PRECISIONS = (64, 96, 128, 192, 256)
MIRROR_MAX_D = 256  # above this the mirror is not run and the largest precision is used


def lean_context(doc: dict, native: bool = False) -> dict:
    """Template context of a structurally valid certificate (see the module docstring)."""
    inp = prepare(doc, supported_n=(2, 3))
    if (inp.quantity, inp.n) not in QUANTITIES:
        raise UnsupportedCertificate(
            f"no Lean checker for {inp.quantity} at n_ctx = {inp.n} (n_ctx 3: accuracy only)")
    quantity_fn, suffix = QUANTITIES[(inp.quantity, inp.n)]
    checker = CHECKER_PREFIX[inp.strategy] + suffix
    assert FILE_STEM.fullmatch(inp.module_name)
    for ident in (inp.module_name, checker, THEOREM_NAME, *DATA_NAMES):
        assert IDENT.fullmatch(ident), ident
    flat = inp.trace.reshape(-1).tolist()
    if inp.trace.dtype == bool:
        flat = ["true" if b else "false" for b in flat]
    weights = inp.weights

    Et, eE = dyadic_matrix(np.asarray(weights["embedding.weight"]).T)
    H, eH = dyadic_matrix(weights["linear.weight"])
    U, eU = dyadic_matrix(weights["unembedding.weight"])

    ctx = {
        "module_name": inp.module_name,
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": list(DATA_NAMES),
        "model_ident": inp.model_ident,
        "model_sha256": inp.model_sha256,
        "content_sha256": inp.content_sha256,
        "strategy": inp.strategy,
        "quantity": inp.quantity,
        "n_ctx": inp.n,
        "d_vocab": inp.d,
        "d_model": inp.dm,
        "grid_bits": inp.grid_bits,
        "claim_p": inp.claim_p,
        "claim_q": inp.claim_q,
        "quantity_fn": quantity_fn,
        "checker": checker,
        "soundness": f"{checker}_sound",
        "native": bool(native),
        "eE": eE,
        "eH": eH,
        "eU": eU,
        "Et": Et,
        "H": H,
        "U": U,
        "prec": 0,
        "terms": 0,
        "halvings": 0,
        "trace_type": "bool_cubes" if inp.n == 3 and inp.trace_name == "correct"
                      else TRACE_TYPES[inp.trace_name],
        "trace": trace_rows(inp, flat),
    }
    if inp.quantity == "expected_loss":
        ctx.update(_exp_parameters(ctx))
    return ctx


def _halvings(ctx: dict, W: list) -> int:
    """Halvings s with every exp argument of the checker at most 2^(s-3) in absolute value."""
    d, G = ctx["d_vocab"], ctx["grid_bits"]
    S = ctx["eE"] + ctx["eH"] + ctx["eU"]
    shifts = [max(col) for col in W]
    largest = max(max(shifts[t] - min(W[t]) for t in range(d)) << G, 1)  # table, over 2^(S+G)
    for a, b, v in _lse_tests(ctx, W):
        largest = max(largest, abs(v - (shifts[a] + shifts[b]) * (1 << G)))
    units = -(-largest >> (S + G))  # ceil(largest / 2^(S+G))
    return max(units.bit_length(), 1) + 3


def _exp_parameters(ctx: dict) -> dict:
    """prec, terms, halvings of the exp enclosures: the first precision (of PRECISIONS) for
    which the Python mirror of the Lean checker accepts, or the largest one."""
    W = _wcols(ctx)
    params = {"halvings": _halvings(ctx, W)}
    candidates = PRECISIONS if ctx["d_vocab"] <= MIRROR_MAX_D else PRECISIONS[-1:]
    for prec in candidates:
        params.update(prec=prec, terms=taylor_terms(prec))
        if prec == candidates[-1] or mirror_check({**ctx, **params}, W):
            break
    return params


# --- Python mirror of the Lean checkers --------------------------------------------------------


def _nth(lst, i, default):
    return lst[i] if 0 <= i < len(lst) else default


def _dot(n: int, u: list, v: list) -> int:
    return sum(_nth(u, k, 0) * _nth(v, k, 0) for k in range(n))


def _wcols(ctx: dict) -> list[list[int]]:
    """`CertData.wcol t` for t < d: U (H Et[t]), each row a `d_model`-term dot product."""
    d, dm = ctx["d_vocab"], ctx["d_model"]
    cols = []
    for t in range(d):
        e = _nth(ctx["Et"], t, [])
        he = [_dot(dm, _nth(ctx["H"], i, []), e) for i in range(dm)]
        cols.append([_dot(dm, _nth(ctx["U"], j, []), he) for j in range(d)])
    return cols


def _lab(a: int, b: int) -> int:
    return b if a <= b else a


def _corr(W: list, d: int, a: int, b: int) -> bool:
    y = _lab(a, b)
    zy = W[a][y] + W[b][y]
    return all(j == y or W[a][j] + W[b][j] < zy for j in range(d))


def _claim_acc_ok(d: int, p: int, q: int, count: int) -> bool:
    return q > 0 and d > 0 and p * d * d <= count * q


def _mirror_accuracy(ctx: dict, W: list) -> bool:
    d, p, q, tr = ctx["d_vocab"], ctx["claim_p"], ctx["claim_q"], ctx["trace"]
    strategy = ctx["strategy"]
    if strategy == "brute_force":
        bit = lambda a, b: _nth(_nth(tr, a, []), b, "false") == "true"  # noqa: E731
        if not all(not bit(a, b) or _corr(W, d, a, b) for a in range(d) for b in range(d)):
            return False
        return _claim_acc_ok(d, p, q, sum(bit(a, b) for a in range(d) for b in range(d)))
    if strategy == "symmetry":
        bit = lambda a, b: _nth(_nth(tr, b, []), a, "false") == "true"  # noqa: E731
        if not all(not bit(a, b) or _corr(W, d, a, b) for b in range(d) for a in range(b + 1)):
            return False
        count = sum((2 if a < b else 1) * bit(a, b) for b in range(d) for a in range(b + 1))
        return _claim_acc_ok(d, p, q, count)
    # convexity
    hints = []
    for s in range(d):
        col = W[s]
        f, sc = _nth(_nth(tr, s, []), 0, 0), _nth(_nth(tr, s, []), 1, 0)
        get = lambda j: _nth(col, j, 0)  # noqa: E731
        ok = (f < d and sc < d and f != sc and get(sc) <= get(f)
              and all(j == f or j == sc or get(j) <= get(sc) for j in range(d)))
        if not ok:
            return False
        hints.append((f, sc))

    def margin(s, y):
        f, sc = hints[s]
        return W[s][y] - (W[s][sc] if y == f else W[s][f])

    count = sum((2 if a < b else 1) * (margin(a, b) + margin(b, b) > 0)
                for b in range(d) for a in range(b + 1))
    return _claim_acc_ok(d, p, q, count)


def _lse_tests(ctx: dict, W: list) -> list[tuple[int, int, int]]:
    """The (a, b, v) of every `lseOk c a b v` the loss checker of `ctx` evaluates."""
    d, G, tr = ctx["d_vocab"], ctx["grid_bits"], ctx["trace"]
    S = ctx["eE"] + ctx["eH"] + ctx["eU"]

    def loss_arg(a, b, k):
        y = _lab(a, b)
        return (W[a][y] + W[b][y]) * (1 << G) + k * (1 << S)

    if ctx["strategy"] == "brute_force":
        return [(a, b, loss_arg(a, b, _nth(_nth(tr, a, []), b, 0)))
                for a in range(d) for b in range(d)]
    if ctx["strategy"] == "symmetry":
        return [(a, b, loss_arg(a, b, _nth(_nth(tr, b, []), a, 0)))
                for b in range(d) for a in range(b + 1)]
    return [(t, t, _nth(tr, t, 0) * (1 << S)) for t in range(d)]


def _mirror_loss(ctx: dict, W: list) -> bool:
    d, G, tr = ctx["d_vocab"], ctx["grid_bits"], ctx["trace"]
    P, n, s = ctx["prec"], ctx["terms"], ctx["halvings"]
    S = ctx["eE"] + ctx["eH"] + ctx["eU"]
    E = S + G
    if n <= 0:
        return False
    shifts = [max([W[t][0]] + W[t]) for t in range(d)]
    cols = [[exp_up_neg(P, n, s, max((shifts[t] - x) << G, 0), E) for x in W[t]]
            for t in range(d)]
    for a, b, v in _lse_tests(ctx, W):
        lhs = _dot(d, cols[a], cols[b])
        if lhs > exp_lo_int(P, n, s, v - ((shifts[a] + shifts[b]) << G), E) << P:
            return False
    p, q = ctx["claim_p"], ctx["claim_q"]
    if ctx["strategy"] == "brute_force":
        total, exponent = sum(_nth(_nth(tr, a, []), b, 0) << S
                              for a in range(d) for b in range(d)), E
    elif ctx["strategy"] == "symmetry":
        total, exponent = sum((2 if a < b else 1) * (_nth(_nth(tr, b, []), a, 0) << S)
                              for b in range(d) for a in range(b + 1)), E
    else:
        def cterm(t, y):
            return (_nth(tr, t, 0) << S) - 2 * W[t][y] * (1 << G)

        total = sum((2 if a < b else 1) * (cterm(a, b) + cterm(b, b))
                    for b in range(d) for a in range(b + 1))
        exponent = E + 1
    return q > 0 and d > 0 and total * q <= p * d * d * (1 << exponent)


def _mult3(a: int, b: int, e: int) -> int:
    """Orbit size of the sorted triple a <= b <= e (`sortedSum3`'s 6 / 3 / 1)."""
    return 6 if a < b < e else 1 if a == e else 3


def _mirror_accuracy3(ctx: dict, W: list) -> bool:
    """`checkBruteForceAccuracy3` / `checkSymmetryAccuracy3` / `checkConvexityAccuracy3`."""
    d, p, q, tr = ctx["d_vocab"], ctx["claim_p"], ctx["claim_q"], ctx["trace"]

    def bit(i, j, k):  # trace entry [i][j][k], `nth false` past the ends
        return _nth(_nth(_nth(tr, i, []), j, []), k, "false") == "true"

    def corr(a, b, e):
        y = max(a, b, e)
        zy = W[a][y] + W[b][y] + W[e][y]
        return all(j == y or W[a][j] + W[b][j] + W[e][j] < zy for j in range(d))

    sorted3 = [(a, b, e) for e in range(d) for b in range(e + 1) for a in range(b + 1)]
    if ctx["strategy"] == "brute_force":
        claimed = [(a, b, e) for a in range(d) for b in range(d) for e in range(d) if bit(a, b, e)]
        weights = [1] * len(claimed)
    elif ctx["strategy"] == "symmetry":
        claimed = [(a, b, e) for a, b, e in sorted3 if bit(e, b, a)]
        weights = [_mult3(*t) for t in claimed]
    else:
        margin = {}
        for e in range(d):
            for t in range(e + 1):
                z = [2 * W[t][j] + W[e][j] for j in range(d)]
                js = _nth(_nth(tr, e, []), t, 0)
                if not (js < d and js != e and all(j == e or z[j] <= z[js] for j in range(d))):
                    return False
                margin[t, e] = z[e] - z[js]
        claimed = []  # certified by the margins, hence not re-verified
        weights = [_mult3(a, b, e) for a, b, e in sorted3 if margin[a, e] + margin[b, e] > 0]
    if not all(corr(*t) for t in claimed):
        return False
    return q > 0 and d > 0 and p * d**3 <= sum(weights) * q


def mirror_check(ctx: dict, W: list | None = None) -> bool:
    """The verdict the Lean checker named by `ctx` computes on the rendered data."""
    W = _wcols(ctx) if W is None else W
    if ctx["n_ctx"] == 3:
        return _mirror_accuracy3(ctx, W)
    if ctx["quantity"] == "accuracy":
        return _mirror_accuracy(ctx, W)
    return _mirror_loss(ctx, W)
