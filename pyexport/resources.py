"""Where pyexport's prover files are: the Jinja templates and the Coq and Lean libraries.

In a source checkout they are the repository's top-level `templates/`, `coq/` and `lean/`
folders. An installed wheel or sdist carries copies of them inside the package, in
`pyexport/prover_files/` (the build maps them there: `setup.py`). The checkout wins when both
exist, so an editable install reads the files a developer edits.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_DIR.parent
INSTALLED_ROOT = PACKAGE_DIR / "prover_files"
PROVER_FOLDERS = ("templates", "coq", "lean")


def _root() -> Path:
    """The folder holding templates/, coq/ and lean/."""
    if all((CHECKOUT_ROOT / name).is_dir() for name in PROVER_FOLDERS):
        return CHECKOUT_ROOT
    if all((INSTALLED_ROOT / name).is_dir() for name in PROVER_FOLDERS):
        return INSTALLED_ROOT
    raise FileNotFoundError(f"pyexport's prover files are missing: neither {CHECKOUT_ROOT} (a "
                            f"checkout) nor {INSTALLED_ROOT} (an installed package) holds "
                            f"{', '.join(PROVER_FOLDERS)}")


ROOT = _root()
TEMPLATES_DIR = ROOT / "templates"
COQ_SOURCE_DIR = ROOT / "coq"
LEAN_DIR = ROOT / "lean"


def cache_dir() -> Path:
    """The per-user cache (built Coq libraries): $PYEXPORT_CACHE, else $XDG_CACHE_HOME/pyexport,
    else ~/.cache/pyexport."""
    if os.environ.get("PYEXPORT_CACHE"):
        return Path(os.environ["PYEXPORT_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "pyexport"


def display_path(path: Path) -> str:
    """A prover file's path relative to the folder holding templates/, coq/ and lean/."""
    return str(Path(path).relative_to(ROOT))
