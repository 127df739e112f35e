"""The paper's Max-of-K model: a one-layer, one-head, attention-only transformer.

TransformerLens semantics (HookedTransformer with n_layers 1, n_heads 1, attn_only, no
normalization, learned absolute positions, causal attention, attention scale sqrt(d_head)),
evaluated at the last position; the label of a sequence t_0 .. t_{n-1} is max(t). With
x_i = W_E[t_i] + W_pos[i]:

    q = x_{n-1} W_Q + b_Q,   k_i = x_i W_K + b_K,   v_i = x_i W_V + b_V
    a = softmax_i(q . k_i / sqrt(d_head))            (all i <= n-1: the mask is inactive)
    logits = (x_{n-1} + (sum_i a_i v_i) W_O + b_O) W_U + b_U

Every bias may be non-zero: each strategy folds them in exactly (b_K adds the same score to
every key and cancels in the softmax; b_Q joins the query; since sum_i a_i = 1, b_V W_O + b_O
is a constant of the residual stream). Weights are float32 under TransformerLens's names; every
theorem is about the exact real-valued model on the exact dyadic weights.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from pyexport.weights import (
    ModelError,
    check_model_name,
    frozen_copies,
    validate_weights,
    weights_sha256,
)

FAMILY_NAME = "max-of-k-transformer"
ARCHITECTURE = ("one-layer one-head attention-only transformer (TransformerLens semantics, no "
                "LayerNorm, learned positions, scale sqrt(d_head)), read at the last position; "
                "label = max of the sequence")
WEIGHT_KEYS = ("embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K",
               "blocks.0.attn.W_V", "blocks.0.attn.W_O", "blocks.0.attn.b_Q",
               "blocks.0.attn.b_K", "blocks.0.attn.b_V", "blocks.0.attn.b_O", "unembed.W_U",
               "unembed.b_U")
LIMITS = {"n_ctx": (2, 10), "d_vocab": (2, 1024), "d_model": (1, 512), "d_head": (1, 512)}


@dataclass(frozen=True)
class TransformerConfig:
    """Architecture and training recipe (the paper's: AdamW, 3000 steps of batch 128)."""

    name: str
    n_ctx: int
    d_vocab: int
    d_model: int
    d_head: int
    seed: int = 123
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.01
    batch_size: int = 128
    steps: int = 3000

    def to_json(self) -> dict:
        out = dataclasses.asdict(self)
        out["betas"] = list(self.betas)
        return out


CONFIGS = {c.name: c for c in (
    TransformerConfig("max4-d64", n_ctx=4, d_vocab=64, d_model=32, d_head=32),
    # a size Coq and CI can afford: same recipe, d_vocab 16, n_ctx 3
    TransformerConfig("max3-d16", n_ctx=3, d_vocab=16, d_model=32, d_head=32, steps=1500),
)}
SHIPPED_SEEDS = (50, 104, 123, 519, 742)  # the first five of the paper's 151 seeds


def config_from_json(obj) -> TransformerConfig:
    """A configuration from a card or certificate, with sizes within the supported limits."""
    try:
        obj = dict(obj)
        if "betas" in obj:
            obj["betas"] = tuple(obj["betas"])
        config = TransformerConfig(**obj)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"model config: {exc}") from exc
    check_model_name(config.name)
    for field, (low, high) in LIMITS.items():
        value = getattr(config, field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ModelError(f"model config: {field} = {value!r} is outside [{low}, {high}]")
    return config


def weight_shapes(config: TransformerConfig) -> dict[str, tuple[int, ...]]:
    d, n, dm, h = config.d_vocab, config.n_ctx, config.d_model, config.d_head
    return {
        "embed.W_E": (d, dm), "pos_embed.W_pos": (n, dm),
        "blocks.0.attn.W_Q": (1, dm, h), "blocks.0.attn.W_K": (1, dm, h),
        "blocks.0.attn.W_V": (1, dm, h), "blocks.0.attn.W_O": (1, h, dm),
        "blocks.0.attn.b_Q": (1, h), "blocks.0.attn.b_K": (1, h), "blocks.0.attn.b_V": (1, h),
        "blocks.0.attn.b_O": (dm,), "unembed.W_U": (dm, d), "unembed.b_U": (d,),
    }


@dataclass(frozen=True)
class Model:
    """A loaded transformer: its config and float32 weights under TransformerLens's names."""

    config: TransformerConfig
    weights: dict
    path: str = ""
    family = FAMILY_NAME
    architecture = ARCHITECTURE

    @property
    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: self.weights[k] for k in WEIGHT_KEYS}

    @property
    def sha256(self) -> str:
        return weights_sha256(self.weights, WEIGHT_KEYS)

    def __getattr__(self, name: str) -> np.ndarray:
        """W_E, W_pos, W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O, W_U, b_U: the weights without
        the head axis (one head)."""
        if name not in VIEWS:
            raise AttributeError(name)
        key, drop_head = VIEWS[name]
        return self.weights[key][0] if drop_head else self.weights[key]


VIEWS = {"W_E": ("embed.W_E", False), "W_pos": ("pos_embed.W_pos", False),
         **{f"{kind}_{x}": (f"blocks.0.attn.{kind}_{x}", kind == "W" or x != "O")
            for kind in ("W", "b") for x in "QKVO"},
         "W_U": ("unembed.W_U", False), "b_U": ("unembed.b_U", False)}


def model_from_state(config: TransformerConfig, state: dict, path: str = "") -> Model:
    validate_weights(state, weight_shapes(config))
    return Model(config, frozen_copies(state, WEIGHT_KEYS), path=path)


def float_logits(model: Model, tokens: np.ndarray) -> np.ndarray:
    """Last-position logits of a batch of sequences (batch, n_ctx) in float64, by the formula
    of the module docstring. A reference for tests and the float baselines, not a proof."""
    f = {k: np.asarray(v, dtype=np.float64) for k, v in model.weights.items()}
    x = f["embed.W_E"][tokens] + f["pos_embed.W_pos"][None, :, :]
    q = x[:, -1] @ f["blocks.0.attn.W_Q"][0] + f["blocks.0.attn.b_Q"][0]
    k = x @ f["blocks.0.attn.W_K"][0] + f["blocks.0.attn.b_K"][0]
    v = x @ f["blocks.0.attn.W_V"][0] + f["blocks.0.attn.b_V"][0]
    scores = np.einsum("bh,bih->bi", q, k) / math.sqrt(model.config.d_head)
    scores -= scores.max(axis=1, keepdims=True)
    a = np.exp(scores)
    a /= a.sum(axis=1, keepdims=True)
    resid = x[:, -1] + np.einsum("bi,bih->bh", a, v) @ f["blocks.0.attn.W_O"][0] \
        + f["blocks.0.attn.b_O"]
    return resid @ f["unembed.W_U"] + f["unembed.b_U"]
