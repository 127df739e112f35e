/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.MaxOfK.TransformerCubic

/-!
# The steps of the paper's subcubic proofs, about the real semantics

Mirror of `coq/theories/MaxOfK/TransformerSubcubic.v`. The subcubic strategies
(`pyexport/families/max_of_k_transformer/strategies/subcubic.py`) prove every sequence of a case
`(q, mx, c)` correct from tables indexed by at most two tokens, provided its non-max tokens are
all at most `j = mx - g` (the case's gap `g`). This file proves their steps about the transformer
of `PyExport/MaxOfK/Transformer.lean`, through the paths of `PyExport/MaxOfK/TransformerPaths.lean` and the
factors of `PyExport/MaxOfK/TransformerCubic.lean`; with `q` the query (last) token, `mx` the label and
`A` the attention on the positions holding `mx` (`Transformer.maxAttn`):

* `Transformer.logit_gap_bound` (step 3's split): for a wrong answer `x`,
  `z x - z mx ≤ G + Mu x + Pm x + A * EVOU' mx x + (1 - A) * ω`
  when `EUPU' q x ≤ G + Mu x` (the query's row against a reference row), `PVOU' i x ≤ Pm x` at
  every position, and `EVOU' t x ≤ ω` for every non-max token `t` (`'` subtracts the column
  `mx`);
* `Transformer.attn_max_lower` (step 2): if `alpha q t ≤ rho * alpha q mx` for every non-max
  token `t` (`rho` from a lower bound of the score gap `EQKE q mx - EQKE q t`), then
  `A ≥ S / (S + rho * (W - S))`, `S` the positional weights `pi q i` summed over the max
  positions, `W` over all of them;
* `PyExport.chord_neg` (step 3's convexity): the right side above is an affine function
  `f A = u + A * v` plus `(1 - A) * ω`; bounding `f` by its chord between a point `a < 1` and
  `1`, the bound is negative on all of `[A_lo, 1]` when it is at `A_lo` and at `1` — so a
  checker needs `max_x f` at two points per label, never per case (no table indexed by three
  tokens);
* `Transformer.correct_of_subcubic` joins the steps; `Transformer.correct_of_all_max` is the case
  `c = 0` (the sequence `mx … mx`, where `A = 1`).

The score-gap bound itself (exact `EQKE`, or its rank-one approximation and error term) only has
to deliver the hypothesis of `attn_max_lower`; on the Coq side `CheckSubcubic.v` derives it from
the exact `EQKE`, and so does the Lean checker `PyExport/MaxOfK/CheckSubcubic.lean`, which
applies `correct_of_subcubic` and `correct_of_all_max` to every covered sequence.

## Main definitions

* `Transformer.maxAttn ts`: the attention summed over the positions holding the label.

## Main statements

* `PyExport.label_attained`: the label occurs in the sequence.
* `PyExport.chord_neg`: the chord argument (real numbers).
* `Transformer.maxAttn_le_one`, `Transformer.maxAttn_all`.
* `Transformer.logit_gap_bound`, `Transformer.attn_max_lower`, `Transformer.correct_of_subcubic`,
  `Transformer.correct_of_all_max`.
* Lean-only helpers (the algebra of the two transformer steps, over any `Fintype`):
  `PyExport.sum_attn_split_le`, `PyExport.frac_le_of_gap`, `PyExport.attn_frac_lower`.

## Implementation notes

Positions are `Fin (n + 1)` and tokens `Fin d`, so the Coq hypotheses `1 <= n_ctx`, `i < n_ctx`
and `x < d_vocab` are built into the types and dropped; `label n ts` is `seqLabel ts` and
`correct d (logits m ts) (label n ts)` is `IsCorrect (m.logits ts) (seqLabel ts)`. Coq's
`rsum n (fun i => if Nat.eqb (ts i) (label n ts) then … else 0)` is
`∑ i, if ts i = seqLabel ts then … else 0` (decidable equality of `Fin d`). The Coq names
`max_attn`, `max_attn_le_1`, `max_attn_all` become `maxAttn`, `maxAttn_le_one`, `maxAttn_all`;
the other names are unchanged. The `let S := …` / `let W := …` of the Coq statements are kept
as `let`s in the Lean statements.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

section RealLemmas

/-- **Step 3 (chord).** With `f A = u + A * v` below `Fa` at `a` and below `F1` at `1`, the bound
`G + f A + (1 - A) * w` is negative for every `A ∈ [Alo, 1]` when the chord's version of it is
negative at both ends. -/
theorem chord_neg (G u v w a Alo A Fa F1 : ℝ) (ha : a < 1) (haAlo : a ≤ Alo) (hAlo : Alo ≤ A)
    (hA1 : A ≤ 1) (hFa : u + a * v ≤ Fa) (hF1 : u + v ≤ F1) (hneg1 : G + F1 < 0)
    (hneg2 : (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w < 0) :
    G + u + A * v + (1 - A) * w < 0 := by
  have h1a : 0 < 1 - a := by linarith
  -- the chord's bound, as an affine function of `A`, at `Alo` and at `1`
  have hlo : (F1 - Fa - (1 - a) * w) * Alo + ((1 - a) * G + Fa - a * F1 + (1 - a) * w) < 0 := by
    have e : (F1 - Fa - (1 - a) * w) * Alo + ((1 - a) * G + Fa - a * F1 + (1 - a) * w)
        = (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w := by ring
    rw [e]
    exact hneg2
  have hhi : (F1 - Fa - (1 - a) * w) * 1 + ((1 - a) * G + Fa - a * F1 + (1 - a) * w) < 0 := by
    have e : (F1 - Fa - (1 - a) * w) * 1 + ((1 - a) * G + Fa - a * F1 + (1 - a) * w)
        = (1 - a) * (G + F1) := by ring
    rw [e]
    exact mul_neg_of_pos_of_neg h1a hneg1
  have hh := affine_neg (F1 - Fa - (1 - a) * w) ((1 - a) * G + Fa - a * F1 + (1 - a) * w)
    Alo 1 A hAlo hA1 hlo hhi
  -- the bound lies below its chord
  have hFa' : (1 - A) * (u + a * v) ≤ (1 - A) * Fa :=
    mul_le_mul_of_nonneg_left hFa (by linarith)
  have hF1' : (A - a) * (u + v) ≤ (A - a) * F1 :=
    mul_le_mul_of_nonneg_left hF1 (by linarith)
  have e1 : (1 - a) * (G + u + A * v + (1 - A) * w)
      = (1 - a) * G + (1 - A) * (u + a * v) + (A - a) * (u + v) + (1 - a) * (1 - A) * w := by
    ring
  have e2 : (F1 - Fa - (1 - a) * w) * A + ((1 - a) * G + Fa - a * F1 + (1 - a) * w)
      = (1 - a) * G + (1 - A) * Fa + (A - a) * F1 + (1 - a) * (1 - A) * w := by
    ring
  have hprod : (1 - a) * (G + u + A * v + (1 - A) * w) < 0 := by linarith
  by_cases hT : G + u + A * v + (1 - A) * w < 0
  · exact hT
  · have h0 : 0 ≤ G + u + A * v + (1 - A) * w := not_lt.1 hT
    have h2 : 0 ≤ (1 - a) * (G + u + A * v + (1 - A) * w) := mul_nonneg (le_of_lt h1a) h0
    linarith

/-- `S / (S + rho (W - S)) ≤ am S / (am S + X)` when `X ≤ rho am (W - S)` (the two
denominators positive). -/
theorem frac_le_of_gap (S W X am rho : ℝ) (hS : 0 < S) (hWS : 0 ≤ W - S) (hrho : 0 ≤ rho)
    (hE : 0 < am * S + X) (hX : X ≤ rho * am * (W - S)) :
    S / (S + rho * (W - S)) ≤ am * S / (am * S + X) := by
  have hB : 0 < S + rho * (W - S) := by
    have h := mul_nonneg hrho hWS
    linarith
  rw [le_div_iff₀ hE, div_mul_eq_mul_div, div_le_iff₀ hB]
  have key : S * X ≤ S * (rho * am * (W - S)) := mul_le_mul_of_nonneg_left hX (le_of_lt hS)
  have e1 : S * (am * S + X) = am * S * S + S * X := by ring
  have e2 : am * S * (S + rho * (W - S)) = am * S * S + S * (rho * am * (W - S)) := by ring
  linarith

end RealLemmas

section General

variable {ι : Type*} [Fintype ι]

/-- **Step 3's split, on positions.** Weights `a i ≥ 0` summing to `1`; at each position either
`am i = a i` and `e i = ev` (a max position) or `am i = 0` and `e i ≤ w` (a non-max one); and
`p i ≤ Pb`. Then `∑ i, a i (e i + p i) ≤ A ev + (1 - A) w + Pb` with `A = ∑ i, am i`. -/
theorem sum_attn_split_le (a am e p : ι → ℝ) (ev w Pb : ℝ) (ha : ∀ i, 0 ≤ a i)
    (hsum : ∑ i, a i = 1) (hp : ∀ i, p i ≤ Pb)
    (hcase : ∀ i, (am i = a i ∧ e i = ev) ∨ (am i = 0 ∧ e i ≤ w)) :
    ∑ i, a i * (e i + p i) ≤ (∑ i, am i) * ev + (1 - ∑ i, am i) * w + Pb := by
  have hpt : ∀ i ∈ Finset.univ,
      a i * (e i + p i) ≤ am i * ev + (a i * w - am i * w) + a i * Pb := by
    intro i _
    have h1 : a i * p i ≤ a i * Pb := mul_le_mul_of_nonneg_left (hp i) (ha i)
    rcases hcase i with ⟨h2, h3⟩ | ⟨h2, h3⟩
    · rw [h2, h3]
      linarith
    · have h4 : a i * e i ≤ a i * w := mul_le_mul_of_nonneg_left h3 (ha i)
      rw [h2]
      linarith
  have hle := Finset.sum_le_sum hpt
  have hR : ∑ i, (am i * ev + (a i * w - am i * w) + a i * Pb)
      = (∑ i, am i) * ev + ((∑ i, a i) * w - (∑ i, am i) * w) + (∑ i, a i) * Pb := by
    rw [Finset.sum_add_distrib, Finset.sum_add_distrib, Finset.sum_sub_distrib,
      Finset.sum_mul, Finset.sum_mul, Finset.sum_mul, Finset.sum_mul]
  rw [hR, hsum] at hle
  linarith

/-- **Step 2's algebra, on positions.** The positions satisfying `P` (the max positions) carry
the token factor `am`, the others a factor at most `rho * am`; with positive position factors
`pw i`, the softmax weight of the `P`-positions is at least `S / (S + rho (W - S))`, `S` the
position factors summed over `P`, `W` over all positions. -/
theorem attn_frac_lower (P : ι → Prop) [DecidablePred P] (al pw : ι → ℝ) (am rho : ℝ)
    (hpw : ∀ i, 0 < pw i) (hal : ∀ i, 0 < al i) (hrho : 0 ≤ rho)
    (hmax : ∀ i, P i → al i = am) (hnon : ∀ i, ¬P i → al i ≤ rho * am) (hex : ∃ i, P i) :
    (∑ i, if P i then pw i else 0)
        / ((∑ i, if P i then pw i else 0)
          + rho * ((∑ i, pw i) - ∑ i, if P i then pw i else 0))
      ≤ ∑ i, if P i then al i * pw i / ∑ j, al j * pw j else 0 := by
  obtain ⟨i0, hi0⟩ := hex
  have hite : ∀ i, 0 ≤ (if P i then pw i else 0) := by
    intro i
    by_cases h : P i
    · rw [if_pos h]
      exact le_of_lt (hpw i)
    · exact le_of_eq (if_neg h).symm
  -- `S > 0`: the label's positions are not empty
  have hS : 0 < ∑ i, if P i then pw i else 0 := by
    refine sum_pos_one (fun i => if P i then pw i else 0) i0 hite ?_
    show 0 < (if P i0 then pw i0 else 0)
    rw [if_pos hi0]
    exact hpw i0
  -- `W - S ≥ 0`
  have hWS : 0 ≤ (∑ i, pw i) - ∑ i, if P i then pw i else 0 := by
    rw [← Finset.sum_sub_distrib]
    refine Finset.sum_nonneg fun i _ => ?_
    show 0 ≤ pw i - (if P i then pw i else 0)
    by_cases h : P i
    · exact le_of_eq (by rw [if_pos h, sub_self])
    · rw [if_neg h, sub_zero]
      exact le_of_lt (hpw i)
  -- the softmax denominator `D`
  have hD : 0 < ∑ j, al j * pw j :=
    Finset.sum_pos (fun j _ => mul_pos (hal j) (hpw j)) ⟨i0, Finset.mem_univ _⟩
  -- `D = am S + X`, `X` the non-max part
  have hDX : ∑ j, al j * pw j
      = am * (∑ i, if P i then pw i else 0) + ∑ i, if P i then 0 else al i * pw i := by
    rw [Finset.mul_sum, ← Finset.sum_add_distrib]
    refine Finset.sum_congr rfl fun i _ => ?_
    by_cases h : P i
    · rw [if_pos h, if_pos h, hmax i h, add_zero]
    · rw [if_neg h, if_neg h, mul_zero, zero_add]
  -- `X ≤ rho am (W - S)`
  have hX : (∑ i, if P i then 0 else al i * pw i)
      ≤ rho * am * ((∑ i, pw i) - ∑ i, if P i then pw i else 0) := by
    rw [← Finset.sum_sub_distrib, Finset.mul_sum]
    refine Finset.sum_le_sum fun i _ => ?_
    show (if P i then 0 else al i * pw i) ≤ rho * am * (pw i - (if P i then pw i else 0))
    by_cases h : P i
    · exact le_of_eq (by rw [if_pos h, if_pos h, sub_self, mul_zero])
    · rw [if_neg h, if_neg h, sub_zero]
      exact mul_le_mul_of_nonneg_right (hnon i h) (le_of_lt (hpw i))
  -- the weight of the `P`-positions is `am S / D`
  have hA : (∑ i, if P i then al i * pw i / ∑ j, al j * pw j else 0)
      = am * (∑ i, if P i then pw i else 0) / ∑ j, al j * pw j := by
    rw [Finset.mul_sum, Finset.sum_div]
    refine Finset.sum_congr rfl fun i _ => ?_
    by_cases h : P i
    · rw [if_pos h, if_pos h, hmax i h]
    · rw [if_neg h, if_neg h, mul_zero, zero_div]
  rw [hA, hDX]
  exact frac_le_of_gap _ _ _ _ _ hS hWS hrho (by rw [← hDX]; exact hD) hX

end General

/-- The label occurs in the sequence. -/
theorem label_attained {n d : ℕ} (ts : Fin (n + 1) → Fin d) : ∃ i, ts i = seqLabel ts := by
  have H : (Finset.univ : Finset (Fin (n + 1))).Nonempty := ⟨Fin.last n, Finset.mem_univ _⟩
  obtain ⟨i, _, hi⟩ := Finset.exists_mem_eq_sup' H ts
  exact ⟨i, hi.symm⟩

noncomputable section

namespace Transformer

variable {n d dm dh : ℕ} (m : Transformer n d dm dh) (ts : Fin (n + 1) → Fin d)

/-- The attention on the positions holding the label. -/
def maxAttn : ℝ := ∑ i, if ts i = seqLabel ts then m.attn ts i else 0

theorem maxAttn_le_one : m.maxAttn ts ≤ 1 := by
  unfold maxAttn
  rw [← m.attn_sum ts]
  refine Finset.sum_le_sum fun i _ => ?_
  show (if ts i = seqLabel ts then m.attn ts i else 0) ≤ m.attn ts i
  by_cases h : ts i = seqLabel ts
  · exact le_of_eq (if_pos h)
  · rw [if_neg h]
    exact le_of_lt (m.attn_pos ts i)

theorem maxAttn_all (hall : ∀ i, ts i = seqLabel ts) : m.maxAttn ts = 1 := by
  unfold maxAttn
  rw [← m.attn_sum ts]
  exact Finset.sum_congr rfl fun i _ => if_pos (hall i)

/-- **Step 3's split of a wrong answer's logit gap.** -/
theorem logit_gap_bound (x : Fin d) (G w : ℝ) (Mu Pm : Fin d → ℝ)
    (hE : m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) (seqLabel ts) ≤ G + Mu x)
    (hP : ∀ i, m.PVOU i x - m.PVOU i (seqLabel ts) ≤ Pm x)
    (hw : ∀ i, ts i ≠ seqLabel ts → m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts) ≤ w) :
    m.logits ts x - m.logits ts (seqLabel ts) ≤
      G + Mu x + Pm x
        + m.maxAttn ts * (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts))
        + (1 - m.maxAttn ts) * w := by
  have hcase : ∀ i, ((if ts i = seqLabel ts then m.attn ts i else 0) = m.attn ts i ∧
        m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts)
          = m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) ∨
      ((if ts i = seqLabel ts then m.attn ts i else 0) = 0 ∧
        m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts) ≤ w) := by
    intro i
    by_cases h : ts i = seqLabel ts
    · exact Or.inl ⟨if_pos h, by rw [h]⟩
    · exact Or.inr ⟨if_neg h, hw i h⟩
  have hsplit : ∑ i, m.attn ts i * ((m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts))
          + (m.PVOU i x - m.PVOU i (seqLabel ts)))
      ≤ m.maxAttn ts * (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts))
        + (1 - m.maxAttn ts) * w + Pm x :=
    sum_attn_split_le (m.attn ts) (fun i => if ts i = seqLabel ts then m.attn ts i else 0)
      (fun i => m.EVOU (ts i) x - m.EVOU (ts i) (seqLabel ts))
      (fun i => m.PVOU i x - m.PVOU i (seqLabel ts))
      (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) w (Pm x)
      (fun i => le_of_lt (m.attn_pos ts i)) (m.attn_sum ts) hP hcase
  have hgap := m.logit_gap_paths ts x (seqLabel ts)
  linarith

/-- **Step 2.** The attention on the max positions, from a bound `rho` on
`alpha q t / alpha q mx` over the non-max tokens `t`. -/
theorem attn_max_lower (rho : ℝ) (hrho : 0 ≤ rho)
    (halpha : ∀ i, ts i ≠ seqLabel ts →
      m.alpha (ts (Fin.last n)) (ts i) ≤ rho * m.alpha (ts (Fin.last n)) (seqLabel ts)) :
    let S := ∑ i, if ts i = seqLabel ts then m.pi (ts (Fin.last n)) i else 0
    let W := ∑ i, m.pi (ts (Fin.last n)) i
    S / (S + rho * (W - S)) ≤ m.maxAttn ts := by
  have hDeq : ∑ j, Real.exp (m.pathScore ts j)
      = ∑ j, m.alpha (ts (Fin.last n)) (ts j) * m.pi (ts (Fin.last n)) j :=
    Finset.sum_congr rfl fun j _ => m.exp_pathScore_eq ts j
  have hattn : m.maxAttn ts = ∑ i, if ts i = seqLabel ts then
      m.alpha (ts (Fin.last n)) (ts i) * m.pi (ts (Fin.last n)) i
        / ∑ j, m.alpha (ts (Fin.last n)) (ts j) * m.pi (ts (Fin.last n)) j else 0 := by
    unfold maxAttn
    refine Finset.sum_congr rfl fun i _ => ?_
    rw [m.attn_eq_pathScore ts i, m.exp_pathScore_eq ts i, hDeq]
  rw [hattn]
  exact attn_frac_lower (fun i => ts i = seqLabel ts)
    (fun i => m.alpha (ts (Fin.last n)) (ts i)) (m.pi (ts (Fin.last n)))
    (m.alpha (ts (Fin.last n)) (seqLabel ts)) rho
    (fun i => m.pi_pos _ i) (fun i => m.alpha_pos _ _) hrho
    (fun i hi => congrArg (m.alpha (ts (Fin.last n))) hi) halpha (label_attained ts)

/-- **Steps 2 and 3.** A sequence whose non-max tokens are all at most `j` is classified
correctly when the tables' bounds hold, the chord point `a` lies below a point `Alo` below the
attention bound `S / (S + rho (W - S))`, and the bound is negative at `Alo` and at `1`. -/
theorem correct_of_subcubic (j : Fin d) (G w rho a Alo Fa F1 : ℝ) (Mu Pm : Fin d → ℝ)
    (hj : ∀ i, ts i ≠ seqLabel ts → ts i ≤ j)
    (hE : ∀ x, x ≠ seqLabel ts →
      m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) (seqLabel ts) ≤ G + Mu x)
    (hP : ∀ x i, x ≠ seqLabel ts → m.PVOU i x - m.PVOU i (seqLabel ts) ≤ Pm x)
    (hw : ∀ t x, t ≤ j → x ≠ seqLabel ts → m.EVOU t x - m.EVOU t (seqLabel ts) ≤ w)
    (hrho0 : 0 ≤ rho)
    (hrho : ∀ t, t ≤ j →
      m.alpha (ts (Fin.last n)) t ≤ rho * m.alpha (ts (Fin.last n)) (seqLabel ts))
    (hFa : ∀ x, x ≠ seqLabel ts →
      Mu x + Pm x + a * (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) ≤ Fa)
    (hF1 : ∀ x, x ≠ seqLabel ts →
      Mu x + Pm x + (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) ≤ F1) :
    let S := ∑ i, if ts i = seqLabel ts then m.pi (ts (Fin.last n)) i else 0
    let W := ∑ i, m.pi (ts (Fin.last n)) i
    Alo ≤ S / (S + rho * (W - S)) → a < 1 → a ≤ Alo → G + F1 < 0 →
    (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w < 0 →
    IsCorrect (m.logits ts) (seqLabel ts) := by
  intro S W hAlo ha haAlo hneg1 hneg2
  have hlo : Alo ≤ m.maxAttn ts :=
    le_trans hAlo (m.attn_max_lower ts rho hrho0 fun i hi => hrho (ts i) (hj i hi))
  unfold IsCorrect
  intro x hx
  have hgap := m.logit_gap_bound ts x G w Mu Pm (hE x hx) (fun i => hP x i hx)
    (fun i hi => hw (ts i) x (hj i hi) hx)
  have hneg := chord_neg G (Mu x + Pm x)
    (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) w a Alo (m.maxAttn ts) Fa F1
    ha haAlo hlo (m.maxAttn_le_one ts) (hFa x hx) (hF1 x hx) hneg1 hneg2
  linarith

/-- **The case `c = 0`.** The sequence holds only the label, so `A = 1`. -/
theorem correct_of_all_max (G F1 : ℝ) (Mu Pm : Fin d → ℝ)
    (hall : ∀ i, ts i = seqLabel ts)
    (hE : ∀ x, x ≠ seqLabel ts →
      m.EUPU (ts (Fin.last n)) x - m.EUPU (ts (Fin.last n)) (seqLabel ts) ≤ G + Mu x)
    (hP : ∀ x i, x ≠ seqLabel ts → m.PVOU i x - m.PVOU i (seqLabel ts) ≤ Pm x)
    (hF1 : ∀ x, x ≠ seqLabel ts →
      Mu x + Pm x + (m.EVOU (seqLabel ts) x - m.EVOU (seqLabel ts) (seqLabel ts)) ≤ F1)
    (hneg : G + F1 < 0) : IsCorrect (m.logits ts) (seqLabel ts) := by
  unfold IsCorrect
  intro x hx
  have hgap := m.logit_gap_bound ts x G 0 Mu Pm (hE x hx) (fun i => hP x i hx)
    (fun i hi => absurd (hall i) hi)
  rw [m.maxAttn_all ts hall] at hgap
  have hF := hF1 x hx
  linarith

end Transformer

end

end PyExport
