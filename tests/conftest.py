"""Shared fixtures: tiny random models (exact float32 weights) and certificates made from them."""

from __future__ import annotations

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.mutate import edit_array  # noqa: F401  (used by the tests)
from pyexport.families.max_of_n_mlp.model import ModelConfig, model_from_state
from pyexport.proof import run
from pyexport.weights import weights_sha256


def random_model(d: int, dm: int, n: int = 2, seed: int = 0, scale: float = 1.0):
    """A model whose logits favour the max token a little, so bounds are not all trivial."""
    rng = np.random.default_rng(seed)
    config = ModelConfig(f"test-n{n}-d{d}", n_ctx=n, d_vocab=d, d_model=dm)
    E = rng.standard_normal((dm, d)) * scale
    H = rng.standard_normal((dm, dm)) / np.sqrt(dm)
    U = rng.standard_normal((d, dm)) / np.sqrt(dm)
    return model_from_state(config, {
        "embedding.weight": E.astype(np.float32),
        "linear.weight": H.astype(np.float32),
        "unembedding.weight": U.astype(np.float32),
    })


@pytest.fixture(scope="session")
def small_model():
    return random_model(8, 4, seed=1)


@pytest.fixture(scope="session")
def default_model():
    from pyexport.families import load_model
    from pyexport.families.max_of_n_mlp.model import DEFAULT_MODEL

    return load_model(DEFAULT_MODEL)


def random_transformer(d: int = 5, n: int = 2, width: int = 4, seed: int = 11):
    """A random Max-of-K transformer (no training: seeded float32 weights, every bias set)."""
    from pyexport.families.max_of_k_transformer.model import (
        TransformerConfig,
        model_from_state,
        weight_shapes,
    )

    config = TransformerConfig(f"rand-t-d{d}-n{n}", n_ctx=n, d_vocab=d, d_model=width,
                               d_head=width)
    rng = np.random.default_rng(seed)
    state = {key: rng.standard_normal(shape).astype(np.float32)
             for key, shape in weight_shapes(config).items()}
    state["unembed.W_U"] += np.linspace(-1, 1, d, dtype=np.float32)  # favour large tokens a bit
    return model_from_state(config, state)


def certificate_of(model, strategy: str, quantity: str) -> dict:
    return cert.build(model, run(strategy, quantity, model))


def tamper_transformer(doc, what):
    """A transformer accuracy certificate made false: "weight" flips the unembedding (hash
    updated), "bound" raises the claim by 1/100, "verdict" marks correct a brute-force
    sequence that `random_transformer()` gets wrong by a wide margin."""
    from pyexport.families.max_of_k_transformer.model import WEIGHT_KEYS

    if what == "weight":  # flip the unembedding: most claimed sequences become wrong
        edit_array(doc, ["model", "weights", "unembed.W_U"], lambda a: a.__imul__(-1))
        weights = {k: cert.decode_array(v, k) for k, v in doc["model"]["weights"].items()}
        doc["model"]["sha256"] = weights_sha256(weights, WEIGHT_KEYS)
    elif what == "bound":
        bound = cert.parse_rational(doc["claim"]["bound"], "") + cert.Fraction(1, 100)
        doc["claim"]["bound"], doc["claim"]["bound_float"] = cert.rational_str(bound), float(bound)
    else:  # claim a sequence the model gets wrong by a wide margin
        model = random_transformer()
        flat = cert.decode_array(doc["trace"]["arrays"]["correct"], "").reshape(-1)
        wrong = [s for s in np.flatnonzero(~flat) if transformer_margin(model, s) < -0.1]
        edit_array(doc, ["trace", "arrays", "correct"],
                   lambda a: a.reshape(-1).__setitem__(wrong[0], True))


def transformer_margin(model, s: int) -> float:
    """Label logit minus the best other one, in float64 (to pick a clearly wrong sequence)."""
    from pyexport.families.max_of_k_transformer.model import float_logits
    from pyexport.families.max_of_k_transformer.strategies.brute_force import sequences

    tokens = sequences(model.config.d_vocab, model.config.n_ctx, s, s + 1)
    z, y = float_logits(model, tokens)[0], int(tokens[0].max())
    return float(z[y] - np.delete(z, y).max())
