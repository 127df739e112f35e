"""Exact Coq literals of binary64 numbers, shared by every family's Coq renderer."""

from __future__ import annotations

import re

import numpy as np

LITERAL = re.compile(r"^-?0x[01](\.[0-9a-f]+)?p-?[0-9]+$")
FLOAT_HEX = re.compile(r"^(-?)0x([01])\.?([0-9a-f]*)p([+-]?[0-9]+)$")


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
    if float.fromhex(text) != value or not LITERAL.fullmatch(text):
        raise AssertionError(f"float literal {text!r} does not round-trip {value!r}")
    return text
