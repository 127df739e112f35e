"""The tutorial's max-of-n MLP, its shipped configurations, and safetensors I/O.

The model (seed 000, design.md section 3): the n_ctx tokens are one-hot encoded and summed,
then mapped by three bias-free linear layers with no nonlinearity,

    z = U H (E[:, t1] + ... + E[:, tn]),    E = embedding.weight   (d_model x d_vocab)
                                            H = linear.weight      (d_model x d_model)
                                            U = unembedding.weight (d_vocab x d_model)

and the label is max(t1, ..., tn). Weights live in a safetensors file with the tutorial's
state-dict keys, next to a JSON model card.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHT_KEYS = ("embedding.weight", "linear.weight", "unembedding.weight")
SHIPPED_DIR = Path(__file__).parent / "models"
WEIGHTS_DIGEST_DOMAIN = b"pyexport/weights/v1\0"


class ModelError(ValueError):
    """A model file that cannot be used: missing, malformed, non-finite or inconsistent."""


@dataclass(frozen=True)
class ModelConfig:
    """Architecture and training settings of one max-of-n MLP configuration."""

    name: str
    n_ctx: int
    d_vocab: int
    d_model: int
    seed: int = 57
    lr: float = 1e-3
    batch_size: int = 1024
    epochs: int = 2
    subset_fraction: float = 0.05

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


CONFIGS: dict[str, ModelConfig] = {
    c.name: c
    for c in (
        ModelConfig(
            "max2-d64", n_ctx=2, d_vocab=64, d_model=32, epochs=300, subset_fraction=1.0
        ),
        ModelConfig("max2-d2048", n_ctx=2, d_vocab=2048, d_model=128),
        ModelConfig("max3-d256", n_ctx=3, d_vocab=256, d_model=128),
    )
}
DEFAULT_MODEL = "max2-d64"


@dataclass(frozen=True)
class Model:
    """A loaded model: its config and its float32 weights E, H, U (numpy, read-only)."""

    config: ModelConfig
    E: np.ndarray  # (d_model, d_vocab) float32
    H: np.ndarray  # (d_model, d_model) float32
    U: np.ndarray  # (d_vocab, d_model) float32
    path: str = ""

    @property
    def state_dict(self) -> dict[str, np.ndarray]:
        return dict(zip(WEIGHT_KEYS, (self.E, self.H, self.U)))

    @property
    def sha256(self) -> str:
        return weights_sha256(self.state_dict)


def weights_sha256(state: dict[str, np.ndarray]) -> str:
    """Content hash of the exact weights: key, shape and little-endian float32 bytes, in order.

    The digest carries a domain prefix and version, so it can never collide with a hash of
    some other kind of document.
    """
    h = hashlib.sha256(WEIGHTS_DIGEST_DOMAIN)
    for key in WEIGHT_KEYS:
        a = np.ascontiguousarray(state[key], dtype="<f4")
        h.update(key.encode() + b"\0" + json.dumps(list(a.shape)).encode() + b"\0")
        h.update(a.tobytes())
    return h.hexdigest()


def validate_weights(config: ModelConfig, state: dict[str, np.ndarray]) -> None:
    """Refuse weights with missing keys, wrong shapes or dtypes, or NaN/inf entries."""
    expected = {
        "embedding.weight": (config.d_model, config.d_vocab),
        "linear.weight": (config.d_model, config.d_model),
        "unembedding.weight": (config.d_vocab, config.d_model),
    }
    missing = set(expected) - set(state)
    if missing:
        raise ModelError(f"weights lack {sorted(missing)}")
    for key, shape in expected.items():
        a = state[key]
        if a.dtype != np.float32:
            raise ModelError(f"{key} has dtype {a.dtype}, expected float32")
        if tuple(a.shape) != shape:
            raise ModelError(f"{key} has shape {tuple(a.shape)}, expected {shape}")
        if not np.isfinite(a).all():
            raise ModelError(f"{key} contains NaN or infinite entries")


def model_from_state(config: ModelConfig, state: dict[str, np.ndarray], path: str = "") -> Model:
    validate_weights(config, state)
    arrays = []
    for key in WEIGHT_KEYS:
        a = np.array(state[key], dtype=np.float32, copy=True)
        a.setflags(write=False)
        arrays.append(a)
    return Model(config, *arrays, path=path)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_model(model: Model, directory: Path, card_extra: dict | None = None) -> Path:
    """Write `<name>.safetensors` and `<name>.json` (the model card) atomically; return the first."""
    from safetensors.numpy import save

    directory.mkdir(parents=True, exist_ok=True)
    name = model.config.name
    weights_path = directory / f"{name}.safetensors"
    card = {
        "name": name,
        "architecture": "max-of-n MLP: z = U H sum_i E[:, t_i], no bias, no nonlinearity",
        "config": model.config.to_json(),
        "weights_file": weights_path.name,
        "weights_sha256": model.sha256,
        **(card_extra or {}),
    }
    _atomic_write_bytes(weights_path, save(model.state_dict))
    _atomic_write_bytes(directory / f"{name}.json", (json.dumps(card, indent=2) + "\n").encode())
    return weights_path


def load_model(name_or_path: str | os.PathLike) -> Model:
    """Load a shipped model by name, or a `.safetensors` file that has a `.json` card beside it."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    key = str(name_or_path)
    path = SHIPPED_DIR / f"{key}.safetensors" if key in CONFIGS else Path(key)
    card_path = path.with_suffix(".json")
    if not path.is_file():
        raise ModelError(f"no model file at {path} (shipped models: {', '.join(CONFIGS)})")
    if not card_path.is_file():
        raise ModelError(f"no model card {card_path} beside {path}")
    try:
        card = json.loads(card_path.read_text())
        config = ModelConfig(**card["config"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"malformed model card {card_path}: {exc}") from exc
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelError(f"cannot read safetensors file {path}: {exc}") from exc
    model = model_from_state(config, state, path=str(path))
    if card.get("weights_sha256") not in (None, model.sha256):
        raise ModelError(f"{path}: weights do not match the sha256 in their model card")
    return model
