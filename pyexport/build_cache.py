"""The per-user cache of prover libraries, one folder per content hash.

A library (the Coq lemma library, the Lean project) is never built where it is shipped: its
source files are copied into `resources.cache_dir()/<kind>-<hash>/` and built there, where
<hash> covers every source file (path and content) and a salt (the prover's version). The copy
is built in a `.partial` folder and renamed when complete, under an exclusive lock, so
concurrent jobs build it once and never see a half-built library; changed sources or another
prover version get a folder of their own.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
from pathlib import Path
from typing import Callable

from pyexport.resources import cache_dir

COMPLETE = ".complete"


def content_hash(root: Path, files: list[Path], salt: str = "") -> str:
    """sha256 of the salt and of each file's path (relative to root) and content."""
    digest = hashlib.sha256(salt.encode())
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cached_build(kind: str, root: Path, files: list[Path], salt: str,
                 build: Callable[[Path], None] | None = None) -> Path:
    """The cache folder holding a copy of `files` (relative to `root`) on which `build` has
    run; made first if this user's cache does not hold it yet. `build` raises to refuse."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    digest = content_hash(root, files, salt)
    target = cache / f"{kind}-{digest[:20]}"
    if (target / COMPLETE).exists():
        return target
    with _locked(cache / f"{target.name}.lock"):
        if (target / COMPLETE).exists():  # made by another job while we waited
            return target
        partial = cache / f"{target.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        for path in files:
            copy = partial / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
        if build is not None:
            build(partial)
        (partial / COMPLETE).write_text(digest + "\n")
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return target


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
