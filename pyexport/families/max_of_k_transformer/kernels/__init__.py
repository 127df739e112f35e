"""The transformer family's renderer contexts (Coq: brute-force accuracy)."""
