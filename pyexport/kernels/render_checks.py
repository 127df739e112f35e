"""What every family's renderer checks before a certificate's numbers reach a proof file."""

from __future__ import annotations

import re

from pyexport import certificate as cert
from pyexport.weights import ModelError, weights_sha256


def identifier(name: str) -> str:
    """A model name (`[a-z0-9][a-z0-9._-]{0,63}`) as an identifier over [a-z0-9_]."""
    if not isinstance(name, str) or not cert.NAME_PATTERN.fullmatch(name):
        raise ValueError("model name is not an identifier [a-z0-9][a-z0-9._-]{0,63}")
    return re.sub(r"[.-]", "_", name)


def checked_weights(doc: dict, config_from_json, weight_shapes, weight_keys):
    """The certificate's configuration, weights and their sha256, after checking that the
    configuration is valid and names the model, the weights have its shapes, and the hash is
    theirs (`ValueError` otherwise). The family supplies its model functions."""
    try:
        config = config_from_json(doc["model"]["config"])
    except ModelError as exc:
        raise ValueError(str(exc)) from exc
    if config.name != doc["model"]["name"]:
        raise ValueError("model.name does not match model.config.name")
    weights = cert.decode_weights(doc, weight_shapes(config))
    model_sha = weights_sha256(weights, weight_keys)
    if model_sha != doc["model"]["sha256"]:
        raise ValueError("model.sha256 does not match the weights")
    return config, weights, model_sha
