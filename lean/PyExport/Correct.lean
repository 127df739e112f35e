/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# Correctness of a logit vector (shared by every model family)

Mirror of the core of `coq/theories/Correct.v`: `PyExport.IsCorrect z y`, the label logit is
strictly larger than every other. Moved out of `Model.lean` unchanged (written, not compiled
here; see `README.md`).
-/

namespace PyExport

section General

variable {ι : Type*} [Fintype ι]

/-- The logit vector `z` classifies label `y` correctly: `z j < z y` for every `j ≠ y`. -/
def IsCorrect (z : ι → ℝ) (y : ι) : Prop :=
  ∀ j, j ≠ y → z j < z y

end General

end PyExport
