"""Exact weights on disk: content hashes, safetensors files and their JSON model cards.

Generic over model families: a family says which weight names (in which order) and shapes its
models have; this module hashes, writes and reads them. A model card (`<name>.json` beside
`<name>.safetensors`) records the family, the configuration, the weights' hash and how the
model was made.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

SHIPPED_DIR = Path(__file__).parent / "models"
WEIGHTS_DIGEST_DOMAIN = b"pyexport/weights/v1\0"


class ModelError(ValueError):
    """A model file that cannot be used: missing, malformed, non-finite or inconsistent."""


MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")  # matched whole: no path, no newline


def check_model_name(name) -> str:
    """A model name is an identifier: it becomes part of file names and proof-file names."""
    if not isinstance(name, str) or not MODEL_NAME.fullmatch(name) or ".." in name:
        raise ModelError(f"model name {str(name)[:40]!r} is not an identifier "
                         "[a-z0-9][a-z0-9._-]{0,63} (without '..')")
    return name


def weights_sha256(state: dict[str, np.ndarray], keys) -> str:
    """Content hash of exact float32 weights: key, shape and little-endian bytes, in `keys` order.

    The digest carries a domain prefix and version, so it can never collide with a hash of
    some other kind of document.
    """
    h = hashlib.sha256(WEIGHTS_DIGEST_DOMAIN)
    for key in keys:
        a = np.ascontiguousarray(state[key], dtype="<f4")
        h.update(key.encode() + b"\0" + json.dumps(list(a.shape)).encode() + b"\0")
        h.update(a.tobytes())
    return h.hexdigest()


def validate_weights(state: dict[str, np.ndarray], shapes: dict[str, tuple]) -> None:
    """Refuse weights with missing keys, wrong shapes or dtypes, or NaN/inf entries."""
    missing = set(shapes) - set(state)
    if missing:
        raise ModelError(f"weights lack {sorted(missing)}")
    for key, shape in shapes.items():
        a = state[key]
        if a.dtype != np.float32:
            raise ModelError(f"{key} has dtype {a.dtype}, expected float32")
        if tuple(a.shape) != tuple(shape):
            raise ModelError(f"{key} has shape {tuple(a.shape)}, expected {tuple(shape)}")
        if not np.isfinite(a).all():
            raise ModelError(f"{key} contains NaN or infinite entries")


def frozen_copies(state: dict[str, np.ndarray], keys) -> dict[str, np.ndarray]:
    """Read-only float32 copies of the weights, in `keys` order."""
    out = {}
    for key in keys:
        a = np.array(state[key], dtype=np.float32, copy=True)
        a.setflags(write=False)
        out[key] = a
    return out


def save_model(model, directory: Path, card_extra: dict | None = None) -> Path:
    """Write `<name>.safetensors` and `<name>.json` (the model card) atomically; return the
    first."""
    from safetensors.numpy import save

    directory.mkdir(parents=True, exist_ok=True)
    name = check_model_name(model.config.name)
    weights_path = directory / f"{name}.safetensors"
    card = {
        "name": name,
        "family": model.family,
        "architecture": model.architecture,
        "config": model.config.to_json(),
        "weights_file": weights_path.name,
        "weights_sha256": model.sha256,
        **(card_extra or {}),
    }
    from pyexport.certificate import atomic_write_bytes

    atomic_write_bytes(weights_path, save(dict(model.state_dict)))
    atomic_write_bytes(directory / f"{name}.json", (json.dumps(card, indent=2) + "\n").encode())
    return weights_path


def read_card(card_path: Path) -> dict:
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"malformed model card {card_path}: {exc}") from exc
    if not isinstance(card, dict) or not isinstance(card.get("config"), dict):
        raise ModelError(f"malformed model card {card_path}: no `config` object")
    return card


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelError(f"cannot read safetensors file {path}: {exc}") from exc


def shipped_cards() -> dict[str, dict]:
    """The model cards of the models shipped with the package, by name."""
    cards = {}
    for card_path in sorted(SHIPPED_DIR.glob("*.json")):
        card = read_card(card_path)
        cards[card.get("name", card_path.stem)] = card
    return cards
