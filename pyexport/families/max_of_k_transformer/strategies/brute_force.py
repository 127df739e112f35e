"""Brute force: all d^n sequences, each decided (accuracy) or bounded (loss) soundly.

For a sequence t with query token q = t_{n-1} and label m = max(t), let w_i = exp(score_i - s)
for any shift s (decomposition.py for the scores), Z = sum_i w_i and L_i = EUPU[q] + EVOU[t_i] +
PVOU[i]. Then logit[x] - logit[m] = D[x] / Z with

    D[x] = sum_i w_i (L_i[x] - L_i[m]),

so the sequence is correct (label logit strictly above every other) iff D[x] < 0 for all x != m,
and its loss is log(1 + sum_{x != m} exp(D[x] / Z)).

Evaluation. The weights w come from a (d, d, n) table of sound exp enclosures (the scores
depend on (q, t_i, i) only); D is computed per sequence in float64 from the tables' midpoints,
and `slack` bounds the distance to the exact D[x] for every x at once (derivation in
`_slack_table`, plus 2^-1000 for underflow). Then max_x D < -slack proves the sequence correct,
max_x D >= slack proves it wrong, and the rare sequences in between are decided by an exact
forward pass in arb ball arithmetic at 256 bits (`ArbForward`); a sequence that even those
balls cannot decide (an exact tie) is not counted and is reported as undecided.

Accuracy theorem: accuracy >= #(sequences proved correct) / d^n; the trace holds the d^n
verdicts. Loss theorem: expected loss <= (1/d^n) sum of per-sequence upper bounds (rounded up to
the 2^-40 grid); the trace holds the d^n bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np
from tqdm import tqdm

from pyexport import flops
from pyexport import interval as iv
from pyexport.families.max_of_k_transformer.decomposition import Paths, paths
from pyexport.families.max_of_k_transformer.model import Model
from pyexport.grid import exact_sum, grid_fraction, grid_lower, grid_upper
from pyexport.interval import gamma
from pyexport.proof import Proof

CHUNK = 1 << 15  # sequences per block of work
ARB_PRECISION = 256
PROGRESS = {"disable": None, "leave": False}


@dataclass
class Tables:
    """What the per-sequence evaluation reads: (q, t, i) weight tables, midpoint logit tables
    and the per-(q, t, i) slack."""

    w_mid: np.ndarray  # (d, d, n) midpoints of exp(score - shift_q)
    w_lo: np.ndarray  # (d, d, n) lower bounds
    w_hi: np.ndarray  # (d, d, n) upper bounds
    V: np.ndarray  # (d, n, d) EVOU[t] + PVOU[i], midpoints, float64
    EU: np.ndarray  # (d, d) EUPU midpoints
    slack: np.ndarray  # (d, d, n): sum over i of slack[q, t_i, i] bounds the error of D


def tables(model: Model) -> Tables:
    p = paths(model)
    n = model.config.n_ctx
    scores = (p.EQKE[:, :, None] + p.EQKP[:, None, :]) * p.scale  # (q, t, i)
    shift = scores.hi.reshape(len(scores.hi), -1).max(axis=1)
    weights = iv.exp(scores - iv.Interval.point(shift[:, None, None]))
    V_mid = p.EVOU.mid[:, None, :] + p.PVOU.mid[None, :, :]
    flops.add(V_mid.size)
    return Tables(weights.mid, weights.lo, weights.hi, V_mid, p.EUPU.mid,
                  _slack_table(p, weights, V_mid, n))


def _slack_table(p: Paths, weights: iv.Interval, V_mid: np.ndarray, n: int) -> np.ndarray:
    """slack[q, t, i] such that sum_i slack[q, t_i, i] >= |D_computed[x] - D[x]| for all x.

    `_margins` computes acc[x] = Zc EU[q, x] + sum_i wm_i V[t_i, i, x] left to right (Zc = fl(sum
    wm_i)), then D[x] = fl(acc[x] - acc[m]). With M_ti = max_x |V[t, i, x]|, MU_q = max_x
    |EU[q, x]| and T = Zc MU_q + sum_i wm_i M_ti: the (n+1)-term sums err by <= gamma_{n+1} T
    each and the subtraction by <= u 2T(1 + gamma_{n+1}) (Higham 3.5), together <= 3 gamma_{n+2}
    T. Against the exact D[x] = Z (EUPU[q,x] - EUPU[q,m]) + sum_i w_i (V_i[x] - V_i[m]) with
    true weights w_i in [wm_i - wr_i, wm_i + wr_i] and true tables within rV_ti (rounding of
    EVOU + PVOU plus both tables' radii) and rU_q of the midpoints: |Zc - Z| <= gamma_{n-1}
    sum wm + sum wr contributes 2 MU_q times that, Z 2 rU_q, and each position wr_i 2 M_ti +
    w_i 2 rV_ti. All terms are sums over positions of functions of (q, t_i, i), with
    kappa = 4 gamma_{n+3} >= 3 gamma_{n+2} (1 + gamma) + 2 gamma_{n-1}:

        slack[q,t,i] = w_hi (kappa (M_ti + MU_q) + 2 rU_q + 2 rV_ti) + 2 wr (M_ti + MU_q)

    rounded up; the caller multiplies the n-term sum by (1 + 2^-40) >= 1 + gamma_n.
    """
    u = iv.UNIT_ROUNDOFF
    kappa = 4 * gamma(n + 3)
    M = np.abs(V_mid).max(axis=2)  # (t, i)
    MU = np.abs(p.EUPU.mid).max(axis=1)  # (q,)
    rV = iv.up(iv.up(p.EVOU.rad.max(axis=1)[:, None] + p.PVOU.rad.max(axis=1)[None, :])
               + iv.up(2 * u * M))
    rU = p.EUPU.rad.max(axis=1)
    mags = iv.up(M[None, :, :] + MU[:, None, None])
    per_weight = iv.up(iv.up(iv.up(kappa * mags) + iv.up(2 * rU)[:, None, None])
                       + iv.up(2 * rV)[None, :, :])
    out = iv.up(iv.up(weights.hi * per_weight) + iv.up(2 * weights.rad * mags))
    flops.add(12 * out.size)
    return out


def sequences(d: int, n: int, start: int, stop: int) -> np.ndarray:
    """Sequences number start..stop-1 in row-major order (last token fastest), (count, n)."""
    index = np.arange(start, stop, dtype=np.int64)
    return np.stack([(index // d ** (n - 1 - k)) % d for k in range(n)], axis=1)


def _margins(tab: Tables, tokens: np.ndarray):
    """Per sequence: the computed max_{x != m} D[x], its slack, the computed D and Z bounds."""
    B, n = tokens.shape
    d = tab.EU.shape[1]
    q, m, pos, rows = tokens[:, -1], tokens.max(axis=1), np.arange(n), np.arange(B)
    w = tab.w_mid[q[:, None], tokens, pos]
    acc = w.sum(axis=1)[:, None] * tab.EU[q]
    for i in range(n):
        acc += w[:, i, None] * tab.V[tokens[:, i], i]
    D = acc - acc[rows, m][:, None]
    D[rows, m] = -np.inf
    # + 2^-1000: products and sums that underflow lose up to 2^-1075 each, absolutely
    slack = tab.slack[q[:, None], tokens, pos].sum(axis=1) * (1 + 2.0**-40) + 2.0**-1000
    flops.add(B * d * (2 * n + 3) + 3 * B * n)
    return D.max(axis=1), slack, D, q, m


def prove_accuracy(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    tab = tables(model)
    correct = np.zeros(d**n, dtype=bool)
    undecided: list[int] = []
    for start in tqdm(range(0, d**n, CHUNK), desc="brute force", **PROGRESS):
        tokens = sequences(d, n, start, min(start + CHUNK, d**n))
        worst, slack, *_ = _margins(tab, tokens)
        correct[start : start + len(tokens)] = worst < -slack
        undecided.extend((start + np.flatnonzero((worst >= -slack) & (worst < slack))).tolist())
    exact = ArbForward(model)
    unsettled = 0
    for index in undecided:
        verdict = exact.correct(sequences(d, n, index, index + 1)[0])
        correct[index] = verdict is True
        unsettled += verdict is None
    bound = Fraction(int(correct.sum()), d**n)
    proof = Proof("brute-force", "accuracy", ">=", bound, {"correct": correct.reshape((d,) * n)},
                  correct.size, (bound, bound + Fraction(unsettled, d**n)))
    proof.metrics.update({"near_ties_decided_exactly": len(undecided) - unsettled,
                          "undecided": unsettled})
    return proof


def prove_loss(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    tab = tables(model)
    upper = np.empty(d**n, dtype=np.int64)
    lower = np.empty(d**n, dtype=np.int64)
    for start in tqdm(range(0, d**n, CHUNK), desc="brute force loss", **PROGRESS):
        tokens = sequences(d, n, start, min(start + CHUNK, d**n))
        _, slack, D, q, m = _margins(tab, tokens)
        pos = np.arange(n)
        z_lo = iv.down(tab.w_lo[q[:, None], tokens, pos].sum(axis=1) * (1 - gamma(n)))
        z_hi = iv.up(tab.w_hi[q[:, None], tokens, pos].sum(axis=1) * (1 + gamma(n)))
        hi = iv.up(D + slack[:, None])
        lo = iv.down(D - slack[:, None])
        with np.errstate(over="ignore", divide="ignore"):  # the branch np.where discards
            gap_hi = iv.up(np.where(hi >= 0, hi / z_lo[:, None], hi / z_hi[:, None]))
            gap_lo = iv.down(np.where(lo >= 0, lo / z_hi[:, None], lo / z_lo[:, None]))
        stop = start + len(tokens)
        upper[start:stop] = grid_upper(_log1p_sum_exp(gap_hi, m, upward=True))
        lower[start:stop] = grid_lower(np.maximum(_log1p_sum_exp(gap_lo, m, upward=False), 0))
        flops.add(8 * D.size)
    bound = grid_fraction(exact_sum(upper), d**n)
    true = (grid_fraction(exact_sum(lower), d**n), bound)
    return Proof("brute-force", "expected_loss", "<=", bound,
                 {"loss_upper": upper.reshape((d,) * n)}, upper.size, true,
                 parameters={"grid_bits": 40})


def _log1p_sum_exp(gaps: np.ndarray, m: np.ndarray, upward: bool) -> np.ndarray:
    """Upper (or lower) bounds of log(1 + sum_{x != m} exp(gaps[x])) per row; gaps[m] is
    -inf (it stands for the label's own term, the 1)."""
    rows = np.arange(len(m))
    safe = np.where(np.isfinite(gaps), gaps, -800.0)
    exps = iv.exp_upper(safe) if upward else iv.exp_lower(safe)
    exps[rows, m] = 0.0
    total = iv.nonneg_sum(iv.Interval(exps, exps), axis=1)
    one = iv.Interval.point(np.ones(len(m)))
    return iv.log(total + one).hi if upward else iv.log(total + one).lo


class ArbForward:
    """The model's last-position logits of one sequence in arb balls, straight from the
    definition (model.py), for the sequences the float evaluation cannot settle."""

    def __init__(self, model: Model):
        self.model = model
        flint.ctx.prec = ARB_PRECISION
        self.mats = {name: _arb_mat(getattr(model, name)) for name in
                     ("W_Q", "W_K", "W_V", "W_O", "W_U")}
        self.rows = {name: _arb_mat(np.atleast_2d(getattr(model, name))) for name in
                     ("b_Q", "b_K", "b_V", "b_O", "b_U", "W_E", "W_pos")}
        self.scale = 1 / flint.arb(model.config.d_head).sqrt()

    def logits(self, tokens) -> list:
        flint.ctx.prec = ARB_PRECISION
        n, r = len(tokens), self.rows
        dm = self.model.config.d_model
        X = flint.arb_mat([[r["W_E"][int(t), j] + r["W_pos"][i, j] for j in range(dm)]
                           for i, t in enumerate(tokens)])
        last = flint.arb_mat([[X[n - 1, j] for j in range(dm)]])
        q = last * self.mats["W_Q"] + r["b_Q"]
        K = X * self.mats["W_K"]
        V = X * self.mats["W_V"]
        h = self.model.config.d_head
        scores = [sum((q[0, c] * (K[i, c] + r["b_K"][0, c]) for c in range(h)), flint.arb(0))
                  * self.scale for i in range(n)]
        top = max(scores, key=lambda s: s.mid())
        exps = [(s - top).exp() for s in scores]
        total = sum(exps, flint.arb(0))
        mixed = flint.arb_mat([[sum((exps[i] * (V[i, c] + r["b_V"][0, c]) for i in range(n)),
                                    flint.arb(0)) / total for c in range(h)]])
        resid = last + mixed * self.mats["W_O"] + r["b_O"]
        out = resid * self.mats["W_U"] + r["b_U"]
        return [out[0, x] for x in range(out.ncols())]

    def correct(self, tokens) -> bool | None:
        """True if the label logit is certainly above every other, False if certainly not,
        None if the balls overlap (an exact tie, or one closer than 2^-200)."""
        z = self.logits(tokens)
        m = int(max(tokens))
        margins = [z[m] - z[x] for x in range(len(z)) if x != m]
        if all(g > 0 for g in margins):
            return True
        if any(g <= 0 for g in margins):
            return False
        return None


def _arb_mat(a: np.ndarray) -> flint.arb_mat:
    return flint.arb_mat([[flint.arb(float(v)) for v in row] for row in np.asarray(a).tolist()])
