"""Certificates: versioned JSON documents that carry a model, a claim, a strategy and a trace.

Layout (docs/certificate.md; JSON Schema in pyexport/schema/certificate.schema.json):

    schema    {"name": "pyexport.certificate", "version": 2}
    model     family, name, config, sha256 of the exact weights, the weights themselves
    claim     quantity, relation, bound ("p/q", exact), bound_float (informational)
    strategy  name and parameters
    trace     length and named arrays (what the proof needs beyond the weights)
    metrics   trace length, FLOPs, wall time, ...; not covered by the content hash

The format is generic: which weights, configuration, strategies and trace arrays a certificate
may hold is for its family to say (pyexport.families). Version-1 certificates (the max-of-n
MLP, before families) are still read, as they are: they name no family and hold the
`max-of-n-mlp` one.

Arrays are {"dtype", "shape", "data"} with `data` the base64 of little-endian bytes: float32
weights (each the exact dyadic rational its bits denote), float64 and int64 trace values, and
packed bits for verdicts. Files are written atomically (temporary file, then rename) and named
by the SHA-256 of their content without `metrics`.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import stat
from fractions import Fraction
from pathlib import Path

import numpy as np

SCHEMA_NAME = "pyexport.certificate"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
LEGACY_FAMILY = "max-of-n-mlp"  # what a version-1 certificate holds
CONTENT_DIGEST_DOMAIN = b"pyexport/certificate/v1\0"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")  # matched whole (fullmatch)
RATIONAL_PATTERN = re.compile(r"-?[0-9]{1,1000}/[1-9][0-9]{0,999}")  # matched whole
ARRAY_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}|[A-Za-z0-9_.]{1,64}")
UTF8_BOM = b"\xef\xbb\xbf"


def limit(name: str, default: int) -> int:
    """A resource limit: the environment variable PYEXPORT_<NAME> if set, else the default."""
    value = os.environ.get(f"PYEXPORT_{name}")
    if value is None:
        return default
    if not value.isdigit():
        raise CertificateError(f"PYEXPORT_{name} must be a non-negative integer")
    return int(value)


def max_file_bytes() -> int:
    """Largest certificate read, compressed or after decompression (default 1 GiB)."""
    return limit("MAX_CERT_BYTES", 1 << 30)


def max_inputs() -> int:
    """Largest number of inputs (d_vocab^n_ctx) a certificate may quantify over (default 2^25;
    the shipped models need at most 64^4 = 2^24)."""
    return limit("MAX_INPUTS", 1 << 25)
DTYPES = {"float32": "<f4", "float64": "<f8", "int64": "<i8", "bits": "u1"}
SCHEMA_DIR = Path(__file__).parent / "schema"


class CertificateError(ValueError):
    """The file is not a usable certificate: unreadable, malformed, too large, unknown schema."""


def encode_array(a: np.ndarray) -> dict:
    """The JSON form of an array; booleans are packed 8 to a byte."""
    if a.dtype == bool:
        return {"dtype": "bits", "shape": list(a.shape),
                "data": base64.b64encode(np.packbits(a.ravel()).tobytes()).decode()}
    dtype = {np.dtype("float32"): "float32", np.dtype("float64"): "float64",
             np.dtype("int64"): "int64"}[a.dtype]
    raw = np.ascontiguousarray(a, dtype=DTYPES[dtype]).tobytes()
    return {"dtype": dtype, "shape": list(a.shape), "data": base64.b64encode(raw).decode()}


def decode_array(obj: dict, where: str) -> np.ndarray:
    """Decode an array, refusing wrong sizes before allocating anything large."""
    try:
        dtype, shape, data = obj["dtype"], obj["shape"], obj["data"]
    except (KeyError, TypeError) as exc:
        raise CertificateError(f"{where}: not an array object") from exc
    if dtype not in DTYPES or not isinstance(shape, list) or not isinstance(data, str):
        raise CertificateError(f"{where}: bad dtype, shape or data")
    if not all(type(s) is int and 0 <= s < 1 << 40 for s in shape):
        raise CertificateError(f"{where}: bad shape {shape}")
    count = int(np.prod(shape, dtype=object))
    nbytes = -(-count // 8) if dtype == "bits" else count * np.dtype(DTYPES[dtype]).itemsize
    if len(data) != 4 * (-(-nbytes // 3)):
        raise CertificateError(f"{where}: data length does not match shape {shape}")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError as exc:
        raise CertificateError(f"{where}: invalid base64") from exc
    if len(raw) != nbytes:
        raise CertificateError(f"{where}: data length does not match shape {shape}")
    if dtype == "bits":
        bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[:count]
        return bits.astype(bool).reshape(shape)
    return np.frombuffer(raw, dtype=DTYPES[dtype]).astype(DTYPES[dtype][1:]).reshape(shape)


def parse_rational(text: str, where: str) -> Fraction:
    if not isinstance(text, str) or not RATIONAL_PATTERN.fullmatch(text):
        raise CertificateError(f"{where}: not an exact rational 'p/q': {str(text)[:40]!r}")
    return Fraction(text)


def rational_str(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"


def build(model, proof) -> dict:
    """The certificate document of a proof about a model (any family)."""
    return {
        "schema": {"name": SCHEMA_NAME, "version": SCHEMA_VERSION},
        "model": {
            "family": model.family,
            "name": model.config.name,
            "config": model.config.to_json(),
            "sha256": model.sha256,
            "weights": {k: encode_array(v) for k, v in model.state_dict.items()},
        },
        "claim": {
            "quantity": proof.quantity,
            "relation": proof.relation,
            "bound": rational_str(proof.bound),
            "bound_float": float(proof.bound),
        },
        "strategy": {"name": proof.strategy, "parameters": dict(proof.parameters)},
        "trace": {
            "length": int(proof.trace_length),
            "arrays": {k: encode_array(v) for k, v in sorted(proof.trace.items())},
        },
        "metrics": dict(proof.metrics),
    }


def content_sha256(doc: dict) -> str:
    """Digest of the canonical JSON of everything but `metrics` (which verification updates)."""
    body = {k: v for k, v in doc.items() if k != "metrics"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(CONTENT_DIGEST_DOMAIN + canonical).hexdigest()


def default_filename(doc: dict, compress: bool = False) -> str:
    """`<model>.<strategy>.<quantity>.<first 16 hex digits of the content hash>.json[.gz]`."""
    return "{}.{}.{}.{}.json{}".format(
        doc["model"]["name"], doc["strategy"]["name"], doc["claim"]["quantity"],
        content_sha256(doc)[:16], ".gz" if compress else "",
    )


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, and an atomic rename: a failure
    leaves any previous file untouched and no partial file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write_bytes` of UTF-8 text, gzip-compressed for a `.gz` name."""
    data = text.encode()
    atomic_write_bytes(path, gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def dumps(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, indent=1) + "\n"


def write(doc: dict, path: Path) -> Path:
    atomic_write_text(path, dumps(doc))
    return path


def read(path: str | os.PathLike) -> dict:
    """Load and validate the structure of a certificate (not its mathematics: see checker).

    Only regular files are read (not devices or FIFOs), within `max_file_bytes()` compressed
    and decompressed; the JSON must be strict: UTF-8 without a byte-order mark, no duplicate
    keys, no NaN or Infinity literals.
    """
    path = Path(path)
    limit_bytes = max_file_bytes()
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise CertificateError(f"{path}: not a regular file")
        if info.st_size > limit_bytes:
            raise CertificateError(f"{path}: {info.st_size} bytes is over the {limit_bytes} "
                                   "limit (PYEXPORT_MAX_CERT_BYTES)")
        with open(path, "rb") as fh:
            raw = fh.read(limit_bytes + 1)
        if raw[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                raw = fh.read(limit_bytes + 1)
        if len(raw) > limit_bytes:
            raise CertificateError(f"{path}: over the {limit_bytes}-byte limit "
                                   "(PYEXPORT_MAX_CERT_BYTES)")
    except OSError as exc:
        raise CertificateError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except EOFError as exc:
        raise CertificateError(f"{path}: truncated gzip data") from exc
    doc = loads_strict(raw, str(path))
    validate_structure(doc)
    return doc


def loads_strict(raw: bytes, where: str):
    """Strict JSON: UTF-8 without BOM, unique keys, no NaN/Infinity, bounded nesting."""
    if raw.startswith(UTF8_BOM):
        raise CertificateError(f"{where}: starts with a byte-order mark (UTF-8 without one "
                               "is required)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CertificateError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError as exc:
        raise CertificateError(f"{where}: JSON nested too deeply") from exc
    except ValueError as exc:
        raise CertificateError(f"{where}: not valid JSON: {str(exc)[:200]}") from exc


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicate = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"duplicate key {duplicate[:40]!r}")
    return dict(pairs)


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def validate_structure(doc) -> None:
    """JSON-Schema validation plus the rules a schema cannot say (names, rationals, shapes)."""
    import jsonschema

    if not isinstance(doc, dict) or not isinstance(doc.get("schema"), dict):
        raise CertificateError("not a certificate: no `schema` object")
    name, version = doc["schema"].get("name"), doc["schema"].get("version")
    if name != SCHEMA_NAME or version not in READABLE_VERSIONS or isinstance(version, bool):
        raise CertificateError(
            f"unknown schema {name!r} version {version!r} (this reader knows "
            f"{SCHEMA_NAME} versions {', '.join(map(str, READABLE_VERSIONS))})"
        )
    schema = json.loads((SCHEMA_DIR / _schema_file(version)).read_text())
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise CertificateError(f"malformed certificate at {where}: {exc.message[:200]}") from exc
    _whole_names(doc)
    bound = parse_rational(doc["claim"]["bound"], "claim.bound")
    if doc["claim"]["bound_float"] != float(bound):
        raise CertificateError(f"claim.bound_float {doc['claim']['bound_float']!r} is not the "
                               f"exact bound {float(bound)!r} rounded to a float")
    if doc["model"]["config"].get("name") != doc["model"]["name"]:
        raise CertificateError("model.name does not match model.config.name")
    if type(doc["trace"]["length"]) is not int:
        raise CertificateError("trace.length must be an integer")


def _whole_names(doc: dict) -> None:
    """Names must match their patterns whole (JSON Schema's patterns search, so a name with a
    trailing newline would pass them)."""
    model = doc["model"]
    names = [("model.name", model["name"]), ("strategy.name", doc["strategy"]["name"])]
    if "family" in model:
        names.append(("model.family", model["family"]))
    for where, name in names:
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            raise CertificateError(f"{where} is not an identifier [a-z0-9][a-z0-9._-]{{0,63}}")
    for where, keys in (("model.weights", model["weights"]), ("trace.arrays",
                                                              doc["trace"]["arrays"])):
        for key in keys:
            if not ARRAY_NAME.fullmatch(key):
                raise CertificateError(f"{where}: bad array name {key[:40]!r}")


def _schema_file(version: int) -> str:
    return "certificate.schema.json" if version == SCHEMA_VERSION else \
        f"certificate.v{version}.schema.json"


def family_name(doc: dict) -> str:
    """The model family a (structurally valid) certificate holds."""
    return doc["model"].get("family", LEGACY_FAMILY)


def decode_weights(doc: dict, shapes: dict[str, tuple]) -> dict[str, np.ndarray]:
    """The certificate's float32 weights, in the family's order, with shapes and values checked
    before anything is computed from them."""
    weights = doc["model"]["weights"]
    if set(weights) != set(shapes):
        raise CertificateError(f"model.weights must hold exactly {list(shapes)}")
    arrays = {}
    for key, shape in shapes.items():
        obj = weights[key]
        if tuple(obj.get("shape", ())) != tuple(shape) or obj.get("dtype") != "float32":
            raise CertificateError(f"model.weights.{key}: expected float32 of shape "
                                   f"{tuple(shape)}")
        arrays[key] = decode_array(obj, f"model.weights.{key}")
        if not np.isfinite(arrays[key]).all():
            raise CertificateError(f"model.weights.{key} contains NaN or infinity")
    return arrays
