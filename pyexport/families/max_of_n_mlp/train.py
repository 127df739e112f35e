"""Training of the tutorial's max-of-n MLP (seed 000): AdamW, cross-entropy, a random subset.

As in the tutorial: seed 57, AdamW lr 1e-3, batch 1024, 2 epochs over a random 5% subset of all
d_vocab^n_ctx inputs, label = max of the tokens. Runs on the CPU, deterministically for a seed.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from pyexport.families.max_of_n_mlp.model import Model, ModelConfig, model_from_state


class MaxMLP(nn.Module):
    """One-hot tokens summed, then embedding -> linear -> unembedding; no bias, no nonlinearity."""

    def __init__(self, d_vocab: int, d_model: int):
        super().__init__()
        self.d_vocab = d_vocab
        self.embedding = nn.Linear(d_vocab, d_model, bias=False)
        self.linear = nn.Linear(d_model, d_model, bias=False)
        self.unembedding = nn.Linear(d_model, d_vocab, bias=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens: (batch, n_ctx) integers -> logits (batch, d_vocab)."""
        one_hot = nn.functional.one_hot(tokens, self.d_vocab).to(self.embedding.weight.dtype)
        return self.unembedding(self.linear(self.embedding(one_hot.sum(dim=1))))


def set_seed(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def training_subset(config: ModelConfig, generator: torch.Generator) -> torch.Tensor:
    """A random subset (without repetition) of all inputs, as a (samples, n_ctx) token tensor."""
    total = config.d_vocab**config.n_ctx
    n_samples = int(total * config.subset_fraction)
    index = torch.randperm(total, generator=generator)[:n_samples]
    digits = [(index // config.d_vocab**k) % config.d_vocab for k in range(config.n_ctx)]
    return torch.stack(digits[::-1], dim=1)


def train(config: ModelConfig, progress: bool = True) -> tuple[Model, dict]:
    """Train one model; return it with the training facts that go into its model card."""
    torch.use_deterministic_algorithms(True)
    generator = set_seed(config.seed)
    net = MaxMLP(config.d_vocab, config.d_model)
    data = training_subset(config, generator)
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr)
    loss_fn = nn.CrossEntropyLoss()
    losses: list[float] = []
    steps = config.epochs * -(-len(data) // config.batch_size)
    with tqdm(total=steps, desc=f"train {config.name}", disable=not progress) as bar:
        for _ in range(config.epochs):
            order = torch.randperm(len(data), generator=generator)
            for start in range(0, len(data), config.batch_size):
                batch = data[order[start : start + config.batch_size]]
                loss = loss_fn(net(batch), batch.max(dim=1).values)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
                bar.update()
                bar.set_postfix(loss=f"{losses[-1]:.4f}")
    state = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    facts = {
        "training": {
            "samples": len(data),
            "steps": len(losses),
            "final_train_loss": losses[-1],
            "last_5_train_losses": losses[-5:],
            "torch_version": torch.__version__,
        }
    }
    return model_from_state(config, state), facts
