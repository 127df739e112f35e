/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.MaxOfK.TransformerPaths

/-!
# The rank-one approximation of `EQKE` and its error term

Mirror of `coq/theories/MaxOfK/EqkeRank1.v`. The subcubic strategy's rank-one variant
(`pyexport/families/max_of_k_transformer/strategies/subcubic.py`, step 1) never forms the
`d × d` table `EQKE = A Bᵀ` (`A` the queries of the `d` last tokens, `B` the keys of the `d`
tokens, both `d × d_head`). For any direction `a` with `a ⬝ a > 0` it splits

    EQKE q k = u q * v k + R q k,   u = A a,   v = B a / (a ⬝ a),
    R q k = ∑ h, A' q h * B' k h,   A' = A (I - P),   B' = B (I - P),   P = a aᵀ / (a ⬝ a)

(`PyExport.rank1_split`: `I - P` is a projection, so `A (I - P) Bᵀ = A' B'ᵀ`), and bounds the
error of every row difference by one number per query (`PyExport.rank1_error`):

    R q k₁ - R q k₂ ≤ ε q = ∑ h, |A' q h| * (hi h - lo h)

for any `lo h ≤ B' k h ≤ hi h` over the keys. Hence `PyExport.rank1_gap`: the score gap
`EQKE q m - EQKE q k` is at least `u q * (v m - v k) - ε q`, which is what the strategy's delta
bounds from below. `PyExport.Transformer.EQKE_rank1_gap` states it for the transformer's `EQKE`
(`PyExport/MaxOfK/TransformerPaths.lean`), whose query table is `Transformer.qvec` and whose key
table is `Transformer.EK t h = ∑ j, W_E t j * W_K j h`.

On the Coq side `CheckSubcubic.v` does not need this (it re-derives the score gaps from the exact
`EQKE`, which are at least as large); this file proves the strategy's own step, as
`PyExport.affine_neg` does for the cubic orderings. No Lean checker uses it yet.

## Main definitions

* `PyExport.rank1Norm a`: `a ⬝ a` (Coq `aa`).
* `PyExport.rank1U A a q`: `A q ⬝ a` (Coq `u`).
* `PyExport.rank1V B a k`: `(B k ⬝ a) / (a ⬝ a)` (Coq `v`).
* `PyExport.rank1A' A a q h`: `A q h - u q * a h / (a ⬝ a)` (Coq `A'`).
* `PyExport.rank1B' B a k h`: `B k h - v k * a h` (Coq `B'`).
* `PyExport.Transformer.EK`: the key table of the tokens, `W_E t W_K` (no bias); Coq's
  `let Bk := …` in `EQKE_rank1_gap`.

## Main statements

* `PyExport.rank1_split`: `∑ h, A q h * B k h = u q * v k + ∑ h, A' q h * B' k h`.
* `PyExport.rank1_error`: `R q k₁ - R q k₂ ≤ ∑ h, |A' q h| * (hi h - lo h)`.
* `PyExport.rank1_gap`: `u q * (v m - v k) - ε q ≤ ∑ h, A q h * B m h - ∑ h, A q h * B k h`.
* `PyExport.Transformer.EQKE_rank1_gap`: the same for `EQKE q mx - EQKE q k`.
* Lean-only helpers: `PyExport.rank1_sum_expand` (the sum of
  `(f h - c * a h) * (g h - e * a h)` expanded), `PyExport.Transformer.EQKE_eq_sum_EK`
  (`EQKE t t' = ∑ h, qvec t h * EK t' h`, by `rfl`).

## Implementation notes

The head index is `Fin dh`, so the Coq hypotheses `h < H` are built into the types and dropped.
Queries and keys are indexed by arbitrary types `α`, `β` (for the transformer both are `Fin d`).
The Coq section variables `H A B a` and the hypothesis `Haa : 0 < aa` become explicit
arguments. Names: Coq `aa`, `u`, `v`, `A'`, `B'` are `rank1Norm`, `rank1U`, `rank1V`, `rank1A'`,
`rank1B'` (the Coq names are too short for the shared namespace `PyExport`); the Coq variable
`m` of `rank1_gap` (the max key) stays `m`, and in `EQKE_rank1_gap`, where `m` is the transformer,
it is `mx` as in Coq. Coq's `let Aq := fun t h => qvec m t h` is `m.qvec` itself, and
`let Bk := …` is the new definition `Transformer.EK`; since `EQKE` is literally
`∑ h, qvec t h * ∑ k, W_E t' k * W_K k h`, `EQKE_eq_sum_EK` holds by `rfl`.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

