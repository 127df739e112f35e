"""The archive: a folder of certificates and its `manifest.json`, and what a claim is about.

A certificate file is never rewritten after `prove` writes it: its content hash is its
identity. What happens to it later — the checker's and the kernels' verdicts, with when and by
which pyexport — is recorded in the manifest of its folder, under its file name and content
hash. Manifest updates take an exclusive lock (`manifest.json.lock`, POSIX `flock`) around
read-modify-write and replace the file atomically, so concurrent writers lose nothing.

`registration(doc)` ties a claim's model name to its weights: "registered" when the name is a
shipped model with exactly these weights, "stale: name says X, weights differ" when the name is
shipped but the weights are not its, "unregistered weights" otherwise.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
from fractions import Fraction
from pathlib import Path

from pyexport import __version__
from pyexport import certificate as cert

MANIFEST = "manifest.json"


def registration(doc: dict) -> str:
    from pyexport.weights import shipped_cards

    name, sha = doc["model"]["name"], doc["model"]["sha256"]
    card = shipped_cards().get(name)
    if card is None:
        return "unregistered weights"
    if card.get("weights_sha256") == sha and card.get("family", cert.LEGACY_FAMILY) == \
            cert.family_name(doc):
        return "registered"
    return f"stale: name says {name}, weights differ"


def statement(doc: dict) -> dict:
    """What a certificate claims, in words and numbers (the theorem a checker accepts)."""
    bound = Fraction(doc["claim"]["bound"])
    quantity, relation = doc["claim"]["quantity"], doc["claim"]["relation"]
    return {
        "theorem": f"{quantity} of {doc['model']['name']} ({cert.family_name(doc)}, "
                   f"weights sha256 {doc['model']['sha256'][:16]}...) {relation} "
                   f"{bound.numerator}/{bound.denominator}",
        "quantity": quantity, "relation": relation,
        "bound": cert.rational_str(bound), "bound_decimal": f"{float(bound):.12g}",
        "model": doc["model"]["name"], "family": cert.family_name(doc),
        "weights_sha256": doc["model"]["sha256"], "registration": registration(doc),
        "content_sha256": cert.content_sha256(doc),
    }


def stamp() -> dict:
    return {"at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "by": f"pyexport {__version__}"}


@contextlib.contextmanager
def locked_manifest(directory: Path):
    """Yield the manifest's entries (a dict by file name) under an exclusive lock; written back
    atomically when the block ends without an exception."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MANIFEST
    with open(directory / f"{MANIFEST}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            entries = _read_entries(path)
            yield entries
            body = {"certificates": [entries[k] for k in sorted(entries)]}
            cert.atomic_write_text(path, json.dumps(body, indent=1) + "\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_entries(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        body = json.loads(path.read_text())
        return {e["file"]: e for e in body["certificates"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise cert.CertificateError(f"{path} is not a manifest; not overwriting it") from exc


def entry_of(doc: dict, filename: str) -> dict:
    s = statement(doc)
    return {"file": filename, "content_sha256": s["content_sha256"], "family": s["family"],
            "model": s["model"], "model_sha256": s["weights_sha256"],
            "strategy": doc["strategy"]["name"], "quantity": s["quantity"],
            "relation": s["relation"], "bound": s["bound"], "results": {}}


def record_certificate(directory: Path, doc: dict, filename: str) -> None:
    """List a newly written certificate (any earlier entry of that file name is replaced)."""
    with locked_manifest(directory) as entries:
        entries[filename] = entry_of(doc, filename)


def record_results(path: Path, doc: dict, results: dict) -> None:
    """Record verdicts (kind -> JSON result: "checker", "coq", "lean") for a certificate file in
    its folder's manifest, stamped with when and by what; the certificate is not touched."""
    with locked_manifest(path.parent) as entries:
        entry = entries.get(path.name)
        if entry is None or entry.get("content_sha256") != cert.content_sha256(doc):
            entry = entries[path.name] = entry_of(doc, path.name)
        entry.setdefault("results", {})
        for kind, result in results.items():
            entry["results"][kind] = {**result, **stamp()}


def recorded_results(path: Path, doc: dict) -> dict:
    """The verdicts recorded for this very certificate (same content hash), or {}."""
    entries = _read_entries(path.parent / MANIFEST)
    entry = entries.get(path.name)
    if entry is None or entry.get("content_sha256") != cert.content_sha256(doc):
        return {}
    return entry.get("results", {})


def certificate_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir()
                  if p.name.endswith((".json", ".json.gz")) and p.name != MANIFEST)
