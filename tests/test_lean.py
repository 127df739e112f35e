"""Lean renderings: golden files for a tiny model, determinism, and (with lake) kernel checks.

No Lean toolchain exists on the development machines, so the kernel tests skip there; the
golden files pin what users with Lean will check. Regenerate them after an intended change
with `PYEXPORT_ACCEPT=1 make test` and review the diff.
"""

import os
import shutil
from pathlib import Path

import pytest

from pyexport.render import render_text
from tests.conftest import certificate_of, random_model

GOLDEN = Path(__file__).parent / "expect" / "lean"
PAIRS = [(s, q) for s in ("brute-force", "symmetry", "convexity") for q in ("loss", "accuracy")]
TINY = random_model(4, 2, n=2, seed=0, scale=2.0)


@pytest.mark.parametrize("strategy,quantity", PAIRS)
def test_lean_rendering_matches_golden_file(strategy, quantity):
    text, _ = render_text(certificate_of(TINY, strategy, quantity), "lean")
    golden = GOLDEN / f"{strategy}.{quantity}.lean"
    if os.environ.get("PYEXPORT_ACCEPT"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_lean_rendering_is_deterministic_and_names_the_claim():
    doc = certificate_of(TINY, "convexity", "loss")
    first, ctx = render_text(doc, "lean")
    second, _ = render_text(doc, "lean")
    assert first == second
    assert f"({ctx['claim_p']} : ℕ)" in first and "#print axioms certificate" in first
    assert "native_decide" not in first


@pytest.mark.skipif(shutil.which("lake") is None,
                    reason="no Lean toolchain (lake) on this machine: Lean kernel checks skipped")
@pytest.mark.parametrize("strategy,quantity", PAIRS)
def test_lean_kernel_accepts_tiny_certificates(tmp_path, strategy, quantity):
    from pyexport.verify import verify

    (result,) = verify(certificate_of(TINY, strategy, quantity), ["lean"], keep=tmp_path)
    assert result.verdict == "accepted", result.message