section General

variable {ι : Type*} [Fintype ι]

/-- The sum of `(f h - c a h) (g h - e a h)`, expanded:
`∑ f g - e ∑ f a - c ∑ g a + c e ∑ a a`. -/
theorem rank1_sum_expand (f g a : ι → ℝ) (c e : ℝ) :
    ∑ h, (f h - c * a h) * (g h - e * a h)
      = (∑ h, f h * g h) - e * (∑ h, f h * a h) - c * (∑ h, g h * a h)
        + c * e * (∑ h, a h * a h) := by
  have hpt : ∀ h, (f h - c * a h) * (g h - e * a h)
      = f h * g h - e * (f h * a h) - c * (g h * a h) + c * e * (a h * a h) :=
    fun h => by ring
  rw [Finset.sum_congr rfl fun h _ => hpt h, Finset.sum_add_distrib, Finset.sum_sub_distrib,
    Finset.sum_sub_distrib, Finset.mul_sum, Finset.mul_sum, Finset.mul_sum]

end General

noncomputable section

section Rank1

variable {α β : Type*} {dh : ℕ}

/-- `a ⬝ a` (Coq `aa`). -/
def rank1Norm (a : Fin dh → ℝ) : ℝ := ∑ h, a h * a h

/-- `u q = A q ⬝ a` (Coq `u`). -/
def rank1U (A : α → Fin dh → ℝ) (a : Fin dh → ℝ) (q : α) : ℝ := ∑ h, A q h * a h

/-- `v k = (B k ⬝ a) / (a ⬝ a)` (Coq `v`). -/
def rank1V (B : β → Fin dh → ℝ) (a : Fin dh → ℝ) (k : β) : ℝ :=
  (∑ h, B k h * a h) / rank1Norm a

/-- `A' = A (I - P)`: `A' q h = A q h - u q * a h / (a ⬝ a)` (Coq `A'`). -/
def rank1A' (A : α → Fin dh → ℝ) (a : Fin dh → ℝ) (q : α) (h : Fin dh) : ℝ :=
  A q h - rank1U A a q * a h / rank1Norm a

/-- `B' = B (I - P)`: `B' k h = B k h - v k * a h` (Coq `B'`). -/
def rank1B' (B : β → Fin dh → ℝ) (a : Fin dh → ℝ) (k : β) (h : Fin dh) : ℝ :=
  B k h - rank1V B a k * a h

/-- **The rank-one split.** `∑ h, A q h * B k h = u q * v k + ∑ h, A' q h * B' k h`. -/
theorem rank1_split (A : α → Fin dh → ℝ) (B : β → Fin dh → ℝ) (a : Fin dh → ℝ)
    (haa : 0 < rank1Norm a) (q : α) (k : β) :
    ∑ h, A q h * B k h
      = rank1U A a q * rank1V B a k + ∑ h, rank1A' A a q h * rank1B' B a k h := by
  have hN : rank1Norm a ≠ 0 := haa.ne'
  have hpt : ∀ h, rank1A' A a q h * rank1B' B a k h
      = (A q h - rank1U A a q / rank1Norm a * a h) * (B k h - rank1V B a k * a h) := by
    intro h
    simp only [rank1A', rank1B']
    ring
  have hU : ∑ h, A q h * a h = rank1U A a q := rfl
  have hA : ∑ h, a h * a h = rank1Norm a := rfl
  have hV : ∑ h, B k h * a h = rank1V B a k * rank1Norm a := by
    have e : rank1V B a k * rank1Norm a
        = (∑ h, B k h * a h) * rank1Norm a * (rank1Norm a)⁻¹ := by
      simp only [rank1V]
      ring
    rw [e, mul_inv_cancel_right₀ hN]
  rw [Finset.sum_congr rfl fun h _ => hpt h,
    rank1_sum_expand (A q) (B k) a (rank1U A a q / rank1Norm a) (rank1V B a k), hU, hA, hV]
  ring

