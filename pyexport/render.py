"""Rendering certificates into proof-assistant source with Jinja templates.

Each family renders with its own templates (`templates/<prover>/<family package>/`) and its own
context builder (`Family.render_context`). Only values produced by code reach a rendered file:
the context builders print every number and map the model name to an
identifier, and `validate_context` re-checks the whole context against a fixed alphabet before
any template sees it. Rendering is deterministic: the same certificate gives byte-identical
files.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from pyexport.certificate import atomic_write_text

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = REPO_ROOT / "templates"
PROVERS = {"coq": ("certificate.v.j2", ".v"), "lean": ("certificate.lean.j2", ".lean")}
SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.+\-/ ]{0,400}$")  # identifiers, numerals, hex floats, paths


class UnsafeContext(ValueError):
    """A value that could inject text into a rendered file reached the renderer."""


def validate_context(value, where: str = "context") -> None:
    """Every leaf must be a bool, an int or a short string over a fixed safe alphabet."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                raise UnsafeContext(f"{where}: bad key {key!r}")
            validate_context(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            validate_context(item, f"{where}[{i}]")
    elif isinstance(value, str):
        if not SAFE_TEXT.fullmatch(value):
            raise UnsafeContext(f"{where}: {value[:40]!r} is outside the safe alphabet")
    elif not isinstance(value, (bool, int)):
        raise UnsafeContext(f"{where}: values of type {type(value).__name__} are not rendered")


def context(doc: dict, prover: str, native: bool = False) -> dict:
    """The validated template context of a (structurally valid) certificate."""
    if prover not in PROVERS:
        raise ValueError(f"unknown prover {prover!r}")
    from pyexport.certificate import validate_structure

    validate_structure(doc)  # a document built in memory gets the same checks as a file
    ctx = _family(doc).render_context(doc, prover, native)
    validate_context(ctx)
    return ctx


def _family(doc: dict):
    from pyexport.certificate import family_name
    from pyexport.families import get

    return get(family_name(doc))


def render_text(doc: dict, prover: str, native: bool = False) -> tuple[str, dict]:
    template_name, _ = PROVERS[prover]
    ctx = context(doc, prover, native)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / prover / _family(doc).package),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    return env.get_template(template_name).render(**ctx), ctx


def render(doc: dict, prover: str, out_dir: Path, native: bool = False) -> tuple[Path, dict]:
    """Write the rendered file into out_dir (atomically); return its path and the context."""
    text, ctx = render_text(doc, prover, native)
    path = Path(out_dir) / f"{ctx['module_name']}{PROVERS[prover][1]}"
    atomic_write_text(path, text)
    return path, ctx
