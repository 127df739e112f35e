/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.MaxOfK.Transformer

/-!
# The transformer's logits and scores split into the paper's paths

Mirror of `coq/theories/MaxOfK/TransformerPaths.v`: the decomposition the Max-of-K strategies rest on
(Gross et al. 2024, section 4), proved about the real-valued semantics of
`PyExport/MaxOfK/Transformer.lean`. With `x i = W_E (ts i) + W_pos i` and the last position
`l = Fin.last n`, the tables below depend on the weights only, never on the sequence, so a
checker can compute them once:

* direct paths `EU = W_E W_U` and `PU = W_pos W_U`;
* OV paths `EVOU = W_E W_V W_O W_U` and `PVOU = W_pos W_V W_O W_U` (`ovu` of a row);
* the biases' constant `cU = (b_V W_O + b_O) W_U + b_U` (`b_V` enters through `∑ i, a_i = 1`);
* the query of a last token `t`, `qvec t = (W_E t + W_pos l) W_Q + b_Q`, and the QK paths
  `EQKE t t' = qvec t ⬝ (W_E t' W_K)`, `EQKP t i = qvec t ⬝ (W_pos i W_K)`, `QB t = qvec t ⬝ b_K`.

## Main definitions

* `Transformer.unembed`, `Transformer.EU`, `Transformer.PU`: `x W_U` and the direct paths.
* `Transformer.ovu`, `Transformer.EVOU`, `Transformer.PVOU`: `x W_V W_O W_U` and the OV paths.
* `Transformer.cU`: the constant contributed by `b_V`, `b_O` and `b_U`.
* `Transformer.qvec`, `Transformer.EQKE`, `Transformer.EQKP`, `Transformer.QB`: the QK paths.

## Main statements

* `PyExport.sum_weighted`: `∑ k, (∑ i, a i * f i k) * g k = ∑ i, a i * ∑ k, f i k * g k`.
* `Transformer.logits_paths`:
  `z j = EU (t_l) j + PU l j + ∑ i, a_i * (EVOU (t_i) j + PVOU i j) + cU j`.
* `Transformer.score_paths`: `s_i = (EQKE t_l t_i + EQKP t_l i + QB t_l) / √d_head`.
* `Transformer.attn_shift`: the attention weights are the softmax of any common shift of the
  scores, so `Transformer.attn_paths`:
  `a_i = softmax_i ((EQKE t_l t_i + EQKP t_l i) / √d_head)`, without the key-bias term `QB`.

## Implementation notes

Positions are `Fin (n + 1)`, so the Coq hypotheses `1 <= n_ctx` and `i < n_ctx` are built into
the types. The Coq names `rsum_weighted`, `unembed_plus`, `ovu_plus` become `sum_weighted`,
`unembed_add`, `ovu_add`; the other names are unchanged.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

section General

variable {ι κ : Type*} [Fintype ι] [Fintype κ]

/-- Exchanging a weighted inner sum with an outer sum:
`∑ k, (∑ i, a i * f i k) * g k = ∑ i, a i * ∑ k, f i k * g k`. -/
theorem sum_weighted (a : ι → ℝ) (f : ι → κ → ℝ) (g : κ → ℝ) :
    ∑ k, (∑ i, a i * f i k) * g k = ∑ i, a i * ∑ k, f i k * g k := by
  simp only [Finset.sum_mul, Finset.mul_sum]
  rw [Finset.sum_comm]
  exact Finset.sum_congr rfl fun i _ => Finset.sum_congr rfl fun k _ => by ring

end General

noncomputable section

namespace Transformer

variable {n d dm dh : ℕ} (m : Transformer n d dm dh)

/-- `x W_U` for a residual vector `x`. -/
def unembed (x : Fin dm → ℝ) (j : Fin d) : ℝ := ∑ k, x k * m.W_U k j

/-- Direct path of a token: `W_E W_U`. -/
def EU (t j : Fin d) : ℝ := m.unembed (m.W_E t) j

/-- Direct path of a position: `W_pos W_U`. -/
def PU (i : Fin (n + 1)) (j : Fin d) : ℝ := m.unembed (m.W_pos i) j

