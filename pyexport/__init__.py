"""pyexport: compact proofs of model performance, emitted as machine-checkable certificates."""

__version__ = "0.9.0"
