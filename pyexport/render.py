"""Rendering certificates into proof-assistant source with Jinja templates.

Each family renders with its own templates (`templates/<prover>/<family package>/`) and its own
context builder (`Family.render_context`). A certificate renders to a check file and, when the
context lists `data_modules` (Coq), one data module per entry before it, which the prover
compiles first (`data.v.j2`; see coq/README.md, "Data encoding"). Only values produced by code
reach a rendered file: the context builders print every number and map the model name to an
identifier, and `validate_context` re-checks the whole context against a fixed alphabet before
any template sees it. Rendering is deterministic: the same certificate gives byte-identical
files.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from pyexport.certificate import atomic_write_text
from pyexport.resources import TEMPLATES_DIR
# prover -> (check file template, data module template, file suffix)
PROVERS = {"coq": ("certificate.v.j2", "data.v.j2", ".v"),
           "lean": ("certificate.lean.j2", None, ".lean")}
SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.+\-/ %]{0,400}$")  # identifiers, numerals (Coq's 12%Z), hex floats, paths


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


def render_files(doc: dict, prover: str,
                 native: bool = False) -> tuple[list[tuple[str, str]], dict]:
    """(file name, text) of every rendered file in compile order, the check file last, and the
    context."""
    template_name, data_template, suffix = PROVERS[prover]
    ctx = context(doc, prover, native)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / prover / _family(doc).package),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    files = [(f"{module['module_name']}{suffix}", env.get_template(data_template).render(**module))
             for module in ctx.get("data_modules", [])]
    files.append((f"{ctx['module_name']}{suffix}", env.get_template(template_name).render(**ctx)))
    return files, ctx


def render_text(doc: dict, prover: str, native: bool = False) -> tuple[str, dict]:
    """The check file's text and the context."""
    files, ctx = render_files(doc, prover, native)
    return files[-1][1], ctx


def render(doc: dict, prover: str, out_dir: Path, native: bool = False) -> tuple[list[Path], dict]:
    """Write every rendered file into out_dir (each atomically); return their paths in compile
    order (the check file last) and the context."""
    files, ctx = render_files(doc, prover, native)
    paths = []
    for name, text in files:
        paths.append(Path(out_dir) / name)
        atomic_write_text(paths[-1], text)
    return paths, ctx
