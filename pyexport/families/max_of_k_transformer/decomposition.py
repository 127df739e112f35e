"""Sound enclosures of the paper's decomposition of the model into paths (strategy side).

With the query at the last position (x_q = W_E[q] + W_pos[n-1]) and TransformerLens's
semantics (model.py), the attention score of key position i holding token t is

    score_i = (EQKE[q, t] + EQKP[q, i]) * scale,      scale = 1/sqrt(d_head)
    EQKE = (W_E + W_pos[n-1]) W_Q + b_Q) (W_E W_K)^T,  EQKP = (... same query ...) (W_pos W_K)^T

(the key bias b_K adds q.b_K to every score alike and cancels in the softmax), and the
last-position logits are

    logits = EUPU[q] + sum_i a_i (EVOU[t_i] + PVOU[i]),     a = softmax(score)
    EVOU = W_E W_V W_O W_U,   PVOU = W_pos W_V W_O W_U,
    EUPU = (W_E + W_pos[n-1]) W_U + c,   c = (b_V W_O + b_O) W_U + b_U

(sum_i a_i = 1 turns the value and output biases into the constant c). Every table here is an
`Interval` that encloses the exact value on the exact weights; the products use the a-priori
error bounds of pyexport.interval.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from pyexport import interval as iv
from pyexport.families.max_of_k_transformer.model import Model
from pyexport.interval import Interval


def f64(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def attention_scale(d_head: int) -> Interval:
    """Enclosure of 1/sqrt(d_head): a point when it is a power of two (d_head = 4^j), else
    the correctly rounded sqrt and quotient, each moved one step outward."""
    root = math.isqrt(d_head)
    if root * root == d_head and root & (root - 1) == 0:
        return Interval.point(np.array(1.0 / root))
    value = 1.0 / math.sqrt(d_head)
    return Interval(np.array(iv.down(iv.down(value))), np.array(iv.up(iv.up(value))))


def query_side(model: Model) -> Interval:
    """(W_E + W_pos[n-1]) W_Q + b_Q: the query vector of every token at the last position."""
    x = Interval.point(f64(model.W_E)) + Interval.point(f64(model.W_pos[-1])[None, :])
    return iv.matmul_interval_left(x, f64(model.W_Q)) + Interval.point(f64(model.b_Q)[None, :])


class Paths:
    """Enclosures of the decomposition's tables (d = d_vocab, n = n_ctx, h = d_head), each
    computed on first use, so a strategy pays (in time and counted FLOPs) only for the tables
    it reads."""

    def __init__(self, model: Model):
        self.model = model
        self.scale = attention_scale(model.config.d_head)  # 1/sqrt(d_head)

    @cached_property
    def query(self) -> Interval:  # (d, h)
        return query_side(self.model)

    @cached_property
    def key_tokens(self) -> Interval:  # (d, h): W_E W_K
        return iv.matmul_exact_inputs(f64(self.model.W_E), f64(self.model.W_K))

    @cached_property
    def key_positions(self) -> Interval:  # (n, h): W_pos W_K
        return iv.matmul_exact_inputs(f64(self.model.W_pos), f64(self.model.W_K))

    @cached_property
    def EQKE(self) -> Interval:  # (d, d)
        return iv.matmul(self.query, self.key_tokens.T)

    @cached_property
    def EQKP(self) -> Interval:  # (d, n)
        return iv.matmul(self.query, self.key_positions.T)

    @cached_property
    def OVU(self) -> Interval:  # (d_model, d): W_V W_O W_U
        OV = iv.matmul_exact_inputs(f64(self.model.W_V), f64(self.model.W_O))
        return iv.matmul(OV, Interval.point(f64(self.model.W_U)))

    @cached_property
    def EVOU(self) -> Interval:  # (d, d)
        return iv.matmul(Interval.point(f64(self.model.W_E)), self.OVU)

    @cached_property
    def PVOU(self) -> Interval:  # (n, d)
        return iv.matmul(Interval.point(f64(self.model.W_pos)), self.OVU)

    @cached_property
    def constant(self) -> Interval:  # (1, d): (b_V W_O + b_O) W_U + b_U
        m = self.model
        bias_path = iv.matmul(Interval.point(f64(m.b_V)[None, :]), Interval.point(f64(m.W_O))) \
            + Interval.point(f64(m.b_O)[None])
        return iv.matmul(bias_path, Interval.point(f64(m.W_U))) + Interval.point(f64(m.b_U)[None])

    @cached_property
    def residual_query(self) -> Interval:  # (d, d_model): W_E + W_pos[n-1]
        return Interval.point(f64(self.model.W_E)) + \
            Interval.point(f64(self.model.W_pos[-1])[None, :])

    @cached_property
    def EUPU(self) -> Interval:  # (d, d)
        return iv.matmul_interval_left(self.residual_query, f64(self.model.W_U)) + self.constant


def paths(model: Model) -> Paths:
    return Paths(model)
