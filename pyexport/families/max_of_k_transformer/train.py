"""Training with the paper's recipe (gbmi `MAX_OF_4_CONFIG`), in plain PyTorch.

The module below computes exactly what TransformerLens's HookedTransformer computes for this
configuration (the conformance test compares the two), under TransformerLens's parameter
names, so its state dict loads in either. Recipe: initialisation N(0, 0.8/sqrt(d_model)) for
every W_ (TransformerLens's default), biases zero and frozen; AdamW with lr 1e-3, betas
(0.9, 0.999) and torch's default weight decay 0.01; batch 128; 3000 steps of sequences drawn
uniformly i.i.d.; cross-entropy at the last position with the paper's log1p-based log-softmax.
Deterministic on one machine for a seed (CPU, deterministic algorithms); other CPUs may round
differently.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from pyexport.families.max_of_k_transformer.model import (
    Model,
    TransformerConfig,
    model_from_state,
)


class _Params(nn.Module):
    """A module holding named parameters (so state-dict keys read `embed.W_E` and so on)."""

    def __init__(self, **shapes):
        super().__init__()
        for name, shape in shapes.items():
            self.register_parameter(name, nn.Parameter(torch.zeros(shape)))


class _Block(nn.Module):
    def __init__(self, d_model: int, d_head: int):
        super().__init__()
        self.attn = _Params(W_Q=(1, d_model, d_head), W_K=(1, d_model, d_head),
                            W_V=(1, d_model, d_head), W_O=(1, d_head, d_model),
                            b_Q=(1, d_head), b_K=(1, d_head), b_V=(1, d_head), b_O=(d_model,))


class MaxOfKTransformer(nn.Module):
    """One layer, one head, attention only; logits at every position (TransformerLens's
    forward), of which the last is the prediction."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        d, dm, h = config.d_vocab, config.d_model, config.d_head
        self.embed = _Params(W_E=(d, dm))
        self.pos_embed = _Params(W_pos=(config.n_ctx, dm))
        self.blocks = nn.ModuleList([_Block(dm, h)])
        self.unembed = _Params(W_U=(dm, d), b_U=(d,))
        self.attn_scale = math.sqrt(h)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        attn = self.blocks[0].attn
        x = self.embed.W_E[tokens] + self.pos_embed.W_pos[: tokens.shape[1]]
        q = torch.einsum("bpm,mh->bph", x, attn.W_Q[0]) + attn.b_Q[0]
        k = torch.einsum("bpm,mh->bph", x, attn.W_K[0]) + attn.b_K[0]
        v = torch.einsum("bpm,mh->bph", x, attn.W_V[0]) + attn.b_V[0]
        scores = torch.einsum("bqh,bkh->bqk", q, k) / self.attn_scale
        n = tokens.shape[1]
        causal = torch.ones(n, n, dtype=torch.bool).triu(1)
        pattern = scores.masked_fill(causal, float("-inf")).softmax(dim=-1)
        z = torch.einsum("bqk,bkh->bqh", pattern, v)
        resid = x + torch.einsum("bqh,hm->bqm", z, attn.W_O[0]) + attn.b_O
        return resid @ self.unembed.W_U + self.unembed.b_U


def log_softmax_log1p(x: torch.Tensor) -> torch.Tensor:
    """log_softmax along the last axis as the paper computes it: x - max - log1p(sum of the
    other exponentials), more precise than torch's when the model is confident."""
    top = x.argmax(dim=-1, keepdim=True)
    shifted = x - x.gather(-1, top)
    others = shifted.exp().scatter(-1, top, 0.0).sum(dim=-1, keepdim=True)
    return shifted - torch.log1p(others)


def initialise(net: MaxOfKTransformer, config: TransformerConfig) -> None:
    std = 0.8 / math.sqrt(config.d_model)
    for name, param in net.named_parameters():
        if name.rsplit(".", 1)[-1].startswith("W_"):
            nn.init.normal_(param, std=std)
        else:
            param.requires_grad_(False)  # biases: zero and frozen


def train(config: TransformerConfig, progress: bool = True) -> tuple[Model, dict]:
    """Train one model; return it with the training facts that go into its model card."""
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(config.seed)
    net = MaxOfKTransformer(config)
    initialise(net, config)
    data_generator = torch.Generator().manual_seed(config.seed + 1)
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=config.lr,
                            betas=config.betas, weight_decay=config.weight_decay)
    losses: list[float] = []
    with tqdm(total=config.steps, desc=f"train {config.name}", disable=not progress) as bar:
        for _ in range(config.steps):
            tokens = torch.randint(0, config.d_vocab, (config.batch_size, config.n_ctx),
                                   generator=data_generator)
            logits = net(tokens)[:, -1]
            labels = tokens.max(dim=1).values
            loss = -log_softmax_log1p(logits).gather(-1, labels[:, None]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            bar.update()
            if len(losses) % 50 == 0:
                bar.set_postfix(loss=f"{losses[-1]:.4f}")
    state = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    facts = {
        "training": {
            "samples": config.steps * config.batch_size,
            "steps": len(losses),
            "final_train_loss": losses[-1],
            "last_5_train_losses": losses[-5:],
            "torch_version": torch.__version__,
        }
    }
    return model_from_state(config, state), facts


def torch_module(model: Model) -> MaxOfKTransformer:
    """The float32 PyTorch module of a loaded model (for float baselines and conformance)."""
    net = MaxOfKTransformer(model.config)
    net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in model.weights.items()})
    return net.eval()
