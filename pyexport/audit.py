"""`pyexport audit`: what a certificate proves, what the proof rests on, and re-checks a
reviewer can trust.

For one certificate it reports: the theorem (quantity, relation, exact bound and its decimal,
the weights' sha256 and whether the name is a registered model with those weights); the
independent checker's verdict, re-derived now; each installed kernel's verdict, time and the
axioms its theorem uses; a re-check of the compiled certificate by `coqchk`, which type-checks
the `.vo` with the kernel's own conversion and not the virtual machine `vm_compute` relies on
(the certificate's module; the PyExport library and the standard libraries are trusted as
compiled); the files the proof rests on, with their SHA-256; the trace's coverage (the case
split, and the number of inputs its cases stand for against d_vocab^n_ctx); and a mutation
smoke test (mutated copies whose claims are false, all of which the checker must reject).

The audit passes when the checker accepts, every kernel that ran accepts, coqchk (when it ran)
accepts, every mutation is rejected, and the weights are not stale.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pyexport import archive
from pyexport import certificate as cert
from pyexport import coq_library
from pyexport.resources import COQ_SOURCE_DIR, TEMPLATES_DIR, display_path

SMOKE_KINDS = ("bound-one-unit-unsound", "relation-flipped", "trace-entry-weakened",
               "trace-case-removed", "weight-ulp-stale-hash", "strategy-swapped",
               "trace-array-dropped", "trace-array-duplicated")
COQCHK_TIMEOUT = 1800


def audit(path: Path, mutations: int = 8, kernels: bool = True) -> dict:
    from pyexport.checker import check

    doc = cert.read(path)
    verdict = check(doc)
    result = {"file": str(path), "claim": archive.statement(doc),
              "checker": verdict.to_json(), "coverage": coverage(doc),
              "rests_on": library_files(doc), "mutations": smoke_test(doc, mutations)}
    result["kernels"], result["coqchk"] = (_kernels(doc) if kernels else ([], None))
    ran = [k for k in result["kernels"] if k["verdict"] not in ("not-installed", "unsupported")]
    result["passed"] = (verdict.accepted
                        and all(k["verdict"] == "accepted" for k in ran)
                        and (result["coqchk"] is None or result["coqchk"]["verdict"] == "accepted")
                        and result["mutations"]["rejected"] == result["mutations"]["tried"]
                        and not result["claim"]["registration"].startswith("stale"))
    return result


def coverage(doc: dict) -> dict:
    """The trace's case split and how many inputs its cases stand for (closed forms)."""
    from pyexport.families import get

    family = get(cert.family_name(doc))
    config = family.config_from_json(doc["model"]["config"])
    d, n = config.d_vocab, config.n_ctx
    return {"inputs": d**n, **family.case_split(doc["strategy"]["name"], config)}


def library_files(doc: dict) -> list[dict]:
    """The prover sources and templates a kernel check of this certificate reads, hashed."""
    from pyexport.families import get
    from pyexport.verify import lean_sources

    package = get(cert.family_name(doc)).package
    paths = coq_library.coq_sources() + lean_sources()
    paths += sorted(TEMPLATES_DIR.glob(f"*/{package}/*.j2"))
    paths.append(COQ_SOURCE_DIR / "audit_allowlist.txt")
    return [{"file": display_path(p),
             "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths]


def smoke_test(doc: dict, count: int) -> dict:
    """`count` mutated copies with false claims; each must be rejected by the checker."""
    from pyexport.checker import check
    from pyexport.mutate import mutations

    tried, rejected, failures = 0, 0, []
    for name, data, expectation in mutations(doc):
        if tried >= count or name not in SMOKE_KINDS:
            continue
        tried += 1
        try:
            mutated = cert.loads_strict(data, name)
            cert.validate_structure(mutated)
            accepted = check(mutated).accepted
        except cert.CertificateError:
            accepted = False
        rejected += not accepted
        if accepted:
            failures.append(name)
    return {"tried": tried, "rejected": rejected, "accepted": failures}


def _kernels(doc: dict) -> tuple[list[dict], dict | None]:
    from pyexport.verify import verify

    with tempfile.TemporaryDirectory(prefix="pyexport-audit-") as tmp:
        results = verify(doc, ["coq", "lean"], keep=Path(tmp))
        coq = next(r for r in results if r.prover == "coq")
        check = coqchk(Path(tmp) / "coq") if coq.verdict == "accepted" else None
    return [r.to_json() for r in results], check


def coqchk(work: Path) -> dict | None:
    """Re-check the compiled certificate with coqchk (no VM); None if coqchk is missing."""
    if not shutil.which("coqchk"):
        return None
    compiled = [p for p in work.glob("cert_*.vo")]
    if len(compiled) != 1:
        return {"verdict": "error", "message": "no compiled certificate to re-check"}
    module = f"PyExportCerts.{compiled[0].stem}"
    library = coq_library.built()
    argv = ["coqchk", "-silent", "-o", "-R", str(library / "theories"), "PyExport",
            "-Q", str(work), "PyExportCerts", "-norec", module]
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=COQCHK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"verdict": "timeout", "seconds": COQCHK_TIMEOUT, "command": " ".join(argv)}
    seconds = round(time.perf_counter() - start, 3)
    out = proc.stdout + proc.stderr
    unsafe = [line.strip() for line in out.splitlines()
              if re.search(r"relying on|is assumed", line) and not line.strip().endswith("<none>")]
    ok = proc.returncode == 0 and not unsafe
    return {"verdict": "accepted" if ok else "rejected", "seconds": seconds,
            "command": " ".join(argv), "scope": "the certificate's module (libraries trusted "
            "as compiled)", "message": "" if ok else (out.strip().splitlines() or [""])[-1]}


def format_audit(result: dict) -> str:
    c = result["claim"]
    lines = [f"audit of {result['file']}: {'PASSED' if result['passed'] else 'FAILED'}",
             f"  theorem: {c['quantity']} {c['relation']} {c['bound']} (= {c['bound_decimal']}"
             f"...) for {c['model']} ({c['family']})",
             f"  weights: sha256 {c['weights_sha256']}, {c['registration']}",
             f"  content sha256: {c['content_sha256']}",
             f"  checker: {result['checker']['verdict']} ({result['checker']['reason']}, "
             f"{result['checker']['seconds']:.2f} s)"]
    for k in result["kernels"]:
        timing = f" in {k['seconds']:.2f} s" if k.get("seconds") is not None else ""
        lines.append(f"  {k['prover']}: {k['verdict']}{timing}")
        if k.get("axioms"):
            lines.append(f"    axioms ({len(k['axioms'])}): {', '.join(k['axioms'])}")
    if result["coqchk"]:
        q = result["coqchk"]
        lines.append(f"  coqchk: {q['verdict']}"
                     + (f" in {q['seconds']:.2f} s ({q.get('scope', '')})" if 'seconds' in q
                        else ""))
    cov = result["coverage"]
    lines.append(f"  coverage: {cov['split']}: {cov['cases']} cases standing for "
                 f"{cov['covered']} inputs of {cov['inputs']}")
    m = result["mutations"]
    lines.append(f"  mutations: {m['rejected']} of {m['tried']} rejected"
                 + (f" (accepted: {', '.join(m['accepted'])})" if m["accepted"] else ""))
    lines.append(f"  rests on {len(result['rests_on'])} files (sha256 with --json)")
    return "\n".join(lines)
