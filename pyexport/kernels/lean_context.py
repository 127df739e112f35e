"""The template context of a Lean 4 certificate file (templates/lean/certificate.lean.j2).

`lean_context(doc, native=False)` takes a certificate already validated by
`pyexport.certificate.read` and returns the variables of the template. Every value in it is
printed here by code: ints (Python ints, rendered in decimal), identifiers over
`[A-Za-z0-9_]` chosen from fixed tables (or the model name after checking it against
`certificate.NAME_PATTERN` and mapping it to an identifier), lowercase hex digests recomputed
here, and `true`/`false`. No string of the certificate reaches the template.

The rendered file states the claim about the real-valued model with the exact dyadic weights,
`expectedLoss2 cert_data.weights.colTable ≤ (p : ℝ) / q` (resp. `accuracy2 … ≥ (p : ℝ) / q`),
and proves it with a reflective checker of lean/PyExport/Check.lean / CheckLoss.lean, evaluated
by the kernel (`decide +kernel`; `native_decide` only when `native` is true).

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
    quantity_fn       expectedLoss2 | accuracy2
    checker, soundness    Lean checker and soundness theorem names
    native            bool: prove `check … = true` by native_decide instead of decide +kernel
    eE, eH, eU        exponents: E = Et^T / 2^eE, H = H / 2^eH, U = U / 2^eU
    Et, H, U          integer numerators (Et: d rows of d_model; H: d_model rows; U: d rows)
    prec, terms, halvings   parameters of the exp enclosures (loss only; 0 for accuracy)
    trace_type        bool_rows | nat_rows | int_rows | int_list
    trace             rows (or one list) of ints, or of "true"/"false"

`mirror_check(ctx)` re-runs, in Python integers, exactly the computation of the Lean checker
the context names (same lists, same rounding); it is used to choose the exp-enclosure
precision and by the tests. It is not part of the trusted base: the Lean kernel re-does it.
"""

from __future__ import annotations

import re

import numpy as np

from pyexport import certificate as cert
from pyexport.model import WEIGHT_KEYS, weights_sha256

THEOREM_NAME = "certificate"
DATA_NAMES = ("cert_Et", "cert_H", "cert_U", "cert_trace", "cert_data")

STRATEGIES = {"brute-force": "brute_force", "symmetry": "symmetry", "convexity": "convexity"}
QUANTITIES = {"expected_loss": ("expected_loss", "<=", "expectedLoss2", "Loss"),
              "accuracy": ("accuracy", ">=", "accuracy2", "Accuracy")}
CHECKER_PREFIX = {"brute_force": "checkBruteForce", "symmetry": "checkSymmetry",
                  "convexity": "checkConvexity"}
# (strategy, quantity) -> (trace array name, trace_type)
TRACES = {
    ("brute_force", "expected_loss"): ("case_upper", "int_rows"),
    ("symmetry", "expected_loss"): ("case_upper", "int_rows"),
    ("convexity", "expected_loss"): ("lse_upper", "int_list"),
    ("brute_force", "accuracy"): ("correct", "bool_rows"),
    ("symmetry", "accuracy"): ("correct", "bool_rows"),
    ("convexity", "accuracy"): ("top2", "nat_rows"),
}
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FILE_STEM = re.compile(r"^[A-Za-z0-9_]+$")

# Exp enclosures (loss strategies): the fixed-point precisions tried in turn (the first one
# for which the Python mirror of the checker succeeds is used).
PRECISIONS = (64, 96, 128, 192, 256)
MIRROR_MAX_D = 256  # above this the mirror is not run and the largest precision is used


class UnsupportedCertificate(ValueError):
    """A certificate this renderer has no Lean checker for (e.g. n_ctx = 3)."""


def _ident(name: str) -> str:
    if not isinstance(name, str) or not cert.NAME_PATTERN.match(name):
        raise ValueError("model name is not an identifier [a-z0-9][a-z0-9._-]{0,63}")
    ident = re.sub(r"[.-]", "_", name)
    assert re.fullmatch(r"[a-z0-9_]{1,64}", ident)
    return ident


def dyadic_ints(a: np.ndarray) -> tuple[list[list[int]], int]:
    """Integers M and an exponent K >= 0 with a == M / 2^K exactly (a: 2-d float32 array)."""
    ratios = [[float(x).as_integer_ratio() for x in row] for row in np.asarray(a).tolist()]
    K = max((q.bit_length() - 1 for row in ratios for _, q in row), default=0)
    ints = [[int(p) << (K - (q.bit_length() - 1)) for p, q in row] for row in ratios]
    for row, rrow in zip(ints, ratios):
        for m, (p, q) in zip(row, rrow):
            assert m * q == p << K, "not an exact dyadic rational"
    return ints, int(K)


def _sorted_rows(values: list, d: int) -> list[list]:
    """Split a flat array in sorted-pair order (0,0),(0,1),(1,1),(0,2),... into rows by t2."""
    if len(values) != d * (d + 1) // 2:
        raise ValueError("trace length is not d(d+1)/2")
    rows, start = [], 0
    for c in range(d):
        rows.append(values[start : start + c + 1])
        start += c + 1
    return rows