/-- `x W_V W_O W_U` for a residual vector `x`. -/
def ovu (x : Fin dm → ℝ) (j : Fin d) : ℝ :=
  m.unembed (fun k => ∑ h, (∑ k', x k' * m.W_V k' h) * m.W_O h k) j

/-- OV path of a token: `W_E W_V W_O W_U`. -/
def EVOU (t j : Fin d) : ℝ := m.ovu (m.W_E t) j

/-- OV path of a position: `W_pos W_V W_O W_U`. -/
def PVOU (i : Fin (n + 1)) (j : Fin d) : ℝ := m.ovu (m.W_pos i) j

/-- The constant the biases add to the logits: `(b_V W_O + b_O) W_U + b_U`. -/
def cU (j : Fin d) : ℝ :=
  m.unembed (fun k => (∑ h, m.b_V h * m.W_O h k) + m.b_O k) j + m.b_U j

/-- The query of a last token `t`: `(W_E t + W_pos l) W_Q + b_Q`. -/
def qvec (t : Fin d) (h : Fin dh) : ℝ :=
  ∑ k, (m.W_E t k + m.W_pos (Fin.last n) k) * m.W_Q k h + m.b_Q h

/-- QK path token–token: `qvec t ⬝ (W_E t' W_K)`. -/
def EQKE (t t' : Fin d) : ℝ := ∑ h, m.qvec t h * ∑ k, m.W_E t' k * m.W_K k h

/-- QK path token–position: `qvec t ⬝ (W_pos i W_K)`. -/
def EQKP (t : Fin d) (i : Fin (n + 1)) : ℝ :=
  ∑ h, m.qvec t h * ∑ k, m.W_pos i k * m.W_K k h

/-- QK path token–key bias: `qvec t ⬝ b_K`. -/
def QB (t : Fin d) : ℝ := ∑ h, m.qvec t h * m.b_K h

theorem unembed_add (x y : Fin dm → ℝ) (j : Fin d) :
    m.unembed (fun k => x k + y k) j = m.unembed x j + m.unembed y j := by
  simp only [unembed, add_mul, Finset.sum_add_distrib]

theorem ovu_add (x y : Fin dm → ℝ) (j : Fin d) :
    m.ovu (fun k => x k + y k) j = m.ovu x j + m.ovu y j := by
  simp only [ovu, unembed, add_mul, Finset.sum_add_distrib]

variable (ts : Fin (n + 1) → Fin d)

/-- **Logits by paths.**
`z j = EU (t_l) j + PU l j + ∑ i, a_i * (EVOU (t_i) j + PVOU i j) + cU j`. -/
theorem logits_paths (j : Fin d) :
    m.logits ts j =
      m.EU (ts (Fin.last n)) j + m.PU (Fin.last n) j
        + ∑ i, m.attn ts i * (m.EVOU (ts i) j + m.PVOU i j) + m.cU j := by
  have hres : ∀ k, m.resid ts k * m.W_U k j =
      (m.W_E (ts (Fin.last n)) k * m.W_U k j + m.W_pos (Fin.last n) k * m.W_U k j)
        + (∑ h, (∑ i, m.attn ts i * ∑ k', m.resid0 ts i k' * m.W_V k' h) * m.W_O h k)
            * m.W_U k j
        + ((∑ h, m.b_V h * m.W_O h k) + m.b_O k) * m.W_U k j := by
    intro k
    rw [m.resid_value_bias ts k]
    simp only [resid0]
    ring
  have hov : ∑ k, (∑ h, (∑ i, m.attn ts i * ∑ k', m.resid0 ts i k' * m.W_V k' h)
        * m.W_O h k) * m.W_U k j
      = ∑ i, m.attn ts i * (m.EVOU (ts i) j + m.PVOU i j) := by
    have h1 : ∀ k, ∑ h, (∑ i, m.attn ts i * ∑ k', m.resid0 ts i k' * m.W_V k' h) * m.W_O h k
        = ∑ i, m.attn ts i * ∑ h, (∑ k', m.resid0 ts i k' * m.W_V k' h) * m.W_O h k :=
      fun k => sum_weighted _ _ _
    simp only [h1]
    rw [sum_weighted]
    refine Finset.sum_congr rfl fun i _ => ?_
    rw [EVOU, PVOU, ← ovu_add]
    rfl
  simp only [logits, hres, Finset.sum_add_distrib, hov]
  simp only [EU, PU, cU, unembed]
  ring

/-- **Scores by paths.** `s_i = (EQKE t_l t_i + EQKP t_l i + QB t_l) / √d_head`. -/
theorem score_paths (i : Fin (n + 1)) :
    m.score ts i =
      (m.EQKE (ts (Fin.last n)) (ts i) + m.EQKP (ts (Fin.last n)) i + m.QB (ts (Fin.last n)))
        / Real.sqrt dh := by
  simp only [score, EQKE, EQKP, QB]
  congr 1
  rw [← Finset.sum_add_distrib, ← Finset.sum_add_distrib]
  refine Finset.sum_congr rfl fun h _ => ?_
  simp only [query, key, project, qvec, resid0, add_mul, Finset.sum_add_distrib]
  ring

/-- **Softmax is shift-invariant.** If every score is `s j + c`, the attention weights are the
softmax of `s`. -/
theorem attn_shift (s : Fin (n + 1) → ℝ) (c : ℝ) (hs : ∀ j, m.score ts j = s j + c)
    (i : Fin (n + 1)) :
    m.attn ts i = Real.exp (s i) / ∑ j, Real.exp (s j) := by
  simp only [attn, hs, Real.exp_add, ← Finset.sum_mul]
  rw [mul_div_mul_right _ _ (Real.exp_pos c).ne']

/-- **Attention by paths.** The key-bias term `QB` is common to all scores, so it drops out:
`a_i = softmax_i ((EQKE t_l t_i + EQKP t_l i) / √d_head)`. -/
theorem attn_paths (i : Fin (n + 1)) :
    m.attn ts i =
      Real.exp ((m.EQKE (ts (Fin.last n)) (ts i) + m.EQKP (ts (Fin.last n)) i) / Real.sqrt dh)
        / ∑ j, Real.exp
            ((m.EQKE (ts (Fin.last n)) (ts j) + m.EQKP (ts (Fin.last n)) j) / Real.sqrt dh) := by
  refine m.attn_shift ts
    (fun j => (m.EQKE (ts (Fin.last n)) (ts j) + m.EQKP (ts (Fin.last n)) j) / Real.sqrt dh)
    (m.QB (ts (Fin.last n)) / Real.sqrt dh) (fun j => ?_) i
  show m.score ts j =
    (m.EQKE (ts (Fin.last n)) (ts j) + m.EQKP (ts (Fin.last n)) j) / Real.sqrt dh
      + m.QB (ts (Fin.last n)) / Real.sqrt dh
  rw [m.score_paths ts j]
  ring

end Transformer

end

end PyExport
