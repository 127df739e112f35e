/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.MaxOfK.TransformerPaths

/-!
# The steps of the paper's cubic proof, about the real semantics

Mirror of `coq/theories/MaxOfK/TransformerCubic.v`. The cubic strategy
(`pyexport/families/max_of_k_transformer/strategies/cubic.py`) proves a sequence correct from a
few weight-only tables. This file proves its steps about the transformer of
`PyExport/MaxOfK/Transformer.lean`, through the paths of `PyExport/MaxOfK/TransformerPaths.lean`; with `q` the
query (last) token and `mx` the label:

* step 0, `Transformer.logit_gap_paths`:
  `z x - z mx = EUPU' q x + ∑ i, a_i * (EVOU' (t_i) x + PVOU' i x)`, where `'` subtracts the
  column `mx` and `EUPU = EU + PU l + cU`;
* steps 1 and 2, `Transformer.correct_of_sign` (pessimisation over `x` and positions, then the
  softmax denominator cleared): if `EUPU' q x ≤ E` and `EVOU' (t_i) x + PVOU' i x ≤ V (t_i)`
  for every `x ≠ mx` and position `i`, and `∑ i, exp (s_i) * (V (t_i) + E) < 0` with
  `s_i = (EQKE q t_i + EQKP q i) / √d_head`, the sequence is classified correctly;
  `Transformer.exp_score_split`: `exp (s_i) = alpha q t_i * pi q i`, the factors the strategy
  tabulates;
