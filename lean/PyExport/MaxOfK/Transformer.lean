/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.Correct

/-!
# The paper's Max-of-K transformer over the reals

Mirror of `coq/theories/MaxOfK/Transformer.v`: the one-layer, one-head, attention-only transformer of
Gross et al. 2024 with TransformerLens semantics (no LayerNorm, learned absolute positions,
every bias), read at the last position; the label of a sequence is its maximum token. With
`x i = W_E (ts i) + W_pos i`:

    q = x_last W_Q + b_Q,   k_i = x_i W_K + b_K,   v_i = x_i W_V + b_V
    a_i = exp(s_i) / ∑ j, exp(s_j),   s_i = (q ⬝ k_i) / √d_head
    logits = (x_last + (∑ i, a_i v_i) W_O + b_O) W_U + b_U

Positions are `Fin (n + 1)` (so a sequence is never empty and `Fin.last n` is the last
position); the scale is the real `Real.sqrt dh`.

## Main definitions

* `PyExport.Transformer n d dm dh`: the weights, as real matrices indexed by `Fin`.
* `Transformer.attn`, `Transformer.resid`, `Transformer.logits` of a sequence
  `ts : Fin (n + 1) → Fin d`; `PyExport.seqLabel ts`: its maximum token.
* `Transformer.accuracy`: the fraction of all `d ^ (n + 1)` sequences whose label logit is
  strictly above every other (`PyExport.IsCorrect`).

## Main statements

* `Transformer.attn_pos`, `Transformer.attn_sum`: attention weights are positive and sum to 1.
* `Transformer.attn_value`: the attention-weighted values are those of the unbiased
  projection plus `b_V`.
* `Transformer.resid_value_bias`: `b_V` enters the residual stream as the constant
  `b_V W_O`, whatever the attention.

## Implementation notes

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`. No checker
uses it yet (pyexport issue 7).
-/

namespace PyExport

noncomputable section

/-- The weights of a one-layer, one-head, attention-only transformer with `n + 1` positions,
vocabulary `d`, width `dm` and head dimension `dh`. -/
structure Transformer (n d dm dh : ℕ) where
  W_E : Fin d → Fin dm → ℝ
  W_pos : Fin (n + 1) → Fin dm → ℝ
  W_Q : Fin dm → Fin dh → ℝ
  W_K : Fin dm → Fin dh → ℝ
  W_V : Fin dm → Fin dh → ℝ
  W_O : Fin dh → Fin dm → ℝ
  b_Q : Fin dh → ℝ
  b_K : Fin dh → ℝ
  b_V : Fin dh → ℝ
  b_O : Fin dm → ℝ
  W_U : Fin dm → Fin d → ℝ
  b_U : Fin d → ℝ

/-- The label of a sequence: its maximum token. -/
def seqLabel {n d : ℕ} (ts : Fin (n + 1) → Fin d) : Fin d :=
  Finset.univ.sup' ⟨Fin.last n, Finset.mem_univ _⟩ ts

namespace Transformer

variable {n d dm dh : ℕ} (m : Transformer n d dm dh) (ts : Fin (n + 1) → Fin d)

/-- The residual stream before attention: token plus position embedding. -/
def resid0 (i : Fin (n + 1)) (k : Fin dm) : ℝ := m.W_E (ts i) k + m.W_pos i k

/-- `x_i W + b` for a `dm × dh` matrix `W`. -/
def project (W : Fin dm → Fin dh → ℝ) (b : Fin dh → ℝ) (i : Fin (n + 1)) (h : Fin dh) : ℝ :=
  ∑ k, m.resid0 ts i k * W k h + b h

def query (h : Fin dh) : ℝ := m.project ts m.W_Q m.b_Q (Fin.last n) h

def key (i : Fin (n + 1)) (h : Fin dh) : ℝ := m.project ts m.W_K m.b_K i h

def value (i : Fin (n + 1)) (h : Fin dh) : ℝ := m.project ts m.W_V m.b_V i h

def score (i : Fin (n + 1)) : ℝ := (∑ h, m.query ts h * m.key ts i h) / Real.sqrt dh

def attn (i : Fin (n + 1)) : ℝ := Real.exp (m.score ts i) / ∑ j, Real.exp (m.score ts j)

def resid (k : Fin dm) : ℝ :=
  m.resid0 ts (Fin.last n) k + ∑ h, (∑ i, m.attn ts i * m.value ts i h) * m.W_O h k + m.b_O k

def logits (j : Fin d) : ℝ := ∑ k, m.resid ts k * m.W_U k j + m.b_U j

theorem sum_exp_score_pos : 0 < ∑ j, Real.exp (m.score ts j) :=
  Finset.sum_pos (fun j _ => Real.exp_pos _) ⟨Fin.last n, Finset.mem_univ _⟩

theorem attn_pos (i : Fin (n + 1)) : 0 < m.attn ts i :=
  div_pos (Real.exp_pos _) (m.sum_exp_score_pos ts)

theorem attn_sum : ∑ i, m.attn ts i = 1 := by
  unfold attn
  rw [← Finset.sum_div]
  exact div_self (m.sum_exp_score_pos ts).ne'

theorem attn_value (h : Fin dh) :
    ∑ i, m.attn ts i * m.value ts i h =
      ∑ i, m.attn ts i * ∑ k, m.resid0 ts i k * m.W_V k h + m.b_V h := by
  simp only [value, project, mul_add]
  rw [Finset.sum_add_distrib, ← Finset.sum_mul, m.attn_sum ts, one_mul]

theorem resid_value_bias (k : Fin dm) :
    m.resid ts k =
      m.resid0 ts (Fin.last n) k
        + ∑ h, (∑ i, m.attn ts i * ∑ k', m.resid0 ts i k' * m.W_V k' h) * m.W_O h k
        + ∑ h, m.b_V h * m.W_O h k + m.b_O k := by
  simp only [resid, m.attn_value ts, add_mul, Finset.sum_add_distrib]
  ring

open scoped Classical in
/-- Accuracy over all `d ^ (n + 1)` sequences. -/
def accuracy : ℝ :=
  (1 / (d : ℝ) ^ (n + 1)) *
    ∑ ts : Fin (n + 1) → Fin d, if IsCorrect (m.logits ts) (seqLabel ts) then (1 : ℝ) else 0

end Transformer

end

end PyExport
