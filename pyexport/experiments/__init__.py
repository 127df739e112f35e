"""Experiment code, one package per task (the seed codebase's `exp_[NAME]` convention)."""
