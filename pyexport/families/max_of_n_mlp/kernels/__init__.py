"""Renderer contexts of the max-of-n MLP certificates (Coq and Lean)."""