* `Transformer.logit_lt_of_sign`: the same for one wrong answer `x` without pessimisation (the
  strategy's `c = 0` cases);
* step 2, `PyExport.affine_neg` (the orderings): an affine function of the positional weight
  `P` that is negative at both ends of `P`'s range is negative on all of it;
* step 3, `PyExport.convex_sign` (mixed non-max tokens): `b + ∑ i, c_i * w_i < 0` when every
  `b + c_i * W < 0` (`W = ∑ i, w_i > 0`, `w_i ≥ 0`): the mixed case is a convex combination of
  the pure ones; `PyExport.mixed_of_pure` states it on positions and
  `Transformer.correct_of_pure_cases` joins the steps: a sequence with `c ≥ 1` non-max
  non-query positions is correct when the pessimised bounds hold and, for each of those
  positions `j`, the pure case `pureLhs` that puts `t_j` on all `c` of them is negative.

The checker of cubic certificates, `PyExport/MaxOfK/CheckCubic.lean` (Coq's is
`coq/theories/MaxOfK/CheckCubic.v`), applies `Transformer.correct_of_pure_cases` to every covered
sequence.

## Main definitions

* `Transformer.EUPU`, `Transformer.pathScore`, `Transformer.alpha`, `Transformer.pi`.
* `Transformer.IsNonmaxPos ts i`: position `i` is not the last one and does not hold the label.
* `Transformer.pureLhs`: the sign condition of a pure case.

## Main statements

* `PyExport.sum_weighted_neg`, `PyExport.convex_sign`, `PyExport.affine_neg`,
  `PyExport.sum_pos_one`, `PyExport.mixed_of_pure`: real-number lemmas over any `Fintype`.
* `Transformer.exp_score_split`, `Transformer.logit_gap_paths`, `Transformer.logit_lt_of_sign`,
  `Transformer.correct_of_sign`, `Transformer.correct_of_pure_cases`.

## Implementation notes

The Coq lemmas over `rsum K` with hypotheses `i < K` are stated here over `∑ i, _` for any
`Fintype ι`; `rsum_weighted_neg` and `rsum_pos_one` become `sum_weighted_neg` and
`sum_pos_one`. Coq's `path_score`, `pure_lhs` become `pathScore`, `pureLhs`; Coq's Boolean
`nonmax_pos` (`i < last && ts i <> label`) becomes the decidable proposition
`IsNonmaxPos ts i := i ≠ Fin.last n ∧ ts i ≠ seqLabel ts`, and `mixed_of_pure` takes a decidable
predicate `K` instead of a Boolean function. The hypotheses `x < d_vocab`, `i < n_ctx` and
`1 <= n_ctx` of the Coq statements are built into the `Fin` types. `sum_attn_mul_neg` (the
softmax denominator cleared) is a Lean-only helper shared by the two sign lemmas.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

section General

variable {ι : Type*} [Fintype ι]

/-- A sum of terms `w i * g i`, with `w i ≥ 0` and `g i < 0` wherever `w i > 0`, is negative
when the weights have a positive total. -/
theorem sum_weighted_neg (w g : ι → ℝ) (hw : ∀ i, 0 ≤ w i) (hg : ∀ i, 0 < w i → g i < 0)
    (hpos : 0 < ∑ i, w i) : ∑ i, w i * g i < 0 := by
  by_cases hex : ∃ j, 0 < w j
  · obtain ⟨j, hj⟩ := hex
    have hle : ∀ i ∈ Finset.univ, w i * g i ≤ (0 : ℝ) := by
      intro i _
      by_cases h : 0 < w i
      · exact le_of_lt (mul_neg_of_pos_of_neg h (hg i h))
      · have h0 : w i = 0 := le_antisymm (not_lt.1 h) (hw i)
        simp only [h0, zero_mul, le_refl]
    calc ∑ i, w i * g i < ∑ _i : ι, (0 : ℝ) :=
          Finset.sum_lt_sum hle ⟨j, Finset.mem_univ j, mul_neg_of_pos_of_neg hj (hg j hj)⟩
      _ = 0 := Finset.sum_const_zero
  · have hle : ∀ i ∈ Finset.univ, w i ≤ (0 : ℝ) := fun i _ => not_lt.1 fun h => hex ⟨i, h⟩
    have h0 : ∑ i, w i ≤ ∑ _i : ι, (0 : ℝ) := Finset.sum_le_sum hle
    rw [Finset.sum_const_zero] at h0
    linarith

/-- **Step 3 (convexity).** With `W = ∑ i, w i`,
`(b + ∑ i, c i * w i) * W = ∑ i, w i * (b + c i * W)`, so the left factor is negative when
every `b + c i * W` (over the `i` with `w i > 0`) is. -/
theorem convex_sign (w c : ι → ℝ) (b : ℝ) (hw : ∀ i, 0 ≤ w i) (hpos : 0 < ∑ i, w i)
    (hcase : ∀ i, 0 < w i → b + c i * ∑ i', w i' < 0) :
    b + ∑ i, c i * w i < 0 := by
  have hid : ∑ i, w i * (b + c i * ∑ i', w i') = (b + ∑ i, c i * w i) * ∑ i, w i := by
    calc ∑ i, w i * (b + c i * ∑ i', w i')
        = ∑ i, (b * w i + c i * w i * ∑ i', w i') :=
          Finset.sum_congr rfl fun i _ => by ring
      _ = b * ∑ i, w i + (∑ i, c i * w i) * ∑ i', w i' := by
          simp only [Finset.sum_add_distrib, ← Finset.mul_sum, ← Finset.sum_mul]
      _ = (b + ∑ i, c i * w i) * ∑ i, w i := by ring
  have hneg : ∑ i, w i * (b + c i * ∑ i', w i') < 0 :=
    sum_weighted_neg w (fun i => b + c i * ∑ i', w i') hw hcase hpos
  rw [hid] at hneg
  by_cases hX : b + ∑ i, c i * w i < 0
  · exact hX
  · have h1 : 0 ≤ b + ∑ i, c i * w i := not_lt.1 hX
    have h2 : 0 ≤ (b + ∑ i, c i * w i) * ∑ i, w i := mul_nonneg h1 (le_of_lt hpos)
    linarith

/-- **Step 2 (orderings).** An affine function negative at both ends of `[lo, hi]` is negative
on all of it. -/
theorem affine_neg (A B lo hi P : ℝ) (hlo : lo ≤ P) (hhi : P ≤ hi) (h1 : A * lo + B < 0)
    (h2 : A * hi + B < 0) : A * P + B < 0 := by
  by_cases hA : 0 ≤ A
  · have h := mul_le_mul_of_nonneg_left hhi hA
    linarith
  · have hA' : 0 ≤ -A := by linarith [not_le.1 hA]
    have h := mul_le_mul_of_nonneg_left hlo hA'
    linarith

/-- A sum of nonnegative terms is positive when one of them is. -/
theorem sum_pos_one (f : ι → ℝ) (j : ι) (hf : ∀ i, 0 ≤ f i) (hj : 0 < f j) :
    0 < ∑ i, f i := by
  have h : f j ≤ ∑ i, f i := Finset.single_le_sum (fun i _ => hf i) (Finset.mem_univ j)
  exact lt_of_lt_of_le hj h

/-- **Step 3 on positions.** The positions satisfying `K` hold non-max tokens, with
coefficients `a i`; the pure case of a position `j` puts `a j` on every position of `K`. If
each pure case is negative, so is the sequence. -/
theorem mixed_of_pure (K : ι → Prop) [DecidablePred K] (w a : ι → ℝ) (hw : ∀ i, 0 ≤ w i)
    (hpos : 0 < ∑ i, if K i then w i else 0)
    (hpure : ∀ j, K j → ∑ i, w i * (if K i then a j else a i) < 0) :
    ∑ i, w i * a i < 0 := by
  have hsplit : ∀ c : ι → ℝ, ∑ i, w i * (if K i then c i else a i) =
      (∑ i, if K i then 0 else w i * a i) + ∑ i, c i * (if K i then w i else 0) := by
    intro c
    rw [← Finset.sum_add_distrib]
    refine Finset.sum_congr rfl fun i _ => ?_
    by_cases hK : K i
    · simp only [if_pos hK]
      ring
    · simp only [if_neg hK]
      ring
  have h := hsplit a
  simp only [ite_self] at h
  rw [h]
  refine convex_sign (fun i => if K i then w i else 0) a _ (fun i => ?_) hpos (fun j hj => ?_)
  · show 0 ≤ (if K i then w i else 0)
    by_cases hK : K i
    · rw [if_pos hK]
      exact hw i
    · simp only [if_neg hK, le_refl]
  · by_cases hK : K j
    · have hj' := hpure j hK
      rw [hsplit (fun _ => a j), ← Finset.mul_sum] at hj'
      exact hj'
    · change 0 < (if K j then w j else 0) at hj
      rw [if_neg hK] at hj
      exact absurd hj (lt_irrefl 0)

end General

noncomputable section

namespace Transformer

variable {n d dm dh : ℕ} (m : Transformer n d dm dh)

/-- The part of the logits a query token fixes: direct paths and the biases' constant. -/
def EUPU (q j : Fin d) : ℝ := m.EU q j + m.PU (Fin.last n) j + m.cU j

/-- The strategy's token factor of the attention: `alpha q t = exp (EQKE q t / √d_head)`. -/
def alpha (q t : Fin d) : ℝ := Real.exp (m.EQKE q t / Real.sqrt dh)

/-- The strategy's position factor of the attention: `pi q i = exp (EQKP q i / √d_head)`. -/
def pi (q : Fin d) (i : Fin (n + 1)) : ℝ := Real.exp (m.EQKP q i / Real.sqrt dh)

theorem alpha_pos (q t : Fin d) : 0 < m.alpha q t := Real.exp_pos _

theorem pi_pos (q : Fin d) (i : Fin (n + 1)) : 0 < m.pi q i := Real.exp_pos _

variable (ts : Fin (n + 1) → Fin d)

/-- The attention score without the key bias. -/
def pathScore (i : Fin (n + 1)) : ℝ :=
  (m.EQKE (ts (Fin.last n)) (ts i) + m.EQKP (ts (Fin.last n)) i) / Real.sqrt dh

/-- The non-query positions that do not hold the label (the strategy's `c` of them). -/
def IsNonmaxPos (i : Fin (n + 1)) : Prop := i ≠ Fin.last n ∧ ts i ≠ seqLabel ts

instance instDecidablePredIsNonmaxPos : DecidablePred (IsNonmaxPos ts) := fun i =>
  inferInstanceAs (Decidable (i ≠ Fin.last n ∧ ts i ≠ seqLabel ts))

/-- The value of the sign condition of a pure case: position `j`'s token `t_j` on every
position of `IsNonmaxPos ts`, the other positions (the label's copies and the query) as in
`ts`. -/
def pureLhs (E : ℝ) (V : Fin d → ℝ) (j : Fin (n + 1)) : ℝ :=
  ∑ i, m.pi (ts (Fin.last n)) i *
    (if IsNonmaxPos ts i then m.alpha (ts (Fin.last n)) (ts j) * (V (ts j) + E)
     else m.alpha (ts (Fin.last n)) (ts i) * (V (ts i) + E))

/-- `exp (s_i)` splits into the two factors the strategy tabulates. -/
theorem exp_score_split (i : Fin (n + 1)) :
    Real.exp (m.pathScore ts i) =
      Real.exp (m.EQKE (ts (Fin.last n)) (ts i) / Real.sqrt dh)
        * Real.exp (m.EQKP (ts (Fin.last n)) i / Real.sqrt dh) := by
  simp only [pathScore, add_div, Real.exp_add]

/-- `exp (s_i) = alpha q t_i * pi q i`. -/
theorem exp_pathScore_eq (i : Fin (n + 1)) :
    Real.exp (m.pathScore ts i) = m.alpha (ts (Fin.last n)) (ts i) * m.pi (ts (Fin.last n)) i :=
  m.exp_score_split ts i

/-- The attention weights are the softmax of the path scores. -/
theorem attn_eq_pathScore (i : Fin (n + 1)) :
    m.attn ts i = Real.exp (m.pathScore ts i) / ∑ j, Real.exp (m.pathScore ts j) :=
  m.attn_paths ts i

/-- Clearing the softmax denominator: an attention-weighted sum is negative when the same sum
weighted by `exp (s_i)` is. -/
theorem sum_attn_mul_neg (g : Fin (n + 1) → ℝ)
    (h : ∑ i, Real.exp (m.pathScore ts i) * g i < 0) : ∑ i, m.attn ts i * g i < 0 := by
  have hD : 0 < ∑ j, Real.exp (m.pathScore ts j) :=
    Finset.sum_pos (fun j _ => Real.exp_pos _) ⟨Fin.last n, Finset.mem_univ _⟩
  have hsum : ∑ i, m.attn ts i * g i =
      (∑ i, Real.exp (m.pathScore ts i) * g i) / ∑ j, Real.exp (m.pathScore ts j) := by
    rw [Finset.sum_div]
    refine Finset.sum_congr rfl fun i _ => ?_
    rw [m.attn_eq_pathScore ts i]
    ring
  rw [hsum]
  exact div_neg_of_neg_of_pos h hD

/-- **Step 0.** The logit gap by paths: `z x - z mx = (EUPU q x - EUPU q mx)
+ ∑ i, a_i * ((EVOU t_i x - EVOU t_i mx) + (PVOU i x - PVOU i mx))`. -/
theorem logit_gap_paths (x mx : Fin d) :
    m.logits ts x - m.logits ts mx =
      (m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) mx)
        + ∑ i, m.attn ts i
            * ((m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx)) := by
  rw [m.logits_paths ts x, m.logits_paths ts mx]
  have h : ∑ i, m.attn ts i
        * ((m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx))
      = ∑ i, m.attn ts i * (m.EVOU (ts i) x + m.PVOU i x)
        - ∑ i, m.attn ts i * (m.EVOU (ts i) mx + m.PVOU i mx) := by
    rw [← Finset.sum_sub_distrib]
    exact Finset.sum_congr rfl fun i _ => by ring
  rw [h]
  simp only [EUPU]
  ring

/-- **The `c = 0` cases.** The sign condition of one wrong answer `x`, unpessimised: with
`∑ i, a_i = 1` the logit gap is the attention-weighted sum of `EUPU' + EVOU' + PVOU'`. -/
theorem logit_lt_of_sign (x mx : Fin d)
    (hsign : ∑ i, Real.exp (m.pathScore ts i)
        * ((m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) mx)
          + (m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx)) < 0) :
    m.logits ts x < m.logits ts mx := by
  have hneg : ∑ i, m.attn ts i
        * ((m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) mx)
          + (m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx)) < 0 :=
    m.sum_attn_mul_neg ts _ hsign
  have hsum : ∑ i, m.attn ts i
        * ((m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) mx)
          + (m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx))
      = (m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) mx)
        + ∑ i, m.attn ts i
            * ((m.EVOU (ts i) x - m.EVOU (ts i) mx) + (m.PVOU i x - m.PVOU i mx)) := by
    simp only [mul_add, Finset.sum_add_distrib]
    rw [← Finset.sum_mul, m.attn_sum ts, one_mul]
    ring
  rw [hsum] at hneg
  linarith [m.logit_gap_paths ts x mx]

