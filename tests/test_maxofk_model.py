"""Max-of-K model family: TransformerLens conformance, loading users' files, training."""

import json

import numpy as np
import pytest
import torch

from pyexport.families import load_model
from pyexport.families.max_of_k_transformer.model import TransformerConfig, float_logits
from pyexport.families.max_of_k_transformer.strategies.brute_force import sequences
from pyexport.families.max_of_k_transformer.train import torch_module, train
from pyexport.weights import ModelError, save_model

CONFIG = TransformerConfig("tiny-d8", n_ctx=3, d_vocab=8, d_model=16, d_head=8, steps=500,
                           seed=11)


@pytest.fixture(scope="module")
def model():
    return train(CONFIG, progress=False)[0]


def _tl_state(model) -> dict:
    return {k: torch.from_numpy(np.array(v)) for k, v in model.weights.items()}


def test_logits_equal_transformer_lens_hooked_transformer(model):
    """Our semantics (model.py) against TransformerLens's own HookedTransformer, with non-zero
    biases so every term is exercised."""
    tl_module = pytest.importorskip("transformer_lens", reason="transformer-lens<4 not installed")
    c = model.config
    cfg = tl_module.HookedTransformerConfig(
        n_layers=1, n_heads=1, d_model=c.d_model, d_head=c.d_head, d_vocab=c.d_vocab,
        n_ctx=c.n_ctx, d_vocab_out=c.d_vocab, attn_only=True, normalization_type=None,
        device="cpu")
    hooked = tl_module.HookedTransformer(cfg)
    state = _tl_state(model)
    rng = np.random.default_rng(0)
    for key in ("blocks.0.attn.b_Q", "blocks.0.attn.b_K", "blocks.0.attn.b_V",
                "blocks.0.attn.b_O", "unembed.b_U"):
        state[key] = torch.from_numpy(rng.standard_normal(state[key].shape).astype(np.float32))
    result = hooked.load_state_dict(state, strict=False)
    assert set(result.missing_keys) == {"blocks.0.attn.mask", "blocks.0.attn.IGNORE"}
    assert not result.unexpected_keys
    tokens = sequences(8, 3, 0, 8**3)
    theirs = hooked(torch.tensor(tokens))[:, -1].detach().double().numpy()
    from pyexport.families.max_of_k_transformer.model import model_from_state

    ours = float_logits(model_from_state(c, {k: v.numpy() for k, v in state.items()}), tokens)
    assert np.abs(theirs - ours).max() < 1e-4


def test_torch_module_matches_the_float_reference(model):
    tokens = sequences(8, 3, 0, 8**3)
    ours = torch_module(model)(torch.tensor(tokens))[:, -1].detach().double().numpy()
    assert np.abs(ours - float_logits(model, tokens)).max() < 1e-4


def test_training_is_reproducible_on_one_machine_and_learns(model):
    again = train(CONFIG, progress=False)[0]
    assert again.sha256 == model.sha256
    tokens = sequences(8, 3, 0, 8**3)
    accuracy = (float_logits(model, tokens).argmax(axis=1) == tokens.max(axis=1)).mean()
    assert accuracy > 0.9


@pytest.mark.parametrize("layout", ["bare", "checkpoint", "prefixed"])
def test_torch_state_dicts_load_without_a_card(model, tmp_path, layout):
    state = _tl_state(model)
    state["blocks.0.attn.IGNORE"] = torch.tensor(-1e5)
    state["blocks.0.attn.mask"] = torch.ones(3, 3, dtype=torch.bool).tril()
    if layout == "checkpoint":
        obj = {"model": state, "epoch": 3}
    elif layout == "prefixed":
        obj = {"model": {f"model.{k}": v for k, v in state.items()}}
    else:
        obj = state
    path = tmp_path / "Their Model.pt"
    torch.save(obj, path)
    loaded = load_model(path)
    assert loaded.sha256 == model.sha256 and loaded.config.name == "their-model"
    assert (loaded.config.n_ctx, loaded.config.d_vocab, loaded.config.d_head) == (3, 8, 8)


def test_transformer_lens_safetensors_load_without_a_card(model, tmp_path):
    from safetensors.numpy import save_file

    path = tmp_path / "tl.safetensors"
    save_file({k: np.array(v) for k, v in model.weights.items()
               if k != "unembed.b_U"}, str(path))  # an absent bias reads as zero
    loaded = load_model(path)
    assert np.array_equal(loaded.weights["embed.W_E"], model.weights["embed.W_E"])
    assert not loaded.weights["unembed.b_U"].any()


def test_a_card_beside_the_file_is_checked_against_the_shapes(model, tmp_path):
    path = save_model(model, tmp_path)
    assert load_model(path).sha256 == model.sha256
    card = json.loads(path.with_suffix(".json").read_text())
    card["config"]["n_ctx"] = 4
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="n_ctx"):
        load_model(path)


@pytest.mark.parametrize("edit,message", [
    (lambda s: s.__setitem__("blocks.0.ln1.w", torch.ones(16)), "LayerNorm"),
    (lambda s: s.__setitem__("blocks.0.attn.W_Q", torch.zeros(2, 16, 8)), "one head"),
    (lambda s: s.__setitem__("embed.W_E", s["embed.W_E"].double() + 1e-12), "float32"),
    (lambda s: s.__setitem__("unembed.W_U", torch.zeros(16, 9)), "d_vocab_out"),
    (lambda s: s.pop("pos_embed.W_pos"), "missing"),
])
def test_foreign_files_outside_the_family_are_refused_in_one_line(model, tmp_path, edit,
                                                                   message):
    state = _tl_state(model)
    edit(state)
    path = tmp_path / "bad.pt"
    torch.save(state, path)
    with pytest.raises(ModelError, match=message):
        load_model(path)


def test_a_pickle_with_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"model": {"embed.W_E": torch.zeros(2, 2)}, "hook": print}, path)
    with pytest.raises(ModelError, match="weights-only"):
        load_model(path)
