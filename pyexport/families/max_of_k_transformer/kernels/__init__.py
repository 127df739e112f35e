"""The transformer family's renderer contexts (Coq: every accuracy strategy; Lean: brute-force
and cubic accuracy)."""
