/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.Sums
import PyExport.MaxOfN.Symmetry

/-!
# Triple sums of a fully symmetric function over sorted triples

For `g : Fin d → Fin d → Fin d → ℝ` invariant under all permutations of its arguments,
```
∑ a, ∑ b, ∑ c, g a b c = 6 * ∑_{a<b<c} g a b c
    + 3 * ∑_{a<b} g a a b + 3 * ∑_{a<b} g a b b + ∑ a, g a a a.
```
The multiplicities `6 / 3 / 1` are the sizes of the orbits of a triple with three, two or
one distinct entries. This lets a certificate evaluate a symmetric three-token quantity only
on sorted triples.

## Main statements

* `PyExport.sum_ite_const_cond`: an `if` whose condition does not depend on the summation
  variable can be pulled out of the sum.
* `PyExport.split_upper_row`, `PyExport.split_below`: pointwise case splits.
* `PyExport.sum_sum_sum_eq_sorted`: the decomposition above (the two symmetry hypotheses
  are the transpositions of the first two and of the last two arguments).
* `PyExport.sum_tripleLoss_eq_sorted`: the decomposition for the three-token loss.

## Implementation notes

"Sum over `a < b < c`" is written `∑ a, ∑ b, ∑ c, if a < b then (if b < c then _ else 0)
else 0`. The proof first applies the pair decomposition
`PyExport.sum_sum_eq_two_mul_upper_add_diag` to `(a, b) ↦ ∑ c, g a b c`, then splits the
remaining sums according to the position of the free index, and identifies each piece
with a canonical sum by reordering summations (`Finset.sum_comm`) and using symmetry.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`. This file is the most intricate one of the library.

## References

* Mathlib, `Mathlib/Algebra/BigOperators/Group/Finset.lean` (`Finset.sum_comm`,
  `Finset.sum_ite_eq`, `Finset.sum_const_zero`).
-/

namespace PyExport

variable {d : ℕ}

/-- An `if` whose condition does not involve the summation variable can be pulled out of
the sum. -/
theorem sum_ite_const_cond (p : Prop) [Decidable p] (f : Fin d → ℝ) :
    (∑ c, if p then f c else 0) = if p then ∑ c, f c else 0 := by
  by_cases hp : p
  · simp only [if_pos hp]
  · simp only [if_neg hp, Finset.sum_const_zero]

/-- For `a < b`, the row sum `∑ c, g a b c` splits into `c > b`, `c < b` and `c = b`. -/
theorem split_upper_row (g : Fin d → Fin d → Fin d → ℝ) (a b : Fin d) :
    (if a < b then ∑ c, g a b c else 0) =
      (∑ c, if a < b then (if b < c then g a b c else 0) else 0)
        + (if a < b then ∑ c, (if c < b then g a b c else 0) else 0)
        + (if a < b then g a b b else 0) := by
  by_cases hab : a < b
  · simp only [if_pos hab]
    exact sum_row_split (fun b c => g a b c) b
  · simp only [if_neg hab, Finset.sum_const_zero, add_zero]

/-- Pointwise split of the terms with `a < b` and `c < b` according to the position of `c`
relative to `a`. -/
theorem split_below (g : Fin d → Fin d → Fin d → ℝ) (a b c : Fin d) :
    (if a < b then (if c < b then g a b c else 0) else 0) =
      (if c < a then (if a < b then g a b c else 0) else 0)
        + (if a < c then (if c < b then g a b c else 0) else 0)
        + (if a = c then (if a < b then g a b c else 0) else 0) := by
  rcases lt_trichotomy c a with hca | hca | hca
  · have h1 : ¬ a < c := lt_asymm hca
    have h2 : ¬ a = c := (ne_of_lt hca).symm
    by_cases hab : a < b
    · have hcb : c < b := lt_trans hca hab
      simp only [if_pos hca, if_neg h1, if_neg h2, if_pos hab, if_pos hcb, add_zero]
    · simp only [if_pos hca, if_neg h1, if_neg h2, if_neg hab, add_zero]
  · rw [hca]
    by_cases hab : a < b
    · simp only [if_neg (lt_irrefl a), if_pos (rfl : a = a), if_pos hab, zero_add]
    · simp only [if_neg (lt_irrefl a), if_pos (rfl : a = a), if_neg hab, add_zero]
  · have h1 : ¬ c < a := lt_asymm hca
    have h2 : ¬ a = c := ne_of_lt hca
    by_cases hcb : c < b
    · have hab : a < b := lt_trans hca hcb
      simp only [if_neg h1, if_pos hca, if_neg h2, if_pos hab, if_pos hcb, zero_add, add_zero]
    · by_cases hab : a < b
      · simp only [if_neg h1, if_pos hca, if_neg h2, if_pos hab, if_neg hcb, add_zero]
      · simp only [if_neg h1, if_pos hca, if_neg h2, if_neg hab, if_neg hcb, add_zero]

/-- **Sorted-triple decomposition.** For `g` invariant under permutations of its three
arguments,
`∑ a, ∑ b, ∑ c, g a b c = 6 * ∑_{a<b<c} g a b c + 3 * ∑_{a<b} g a a b
  + 3 * ∑_{a<b} g a b b + ∑ a, g a a a`. -/
theorem sum_sum_sum_eq_sorted (g : Fin d → Fin d → Fin d → ℝ)
    (h12 : ∀ a b c, g a b c = g b a c) (h23 : ∀ a b c, g a b c = g a c b) :
    ∑ a, ∑ b, ∑ c, g a b c =
      6 * (∑ a, ∑ b, ∑ c, if a < b then (if b < c then g a b c else 0) else 0)
        + 3 * (∑ a, ∑ b, if a < b then g a a b else 0)
        + 3 * (∑ a, ∑ b, if a < b then g a b b else 0)
        + ∑ a, g a a a := by
  -- Step 1: pair decomposition in the first two arguments.
  have hG : ∀ a b, (∑ c, g a b c) = ∑ c, g b a c := fun a b =>
    Finset.sum_congr rfl (fun c _ => h12 a b c)
  have E1 : ∑ a, ∑ b, ∑ c, g a b c =
      2 * (∑ a, ∑ b, if a < b then ∑ c, g a b c else 0) + ∑ a, ∑ c, g a a c :=
    sum_sum_eq_two_mul_upper_add_diag (fun a b => ∑ c, g a b c) hG
  -- Step 2: the diagonal part `∑ a, ∑ c, g a a c`.
  have E2s : ∑ a, ∑ c, g a a c =
      (∑ a, ∑ c, if a < c then g a a c else 0) + (∑ a, ∑ c, if c < a then g a a c else 0)
        + ∑ a, ∑ c, if a = c then g a a c else 0 :=
    sum_sum_split (fun a c => g a a c)
  have E2d : (∑ a, ∑ c, if a = c then g a a c else 0) = ∑ a, g a a a :=
    Finset.sum_congr rfl (fun a _ => sum_ite_eq_diag (fun a c => g a a c) a)
  have E2l : (∑ a, ∑ c, if c < a then g a a c else 0) =
      ∑ a, ∑ b, if a < b then g a b b else 0 := by
    calc (∑ a, ∑ c, if c < a then g a a c else 0)
        = ∑ c, ∑ a, if c < a then g a a c else 0 := Finset.sum_comm
      _ = ∑ c, ∑ a, if c < a then g c a a else 0 := by
          apply Finset.sum_congr rfl
          intro c _
          apply Finset.sum_congr rfl
          intro a _
          rw [show g a a c = g c a a from (h23 a a c).trans (h12 a c a)]
  -- Step 3: the strictly-upper part, split according to the third index.
  have E3 : (∑ a, ∑ b, if a < b then ∑ c, g a b c else 0) =
      (∑ a, ∑ b, ∑ c, if a < b then (if b < c then g a b c else 0) else 0)
        + (∑ a, ∑ b, if a < b then ∑ c, (if c < b then g a b c else 0) else 0)
        + ∑ a, ∑ b, if a < b then g a b b else 0 := by
    calc (∑ a, ∑ b, if a < b then ∑ c, g a b c else 0)
        = ∑ a, ∑ b, ((∑ c, if a < b then (if b < c then g a b c else 0) else 0)
            + (if a < b then ∑ c, (if c < b then g a b c else 0) else 0)
            + (if a < b then g a b b else 0)) := by
          apply Finset.sum_congr rfl
          intro a _
          apply Finset.sum_congr rfl
          intro b _
          exact split_upper_row g a b
      _ = (∑ a, ∑ b, ∑ c, if a < b then (if b < c then g a b c else 0) else 0)
            + (∑ a, ∑ b, if a < b then ∑ c, (if c < b then g a b c else 0) else 0)
            + ∑ a, ∑ b, if a < b then g a b b else 0 := by
          simp only [Finset.sum_add_distrib]
  -- Step 4: the terms with `a < b` and `c < b`.
  have E4a : (∑ a, ∑ b, if a < b then ∑ c, (if c < b then g a b c else 0) else 0) =
      ∑ a, ∑ b, ∑ c, if a < b then (if c < b then g a b c else 0) else 0 := by
    apply Finset.sum_congr rfl
    intro a _
    apply Finset.sum_congr rfl
    intro b _
    exact (sum_ite_const_cond (a < b) (fun c => if c < b then g a b c else 0)).symm
  have E4b : (∑ a, ∑ b, ∑ c, if a < b then (if c < b then g a b c else 0) else 0) =
      (∑ a, ∑ b, ∑ c, if c < a then (if a < b then g a b c else 0) else 0)
        + (∑ a, ∑ b, ∑ c, if a < c then (if c < b then g a b c else 0) else 0)
        + ∑ a, ∑ b, ∑ c, if a = c then (if a < b then g a b c else 0) else 0 := by
    calc (∑ a, ∑ b, ∑ c, if a < b then (if c < b then g a b c else 0) else 0)
        = ∑ a, ∑ b, ∑ c, ((if c < a then (if a < b then g a b c else 0) else 0)
            + (if a < c then (if c < b then g a b c else 0) else 0)
            + (if a = c then (if a < b then g a b c else 0) else 0)) := by
          apply Finset.sum_congr rfl
          intro a _
          apply Finset.sum_congr rfl
          intro b _
          apply Finset.sum_congr rfl
          intro c _
          exact split_below g a b c
      _ = (∑ a, ∑ b, ∑ c, if c < a then (if a < b then g a b c else 0) else 0)
            + (∑ a, ∑ b, ∑ c, if a < c then (if c < b then g a b c else 0) else 0)
            + ∑ a, ∑ b, ∑ c, if a = c then (if a < b then g a b c else 0) else 0 := by
          simp only [Finset.sum_add_distrib]
  -- `c < a < b`: reorder to `(c, a, b)`.
  have E4c : (∑ a, ∑ b, ∑ c, if c < a then (if a < b then g a b c else 0) else 0) =
      ∑ a, ∑ b, ∑ c, if a < b then (if b < c then g a b c else 0) else 0 := by
    calc (∑ a, ∑ b, ∑ c, if c < a then (if a < b then g a b c else 0) else 0)
        = ∑ a, ∑ c, ∑ b, if c < a then (if a < b then g a b c else 0) else 0 := by
          apply Finset.sum_congr rfl
          intro a _
          exact Finset.sum_comm
      _ = ∑ c, ∑ a, ∑ b, if c < a then (if a < b then g a b c else 0) else 0 :=
          Finset.sum_comm
      _ = ∑ c, ∑ a, ∑ b, if c < a then (if a < b then g c a b else 0) else 0 := by
          apply Finset.sum_congr rfl
          intro c _
          apply Finset.sum_congr rfl
          intro a _
          apply Finset.sum_congr rfl
          intro b _
          rw [show g a b c = g c a b from (h23 a b c).trans (h12 a c b)]
  -- `a < c < b`: reorder to `(a, c, b)`.
  have E4d : (∑ a, ∑ b, ∑ c, if a < c then (if c < b then g a b c else 0) else 0) =
      ∑ a, ∑ b, ∑ c, if a < b then (if b < c then g a b c else 0) else 0 := by
    apply Finset.sum_congr rfl
    intro a _
    calc (∑ b, ∑ c, if a < c then (if c < b then g a b c else 0) else 0)
        = ∑ c, ∑ b, if a < c then (if c < b then g a b c else 0) else 0 := Finset.sum_comm
      _ = ∑ c, ∑ b, if a < c then (if c < b then g a c b else 0) else 0 := by
          apply Finset.sum_congr rfl
          intro c _
          apply Finset.sum_congr rfl
          intro b _
          rw [h23 a b c]
  -- `a = c < b`: collapse `c`.
  have E4e : (∑ a, ∑ b, ∑ c, if a = c then (if a < b then g a b c else 0) else 0) =
      ∑ a, ∑ b, if a < b then g a a b else 0 := by
    apply Finset.sum_congr rfl
    intro a _
    apply Finset.sum_congr rfl
    intro b _
    rw [Finset.sum_ite_eq, if_pos (Finset.mem_univ a), h23 a b a]
  linarith

/-- **Sorted-triple decomposition of the three-token loss.** -/
theorem sum_tripleLoss_eq_sorted (W : Fin d → Fin d → ℝ) :
    ∑ a, ∑ b, ∑ c, tripleLoss W a b c =
      6 * (∑ a, ∑ b, ∑ c, if a < b then (if b < c then tripleLoss W a b c else 0) else 0)
        + 3 * (∑ a, ∑ b, if a < b then tripleLoss W a a b else 0)
        + 3 * (∑ a, ∑ b, if a < b then tripleLoss W a b b else 0)
        + ∑ a, tripleLoss W a a a :=
  sum_sum_sum_eq_sorted (tripleLoss W) (tripleLoss_swap12 W) (tripleLoss_swap23 W)

end PyExport
