"""Model families and the registry through which generic code finds them.

A family is one package under `pyexport/families/` that owns its model, configurations,
training, proof strategies, checker part and renderer contexts, and exposes them through one
`Family` object. The generic layers (certificates, arithmetic, rendering, kernel runner,
report, command line) name no family: they look families up here, by the name a certificate or
model card records. Adding a family is a new package plus one line in `FAMILY_MODULES`.
"""

from __future__ import annotations

import importlib
from fractions import Fraction
from pathlib import Path

from pyexport.weights import SHIPPED_DIR, ModelError, read_card, read_safetensors, shipped_cards

# family name (as written in certificates and model cards) -> the package that defines FAMILY
FAMILY_MODULES = {
    "max-of-n-mlp": "pyexport.families.max_of_n_mlp",
    "max-of-k-transformer": "pyexport.families.max_of_k_transformer",
}
LEGACY_FAMILY = "max-of-n-mlp"  # version-1 certificates and cards without a family hold this


class UnsupportedCertificate(ValueError):
    """A certificate a renderer or kernel has no checker for."""


class Family:
    """A model family: the interface generic code uses, with defaults that follow a layout.

    A family package holds `model.py` (`FAMILY_NAME`, `ARCHITECTURE`, `CONFIGS`,
    `config_from_json`, `weight_shapes`, `model_from_state`), `train.py` (`train`),
    `strategies/__init__.py` (`prove`) and `checker.py` (`check`); its `Family` subclass sets
    `strategies` (strategy -> the quantities it proves, "loss" and/or "accuracy"),
    `strategy_costs` (strategy -> asymptotic cost, for reports) and `demo` (the (strategy,
    quantity) pairs `pyexport demo` runs), and overrides what it does differently: reading
    foreign files (`load_file`, `accepts_cardless`), rendering for the kernels
    (`render_context`).
    """

    strategies: dict[str, tuple[str, ...]] = {}
    strategy_costs: dict[str, str] = {}
    demo: tuple[tuple[str, str], ...] = ()

    def __init__(self, package: str):
        self.module = package  # the family's package, e.g. pyexport.families.max_of_n_mlp
        self.model = importlib.import_module(f"{package}.model")
        self.name: str = self.model.FAMILY_NAME
        self.architecture: str = self.model.ARCHITECTURE

    def _part(self, module: str):
        return importlib.import_module(f"{self.module}.{module}")

    def configs(self) -> dict:
        """Trainable configurations by name."""
        return dict(self.model.CONFIGS)

    def config_from_json(self, obj: dict):
        """The configuration recorded in a card or certificate; `ModelError` if unusable."""
        return self.model.config_from_json(obj)

    def weight_shapes(self, config) -> dict[str, tuple[int, ...]]:
        """Weight names in hashing order, with their shapes."""
        return self.model.weight_shapes(config)

    def model_from_state(self, config, state: dict, path: str = ""):
        return self.model.model_from_state(config, state, path)

    def train(self, config, progress: bool = True):
        """Train a configuration; return (model, facts for its card)."""
        return self._part("train").train(config, progress=progress)

    def load_file(self, path: Path, card: dict | None):
        """Load a model file (with its card when there is one); `ModelError` if unusable."""
        if card is None:
            raise ModelError(f"no model card {path.with_suffix('.json')} beside {path}")
        config = self.config_from_json(card["config"])
        model = self.model_from_state(config, read_safetensors(path), path=str(path))
        if card.get("weights_sha256") not in (None, model.sha256):
            raise ModelError(f"{path}: weights do not match the sha256 in their model card")
        return model

    def accepts_cardless(self, path: Path) -> bool:
        """Whether this family reads files that have no model card (foreign formats)."""
        return False

    def prove(self, strategy: str, quantity: str, model):
        """Run a strategy; return a `pyexport.proof.Proof`."""
        return self._part("strategies").prove(strategy, quantity, model)

    def check(self, strategy: str, quantity: str, config, weights: dict, trace,
              parameters: dict) -> Fraction:
        """Re-derive the bound from the weights and the trace (`pyexport.checker`)."""
        return self._part("checker").check(strategy, quantity, config, weights, trace,
                                           parameters)

    def case_split(self, strategy: str, config) -> dict:
        """For an audit: {"split": what the strategy's cases are, "cases": how many, "covered":
        how many inputs they stand for (which must be all d_vocab^n_ctx)}, in closed form."""
        raise NotImplementedError

    def render_context(self, doc: dict, prover: str, native: bool) -> dict:
        """Template context of a certificate; `UnsupportedCertificate` if there is no checker."""
        raise UnsupportedCertificate(f"no {prover} checker for the {self.name} family yet")

    @property
    def package(self) -> str:
        return self.module.rsplit(".", 1)[-1]


def get(name: str) -> Family:
    if name not in FAMILY_MODULES:
        raise ModelError(f"unknown model family {name!r} (known: {', '.join(FAMILY_MODULES)})")
    return importlib.import_module(FAMILY_MODULES[name]).FAMILY


def all_families() -> list[Family]:
    return [get(name) for name in FAMILY_MODULES]


def trainable_configs() -> dict[str, tuple[Family, object]]:
    """Every family's trainable configurations, by name."""
    return {name: (family, config) for family in all_families()
            for name, config in family.configs().items()}


def load_model(name_or_path):
    """A shipped model by name, or a model file: a `.safetensors` file with its `.json` card, or
    a file some family reads without a card (a TransformerLens state dict, for instance)."""
    key = str(name_or_path)
    cards = shipped_cards()
    if key in cards:
        card = cards[key]
        path = SHIPPED_DIR / card.get("weights_file", f"{key}.safetensors")
        return get(card.get("family", LEGACY_FAMILY)).load_file(path, card)
    path = Path(key)
    if not path.is_file():
        raise ModelError(f"no model file at {path} (shipped models: {', '.join(cards)})")
    card_path = path.with_suffix(".json")
    if card_path.is_file() and card_path != path:
        card = read_card(card_path)
        return get(card.get("family", LEGACY_FAMILY)).load_file(path, card)
    for family in all_families():
        if family.accepts_cardless(path):
            return family.load_file(path, None)
    raise ModelError(f"no model card {card_path} beside {path}, and no family reads this file "
                     "without one")
