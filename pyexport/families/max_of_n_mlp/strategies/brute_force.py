"""Brute force: the bound is the mean over all d^n inputs, each enclosed soundly.

Theorem: expected loss = (1/d^n) sum over all inputs of f; so (1/d^n) sum of upper bounds of f is
an upper bound. The trace holds the d^n per-input upper bounds; accuracy likewise counts the
inputs certified correct, and the trace holds the d^n verdicts.
"""

from __future__ import annotations

import numpy as np

from pyexport.families.max_of_n_mlp import evaluation as ev
from pyexport.families.max_of_n_mlp.cases import all_cases
from pyexport.families.max_of_n_mlp.model import Model
from pyexport.proof import Proof


def prove_loss(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    losses = ev.case_losses(ev.logit_table(model), all_cases(d, n))
    upper = ev.kernel_upper(losses.hi)
    lower = ev.grid_lower(np.maximum(losses.lo, 0.0))  # f >= 0: LSE(z) >= z_y
    bound = ev.grid_fraction(ev.exact_sum(upper), d**n)
    true = (ev.grid_fraction(ev.exact_sum(lower), d**n), bound)
    return Proof("brute-force", "expected_loss", "<=", bound,
                 {"case_upper": upper.reshape((d,) * n)}, upper.size, true)


def prove_accuracy(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    correct = ev.certify_correct(model, ev.logit_table(model), all_cases(d, n), ev.KERNEL_SLACK)
    bound = ev.Fraction(int(correct.sum()), d**n)
    return Proof("brute-force", "accuracy", ">=", bound,
                 {"correct": correct.reshape((d,) * n)}, correct.size, (bound, bound))