def _trace(doc: dict, strategy: str, quantity: str, d: int) -> tuple[str, list]:
    name, kind = TRACES[(strategy, quantity)]
    arrays = doc["trace"]["arrays"]
    if set(arrays) != {name}:
        raise ValueError(f"trace must hold exactly the array {name!r}")
    array = cert.decode_array(arrays[name], f"trace.{name}")
    sorted_len = d * (d + 1) // 2
    expected = {"case_upper": ((d, d) if strategy == "brute_force" else (sorted_len,), "int64"),
                "lse_upper": ((d,), "int64"), "top2": ((d, 2), "int64"),
                "correct": ((d, d) if strategy == "brute_force" else (sorted_len,), "bits")}
    shape, dtype = expected[name]
    if tuple(array.shape) != shape or arrays[name]["dtype"] != dtype:
        raise ValueError(f"trace.{name}: expected {dtype} of shape {shape}")
    if dtype == "bits":
        flat = ["true" if bool(b) else "false" for b in array.reshape(-1).tolist()]
    else:
        flat = [int(k) for k in array.reshape(-1).tolist()]
    if kind == "int_list":
        return kind, flat
    if name == "top2":
        if any(k < 0 for k in flat):
            raise ValueError("trace.top2: negative index")
        return kind, [flat[2 * s : 2 * s + 2] for s in range(d)]
    if strategy == "brute_force":
        return kind, [flat[t * d : (t + 1) * d] for t in range(d)]
    return kind, _sorted_rows(flat, d)


def lean_context(doc: dict, native: bool = False) -> dict:
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
        if not np.isfinite(weights[key]).all():
            raise ValueError(f"model.weights.{key} contains NaN or infinity")
    model_sha = weights_sha256(weights)
    if model_sha != doc["model"]["sha256"] or not HEX_DIGEST.match(model_sha):
        raise ValueError("model.sha256 does not match the weights")
    content_sha = cert.content_sha256(doc)
    assert HEX_DIGEST.match(content_sha)

    strategy = STRATEGIES.get(doc["strategy"]["name"])
    quantity_info = QUANTITIES.get(doc["claim"]["quantity"])
    if strategy is None or quantity_info is None:
        raise ValueError("unknown strategy or quantity")
    quantity, relation, quantity_fn, suffix = quantity_info
    if doc["claim"]["relation"] != relation:
        raise ValueError(f"{quantity} must be claimed with {relation}")
    if n != 2:
        raise UnsupportedCertificate(f"the Lean checkers cover n_ctx = 2 only (got {n})")
    grid_bits = doc["strategy"]["parameters"]["grid_bits"]
    if not isinstance(grid_bits, int) or isinstance(grid_bits, bool) or not 0 <= grid_bits <= 1000:
        raise ValueError("strategy.parameters.grid_bits must be an integer in [0, 1000]")
    bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
    p, q = int(bound.numerator), int(bound.denominator)
    if p < 0 or q <= 0:
        raise ValueError("claim.bound must be a non-negative rational")

    trace_type, trace = _trace(doc, strategy, quantity, d)
    checker = CHECKER_PREFIX[strategy] + suffix
    model_ident = _ident(config.name)
    module_name = f"cert_{model_ident}_{strategy}_{quantity}_{content_sha[:16]}"
    assert FILE_STEM.match(module_name)
    for ident in (module_name, checker, THEOREM_NAME, *DATA_NAMES):
        assert IDENT.match(ident), ident

    Et, eE = dyadic_ints(np.asarray(weights["embedding.weight"]).T)
    H, eH = dyadic_ints(weights["linear.weight"])
    U, eU = dyadic_ints(weights["unembedding.weight"])

    ctx = {
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
        "trace_type": trace_type,
        "trace": trace,
    }
    if quantity == "expected_loss":
        ctx.update(_exp_parameters(ctx))
    return ctx


def _taylor_terms(prec: int) -> int:
    """Terms n with (1/8)^n / n! < 2^-(prec + 8): the truncation at reduced arguments <= 1/8."""
    n, log2_fact = 1, 0.0
    while 3 * n + log2_fact < prec + 8:
        n += 1
        log2_fact += np.log2(n)
    return n


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
        params.update(prec=prec, terms=_taylor_terms(prec))
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


# Exp enclosures, exactly as lean/PyExport/ExpBound.lean (Nat arithmetic, `//` = Nat.div).


def _horner(P: int, K: int, m: int, i: int, R: int, up: bool) -> int:
    while i > 0:
        R = (1 << P) + (m * R) // (i << K) + (1 if up else 0)
        i -= 1
    return R


def exp_lo_nat(P: int, n: int, m: int, s: int, k: int) -> int:
    if s == 0:
        return _horner(P, k, m, n, 0, up=False)
    L = exp_lo_nat(P, n, m, s - 1, k + 1)
    return (L * L) >> P


def exp_hi_nat(P: int, n: int, m: int, s: int, k: int) -> int:
    if s == 0:
        tail = ((n + 1) << P) // n + 1 if n > 0 else 1
        return _horner(P, k, m, n, tail, up=True)
    U = exp_hi_nat(P, n, m, s - 1, k + 1)
    return ((U * U) >> P) + 1


def exp_up_neg(P: int, n: int, s: int, b: int, k: int) -> int:
    return (1 << (2 * P)) // max(exp_lo_nat(P, n, b, s, k), 1 << P) + 1


def exp_lo_int(P: int, n: int, s: int, a: int, k: int) -> int:
    if a >= 0:
        return exp_lo_nat(P, n, a, s, k)
    if -a <= 1 << (k + s):
        U = exp_hi_nat(P, n, -a, s, k)
        return (1 << (2 * P)) // U if U > 0 else 0
    return 0


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


def mirror_check(ctx: dict, W: list | None = None) -> bool:
    """The verdict the Lean checker named by `ctx` computes on the rendered data."""
    W = _wcols(ctx) if W is None else W
    if ctx["quantity"] == "accuracy":
        return _mirror_accuracy(ctx, W)
    return _mirror_loss(ctx, W)
