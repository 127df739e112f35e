"""Enumerations of inputs of the max-of-n task, shared by strategies, checker and renderers.

An input is a tuple of n_ctx tokens. Brute force enumerates all d^n of them in row-major order;
the symmetric strategies enumerate sorted tuples (t1 <= ... <= tn) in the order below, each with
its multiplicity (the number of distinct permutations).
"""

from __future__ import annotations

import math

import numpy as np


def all_cases(d: int, n: int) -> np.ndarray:
    """(d^n, n) array of every input, row-major (last token fastest)."""
    grids = np.meshgrid(*([np.arange(d)] * n), indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1)


def sorted_cases(d: int, n: int) -> np.ndarray:
    """(C(d+n-1, n), n) array of sorted inputs t1 <= ... <= tn, ordered by tn, then t1, t2, ..."""
    if n == 2:
        t1, t2 = np.triu_indices(d)
        order = np.lexsort((t1, t2))
        return np.stack([t1[order], t2[order]], axis=1)
    if n == 3:
        blocks = []
        for c in range(d):
            a, b = np.triu_indices(c + 1)
            blocks.append(np.stack([a, b, np.full_like(a, c)], axis=1))
        return np.concatenate(blocks)
    raise ValueError(f"n_ctx {n} is not supported")


def multiplicities(cases: np.ndarray) -> np.ndarray:
    """Number of distinct permutations of each sorted input (2/1 for n=2; 6/3/1 for n=3)."""
    n = cases.shape[1]
    counts = np.ones(len(cases), dtype=np.int64) * math.factorial(n)
    runs = np.ones(len(cases), dtype=np.int64)
    for k in range(1, n):
        same = cases[:, k] == cases[:, k - 1]
        runs = np.where(same, runs + 1, 1)
        counts //= np.where(same, runs, 1)
    return counts
