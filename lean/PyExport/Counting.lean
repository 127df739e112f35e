/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# Boolean facts, counting loops and the accuracy claim test (shared by both families)

The pieces of the reflective checkers that do not depend on a model: Boolean facts used to
take a passing check apart, the loops `sumI` / `allBelow`, and the claim test `claimOk`
(`p / q ≤ count / N`) with `le_of_claimOk` and the indicator bound `ind_le_ite`. Moved
verbatim (same names, namespace `PyExport`) out of `PyExport/MaxOfN/Check.lean`, so that the
Max-of-K checkers need not import the MLP's checker file. Their Coq counterparts live in the
shared `coq/theories/Correct.v` (`all_below`, `all_below_spec`, `ind_le_of_imp`,
`acc_claim_okn`); they are kept out of `PyExport/Correct.lean` so that `Transformer.lean`,
which imports `Correct.lean` for `IsCorrect` only, is unchanged.

## Main definitions

* `PyExport.sumI`, `PyExport.allBelow`, `PyExport.claimOk`.

## Main statements

* `PyExport.band_true`, `PyExport.bor_true_right`, `PyExport.bor_ne_true`,
  `PyExport.decide_ne_true_of_not`: Boolean facts.
* `PyExport.sumI_eq_sum`, `PyExport.sumI_cast`, `PyExport.allBelow_spec`: the loops compute
  what they should.
* `PyExport.le_of_claimOk`, `PyExport.ind_le_ite`: from a passing claim test and a count of
  verified indicators to a real lower bound.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Booleans -/

theorem band_true {a b : Bool} (h : (a && b) = true) : a = true ∧ b = true := by
  cases a <;> cases b <;> simp_all

theorem bor_true_right {a b : Bool} (h : (a || b) = true) (ha : a ≠ true) : b = true := by
  cases a <;> cases b <;> simp_all

theorem bor_ne_true {a b : Bool} (ha : a ≠ true) (hb : b ≠ true) : (a || b) ≠ true := by
  cases a <;> cases b <;> simp_all

theorem decide_ne_true_of_not {p : Prop} [Decidable p] (h : ¬p) : decide p ≠ true :=
  fun hd => h (of_decide_eq_true hd)

/-! ### Loops over `ℕ` indices, as the checkers compute them -/

/-- `sumI f n = f 0 + … + f (n - 1)` over `ℤ`. -/
def sumI (f : ℕ → ℤ) : ℕ → ℤ
  | 0 => 0
  | n + 1 => sumI f n + f n

theorem sumI_eq_sum (f : ℕ → ℤ) : ∀ n : ℕ, sumI f n = ∑ i ∈ Finset.range n, f i
  | 0 => by
    show (0 : ℤ) = ∑ i ∈ Finset.range 0, f i
    rw [Finset.sum_range_zero]
  | n + 1 => by
    show sumI f n + f n = ∑ i ∈ Finset.range (n + 1), f i
    rw [Finset.sum_range_succ, sumI_eq_sum f n]

theorem sumI_cast (f : ℕ → ℤ) (n : ℕ) :
    ((sumI f n : ℤ) : ℝ) = ∑ i : Fin n, ((f i : ℤ) : ℝ) := by
  rw [sumI_eq_sum, Int.cast_sum]
  exact (Fin.sum_univ_eq_sum_range (fun i => ((f i : ℤ) : ℝ)) n).symm

/-- `allBelow f n` holds iff `f i` holds for every `i < n`. -/
def allBelow (f : ℕ → Bool) : ℕ → Bool
  | 0 => true
  | n + 1 => allBelow f n && f n

theorem allBelow_spec (f : ℕ → Bool) :
    ∀ n : ℕ, allBelow f n = true → ∀ i : ℕ, i < n → f i = true
  | 0, _, i, hi => absurd hi (Nat.not_lt_zero i)
  | n + 1, h, i, hi => by
    have h' : (allBelow f n && f n) = true := h
    have hh := band_true h'
    by_cases hin : i < n
    · exact allBelow_spec f n hh.1 i hin
    · have hieq : i = n := by omega
      rw [hieq]
      exact hh.2

/-! ### The accuracy claim -/

/-- `p / q ≤ count / N`, decided exactly (with `q > 0`, `N > 0`). -/
def claimOk (N p q : ℕ) (count : ℤ) : Bool :=
  decide (0 < q) && decide (0 < N) && decide ((p : ℤ) * (N : ℤ) ≤ count * (q : ℤ))

/-- `claimOk N p q count` and `count ≤ M` give `p / q ≤ M / N` over the reals. -/
theorem le_of_claimOk {N p q : ℕ} {count : ℤ} (hclaim : claimOk N p q count = true) {M : ℝ}
    (hM : ((count : ℤ) : ℝ) ≤ M) : (p : ℝ) / (q : ℝ) ≤ 1 / (N : ℝ) * M := by
  unfold claimOk at hclaim
  obtain ⟨hqN, hc⟩ := band_true hclaim
  obtain ⟨hq, hN⟩ := band_true hqN
  have hq' : (0 : ℝ) < (q : ℝ) := by exact_mod_cast (of_decide_eq_true hq : 0 < q)
  have hN' : (0 : ℝ) < (N : ℝ) := by exact_mod_cast (of_decide_eq_true hN : 0 < N)
  have hcR : (p : ℝ) * (N : ℝ) ≤ ((count : ℤ) : ℝ) * (q : ℝ) := by
    exact_mod_cast (of_decide_eq_true hc : (p : ℤ) * (N : ℤ) ≤ count * (q : ℤ))
  have h1 : (p : ℝ) * (N : ℝ) ≤ M * (q : ℝ) :=
    le_trans hcR (mul_le_mul_of_nonneg_right hM (le_of_lt hq'))
  have e : 1 / (N : ℝ) * M * (q : ℝ) = M * (q : ℝ) / (N : ℝ) := by ring
  rw [div_le_iff₀ hq', e, le_div_iff₀ hN']
  exact h1

/-- `((if b then 1 else 0 : ℤ) : ℝ) ≤ (if P then 1 else 0)` when `b` implies `P`, whatever the
`Decidable P` instance (it is unified with the goal's, e.g. the classical one of `accuracy`). -/
theorem ind_le_ite {P : Prop} {inst : Decidable P} (b : Bool) (h : b = true → P) :
    ((if b then (1 : ℤ) else 0 : ℤ) : ℝ) ≤ @ite ℝ P inst 1 0 := by
  by_cases hb : b = true
  · exact le_of_eq (by rw [if_pos hb, if_pos (h hb), Int.cast_one])
  · have e1 : ((if b then (1 : ℤ) else 0 : ℤ) : ℝ) = 0 := by rw [if_neg hb, Int.cast_zero]
    rw [e1]
    by_cases hP : P
    · exact le_trans zero_le_one (le_of_eq (if_pos hP).symm)
    · exact le_of_eq (if_neg hP).symm

end PyExport
