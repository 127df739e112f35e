"""FLOP counting by instrumentation, as in Gross et al. 2024.

A matrix product of an (m x k) by a (k x n) matrix costs m*n*(2k-1); every elementwise operation
(add, subtract, multiply, exp, log, max, comparison, rounding to the grid) costs the size of its
output. Interval operations count each endpoint. Strategies report into the active counter.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

_active: ContextVar[list[int] | None] = ContextVar("pyexport_flops", default=None)


def add(n: int) -> None:
    """Record n floating-point operations in the active counter (no-op outside `counting`)."""
    box = _active.get()
    if box is not None:
        box[0] += int(n)


def matmul_cost(m: int, k: int, n: int) -> int:
    return m * n * (2 * k - 1)


@contextlib.contextmanager
def counting():
    """Count the FLOPs done inside the block; the yielded one-element list holds the total."""
    box = [0]
    token = _active.set(box)
    try:
        yield box
    finally:
        _active.reset(token)
