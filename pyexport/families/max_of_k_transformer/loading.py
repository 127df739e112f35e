"""Reading the models users have: TransformerLens state dicts, as safetensors or torch files.

Accepted: a safetensors file with TransformerLens names (`embed.W_E`, `pos_embed.W_pos`,
`blocks.0.attn.W_Q` ... `unembed.W_U`, `unembed.b_U`), or a `torch.save`d state dict with the
same names, bare or in the paper's checkpoint layout `{"model": state_dict, ...}`, with or
without a `model.` prefix. Torch files are read with `torch.load(weights_only=True)`, so no
pickled code runs. TransformerLens buffers (`blocks.0.attn.mask`, `blocks.0.attn.IGNORE`) are
ignored; absent biases are zero; any other weight (LayerNorm, MLP, a second layer or head) is
refused, since the model would not be this family's.

The configuration follows from the shapes (d_vocab and d_model from W_E, n_ctx from W_pos,
d_head from W_Q); the task is max. A model card beside the file (`<stem>.json`), when present,
is checked against the shapes and the weights' hash.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from pyexport.families.max_of_k_transformer.model import (
    WEIGHT_KEYS,
    Model,
    TransformerConfig,
    model_from_state,
    weight_shapes,
)
from pyexport.weights import ModelError, read_safetensors

BUFFERS = ("blocks.0.attn.mask", "blocks.0.attn.IGNORE")
BIASES = ("blocks.0.attn.b_Q", "blocks.0.attn.b_K", "blocks.0.attn.b_V", "blocks.0.attn.b_O",
          "unembed.b_U")
TORCH_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt")
TL_SIGNATURE = "embed.W_E"


def is_transformer_file(path: Path) -> bool:
    """Whether `path` looks like a file this family reads without a card."""
    if path.suffix in TORCH_SUFFIXES:
        return True
    if path.suffix == ".safetensors":
        from safetensors import safe_open

        try:
            with safe_open(str(path), framework="numpy") as fh:
                return TL_SIGNATURE in fh.keys()
        except Exception:  # unreadable files are reported by the loader, with its message
            return False
    return False


def read_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The file's tensors under canonical TransformerLens names, as numpy arrays."""
    if path.suffix == ".safetensors":
        raw = read_safetensors(path)
    elif path.suffix in TORCH_SUFFIXES:
        raw = _read_torch(path)
    else:
        raise ModelError(f"{path}: not a .safetensors or torch ({', '.join(TORCH_SUFFIXES)}) "
                         "file")
    return canonical_state(raw, str(path))


def _read_torch(path: Path) -> dict[str, np.ndarray]:
    import pickle

    import torch

    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, OSError, EOFError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{path}: not a readable weights-only torch file ({first[:200]})") \
            from exc
    if isinstance(obj, dict) and isinstance(obj.get("model"), dict):
        obj = obj["model"]  # the paper's checkpoints: {"model": state_dict, ...}
    if not isinstance(obj, dict) or not all(isinstance(k, str) for k in obj):
        raise ModelError(f"{path}: holds no state dict (a mapping from names to tensors)")
    out = {}
    for key, value in obj.items():
        if not isinstance(value, torch.Tensor):
            raise ModelError(f"{path}: entry {key!r} is not a tensor")
        out[key] = _exact_float32(value.detach().cpu(), key, str(path))
    return out


def _exact_float32(tensor, key: str, where: str) -> np.ndarray:
    """A float tensor as float32, refusing any value float32 cannot hold exactly (the theorem
    must be about these very weights)."""
    import torch

    if tensor.dtype in (torch.bool,) or not tensor.is_floating_point():
        return tensor.numpy()  # integer buffers; refused later if they are weights
    as32 = tensor.to(torch.float32)
    if tensor.dtype != torch.float32 and not torch.equal(as32.to(tensor.dtype), tensor):
        raise ModelError(f"{where}: {key} ({tensor.dtype}) is not exactly representable in "
                         "float32")
    return as32.numpy()


