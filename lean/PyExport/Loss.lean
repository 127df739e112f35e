/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# The loss of a logit vector (shared by every model family)

Mirror of `coq/theories/Loss.v`: `PyExport.lossOf z y = log (∑ j, exp (z j)) - z y` over any
`Fintype` of classes, and `PyExport.sum_exp_add_eq_sum_mul`. Moved out of `Model.lean`
unchanged (written, not compiled here; see `README.md`).
-/

namespace PyExport

noncomputable section

section General

variable {ι : Type*} [Fintype ι]

/-- Log-sum-exp cross-entropy loss of the logit vector `z` at label `y`:
`log (∑ j, exp (z j)) - z y`. -/
def lossOf (z : ι → ℝ) (y : ι) : ℝ :=
  Real.log (∑ j, Real.exp (z j)) - z y

/-- Factorisation of a sum of exponentials of sums:
`∑ j, exp (u j + v j) = ∑ j, exp (u j) * exp (v j)`. -/
theorem sum_exp_add_eq_sum_mul (u v : ι → ℝ) :
    ∑ j, Real.exp (u j + v j) = ∑ j, Real.exp (u j) * Real.exp (v j) :=
  Finset.sum_congr rfl (fun j _ => Real.exp_add (u j) (v j))

end General

end

end PyExport
