"""The tutorial's max-of-n MLP and its shipped configurations.

The model (seed 000, design.md section 3): the n_ctx tokens are one-hot encoded and summed,
then mapped by three bias-free linear layers with no nonlinearity,

    z = U H (E[:, t1] + ... + E[:, tn]),    E = embedding.weight   (d_model x d_vocab)
                                            H = linear.weight      (d_model x d_model)
                                            U = unembedding.weight (d_vocab x d_model)

and the label is max(t1, ..., tn). Weights live in a safetensors file with the tutorial's
state-dict keys, next to a JSON model card (pyexport.weights).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from pyexport.weights import (
    ModelError,
    check_model_name,
    frozen_copies,
    validate_weights,
    weights_sha256,
)

FAMILY_NAME = "max-of-n-mlp"
ARCHITECTURE = "max-of-n MLP: z = U H sum_i E[:, t_i], no bias, no nonlinearity"
WEIGHT_KEYS = ("embedding.weight", "linear.weight", "unembedding.weight")
MAX_D_VOCAB, MAX_D_MODEL = 4096, 1024


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


def config_from_json(obj) -> ModelConfig:
    """A configuration from a card or certificate, with sizes within the supported limits."""
    try:
        config = ModelConfig(**obj)
    except TypeError as exc:
        raise ModelError(f"model config: {exc}") from exc
    check_model_name(config.name)
    ints = (config.n_ctx, config.d_vocab, config.d_model)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in ints):
        raise ModelError("model config: n_ctx, d_vocab and d_model must be integers")
    if config.n_ctx not in (2, 3) or not 2 <= config.d_vocab <= MAX_D_VOCAB \
            or not 1 <= config.d_model <= MAX_D_MODEL:
        raise ModelError(f"unsupported model size n_ctx={config.n_ctx} "
                         f"d_vocab={config.d_vocab} d_model={config.d_model}")
    return config


def weight_shapes(config: ModelConfig) -> dict[str, tuple[int, int]]:
    return {"embedding.weight": (config.d_model, config.d_vocab),
            "linear.weight": (config.d_model, config.d_model),
            "unembedding.weight": (config.d_vocab, config.d_model)}


@dataclass(frozen=True)
class Model:
    """A loaded model: its config and its float32 weights E, H, U (numpy, read-only)."""

    config: ModelConfig
    E: np.ndarray  # (d_model, d_vocab) float32
    H: np.ndarray  # (d_model, d_model) float32
    U: np.ndarray  # (d_vocab, d_model) float32
    path: str = ""
    family = FAMILY_NAME
    architecture = ARCHITECTURE

    @property
    def state_dict(self) -> dict[str, np.ndarray]:
        return dict(zip(WEIGHT_KEYS, (self.E, self.H, self.U)))

    @property
    def sha256(self) -> str:
        return weights_sha256(self.state_dict, WEIGHT_KEYS)


def model_from_state(config: ModelConfig, state: dict[str, np.ndarray], path: str = "") -> Model:
    validate_weights(state, weight_shapes(config))
    arrays = frozen_copies(state, WEIGHT_KEYS)
    return Model(config, *(arrays[k] for k in WEIGHT_KEYS), path=path)