def canonical_state(raw: dict[str, np.ndarray], where: str) -> dict[str, np.ndarray]:
    """Strip a `model.` prefix, drop TransformerLens buffers, add zero biases, refuse the rest."""
    if raw and all(k.startswith("model.") for k in raw):
        raw = {k[len("model."):]: v for k, v in raw.items()}
    state = {k: v for k, v in raw.items() if k not in BUFFERS}
    unknown = sorted(set(state) - set(WEIGHT_KEYS))
    if unknown:
        raise ModelError(f"{where}: weights outside a one-layer one-head attention-only "
                         f"transformer without LayerNorm: {unknown[:6]}")
    missing = [k for k in WEIGHT_KEYS if k not in state and k not in BIASES]
    if missing:
        raise ModelError(f"{where}: missing weights {missing}")
    for key in ("blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
                "blocks.0.attn.W_O"):
        if state[key].ndim == 2:  # a state dict without the head axis
            state[key] = state[key][None]
        if state[key].ndim != 3 or state[key].shape[0] != 1:
            raise ModelError(f"{where}: {key} has shape {tuple(state[key].shape)}; this family "
                             "has exactly one head")
    d_head = state["blocks.0.attn.W_Q"].shape[2]
    d_model = state["embed.W_E"].shape[1] if state["embed.W_E"].ndim == 2 else 0
    zeros = {"blocks.0.attn.b_Q": (1, d_head), "blocks.0.attn.b_K": (1, d_head),
             "blocks.0.attn.b_V": (1, d_head), "blocks.0.attn.b_O": (d_model,),
             "unembed.b_U": (state["unembed.W_U"].shape[-1],)}
    for key, shape in zeros.items():
        if key not in state:
            state[key] = np.zeros(shape, dtype=np.float32)
        elif state[key].ndim == len(shape) - 1 and len(shape) == 2:
            state[key] = state[key][None]  # a bias without the head axis
    for key, value in state.items():
        if np.asarray(value).dtype != np.float32:
            raise ModelError(f"{where}: {key} has dtype {np.asarray(value).dtype}, expected "
                             "float32")
    return state


def infer_config(state: dict[str, np.ndarray], name: str) -> TransformerConfig:
    """The configuration the shapes imply (training settings: the paper's defaults)."""
    W_E, W_pos, W_Q, W_U = (state[k] for k in ("embed.W_E", "pos_embed.W_pos",
                                               "blocks.0.attn.W_Q", "unembed.W_U"))
    if W_E.ndim != 2 or W_pos.ndim != 2 or W_U.ndim != 2:
        raise ModelError("W_E, W_pos and W_U must be matrices")
    d_vocab, d_model = W_E.shape
    if W_U.shape[1] != d_vocab:
        raise ModelError(f"d_vocab_out {W_U.shape[1]} differs from d_vocab {d_vocab}: the label "
                         "(the maximum token) must be an output")
    from pyexport.families.max_of_k_transformer.model import config_from_json

    return config_from_json({"name": name, "n_ctx": int(W_pos.shape[0]),
                             "d_vocab": int(d_vocab), "d_model": int(d_model),
                             "d_head": int(W_Q.shape[2])})


def model_name_for(path: Path) -> str:
    """A model name (`[a-z0-9][a-z0-9._-]{0,63}`) made from the file name."""
    name = re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._")[:64]
    return name if name else "model"


def load_file(path: Path, card: dict | None) -> Model:
    """A model from a TransformerLens state dict, checked against its card when there is one."""
    state = read_state_dict(path)
    config = infer_config(state, card.get("name", model_name_for(path)) if card
                          else model_name_for(path))
    if card is not None:
        _check_card(card, config, path)
        config = _card_config(card, config)
    model = model_from_state(config, state, path=str(path))
    if card is not None and card.get("weights_sha256") not in (None, model.sha256):
        raise ModelError(f"{path}: weights do not match the sha256 in their model card")
    return model


def _check_card(card: dict, config: TransformerConfig, path: Path) -> None:
    stated = card.get("config", {})
    for field in ("n_ctx", "d_vocab", "d_model", "d_head"):
        if field in stated and stated[field] != getattr(config, field):
            raise ModelError(f"{path}: the model card says {field} = {stated[field]!r}, the "
                             f"weights' shapes say {getattr(config, field)}")


def _card_config(card: dict, inferred: TransformerConfig) -> TransformerConfig:
    from pyexport.families.max_of_k_transformer.model import config_from_json

    stated = {**inferred.to_json(), **card["config"]}
    config = config_from_json(stated)
    if weight_shapes(config) != weight_shapes(inferred):
        raise ModelError("the model card's configuration does not match the weights")
    return config
