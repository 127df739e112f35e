"""The package as a user installs it: sdist and wheel carry the prover files, and the wheel,
installed into a fresh virtual environment outside the checkout, proves, checks, renders,
verifies and reports on a shipped model, building the Coq library in the per-user cache and
never inside site-packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import pyexport
from pyexport import coq_library
from pyexport.resources import CHECKOUT_ROOT

SHIPPED_PROVER_FILES = {"templates": ["**/*.j2"],
                        "coq": ["theories/**/*.v", "termsize/*.v", "_CoqProject", "Makefile",
                                "audit_allowlist.txt"],
                        "lean": ["PyExport.lean", "PyExport/**/*.lean", "lakefile.toml",
                                 "lean-toolchain"]}


def _checkout_prover_files() -> set[str]:
    return {str(p.relative_to(CHECKOUT_ROOT)) for folder, patterns in SHIPPED_PROVER_FILES.items()
            for pattern in patterns for p in (CHECKOUT_ROOT / folder).glob(pattern)}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel, the wheel built from the sdist (`python -m build`)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(CHECKOUT_ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_sdist_and_wheel_carry_the_prover_files_and_no_build_products(dist):
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    prefix = "pyexport/prover_files/"
    in_wheel = {n[len(prefix):] for n in names if n.startswith(prefix)}
    expected = _checkout_prover_files()
    assert expected <= in_wheel and len(expected) > 60
    assert not [n for n in in_wheel if n.endswith((".vo", ".vok", ".vos", ".glob", ".olean"))]
    with tarfile.open(next(dist.glob("*.tar.gz"))) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        in_sdist = {n[len(top) + 1:] for n in sdist.getnames()}
    assert expected <= in_sdist
    assert {"LICENSE", "setup.py", "MANIFEST.in", "pyproject.toml"} <= in_sdist


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("coqc") is None and not os.environ.get("CI"),
                    reason="coqc not installed (make coq-deps)")
def test_the_wheel_works_from_a_fresh_environment_outside_the_checkout(dist, tmp_path):
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    # the installed package alone: no PYTHONPATH pointing back into a checkout
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check"]
    # torch first and pinned: that CPU wheel is on these machines' disk
    for requirement in ("torch==2.13.0", str(next(dist.glob("*.whl")))):
        proc = subprocess.run([*pip, requirement], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]

    def pyexport_cli(*argv: str) -> str:
        proc = subprocess.run([str(venv / "bin" / "pyexport"), *argv], cwd=work, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"pyexport {' '.join(argv)}:\n{proc.stdout}{proc.stderr}"
        return proc.stdout

    assert pyexport_cli("--version").strip() == f"pyexport {pyexport.__version__}"
    out = pyexport_cli("prove", "--model", "max2-d64", "--strategy", "convexity",
                       "--quantity", "accuracy")
    path = out.strip().split("(convexity, ")[1].rstrip(")")
    assert pyexport_cli("check", path).startswith("accepted")
    rendered = pyexport_cli("render", path, "--prover", "coq", "-o", "rendered").split()
    assert len(rendered) == 1 and (work / rendered[0]).is_file()
    out = pyexport_cli("verify", path, "--prover", "coq")
    assert "coq: accepted" in out
    assert f"-R {coq_library.built()}/theories PyExport" in out  # the per-user build
    assert "| max2-d64 |" in pyexport_cli("report").replace("  ", " ")
    site = next((venv / "lib").glob("python*/site-packages/pyexport"))
    assert (site / "prover_files" / "coq" / "theories" / "Sums.v").is_file()
    assert not list(site.rglob("*.vo")), "the Coq library was built inside site-packages"
