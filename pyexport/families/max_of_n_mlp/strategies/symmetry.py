"""Symmetry: f is invariant under permuting the tokens, so sorted inputs suffice.

Lemma: f(t1, t2) = f(t2, t1) (the embeddings are summed, max is symmetric); for three tokens f is
invariant under every permutation. Theorem: sum over all inputs of f = sum over sorted inputs of
multiplicity * f, with multiplicity 2/1 (n=2) or 6/3/1 (n=3). Equal bound, d(d+1)/2 (resp.
d(d+1)(d+2)/6) evaluations; the trace holds one value per sorted input, in `sorted_cases` order.
"""

from __future__ import annotations

import numpy as np

from pyexport.families.max_of_n_mlp import evaluation as ev
from pyexport.families.max_of_n_mlp.cases import multiplicities, sorted_cases
from pyexport.families.max_of_n_mlp.model import Model
from pyexport.proof import Proof


def prove_loss(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    cases = sorted_cases(d, n)
    weight = multiplicities(cases)
    losses = ev.case_losses(ev.logit_table(model), cases)
    upper = ev.kernel_upper(losses.hi)
    lower = ev.grid_lower(np.maximum(losses.lo, 0.0))
    bound = ev.grid_fraction(ev.exact_sum(upper, weight), d**n)
    true = (ev.grid_fraction(ev.exact_sum(lower, weight), d**n), bound)
    return Proof("symmetry", "expected_loss", "<=", bound, {"case_upper": upper},
                 upper.size, true)


def prove_accuracy(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    cases = sorted_cases(d, n)
    correct = ev.certify_correct(model, ev.logit_table(model), cases, ev.KERNEL_SLACK)
    bound = ev.Fraction(int(multiplicities(cases)[correct].sum()), d**n)
    return Proof("symmetry", "accuracy", ">=", bound, {"correct": correct}, correct.size,
                 (bound, bound))
