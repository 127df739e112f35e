/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Model
import PyExport.Sums
import PyExport.MaxOfN.Symmetry

/-!
# Midpoint convexity of log-sum-exp and the convexity bound on the loss

## Main statements

* `PyExport.sum_exp_pos`: `0 < ∑ j, exp (z j)` on a nonempty index type.
* `PyExport.sum_exp_mid_sq_le`: `(∑ j, exp ((a j + b j) / 2)) ^ 2 ≤ (∑ j, exp (a j)) *
  (∑ j, exp (b j))` (Cauchy–Schwarz).
* `PyExport.lse_midpoint`: midpoint convexity of log-sum-exp,
  `log ∑ exp ((a + b) / 2) ≤ (log ∑ exp a + log ∑ exp b) / 2`.
* `PyExport.lossOf_midpoint`, `PyExport.lossOf_le_of_midpoint`: the loss is midpoint
  convex in the logits for a fixed label.
* `PyExport.log_sum_exp_shift`: `log ∑ exp z = c + log ∑ exp (z - c)`.
* `PyExport.lossOf_eq_log_sum_exp_sub`: `L z y = log ∑ j, exp (z j - z y)`.
* `PyExport.pairLoss_le_of_lt`: for `t1 < t2`,
  `f t1 t2 ≤ (L (z t1 t1) t2 + L (z t2 t2) t2) / 2`.
* `PyExport.sum_pairLoss_le`: `∑∑ f ≤ ∑_t L (z t t) t + ∑_{t1<t2} (L (z t1 t1) t2 +
  L (z t2 t2) t2)`, and `PyExport.expectedLoss2_le` (divided by `d ^ 2`).
* `PyExport.tripleLoss_le_of_le`: for `a ≤ b ≤ c`,
  `f3 a b c ≤ (f3 a a c + f3 b b c) / 2`.
* `PyExport.Weights.sum_loss2_le`, `PyExport.Weights.loss3_le_of_le`: the same bounds for
  the concrete MLP.

## Implementation notes