/-- **Steps 1 and 2.** Pessimised bounds `E` and `V t`, uniform in the wrong answer `x`, and the
sign of the attention-weighted sum after clearing the softmax denominator, imply that the
sequence is classified correctly. -/
theorem correct_of_sign (E : ℝ) (V : Fin d → ℝ)
    (hE : ∀ x, x ≠ seqLabel ts →
      m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) (seqLabel ts) ≤ E)
    (hV : ∀ x i, x ≠ seqLabel ts →
      (m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts))
        + (m.PVOU i x - m.PVOU i (seqLabel ts)) ≤ V (ts i))
    (hsign : ∑ i, Real.exp (m.pathScore ts i) * (V (ts i) + E) < 0) :
    IsCorrect (m.logits ts) (seqLabel ts) := by
  unfold IsCorrect
  intro x hx
  have hneg : ∑ i, m.attn ts i * (V (ts i) + E) < 0 := m.sum_attn_mul_neg ts _ hsign
  have hsum : ∑ i, m.attn ts i * (V (ts i) + E) = ∑ i, m.attn ts i * V (ts i) + E := by
    simp only [mul_add, Finset.sum_add_distrib]
    rw [← Finset.sum_mul, m.attn_sum ts, one_mul]
  have hle : ∑ i, m.attn ts i * ((m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts))
        + (m.PVOU i x - m.PVOU i (seqLabel ts)))
      ≤ ∑ i, m.attn ts i * V (ts i) :=
    Finset.sum_le_sum fun i _ =>
      mul_le_mul_of_nonneg_left (hV x i hx) (le_of_lt (m.attn_pos ts i))
  have hgap := m.logit_gap_paths ts x (seqLabel ts)
  have hEx := hE x hx
  linarith