/-- **The error term.** With `lo h ≤ B' k h ≤ hi h` at the two keys,
`R q k₁ - R q k₂ ≤ ∑ h, |A' q h| * (hi h - lo h)`. -/
theorem rank1_error (A : α → Fin dh → ℝ) (B : β → Fin dh → ℝ) (a : Fin dh → ℝ) (q : α)
    (k1 k2 : β) (lo hi : Fin dh → ℝ)
    (hb : ∀ h, (lo h ≤ rank1B' B a k1 h ∧ rank1B' B a k1 h ≤ hi h) ∧
      (lo h ≤ rank1B' B a k2 h ∧ rank1B' B a k2 h ≤ hi h)) :
    (∑ h, rank1A' A a q h * rank1B' B a k1 h) - ∑ h, rank1A' A a q h * rank1B' B a k2 h
      ≤ ∑ h, |rank1A' A a q h| * (hi h - lo h) := by
  rw [← Finset.sum_sub_distrib]
  refine Finset.sum_le_sum fun h _ => ?_
  show rank1A' A a q h * rank1B' B a k1 h - rank1A' A a q h * rank1B' B a k2 h
    ≤ |rank1A' A a q h| * (hi h - lo h)
  obtain ⟨⟨h1, h2⟩, ⟨h3, h4⟩⟩ := hb h
  have hab : |rank1B' B a k1 h - rank1B' B a k2 h| ≤ hi h - lo h :=
    abs_le.2 ⟨by linarith, by linarith⟩
  calc rank1A' A a q h * rank1B' B a k1 h - rank1A' A a q h * rank1B' B a k2 h
      = rank1A' A a q h * (rank1B' B a k1 h - rank1B' B a k2 h) := by ring
    _ ≤ |rank1A' A a q h * (rank1B' B a k1 h - rank1B' B a k2 h)| := le_abs_self _
    _ = |rank1A' A a q h| * |rank1B' B a k1 h - rank1B' B a k2 h| := abs_mul _ _
    _ ≤ |rank1A' A a q h| * (hi h - lo h) :=
        mul_le_mul_of_nonneg_left hab (abs_nonneg _)

/-- **The strategy's score-gap bound.**
`u q * (v m - v k) - ε q ≤ ∑ h, A q h * B m h - ∑ h, A q h * B k h`. -/
theorem rank1_gap (A : α → Fin dh → ℝ) (B : β → Fin dh → ℝ) (a : Fin dh → ℝ)
    (haa : 0 < rank1Norm a) (q : α) (m k : β) (lo hi : Fin dh → ℝ)
    (hb : ∀ t h, (t = m ∨ t = k) → lo h ≤ rank1B' B a t h ∧ rank1B' B a t h ≤ hi h) :
    rank1U A a q * (rank1V B a m - rank1V B a k) - ∑ h, |rank1A' A a q h| * (hi h - lo h)
      ≤ (∑ h, A q h * B m h) - ∑ h, A q h * B k h := by
  rw [rank1_split A B a haa q m, rank1_split A B a haa q k]
  have herr := rank1_error A B a q k m lo hi
    fun h => ⟨hb k h (Or.inr rfl), hb m h (Or.inl rfl)⟩
  linarith

end Rank1

namespace Transformer

variable {n d dm dh : ℕ} (m : Transformer n d dm dh)

/-- The key table of the tokens (no bias): `EK t = W_E t W_K` (Coq's `let Bk := …`). -/
def EK (t : Fin d) (h : Fin dh) : ℝ := ∑ k, m.W_E t k * m.W_K k h

/-- `EQKE` through its query and key tables: `EQKE t t' = ∑ h, qvec t h * EK t' h`. -/
theorem EQKE_eq_sum_EK (t t' : Fin d) : m.EQKE t t' = ∑ h, m.qvec t h * m.EK t' h := rfl

/-- **The rank-one gap for the transformer's `EQKE`**, with the query table `qvec` and the key
table `EK`. -/
theorem EQKE_rank1_gap (a lo hi : Fin dh → ℝ) (q mx k : Fin d) (haa : 0 < rank1Norm a)
    (hb : ∀ t h, (t = mx ∨ t = k) →
      lo h ≤ rank1B' m.EK a t h ∧ rank1B' m.EK a t h ≤ hi h) :
    rank1U m.qvec a q * (rank1V m.EK a mx - rank1V m.EK a k)
        - ∑ h, |rank1A' m.qvec a q h| * (hi h - lo h)
      ≤ m.EQKE q mx - m.EQKE q k := by
  rw [m.EQKE_eq_sum_EK q mx, m.EQKE_eq_sum_EK q k]
  exact rank1_gap m.qvec m.EK a haa q mx k lo hi hb

end Transformer

end

end PyExport
