"""pyexport from Python: load or train a model, prove, check, verify, audit, report, sweep.

Every function returns a typed result (a `Certificate`, the checker's `Verdict`, the kernels'
`KernelResult`s, ...) rather than an exit code; the command line (`pyexport.cli`) is a thin
layer over these functions. Bad input raises one of the exceptions the command line turns into
one line: `CertificateError`, `ModelError`, `ValueError`, `OSError`. See docs/api.md.

    import pyexport.api as px
    cert = px.prove("max2-d64", "convexity", "accuracy", output="certificates")
    px.check(cert).accepted, [k.verdict for k in px.verify(cert, ["coq"]).kernels]
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pyexport import archive
from pyexport import certificate as cert
from pyexport.checker import Verdict
from pyexport.families import load_model as _load_model
from pyexport.verify import KernelResult
from pyexport.weights import SHIPPED_DIR

PROVERS = ("coq", "lean")


class UsageError(ValueError):
    """A request that cannot be carried out as asked (an output that exists, ...)."""


@dataclass
class Certificate:
    """A certificate document and, once written or read, its file."""

    doc: dict
    path: Path | None = None

    @classmethod
    def read(cls, path) -> Certificate:
        return cls(cert.read(path), Path(path))

    @property
    def bound(self) -> Fraction:
        return Fraction(self.doc["claim"]["bound"])

    @property
    def quantity(self) -> str:
        return self.doc["claim"]["quantity"]

    @property
    def relation(self) -> str:
        return self.doc["claim"]["relation"]

    @property
    def strategy(self) -> str:
        return self.doc["strategy"]["name"]

    @property
    def model_name(self) -> str:
        return self.doc["model"]["name"]

    def statement(self) -> dict:
        """What it claims, in words and numbers (`archive.statement`)."""
        return archive.statement(self.doc)

    def __repr__(self) -> str:
        where = f", {self.path}" if self.path else ""
        return (f"Certificate({self.model_name} {self.strategy}: {self.quantity} "
                f"{self.relation} {self.bound}{where})")


@dataclass
class Trained:
    model: object
    path: Path
    facts: dict


@dataclass
class Verification:
    """The kernels' results on a certificate, and whether they add up to an acceptance: at
    least one kernel ran, every one that ran accepted, and the weights are not stale."""

    certificate: Certificate
    kernels: list[KernelResult]
    accepted: bool
    library_term_size: dict | None = None


@dataclass
class Audit:
    passed: bool
    details: dict = field(repr=False)

    @property
    def text(self) -> str:
        from pyexport.audit import format_audit

        return format_audit(self.details)


@dataclass
class Report:
    table: Path
    plot: Path

    @property
    def markdown(self) -> str:
        return self.table.read_text()


def _certificate(value) -> Certificate:
    if isinstance(value, Certificate):
        return value
    if isinstance(value, dict):
        cert.validate_structure(value)
        return Certificate(value)
    return Certificate.read(value)


def models() -> list[dict]:
    """The shipped models and the trainable configurations, one dict each."""
    from pyexport.families import trainable_configs
    from pyexport.weights import shipped_cards

    rows = []
    for name, card in shipped_cards().items():
        path = SHIPPED_DIR / card.get("weights_file", f"{name}.safetensors")
        rows.append({"name": name, "kind": "shipped",
                     "family": card.get("family", cert.LEGACY_FAMILY),
                     "config": card["config"], "path": str(path), "present": path.is_file(),
                     "weights_sha256": card.get("weights_sha256")})
    for name, (family, config) in trainable_configs().items():
        rows.append({"name": name, "kind": "trainable config", "family": family.name,
                     "config": config.to_json(), "path": "", "present": False})
    return rows


def load_model(name_or_path):
    """A shipped model by name, or a model file (with its card, or a TransformerLens state
    dict)."""
    return _load_model(name_or_path)


def train(config: str, seed: int | None = None, output: Path = SHIPPED_DIR,
          force: bool = False) -> Trained:
    """Train a configuration (`models()` lists them) with its family's recipe and save it."""
    from pyexport.families import trainable_configs
    from pyexport.weights import save_model

    configs = trainable_configs()
    if config not in configs:
        raise UsageError(f"unknown configuration {config!r}; choose from "
                         f"{', '.join(sorted(configs))}")
    family, cfg = configs[config]
    if seed is not None:
        cfg = dataclasses.replace(cfg, name=f"{cfg.name}-s{seed}", seed=seed)
    target = Path(output) / f"{cfg.name}.safetensors"
    if target.exists() and not force:
        raise UsageError(f"{target} exists (use force=True to replace it)")
    model, facts = family.train(cfg)
    return Trained(model, save_model(model, Path(output), facts), facts)