Midpoint convexity is derived from Mathlib's finite Cauchy–Schwarz inequality
`Finset.sum_mul_sq_le_sq_mul_sq` applied to `exp (a j / 2)` and `exp (b j / 2)`, followed
by `Real.log_le_log` and `Real.log_mul`; no square roots are needed.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Algebra/Order/BigOperators/Ring/Finset.lean`
  (`Finset.sum_mul_sq_le_sq_mul_sq`), `Mathlib/Analysis/SpecialFunctions/Log/Basic.lean`
  (`Real.log_le_log`, `Real.log_mul`, `Real.log_exp`).
-/

namespace PyExport

section General

variable {ι : Type*} [Fintype ι]

/-- A sum of exponentials over a nonempty finite type is positive. -/
theorem sum_exp_pos [Nonempty ι] (z : ι → ℝ) : 0 < ∑ j, Real.exp (z j) :=
  Finset.sum_pos (fun j _ => Real.exp_pos (z j)) Finset.univ_nonempty

/-- Cauchy–Schwarz for exponentials:
`(∑ j, exp ((a j + b j) / 2)) ^ 2 ≤ (∑ j, exp (a j)) * ∑ j, exp (b j)`. -/
theorem sum_exp_mid_sq_le (a b : ι → ℝ) :
    (∑ j, Real.exp ((a j + b j) / 2)) ^ 2 ≤
      (∑ j, Real.exp (a j)) * ∑ j, Real.exp (b j) := by
  have key := Finset.sum_mul_sq_le_sq_mul_sq Finset.univ
    (fun j => Real.exp (a j / 2)) (fun j => Real.exp (b j / 2))
  have e1 : (∑ j, Real.exp ((a j + b j) / 2)) =
      ∑ j, Real.exp (a j / 2) * Real.exp (b j / 2) := by
    apply Finset.sum_congr rfl
    intro j _
    rw [← Real.exp_add]
    congr 1
    ring
  have e2 : (∑ j, Real.exp (a j)) = ∑ j, Real.exp (a j / 2) ^ 2 := by
    apply Finset.sum_congr rfl
    intro j _
    rw [sq, ← Real.exp_add]
    congr 1
    ring
  have e3 : (∑ j, Real.exp (b j)) = ∑ j, Real.exp (b j / 2) ^ 2 := by
    apply Finset.sum_congr rfl
    intro j _
    rw [sq, ← Real.exp_add]
    congr 1
    ring
  rw [e1, e2, e3]
  exact key

/-- **Midpoint convexity of log-sum-exp.** -/
theorem lse_midpoint [Nonempty ι] (a b : ι → ℝ) :
    Real.log (∑ j, Real.exp ((a j + b j) / 2)) ≤
      (Real.log (∑ j, Real.exp (a j)) + Real.log (∑ j, Real.exp (b j))) / 2 := by
  have hS : 0 < ∑ j, Real.exp ((a j + b j) / 2) := sum_exp_pos _
  have hA : 0 < ∑ j, Real.exp (a j) := sum_exp_pos a
  have hB : 0 < ∑ j, Real.exp (b j) := sum_exp_pos b
  have hCS := sum_exp_mid_sq_le a b
  rw [sq] at hCS
  have hlog := Real.log_le_log (mul_pos hS hS) hCS
  rw [Real.log_mul hS.ne' hS.ne', Real.log_mul hA.ne' hB.ne'] at hlog
  linarith

/-- The loss is midpoint convex in the logits for a fixed label. -/
theorem lossOf_midpoint [Nonempty ι] (a b : ι → ℝ) (y : ι) :
    lossOf (fun j => (a j + b j) / 2) y ≤ (lossOf a y + lossOf b y) / 2 := by
  have h := lse_midpoint a b
  simp only [lossOf]
  linarith

/-- Midpoint convexity of the loss, for a logit vector `m` given pointwise as the
average of `a` and `b`. -/
theorem lossOf_le_of_midpoint [Nonempty ι] (a b m : ι → ℝ)
    (hm : ∀ j, m j = (a j + b j) / 2) (y : ι) :
    lossOf m y ≤ (lossOf a y + lossOf b y) / 2 := by
  have hfun : m = fun j => (a j + b j) / 2 := funext hm
  rw [hfun]
  exact lossOf_midpoint a b y

/-- Shift invariance: `log ∑ j, exp (z j) = c + log ∑ j, exp (z j - c)`. -/
theorem log_sum_exp_shift [Nonempty ι] (z : ι → ℝ) (c : ℝ) :
    Real.log (∑ j, Real.exp (z j)) = c + Real.log (∑ j, Real.exp (z j - c)) := by
  have hpos : 0 < ∑ j, Real.exp (z j - c) := sum_exp_pos _
  have h : ∑ j, Real.exp (z j) = Real.exp c * ∑ j, Real.exp (z j - c) := by
    rw [Finset.mul_sum]
    apply Finset.sum_congr rfl
    intro j _
    rw [← Real.exp_add]
    congr 1
    ring
  rw [h, Real.log_mul (Real.exp_pos c).ne' hpos.ne', Real.log_exp]

/-- The loss in "relative logit" form: `L z y = log ∑ j, exp (z j - z y)`. -/
theorem lossOf_eq_log_sum_exp_sub [Nonempty ι] (z : ι → ℝ) (y : ι) :
    lossOf z y = Real.log (∑ j, Real.exp (z j - z y)) := by
  unfold lossOf
  rw [log_sum_exp_shift z (z y)]
  ring

end General

variable {d : ℕ}

/-- **Convexity bound (two tokens).** For `t1 < t2`,
`f t1 t2 ≤ (L (z t1 t1) t2 + L (z t2 t2) t2) / 2`. -/
theorem pairLoss_le_of_lt (W : Fin d → Fin d → ℝ) {t1 t2 : Fin d} (h : t1 < t2) :
    pairLoss W t1 t2 ≤
      (lossOf (pairLogits W t1 t1) t2 + lossOf (pairLogits W t2 t2) t2) / 2 := by
  have hne : Nonempty (Fin d) := ⟨t1⟩
  have hy : max t1 t2 = t2 := max_eq_right (le_of_lt h)
  unfold pairLoss
  rw [hy]
  exact lossOf_le_of_midpoint (pairLogits W t1 t1) (pairLogits W t2 t2) (pairLogits W t1 t2)
    (pairLogits_eq_mid W t1 t2) t2

/-- **Summed convexity bound (two tokens).**
`∑ t1, ∑ t2, f t1 t2 ≤ ∑ t, L (z t t) t + ∑_{t1<t2} (L (z t1 t1) t2 + L (z t2 t2) t2)`. -/
theorem sum_pairLoss_le (W : Fin d → Fin d → ℝ) :
    ∑ t1, ∑ t2, pairLoss W t1 t2 ≤
      ∑ t, lossOf (pairLogits W t t) t +
        ∑ t1, ∑ t2, if t1 < t2 then
          lossOf (pairLogits W t1 t1) t2 + lossOf (pairLogits W t2 t2) t2 else 0 := by
  rw [sum_sum_eq_two_mul_upper_add_diag (pairLoss W) (pairLoss_comm W)]
  have hdiag : ∑ t, pairLoss W t t = ∑ t, lossOf (pairLogits W t t) t := by
    apply Finset.sum_congr rfl
    intro t _
    have hy : max t t = t := max_self t
    unfold pairLoss
    rw [hy]
  have hoff : 2 * (∑ t1, ∑ t2, if t1 < t2 then pairLoss W t1 t2 else 0) ≤
      ∑ t1, ∑ t2, if t1 < t2 then
        lossOf (pairLogits W t1 t1) t2 + lossOf (pairLogits W t2 t2) t2 else 0 := by
    rw [Finset.mul_sum]
    apply Finset.sum_le_sum
    intro t1 _
    rw [Finset.mul_sum]
    apply Finset.sum_le_sum
    intro t2 _
    split_ifs with h
    · have hle := pairLoss_le_of_lt W h
      linarith
    · norm_num
  linarith

/-- **Expected-loss bound (two tokens)**: the summed convexity bound divided by `d ^ 2`. -/
theorem expectedLoss2_le (W : Fin d → Fin d → ℝ) :
    expectedLoss2 W ≤
      (1 / (d : ℝ) ^ 2) *
        (∑ t, lossOf (pairLogits W t t) t +
          ∑ t1, ∑ t2, if t1 < t2 then
            lossOf (pairLogits W t1 t1) t2 + lossOf (pairLogits W t2 t2) t2 else 0) := by
  unfold expectedLoss2
  exact mul_le_mul_of_nonneg_left (sum_pairLoss_le W) (by positivity)

/-- **Convexity bound (three tokens).** For `a ≤ b ≤ c`,
`f3 a b c ≤ (f3 a a c + f3 b b c) / 2`. -/
theorem tripleLoss_le_of_le (W : Fin d → Fin d → ℝ) {a b c : Fin d} (hab : a ≤ b)
    (hbc : b ≤ c) :
    tripleLoss W a b c ≤ (tripleLoss W a a c + tripleLoss W b b c) / 2 := by
  have hne : Nonempty (Fin d) := ⟨a⟩
  have hac : a ≤ c := le_trans hab hbc
  have h1 : max (max a b) c = c := max_eq_right (max_le hac hbc)
  have h2 : max (max a a) c = c := max_eq_right (max_le hac hac)
  have h3 : max (max b b) c = c := max_eq_right (max_le hbc hbc)
  unfold tripleLoss
  rw [h1, h2, h3]
  exact lossOf_le_of_midpoint (tripleLogits W a a c) (tripleLogits W b b c)
    (tripleLogits W a b c) (tripleLogits_eq_mid W a b c) c

namespace Weights

variable {dm : ℕ}

/-- **Convexity bound (two tokens)** for the concrete MLP, in terms of its column table. -/
theorem loss2_le_of_lt (M : Weights d dm) {t1 t2 : Fin d} (h : t1 < t2) :
    M.loss2 t1 t2 ≤
      (lossOf (pairLogits M.colTable t1 t1) t2 +
        lossOf (pairLogits M.colTable t2 t2) t2) / 2 := by
  rw [loss2_eq]
  exact pairLoss_le_of_lt M.colTable h

/-- **Summed convexity bound (two tokens)** for the concrete MLP. -/
theorem sum_loss2_le (M : Weights d dm) :
    ∑ t1, ∑ t2, M.loss2 t1 t2 ≤
      ∑ t, lossOf (pairLogits M.colTable t t) t +
        ∑ t1, ∑ t2, if t1 < t2 then
          lossOf (pairLogits M.colTable t1 t1) t2 +
            lossOf (pairLogits M.colTable t2 t2) t2 else 0 := by
  simp only [loss2_eq]
  exact sum_pairLoss_le M.colTable

/-- **Convexity bound (three tokens)** for the concrete MLP. -/
theorem loss3_le_of_le (M : Weights d dm) {a b c : Fin d} (hab : a ≤ b) (hbc : b ≤ c) :
    M.loss3 a b c ≤ (M.loss3 a a c + M.loss3 b b c) / 2 := by
  rw [loss3_eq, loss3_eq, loss3_eq]
  exact tripleLoss_le_of_le M.colTable hab hbc

end Weights

end PyExport
