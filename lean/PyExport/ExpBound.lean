/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# Verified enclosures of `exp` in fixed-point `Nat` arithmetic

All bounds are fixed-point numbers: a natural number `N` stands for `N / 2 ^ P`. Arguments
are dyadic: `m / 2 ^ k` with `m : ℕ` (or `a / 2 ^ k` with `a : ℤ`). Everything is computed
with `Nat` `+`, `*`, `/` and `2 ^ _`, which the Lean kernel evaluates with GMP, so that
`decide +kernel` can run these functions on concrete inputs.

## Method

* **Taylor, Horner form.** Mathlib's `Real.expNear n x r = ∑_{i<n} x^i/i! + x^n/n! * r`
  satisfies `expNear (i+1) x r = expNear i x (1 + x/(i+1) * r)` (`Real.expNear_succ`).
  `hornerDown` / `hornerUp` run this recursion with the fixed-point value rounded down / up;
  since `expNear i x r` is monotone in `r` for `x ≥ 0`, the results bound
  `expNear n x r₀` from below / above.
* **Lower bound** (`x ≥ 0`, any size): `expNear n x 0 = ∑_{i<n} x^i/i! ≤ exp x`
  (`Real.sum_le_exp_of_nonneg`).
* **Upper bound** (`0 ≤ x ≤ 1`, `n > 0`): `exp x ≤ expNear n x ((n+1)/n)`
  (`Real.exp_bound'`).
* **Squaring.** `exp (m / 2^k) = exp (m / 2^(k+1)) ^ 2`: evaluate the Taylor bound at
  `m / 2^(k+s)` and square `s` times, rounding down (lower bound) or up (upper bound).
* **Reciprocals.** `exp (-y) = (exp y)⁻¹`: an upper bound of `exp (-y)` is the reciprocal of a
  lower bound of `exp y`, rounded up, and conversely.

## Main definitions and statements

* `PyExport.expLoNat`, `PyExport.expLoNat_le`: `expLoNat P n m s k / 2^P ≤ exp (m / 2^k)`.
* `PyExport.expHiNat`, `PyExport.le_expHiNat`: `exp (m / 2^k) ≤ expHiNat P n m s k / 2^P`
  when `m ≤ 2^(k+s)` and `0 < n`.
* `PyExport.expUpNeg`, `PyExport.exp_neg_le_expUpNeg`: an upper bound of `exp (-(b / 2^k))`,
  valid for every `b`.
* `PyExport.expLoInt`, `PyExport.expLoInt_le`: a lower bound of `exp (a / 2^k)` for `a : ℤ`,
  valid for every `a` (it is `0` when the range condition of the upper bound fails).

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Data/Complex/Exponential.lean` (`Real.expNear`, `Real.expNear_succ`,
  `Real.expNear_sub`, `Real.exp_bound'`, `Real.sum_le_exp_of_nonneg`).
-/

namespace PyExport

/-! ### Real-number facts -/

/-- The Taylor polynomial (tail `0`) is a lower bound of `exp` on `[0, ∞)`. -/
theorem expNear_zero_le_exp {x : ℝ} (hx : 0 ≤ x) (n : ℕ) : Real.expNear n x 0 ≤ Real.exp x := by
  have h := Real.sum_le_exp_of_nonneg hx n
  have e : Real.expNear n x 0 = ∑ i ∈ Finset.range n, x ^ i / (i.factorial : ℝ) := by
    unfold Real.expNear
    ring
  rw [e]
  exact h

/-- The Taylor polynomial with tail `(n + 1) / n` is an upper bound of `exp` on `[0, 1]`. -/
theorem exp_le_expNear {x : ℝ} (h0 : 0 ≤ x) (h1 : x ≤ 1) {n : ℕ} (hn : 0 < n) :
    Real.exp x ≤ Real.expNear n x (((n : ℝ) + 1) / n) := by
  have h := Real.exp_bound' h0 h1 hn
  have e : Real.expNear n x (((n : ℝ) + 1) / n) =
      (∑ i ∈ Finset.range n, x ^ i / (i.factorial : ℝ)) +
        x ^ n * ((n : ℝ) + 1) / ((n.factorial : ℝ) * n) := by
    unfold Real.expNear
    ring
  rw [e]
  exact h