def prove(model, strategy: str, quantity: str, output=None, compress: bool = False,
          force: bool = False) -> Certificate:
    """Run a strategy on a model (an object, a shipped name or a file) for "loss" or
    "accuracy". With `output` a folder, the certificate is written there under its content name
    and listed in the folder's manifest; with a file name, written to it; with None, kept in
    memory."""
    from pyexport.proof import run

    model = _load_model(model) if isinstance(model, (str, Path)) else model
    doc = cert.build(model, run(strategy, quantity, model))
    if output is None:
        return Certificate(doc)
    return Certificate(doc, save(doc, Path(output), compress, force))


def save(doc: dict, output: Path, compress: bool = False, force: bool = False) -> Path:
    """Write a certificate into a folder (named by content, listed in its manifest) or to a
    file. An existing file is replaced only with `force` (in a folder, a file of the same name
    holds the same content)."""
    if output.is_dir() or not output.suffix:
        path = output / cert.default_filename(doc, compress)
        if path.resolve().parent != output.resolve():
            raise UsageError(f"{path.name!r} would leave the folder {output}")
        if not path.exists() or force:
            cert.write(doc, path)
        elif cert.content_sha256(cert.read(path)) != cert.content_sha256(doc):
            raise UsageError(f"{path} exists with other content (use --force to replace it)")
        archive.record_certificate(output, doc, path.name)
        return path
    if output.exists() and not force:
        raise UsageError(f"{output} exists (use --force to replace it)")
    return cert.write(doc, output)


def check(certificate, record: bool = False) -> Verdict:
    """The independent checker's verdict; `record` adds it to the manifest of the
    certificate's folder."""
    from pyexport.checker import check as run_checker

    c = _certificate(certificate)
    verdict = run_checker(c.doc)
    if record and c.path is not None:
        archive.record_results(c.path, c.doc, {"checker": verdict.to_json()})
    return verdict


def render(certificate, prover: str, output: Path, native: bool = False) -> list[Path]:
    """Write the certificate's Coq or Lean files into `output`, in compile order."""
    from pyexport.render import render as render_files

    return render_files(_certificate(certificate).doc, prover, Path(output), native=native)[0]


def verify(certificate, provers=PROVERS, keep: Path | None = None, native: bool = False,
           timeout: float | None = None, term_size: bool = True,
           record: bool = True) -> Verification:
    """Each kernel's verdict, time, axioms and checked term size; recorded in the manifest of
    the certificate's folder when it has a file (`record`)."""
    from pyexport.verify import verify as run_kernels

    c = _certificate(certificate)
    results = run_kernels(c.doc, list(provers), keep=keep, native=native, timeout=timeout,
                          term_size=term_size)
    if record and c.path is not None:
        archive.record_results(c.path, c.doc, {r.prover: r.to_json() for r in results})
    ran = [r for r in results if r.verdict not in ("not-installed", "unsupported")]
    accepted = (bool(ran) and all(r.verdict == "accepted" for r in ran)
                and not c.statement()["registration"].startswith("stale"))
    return Verification(c, results, accepted, _library_size(results))


def _library_size(results: list[KernelResult]) -> dict | None:
    """The Coq lemma library's term size, when Coq ran (measured once per build)."""
    from pyexport.coq_library import library_size

    if not any(r.prover == "coq" and r.verdict in ("accepted", "rejected") for r in results):
        return None
    try:
        size = library_size()
    except RuntimeError as exc:
        warnings.warn(f"library term size not measured: {str(exc)[-300:]}", stacklevel=3)
        return None
    return {"term_size_dag": size["term_size_dag"], "term_size_tree": size["term_size_tree"]}


def audit(path, mutations: int = 8, kernels: bool = True) -> Audit:
    """`pyexport audit`: the theorem, checker and kernel verdicts, coqchk, coverage, mutation
    smoke test and the files the proof rests on."""
    from pyexport.audit import audit as run_audit

    details = run_audit(Path(path), mutations=mutations, kernels=kernels)
    return Audit(details["passed"], details)


def report(certificates, output: Path = Path("report"), recheck: bool = False) -> Report:
    """`report.md` and `bound_vs_compactness.png` of certificates (files or Certificates with
    a file: the recorded verdicts come from their folder's manifest)."""
    from pyexport.report import write_report

    chosen = [_certificate(c) for c in certificates]
    if not chosen:
        raise UsageError("no certificates to report on")
    if any(c.path is None for c in chosen):
        raise UsageError("report on saved certificates (prove with output=FOLDER): the table "
                         "reads their recorded verdicts")
    docs = [(c.path, c.doc) for c in chosen]
    return Report(*write_report(docs, Path(output), recheck=recheck))