/-- **Steps 1–3 together (`c ≥ 1`).** A sequence with a non-max non-query position is
classified correctly when the pessimised bounds hold and the pure case of each such position
is negative. -/
theorem correct_of_pure_cases (E : ℝ) (V : Fin d → ℝ)
    (hE : ∀ x, x ≠ seqLabel ts →
      m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) (seqLabel ts) ≤ E)
    (hV : ∀ x i, x ≠ seqLabel ts →
      (m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts))
        + (m.PVOU i x - m.PVOU i (seqLabel ts)) ≤ V (ts i))
    (hex : ∃ j, IsNonmaxPos ts j)
    (hpure : ∀ j, IsNonmaxPos ts j → m.pureLhs ts E V j < 0) :
    IsCorrect (m.logits ts) (seqLabel ts) := by
  refine m.correct_of_sign ts E V hE hV ?_
  have hsplit : ∀ i, Real.exp (m.pathScore ts i) * (V (ts i) + E) =
      m.pi (ts (Fin.last n)) i * (m.alpha (ts (Fin.last n)) (ts i) * (V (ts i) + E)) := by
    intro i
    rw [m.exp_pathScore_eq ts i]
    ring
  simp only [hsplit]
  obtain ⟨j0, hj0⟩ := hex
  refine mixed_of_pure (IsNonmaxPos ts) (fun i => m.pi (ts (Fin.last n)) i)
    (fun i => m.alpha (ts (Fin.last n)) (ts i) * (V (ts i) + E))
    (fun i => le_of_lt (m.pi_pos _ _)) ?_ (fun j hj => hpure j hj)
  refine sum_pos_one (fun i => if IsNonmaxPos ts i then m.pi (ts (Fin.last n)) i else 0) j0
    (fun i => ?_) ?_
  · show 0 ≤ (if IsNonmaxPos ts i then m.pi (ts (Fin.last n)) i else 0)
    by_cases hK : IsNonmaxPos ts i
    · rw [if_pos hK]
      exact le_of_lt (m.pi_pos _ _)
    · simp only [if_neg hK, le_refl]
  · show 0 < (if IsNonmaxPos ts j0 then m.pi (ts (Fin.last n)) j0 else 0)
    rw [if_pos hj0]
    exact m.pi_pos _ _

end Transformer

end

end PyExport
