/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# Double sums over ordered pairs

For a symmetric function `g : Fin d → Fin d → ℝ` the full double sum over all ordered
pairs is twice the sum over strictly increasing pairs plus the diagonal:
`∑ a, ∑ b, g a b = 2 * ∑_{a<b} g a b + ∑ a, g a a`.
This is what lets a certificate evaluate a symmetric per-input quantity only on the
`d (d + 1) / 2` inputs `t1 ≤ t2`.

## Main statements

* `PyExport.split_trichotomy`: pointwise split of `g a b` into the cases `a < b`,
  `b < a`, `a = b`.
* `PyExport.sum_ite_eq_diag`: the `a = b` part of a row sum is the diagonal entry.
* `PyExport.sum_row_split`: a row sum split into the parts above/below the diagonal.
* `PyExport.sum_lower_eq_upper`: for symmetric `g`, the strictly-lower part equals the
  strictly-upper part.
* `PyExport.sum_sum_eq_two_mul_upper_add_diag`: the decomposition above.
* `PyExport.upper_eq_filter`: the upper part written with `Finset.filter`.

## Implementation notes

Indices are `Fin d` and sums are over `Finset.univ` (notation `∑ a, _`). The "sum over
`a < b`" is written as `∑ a, ∑ b, if a < b then g a b else 0`; this keeps every sum over
the same `Finset.univ`, so reindexing is just `Finset.sum_comm`.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Algebra/BigOperators/Group/Finset.lean` (`Finset.sum_comm`,
  `Finset.sum_add_distrib`, `Finset.sum_congr`, `Finset.sum_ite_eq`, `Finset.sum_filter`).
-/

namespace PyExport

variable {d : ℕ}

/-- Pointwise split of `g a b` according to the trichotomy `a < b`, `b < a`, `a = b`. -/
theorem split_trichotomy (g : Fin d → Fin d → ℝ) (a b : Fin d) :
    g a b = (if a < b then g a b else 0) + (if b < a then g a b else 0)
      + (if a = b then g a b else 0) := by
  rcases lt_trichotomy a b with h | h | h
  · rw [if_pos h, if_neg (lt_asymm h), if_neg (ne_of_lt h)]
    ring
  · rw [h]
    rw [if_neg (lt_irrefl b), if_pos (rfl : b = b)]
    ring
  · rw [if_neg (lt_asymm h), if_pos h, if_neg (ne_of_lt h).symm]
    ring

/-- The `a = b` part of the row sum `∑ b, g a b` is the diagonal entry `g a a`. -/
theorem sum_ite_eq_diag (g : Fin d → Fin d → ℝ) (a : Fin d) :
    (∑ b, if a = b then g a b else 0) = g a a := by
  rw [Finset.sum_ite_eq, if_pos (Finset.mem_univ a)]

/-- Splitting a row sum `∑ c, g b c` into the parts `b < c`, `c < b` and the diagonal
entry `g b b`. -/
theorem sum_row_split (g : Fin d → Fin d → ℝ) (b : Fin d) :
    ∑ c, g b c =
      (∑ c, if b < c then g b c else 0) + (∑ c, if c < b then g b c else 0) + g b b := by
  rw [← sum_ite_eq_diag g b, ← Finset.sum_add_distrib, ← Finset.sum_add_distrib]
  apply Finset.sum_congr rfl
  intro c _
  exact split_trichotomy g b c

/-- For symmetric `g`, the strictly-lower part of the double sum equals the
strictly-upper part. -/
theorem sum_lower_eq_upper (g : Fin d → Fin d → ℝ) (hg : ∀ a b, g a b = g b a) :
    (∑ a, ∑ b, if b < a then g a b else 0) = ∑ a, ∑ b, if a < b then g a b else 0 := by
  calc (∑ a, ∑ b, if b < a then g a b else 0)
      = ∑ b, ∑ a, if b < a then g a b else 0 := Finset.sum_comm
    _ = ∑ b, ∑ a, if b < a then g b a else 0 := by
        apply Finset.sum_congr rfl
        intro b _
        apply Finset.sum_congr rfl
        intro a _
        rw [hg a b]

/-- Splitting a double sum into its strictly-upper, strictly-lower and diagonal parts
(no symmetry needed). -/
theorem sum_sum_split (g : Fin d → Fin d → ℝ) :
    ∑ a, ∑ b, g a b =
      (∑ a, ∑ b, if a < b then g a b else 0) + (∑ a, ∑ b, if b < a then g a b else 0)
        + ∑ a, ∑ b, if a = b then g a b else 0 := by
  calc ∑ a, ∑ b, g a b
      = ∑ a, ∑ b, ((if a < b then g a b else 0) + (if b < a then g a b else 0)
          + (if a = b then g a b else 0)) := by
        apply Finset.sum_congr rfl
        intro a _
        apply Finset.sum_congr rfl
        intro b _
        exact split_trichotomy g a b
    _ = (∑ a, ∑ b, if a < b then g a b else 0) + (∑ a, ∑ b, if b < a then g a b else 0)
          + ∑ a, ∑ b, if a = b then g a b else 0 := by
        simp only [Finset.sum_add_distrib]

/-- **Pair decomposition.** For symmetric `g`,
`∑ a, ∑ b, g a b = 2 * ∑_{a<b} g a b + ∑ a, g a a`. -/
theorem sum_sum_eq_two_mul_upper_add_diag (g : Fin d → Fin d → ℝ)
    (hg : ∀ a b, g a b = g b a) :
    ∑ a, ∑ b, g a b = 2 * (∑ a, ∑ b, if a < b then g a b else 0) + ∑ a, g a a := by
  have hdiag : (∑ a, ∑ b, if a = b then g a b else 0) = ∑ a, g a a :=
    Finset.sum_congr rfl (fun a _ => sum_ite_eq_diag g a)
  rw [sum_sum_split g, sum_lower_eq_upper g hg, hdiag]
  ring

/-- The strictly-upper part written as a sum over `Finset.filter`. -/
theorem upper_eq_filter (g : Fin d → Fin d → ℝ) :
    (∑ a, ∑ b, if a < b then g a b else 0) =
      ∑ a, ∑ b ∈ Finset.univ.filter (fun b => a < b), g a b := by
  apply Finset.sum_congr rfl
  intro a _
  rw [Finset.sum_filter]

/-- **Pair decomposition**, `Finset.filter` form. -/
theorem sum_sum_eq_two_mul_filter_add_diag (g : Fin d → Fin d → ℝ)
    (hg : ∀ a b, g a b = g b a) :
    ∑ a, ∑ b, g a b =
      2 * (∑ a, ∑ b ∈ Finset.univ.filter (fun b => a < b), g a b) + ∑ a, g a a := by
  rw [sum_sum_eq_two_mul_upper_add_diag g hg, upper_eq_filter g]

end PyExport
