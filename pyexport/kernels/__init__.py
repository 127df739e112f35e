"""Proof kernels: rendering certificates for Coq and Lean, running them, measuring terms."""
