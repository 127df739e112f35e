"""The Coq library as the kernel checks use it: built once per user, keyed by its hash.

The sources (`coq/` of a checkout, or the copy an installed package carries) are never built in
place: `built()` copies them into the per-user cache as `coq-<hash>/` (`build_cache`), the hash
covering every source file and the `coqc --version` that builds them, and runs `make` and the
term-size tools there.
"""

from __future__ import annotations

import functools
import json
import subprocess
import tempfile
from pathlib import Path

from pyexport.build_cache import cached_build
from pyexport.certificate import atomic_write_text
from pyexport.kernels.termsize import declarations_size
from pyexport.resources import COQ_SOURCE_DIR

SOURCE_PATTERNS = ("theories/**/*.v", "termsize/*.v", "_CoqProject", "Makefile",
                   "audit_allowlist.txt")
TERM_SIZE_TOOLS = ("TermSize.v", "LibrarySize.v")
BUILD_TIMEOUT = 3600  # seconds


class CoqBuildError(RuntimeError):
    """The Coq library does not build (the output's tail is the message)."""


def source_files(root: Path = COQ_SOURCE_DIR) -> list[Path]:
    """The library's source files (Coq files, project and make files, the axiom allow-list)."""
    return sorted({p for pattern in SOURCE_PATTERNS for p in root.glob(pattern) if p.is_file()})


def coq_sources(root: Path = COQ_SOURCE_DIR) -> list[Path]:
    """The lemma library's Coq files: shared machinery in theories/, one folder per family."""
    return sorted((root / "theories").rglob("*.v"))


def module_name(path: Path, root: Path = COQ_SOURCE_DIR) -> str:
    """The logical name of a library file (theories/MaxOfK/CheckCubic.vo:
    PyExport.MaxOfK.CheckCubic)."""
    return ".".join(("PyExport", *path.relative_to(root / "theories").with_suffix("").parts))


def allowed_axioms(root: Path = COQ_SOURCE_DIR) -> set[str]:
    """The names in audit_allowlist.txt (lines starting with # are comments)."""
    lines = (root / "audit_allowlist.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@functools.cache
def coqc_version() -> str:
    """`coqc --version`, asked once per process (every `built()` hashes it)."""
    proc = subprocess.run(["coqc", "--version"], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def built(root: Path = COQ_SOURCE_DIR) -> Path:
    """The folder of the built library (theories/ and termsize/ compiled), building it first
    if this user's cache does not hold it yet. Raises CoqBuildError if it does not build."""
    return cached_build("coq", root, source_files(root), coqc_version(), _make)


def _make(folder: Path) -> None:
    steps = [["make", "-C", str(folder)]]
    steps += [["coqc", "-q", "-R", ".", "PyExportTools", name] for name in TERM_SIZE_TOOLS]
    for argv in steps:
        proc = subprocess.run(argv, cwd=folder / "termsize" if argv[0] == "coqc" else folder,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        if proc.returncode:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
            raise CoqBuildError(f"the Coq library does not build ({' '.join(argv)}):\n{tail}")


def coqc_flags(library: Path, work: Path) -> list[str]:
    """coqc's load paths: the built library, its term-size tools, and the rendered files."""
    return ["-q", "-R", str(library / "theories"), "PyExport", "-R", str(library / "termsize"),
            "PyExportTools", "-Q", str(work), "PyExportCerts"]


def library_size(library: Path | None = None) -> dict:
    """Fixed cost: node counts of every constant of the built library (measured once per
    build, kept beside it)."""
    library = library or built()
    cache = library / "library-size.json"
    if cache.exists():
        return json.loads(cache.read_text())
    names = [module_name(p, library) for p in sorted((library / "theories").rglob("*.vo"))]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "LibraryNodes.v"
        src.write_text("Require Import PyExportTools.LibrarySize.\n"
                       + "".join(f"Require {name}.\n" for name in names)
                       + "Elpi pyexport_library_nodes " + " ".join(f'"{name}"' for name in names)
                       + ".\n")
        proc = subprocess.run(["coqc", *coqc_flags(library, Path(tmp)), str(src)], cwd=tmp,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
        raise RuntimeError(f"library size measurement failed:\n{tail}")
    size = declarations_size(proc.stdout + proc.stderr)
    result = {"term_size_dag": size.dag, "term_size_tree": size.tree, "modules": names}
    atomic_write_text(cache, json.dumps(result, indent=1) + "\n")
    return result