/-- `expNear n x r` is monotone in the tail `r` when `x ≥ 0`. -/
theorem expNear_mono {n : ℕ} {x r₁ r₂ : ℝ} (hx : 0 ≤ x) (h : r₁ ≤ r₂) :
    Real.expNear n x r₁ ≤ Real.expNear n x r₂ := by
  have hc : 0 ≤ x ^ n / (n.factorial : ℝ) := div_nonneg (pow_nonneg hx n) (Nat.cast_nonneg _)
  have hm := mul_le_mul_of_nonneg_left h hc
  unfold Real.expNear
  linarith

/-- `exp (m / 2^k) = exp (m / 2^(k+1)) * exp (m / 2^(k+1))`. -/
theorem exp_half_sq (m : ℝ) (k : ℕ) :
    Real.exp (m / 2 ^ k) = Real.exp (m / 2 ^ (k + 1)) * Real.exp (m / 2 ^ (k + 1)) := by
  rw [← Real.exp_add]
  congr 1
  ring

/-- Rounding down by `Nat` division, as a real inequality. -/
theorem nat_div_le_real (a b : ℕ) : ((a / b : ℕ) : ℝ) ≤ (a : ℝ) / b :=
  Nat.cast_div_le

/-- Rounding up: `a / b ≤ ⌊a / b⌋ + 1` for `b > 0`. -/
theorem real_le_nat_div_add_one (a b : ℕ) (hb : 0 < b) :
    (a : ℝ) / b ≤ ((a / b : ℕ) : ℝ) + 1 := by
  have h1 : b * (a / b) + a % b = a := Nat.div_add_mod a b
  have h2 : a % b < b := Nat.mod_lt a hb
  have hb' : (0 : ℝ) < b := by exact_mod_cast hb
  have h3 : (a : ℝ) = (b : ℝ) * ((a / b : ℕ) : ℝ) + ((a % b : ℕ) : ℝ) := by
    exact_mod_cast h1.symm
  have h4 : ((a % b : ℕ) : ℝ) < (b : ℝ) := by exact_mod_cast h2
  rw [div_le_iff₀ hb']
  calc (a : ℝ) = (b : ℝ) * ((a / b : ℕ) : ℝ) + ((a % b : ℕ) : ℝ) := h3
    _ ≤ (b : ℝ) * ((a / b : ℕ) : ℝ) + (b : ℝ) := by linarith
    _ = (((a / b : ℕ) : ℝ) + 1) * (b : ℝ) := by ring

/-- `((2 ^ (2 * P) : ℕ) : ℝ) = 2 ^ P * 2 ^ P`. -/
theorem two_pow_two_mul_cast (P : ℕ) : ((2 ^ (2 * P) : ℕ) : ℝ) = 2 ^ P * 2 ^ P := by
  first
  | (push_cast; ring)
  | (rw [Nat.cast_pow, Nat.cast_ofNat, ← pow_add, two_mul])

/-! ### Horner evaluation in fixed point -/

/-- `hornerDown P K m i R`: the Horner recursion of `Real.expNear i (m / 2^K) (R / 2^P)`,
each step `r ↦ 1 + x / j * r` rounded down. -/
def hornerDown (P K m : ℕ) : ℕ → ℕ → ℕ
  | 0, R => R
  | i + 1, R => hornerDown P K m i (2 ^ P + m * R / ((i + 1) * 2 ^ K))

/-- `hornerUp P K m i R`: the same recursion, each step rounded up. -/
def hornerUp (P K m : ℕ) : ℕ → ℕ → ℕ
  | 0, R => R
  | i + 1, R => hornerUp P K m i (2 ^ P + m * R / ((i + 1) * 2 ^ K) + 1)

/-- One rounded-down Horner step, over the reals. -/
theorem horner_step_down (P K m R i : ℕ) :
    (((2 ^ P + m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) / 2 ^ P) ≤
      1 + (m : ℝ) / 2 ^ K / ((i : ℝ) + 1) * ((R : ℝ) / 2 ^ P) := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  have hq : ((m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) ≤
      ((m : ℝ) * R) / (((i : ℝ) + 1) * 2 ^ K) := by
    have h := nat_div_le_real (m * R) ((i + 1) * 2 ^ K)
    push_cast at h
    exact h
  have hq' := mul_le_mul_of_nonneg_right hq (inv_nonneg.mpr hA.le)
  have e1 : (((2 ^ P + m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) / 2 ^ P) =
      1 + ((m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) * (2 ^ P)⁻¹ := by
    push_cast
    rw [add_div, div_self hA.ne', div_eq_mul_inv]
  have e2 : (m : ℝ) / 2 ^ K / ((i : ℝ) + 1) * ((R : ℝ) / 2 ^ P) =
      ((m : ℝ) * R) / (((i : ℝ) + 1) * 2 ^ K) * (2 ^ P)⁻¹ := by
    ring
  rw [e1, e2]
  linarith

/-- One rounded-up Horner step, over the reals. -/
theorem horner_step_up (P K m R i : ℕ) :
    1 + (m : ℝ) / 2 ^ K / ((i : ℝ) + 1) * ((R : ℝ) / 2 ^ P) ≤
      (((2 ^ P + m * R / ((i + 1) * 2 ^ K) + 1 : ℕ) : ℝ) / 2 ^ P) := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  have hb : 0 < (i + 1) * 2 ^ K := by positivity
  have hq : ((m : ℝ) * R) / (((i : ℝ) + 1) * 2 ^ K) ≤
      ((m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) + 1 := by
    have h := real_le_nat_div_add_one (m * R) ((i + 1) * 2 ^ K) hb
    push_cast at h
    exact h
  have hq' := mul_le_mul_of_nonneg_right hq (inv_nonneg.mpr hA.le)
  have e1 : (((2 ^ P + m * R / ((i + 1) * 2 ^ K) + 1 : ℕ) : ℝ) / 2 ^ P) =
      1 + (((m * R / ((i + 1) * 2 ^ K) : ℕ) : ℝ) + 1) * (2 ^ P)⁻¹ := by
    push_cast
    rw [add_assoc, add_div, div_self hA.ne', div_eq_mul_inv]
  have e2 : (m : ℝ) / 2 ^ K / ((i : ℝ) + 1) * ((R : ℝ) / 2 ^ P) =
      ((m : ℝ) * R) / (((i : ℝ) + 1) * 2 ^ K) * (2 ^ P)⁻¹ := by
    ring
  rw [e1, e2]
  linarith

theorem hornerDown_le (P K m : ℕ) : ∀ (i R : ℕ),
    ((hornerDown P K m i R : ℕ) : ℝ) / 2 ^ P ≤
      Real.expNear i ((m : ℝ) / 2 ^ K) ((R : ℝ) / 2 ^ P)
  | 0, R => by
    first
    | exact le_of_eq (Real.expNear_zero _ _).symm
    | simp [hornerDown]
  | i + 1, R => by
    have hx : (0 : ℝ) ≤ (m : ℝ) / 2 ^ K := by positivity
    have ih := hornerDown_le P K m i (2 ^ P + m * R / ((i + 1) * 2 ^ K))
    have hmono := expNear_mono (n := i) hx (horner_step_down P K m R i)
    rw [Real.expNear_succ]
    exact le_trans ih hmono

theorem le_hornerUp (P K m : ℕ) : ∀ (i R : ℕ),
    Real.expNear i ((m : ℝ) / 2 ^ K) ((R : ℝ) / 2 ^ P) ≤
      ((hornerUp P K m i R : ℕ) : ℝ) / 2 ^ P
  | 0, R => by
    first
    | exact le_of_eq (Real.expNear_zero _ _)
    | simp [hornerUp]
  | i + 1, R => by
    have hx : (0 : ℝ) ≤ (m : ℝ) / 2 ^ K := by positivity
    have ih := le_hornerUp P K m i (2 ^ P + m * R / ((i + 1) * 2 ^ K) + 1)
    have hmono := expNear_mono (n := i) hx (horner_step_up P K m R i)
    rw [Real.expNear_succ]
    exact le_trans hmono ih

/-! ### Squaring in fixed point -/

/-- Squaring a lower bound, rounded down. -/
theorem sq_down_le {P L : ℕ} {e : ℝ} (h : (L : ℝ) / 2 ^ P ≤ e) :
    ((L * L / 2 ^ P : ℕ) : ℝ) / 2 ^ P ≤ e * e := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  have hL : (0 : ℝ) ≤ (L : ℝ) / 2 ^ P := by positivity
  have h1 : ((L * L / 2 ^ P : ℕ) : ℝ) ≤ ((L : ℝ) * L) / 2 ^ P := by
    have h := nat_div_le_real (L * L) (2 ^ P)
    push_cast at h
    exact h
  have h2 : ((L * L / 2 ^ P : ℕ) : ℝ) / 2 ^ P ≤ ((L : ℝ) * L) / 2 ^ P / 2 ^ P :=
    div_le_div_of_nonneg_right h1 hA.le
  have h3 : ((L : ℝ) * L) / 2 ^ P / 2 ^ P = ((L : ℝ) / 2 ^ P) * ((L : ℝ) / 2 ^ P) := by ring
  have h4 : ((L : ℝ) / 2 ^ P) * ((L : ℝ) / 2 ^ P) ≤ e * e := mul_self_le_mul_self hL h
  linarith

/-- Squaring an upper bound, rounded up. -/
theorem le_sq_up {P U : ℕ} {e : ℝ} (he : 0 ≤ e) (h : e ≤ (U : ℝ) / 2 ^ P) :
    e * e ≤ ((U * U / 2 ^ P + 1 : ℕ) : ℝ) / 2 ^ P := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  have hpos : 0 < 2 ^ P := by positivity
  have h1 : e * e ≤ ((U : ℝ) / 2 ^ P) * ((U : ℝ) / 2 ^ P) := mul_self_le_mul_self he h
  have h2 : ((U : ℝ) / 2 ^ P) * ((U : ℝ) / 2 ^ P) = ((U : ℝ) * U) / 2 ^ P / 2 ^ P := by ring
  have h3 : ((U : ℝ) * U) / 2 ^ P ≤ ((U * U / 2 ^ P : ℕ) : ℝ) + 1 := by
    have h := real_le_nat_div_add_one (U * U) (2 ^ P) hpos
    push_cast at h
    exact h
  have h4 : ((U : ℝ) * U) / 2 ^ P / 2 ^ P ≤ (((U * U / 2 ^ P : ℕ) : ℝ) + 1) / 2 ^ P :=
    div_le_div_of_nonneg_right h3 hA.le
  have h5 : (((U * U / 2 ^ P + 1 : ℕ) : ℝ)) = ((U * U / 2 ^ P : ℕ) : ℝ) + 1 :=
    Nat.cast_succ _
  rw [h5]
  linarith

/-! ### Enclosures of `exp` on dyadic arguments -/

/-- Lower bound of `2^P * exp (m / 2^k)` (`m ≥ 0`): Taylor polynomial with `n` terms at
`m / 2^(k+s)`, rounded down, then `s` squarings rounded down. -/
def expLoNat (P n m : ℕ) : ℕ → ℕ → ℕ
  | 0, k => hornerDown P k m n 0
  | s + 1, k => expLoNat P n m s (k + 1) * expLoNat P n m s (k + 1) / 2 ^ P

theorem expLoNat_le (P n m : ℕ) : ∀ (s k : ℕ),
    ((expLoNat P n m s k : ℕ) : ℝ) / 2 ^ P ≤ Real.exp ((m : ℝ) / 2 ^ k)
  | 0, k => by
    have hx : (0 : ℝ) ≤ (m : ℝ) / 2 ^ k := by positivity
    have h1 := hornerDown_le P k m n 0
    have h2 : Real.expNear n ((m : ℝ) / 2 ^ k) (((0 : ℕ) : ℝ) / 2 ^ P) ≤
        Real.exp ((m : ℝ) / 2 ^ k) := by
      rw [Nat.cast_zero, zero_div]
      exact expNear_zero_le_exp hx n
    exact le_trans h1 h2
  | s + 1, k => by
    have ih := expLoNat_le P n m s (k + 1)
    rw [exp_half_sq (m : ℝ) k]
    exact sq_down_le ih

/-- Upper bound of `2^P * exp (m / 2^k)`, valid when `m ≤ 2^(k+s)` and `0 < n`. -/
def expHiNat (P n m : ℕ) : ℕ → ℕ → ℕ
  | 0, k => hornerUp P k m n ((n + 1) * 2 ^ P / n + 1)
  | s + 1, k => expHiNat P n m s (k + 1) * expHiNat P n m s (k + 1) / 2 ^ P + 1

theorem le_expHiNat (P n m : ℕ) (hn : 0 < n) : ∀ (s k : ℕ), m ≤ 2 ^ (k + s) →
    Real.exp ((m : ℝ) / 2 ^ k) ≤ ((expHiNat P n m s k : ℕ) : ℝ) / 2 ^ P
  | 0, k, hm => by
    have hm0 : m ≤ 2 ^ k := by simpa using hm
    have hk : (0 : ℝ) < 2 ^ k := by positivity
    have hA : (0 : ℝ) < 2 ^ P := by positivity
    have hx0 : (0 : ℝ) ≤ (m : ℝ) / 2 ^ k := by positivity
    have hx1 : (m : ℝ) / 2 ^ k ≤ 1 := by
      rw [div_le_iff₀ hk, one_mul]
      exact_mod_cast hm0
    have h1 := exp_le_expNear hx0 hx1 hn
    have h2 : ((n : ℝ) + 1) / n ≤ (((n + 1) * 2 ^ P / n + 1 : ℕ) : ℝ) / 2 ^ P := by
      have hc := real_le_nat_div_add_one ((n + 1) * 2 ^ P) n hn
      have e1 : ((((n + 1) * 2 ^ P : ℕ)) : ℝ) / (n : ℝ) = ((n : ℝ) + 1) / n * 2 ^ P := by
        push_cast
        ring
      have e2 : ((((n + 1) * 2 ^ P / n + 1 : ℕ)) : ℝ) = (((n + 1) * 2 ^ P / n : ℕ) : ℝ) + 1 :=
        Nat.cast_succ _
      rw [e1] at hc
      rw [e2, le_div_iff₀ hA]
      exact hc
    have h3 := expNear_mono (n := n) hx0 h2
    have h4 := le_hornerUp P k m n ((n + 1) * 2 ^ P / n + 1)
    exact le_trans h1 (le_trans h3 h4)
  | s + 1, k, hm => by
    have hm' : m ≤ 2 ^ ((k + 1) + s) := by
      rw [show (k + 1) + s = k + (s + 1) by omega]
      exact hm
    have ih := le_expHiNat P n m hn s (k + 1) hm'
    rw [exp_half_sq (m : ℝ) k]
    exact le_sq_up (Real.exp_pos _).le ih

/-- Upper bound of `2^P * exp (-(b / 2^k))` for any `b : ℕ`: the reciprocal of the lower bound
`max (expLoNat …) (2^P)` of `2^P * exp (b / 2^k)`, rounded up. -/
def expUpNeg (P n s b k : ℕ) : ℕ :=
  2 ^ (2 * P) / max (expLoNat P n b s k) (2 ^ P) + 1

theorem exp_neg_le_expUpNeg (P n s b k : ℕ) :
    Real.exp (-((b : ℝ) / 2 ^ k)) ≤ ((expUpNeg P n s b k : ℕ) : ℝ) / 2 ^ P := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  have hy : (0 : ℝ) ≤ (b : ℝ) / 2 ^ k := by positivity
  -- `L / 2^P ≤ exp y` for `L = max (expLoNat …) (2^P)`, and `L ≥ 2^P > 0`.
  have hL : ((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) / 2 ^ P ≤ Real.exp ((b : ℝ) / 2 ^ k) := by
    rcases le_total (expLoNat P n b s k) (2 ^ P) with hle | hle
    · rw [max_eq_right hle]
      have e : (((2 ^ P : ℕ)) : ℝ) / 2 ^ P = 1 := by
        push_cast
        exact div_self hA.ne'
      rw [e]
      have := Real.add_one_le_exp ((b : ℝ) / 2 ^ k)
      linarith
    · rw [max_eq_left hle]
      exact expLoNat_le P n b s k
  have hLpos : (0 : ℝ) < ((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) := by
    have h1 : 2 ^ P ≤ max (expLoNat P n b s k) (2 ^ P) := le_max_right _ _
    have h2 : 0 < 2 ^ P := by positivity
    exact_mod_cast lt_of_lt_of_le h2 h1
  -- exp (-y) = (exp y)⁻¹ ≤ (L / 2^P)⁻¹ = 2^P / L
  have h1 : Real.exp (-((b : ℝ) / 2 ^ k)) ≤
      (((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) / 2 ^ P)⁻¹ := by
    rw [Real.exp_neg]
    exact inv_anti₀ (div_pos hLpos hA) hL
  have h2 : (((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) / 2 ^ P)⁻¹ =
      (((2 ^ (2 * P) : ℕ) : ℝ) / ((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ)) / 2 ^ P := by
    rw [two_pow_two_mul_cast P, inv_div, div_div, mul_div_mul_right _ _ hA.ne']
  have h3 := real_le_nat_div_add_one (2 ^ (2 * P)) (max (expLoNat P n b s k) (2 ^ P))
    (by exact_mod_cast hLpos)
  have h4 : (((2 ^ (2 * P) : ℕ) : ℝ) / ((max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ)) / 2 ^ P ≤
      (((2 ^ (2 * P) / max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) + 1) / 2 ^ P :=
    div_le_div_of_nonneg_right h3 hA.le
  have h5 : ((expUpNeg P n s b k : ℕ) : ℝ) =
      ((2 ^ (2 * P) / max (expLoNat P n b s k) (2 ^ P) : ℕ) : ℝ) + 1 := by
    unfold expUpNeg
    exact Nat.cast_succ _
  rw [h5]
  linarith

/-- Lower bound of `2^P * exp (a / 2^k)` for any `a : ℤ`. For `a < 0` it is the reciprocal of
the upper bound of `2^P * exp (-a / 2^k)`, rounded down, or `0` when the range condition
`-a ≤ 2^(k+s)` of that upper bound fails. -/
def expLoInt (P n s : ℕ) (a : ℤ) (k : ℕ) : ℕ :=
  if 0 ≤ a then expLoNat P n a.toNat s k
  else if (-a).toNat ≤ 2 ^ (k + s) then 2 ^ (2 * P) / expHiNat P n (-a).toNat s k else 0

theorem expLoInt_le (P n s : ℕ) (hn : 0 < n) (a : ℤ) (k : ℕ) :
    ((expLoInt P n s a k : ℕ) : ℝ) / 2 ^ P ≤ Real.exp ((a : ℝ) / 2 ^ k) := by
  have hA : (0 : ℝ) < 2 ^ P := by positivity
  by_cases ha : 0 ≤ a
  · have e0 : expLoInt P n s a k = expLoNat P n a.toNat s k := by
      unfold expLoInt
      rw [if_pos ha]
    have hcast : ((a.toNat : ℕ) : ℝ) = (a : ℝ) := by
      exact_mod_cast Int.toNat_of_nonneg ha
    have h := expLoNat_le P n a.toNat s k
    rw [hcast] at h
    rw [e0]
    exact h
  · have hneg : 0 ≤ -a := by omega
    have hcast : (((-a).toNat : ℕ) : ℝ) = -(a : ℝ) := by
      have h := Int.toNat_of_nonneg hneg
      have h' : ((((-a).toNat : ℕ) : ℤ) : ℝ) = ((-a : ℤ) : ℝ) := by rw [h]
      push_cast at h'
      exact h'
    by_cases hr : (-a).toNat ≤ 2 ^ (k + s)
    · have e0 : expLoInt P n s a k = 2 ^ (2 * P) / expHiNat P n (-a).toNat s k := by
        unfold expLoInt
        rw [if_neg ha, if_pos hr]
      rw [e0]
      -- exp (-a / 2^k) ≤ U / 2^P, so 2^P / U ≤ exp (a / 2^k)
      have hU := le_expHiNat P n (-a).toNat hn s k hr
      rw [hcast] at hU
      have hpos : (0 : ℝ) < Real.exp (-(a : ℝ) / 2 ^ k) := Real.exp_pos _
      have h1 : ((2 ^ (2 * P) / expHiNat P n (-a).toNat s k : ℕ) : ℝ) ≤
          ((2 ^ (2 * P) : ℕ) : ℝ) / ((expHiNat P n (-a).toNat s k : ℕ) : ℝ) :=
        nat_div_le_real _ _
      have h2 : ((2 ^ (2 * P) / expHiNat P n (-a).toNat s k : ℕ) : ℝ) / 2 ^ P ≤
          ((2 ^ (2 * P) : ℕ) : ℝ) / ((expHiNat P n (-a).toNat s k : ℕ) : ℝ) / 2 ^ P :=
        div_le_div_of_nonneg_right h1 hA.le
      have h3 : ((2 ^ (2 * P) : ℕ) : ℝ) / ((expHiNat P n (-a).toNat s k : ℕ) : ℝ) / 2 ^ P =
          (((expHiNat P n (-a).toNat s k : ℕ) : ℝ) / 2 ^ P)⁻¹ := by
        rw [two_pow_two_mul_cast P, inv_div, div_div, mul_div_mul_right _ _ hA.ne']
      have h4 : (((expHiNat P n (-a).toNat s k : ℕ) : ℝ) / 2 ^ P)⁻¹ ≤
          (Real.exp (-(a : ℝ) / 2 ^ k))⁻¹ :=
        inv_anti₀ hpos hU
      have h5 : (Real.exp (-(a : ℝ) / 2 ^ k))⁻¹ = Real.exp ((a : ℝ) / 2 ^ k) := by
        rw [← Real.exp_neg, neg_div, neg_neg]
      linarith
    · have e0 : expLoInt P n s a k = 0 := by
        unfold expLoInt
        rw [if_neg ha, if_neg hr]
      rw [e0, Nat.cast_zero, zero_div]
      exact (Real.exp_pos _).le

end PyExport
