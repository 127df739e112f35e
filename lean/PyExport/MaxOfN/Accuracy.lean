/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Model

/-!
# Accuracy certificates from margin concavity

An input is classified correctly when the label logit strictly beats every other logit
(`PyExport.IsCorrect`). Logit margins `z y - z j` are linear in the logits, and the logits
of the mixed input `(t1, t2)` are the average of those of `(t1, t1)` and `(t2, t2)`; so the
margin of `(t1, t2)` is the average of two margins computed on the diagonal.

## Main definitions

* `PyExport.accuracy2`: fraction of the `d ^ 2` two-token inputs classified correctly.
* `PyExport.accuracy3`: fraction of the `d ^ 3` three-token inputs classified correctly.

## Main statements

* `PyExport.isCorrect_of_midpoint`: if `m = (a + b) / 2` and
  `(a y - a j) + (b y - b j) > 0` for all `j ≠ y`, then `m` classifies `y` correctly.
* `PyExport.pairCorrect_of_margin`: for `t1 < t2`, if for every `j ≠ t2`
  `(z(t1,t1) t2 - z(t1,t1) j) + (z(t2,t2) t2 - z(t2,t2) j) > 0`, then `(t1, t2)` is correct.
* `PyExport.sum_indicator_le_sum_correct`, `PyExport.accuracy2_ge`: counting certified
  inputs gives a lower bound on the accuracy.
* `PyExport.Weights.correct2_of_margin`: the margin criterion for the concrete MLP.

## Implementation notes

`accuracy2` counts with `if pairCorrect W t1 t2 then 1 else 0` (`accuracy3` likewise); the
decidability instance comes from `open scoped Classical in`, so each is a real number, not
something to evaluate.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Algebra/Order/BigOperators/Group/Finset.lean` (`Finset.sum_le_sum`).
-/

namespace PyExport

section General

variable {ι : Type*} [Fintype ι]

/-- **Margin concavity.** If `m = (a + b) / 2` pointwise and, for every `j ≠ y`, the sum of
the two margins `(a y - a j) + (b y - b j)` is positive, then `m` classifies `y`
correctly. -/
theorem isCorrect_of_midpoint (a b m : ι → ℝ) (hm : ∀ j, m j = (a j + b j) / 2) (y : ι)
    (h : ∀ j, j ≠ y → 0 < (a y - a j) + (b y - b j)) : IsCorrect m y := by
  unfold IsCorrect
  intro j hj
  have h1 := h j hj
  have hj' := hm j
  have hy' := hm y
  linarith

end General

variable {d : ℕ}

/-- **Accuracy from margins (two tokens).** For `t1 < t2`, if for every `j ≠ t2`
`(z(t1,t1) t2 - z(t1,t1) j) + (z(t2,t2) t2 - z(t2,t2) j) > 0`, the input `(t1, t2)` is
classified correctly. -/
theorem pairCorrect_of_margin (W : Fin d → Fin d → ℝ) {t1 t2 : Fin d} (h : t1 < t2)
    (hmargin : ∀ j, j ≠ t2 →
      0 < (pairLogits W t1 t1 t2 - pairLogits W t1 t1 j) +
        (pairLogits W t2 t2 t2 - pairLogits W t2 t2 j)) :
    pairCorrect W t1 t2 := by
  have hy : max t1 t2 = t2 := max_eq_right (le_of_lt h)
  unfold pairCorrect
  rw [hy]
  exact isCorrect_of_midpoint (pairLogits W t1 t1) (pairLogits W t2 t2) (pairLogits W t1 t2)
    (pairLogits_eq_mid W t1 t2) t2 hmargin

open scoped Classical in
/-- Accuracy on the `d ^ 2` two-token inputs: `#{(t1, t2) correct} / d ^ 2`. -/
noncomputable def accuracy2 (W : Fin d → Fin d → ℝ) : ℝ :=
  (1 / (d : ℝ) ^ 2) * ∑ t1, ∑ t2, if pairCorrect W t1 t2 then (1 : ℝ) else 0

open scoped Classical in
/-- Accuracy on the `d ^ 3` three-token inputs: `#{(t1, t2, t3) correct} / d ^ 3` (Coq's
`accuracy3`). -/
noncomputable def accuracy3 (W : Fin d → Fin d → ℝ) : ℝ :=
  (1 / (d : ℝ) ^ 3) * ∑ t1, ∑ t2, ∑ t3, if tripleCorrect W t1 t2 t3 then (1 : ℝ) else 0

open scoped Classical in
/-- Counting inputs certified by any sufficient criterion `P` bounds the number of
correctly classified inputs from below. -/
theorem sum_indicator_le_sum_correct (W : Fin d → Fin d → ℝ) (P : Fin d → Fin d → Prop)
    (hP : ∀ t1 t2, P t1 t2 → pairCorrect W t1 t2) :
    (∑ t1, ∑ t2, if P t1 t2 then (1 : ℝ) else 0) ≤
      ∑ t1, ∑ t2, if pairCorrect W t1 t2 then (1 : ℝ) else 0 := by
  apply Finset.sum_le_sum
  intro t1 _
  apply Finset.sum_le_sum
  intro t2 _
  by_cases h1 : P t1 t2
  · have h2 : pairCorrect W t1 t2 := hP t1 t2 h1
    simp [h1, h2]
  · by_cases h2 : pairCorrect W t1 t2
    · simp [h1, h2]
    · simp [h1, h2]

open scoped Classical in
/-- **Accuracy lower bound.** `accuracy2 W ≥ #{certified inputs} / d ^ 2`. -/
theorem accuracy2_ge (W : Fin d → Fin d → ℝ) (P : Fin d → Fin d → Prop)
    (hP : ∀ t1 t2, P t1 t2 → pairCorrect W t1 t2) :
    (1 / (d : ℝ) ^ 2) * (∑ t1, ∑ t2, if P t1 t2 then (1 : ℝ) else 0) ≤ accuracy2 W := by
  unfold accuracy2
  exact mul_le_mul_of_nonneg_left (sum_indicator_le_sum_correct W P hP) (by positivity)

namespace Weights

variable {dm : ℕ}

/-- **Accuracy from margins** for the concrete MLP: for `t1 < t2`, if for every `j ≠ t2`
`(z(t1,t1) t2 - z(t1,t1) j) + (z(t2,t2) t2 - z(t2,t2) j) > 0`, then `(t1, t2)` is
classified correctly. -/
theorem correct2_of_margin (M : Weights d dm) {t1 t2 : Fin d} (h : t1 < t2)
    (hmargin : ∀ j, j ≠ t2 →
      0 < (M.logits2 t1 t1 t2 - M.logits2 t1 t1 j) +
        (M.logits2 t2 t2 t2 - M.logits2 t2 t2 j)) :
    M.correct2 t1 t2 := by
  rw [correct2_iff]
  apply pairCorrect_of_margin M.colTable h
  intro j hj
  have h1 := hmargin j hj
  rw [logits2_eq_pairLogits, logits2_eq_pairLogits] at h1
  exact h1

end Weights

end PyExport
