/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.ExpBound
import PyExport.Counting
import PyExport.MaxOfK.TransformerEval

/-!
# Brute-force accuracy checker of the Max-of-K transformer

Lean counterpart of `coq/theories/MaxOfK/CheckTransformer.v`:
`checkTbfAccuracy c rows = true → c.transformer.accuracy ≥ p / q`. A *row* is the `d`
sequences that share every token but the first; `rows[r]` is the certificate's count of
sequences marked correct in row `r`, and the checker must prove at least that many itself.

## Sequences

Sequence number `a < d ^ (n + 1)` has token `a / d ^ i % d` at position `i` (Mathlib's
`finFunctionFinEquiv`, so the numbering is a bijection onto `Fin (n + 1) → Fin d`); row `r`
holds the sequences `r * d + t`, `t < d` (token `t` at position `0`). This differs from the
certificate's row-major layout; the renderer regroups the counts
(`pyexport/families/max_of_k_transformer/kernels/lean_context.py`).

## One sequence (`TCertData.seqOk`)

With the last token `tq`, the label `y` (the maximum token, `maxTok`), the exact integer tables
of `TransformerEval.lean` and `G_i[j] = (duZ[tq][y] - duZ[tq][j]) + (vuZ[i][t_i][y] -
vuZ[i][t_i][j])`, the logit gap is `z y - z j = ∑ i, a_i G_i[j] / 2^E`. The attention weights
are `a_i = w_i / ∑ w` with `w_i = exp (-(N_i / 2^E') / √d_head)`, `N_i = shift[tq] - qk ≥ 0`
(the shift is the largest score of `tq`, which the checker verifies). With
`sLo / 2^r ≤ 1/√d_head ≤ sHi / 2^r`, `ExpBound.lean` gives `lo_i / 2^P ≤ w_i ≤ hi_i / 2^P`, and
the sequence is proved correct when, for every `j ≠ y`,

    0 < ∑ i, (if 0 ≤ G_i[j] then lo_i * G_i[j] else hi_i * G_i[j])       (integers),

a lower bound of `2^P ∑ i, w_i G_i[j]` (`weighted_pos`). Coq instead divides interval enclosures
of the softmax; this test is sound for the same reason and needs no division.

## Main statements

* `PyExport.inv_sqrt_bounds`: `sLo² dh ≤ 4^r ≤ sHi² dh` ⇒ `sLo / 2^r ≤ 1/√dh ≤ sHi / 2^r`.
* `PyExport.TCertData.correct_of_seqOk`: a sequence passing `seqOk` is classified correctly.
* `PyExport.checkTbfAccuracy_sound`.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

/-! ### Real-number facts -/

theorem le_one_of_mul_self_le_one {v : ℝ} (h0 : 0 ≤ v) (h : v * v ≤ 1) : v ≤ 1 := by
  nlinarith

theorem one_le_of_one_le_mul_self {v : ℝ} (h0 : 0 ≤ v) (h : 1 ≤ v * v) : 1 ≤ v := by
  nlinarith

/-- **The attention scale.** `sLo² dh ≤ 2^r 2^r ≤ sHi² dh` ⇒ `sLo / 2^r ≤ 1/√dh ≤ sHi / 2^r`,
i.e. `a ≤ √dh ≤ b` for `a = 2^r / sHi`, `b = 2^r / sLo`. -/
theorem inv_sqrt_bounds (dh r sLo sHi : ℕ) (hdh : 0 < dh) (hlo : sLo * sLo * dh ≤ 2 ^ r * 2 ^ r)
    (hhi : 2 ^ r * 2 ^ r ≤ sHi * sHi * dh) :
    (sLo : ℝ) / 2 ^ r ≤ 1 / Real.sqrt dh ∧ 1 / Real.sqrt dh ≤ (sHi : ℝ) / 2 ^ r := by
  have hd : (0 : ℝ) < dh := by exact_mod_cast hdh
  have hs : Real.sqrt dh * Real.sqrt dh = dh := Real.mul_self_sqrt hd.le
  have hsp : 0 < Real.sqrt (dh : ℝ) := Real.sqrt_pos.mpr hd
  have hA : (0 : ℝ) < 2 ^ r := by positivity
  have hAA : (0 : ℝ) < 2 ^ r * 2 ^ r := mul_pos hA hA
  have hloR : (sLo : ℝ) * sLo * dh ≤ 2 ^ r * 2 ^ r := by exact_mod_cast hlo
  have hhiR : (2 : ℝ) ^ r * 2 ^ r ≤ sHi * sHi * dh := by exact_mod_cast hhi
  constructor
  · rw [le_div_iff₀ hsp]
    have e : ((sLo : ℝ) / 2 ^ r * Real.sqrt dh) * ((sLo : ℝ) / 2 ^ r * Real.sqrt dh) =
        (sLo : ℝ) * sLo * (Real.sqrt dh * Real.sqrt dh) / (2 ^ r * 2 ^ r) := by ring
    have hvv : ((sLo : ℝ) / 2 ^ r * Real.sqrt dh) * ((sLo : ℝ) / 2 ^ r * Real.sqrt dh) ≤ 1 := by
      rw [e, hs, div_le_iff₀ hAA, one_mul]
      exact hloR
    exact le_one_of_mul_self_le_one (by positivity) hvv
  · rw [div_le_iff₀ hsp]
    have e : ((sHi : ℝ) / 2 ^ r * Real.sqrt dh) * ((sHi : ℝ) / 2 ^ r * Real.sqrt dh) =
        (sHi : ℝ) * sHi * (Real.sqrt dh * Real.sqrt dh) / (2 ^ r * 2 ^ r) := by ring
    have hvv : 1 ≤ ((sHi : ℝ) / 2 ^ r * Real.sqrt dh) * ((sHi : ℝ) / 2 ^ r * Real.sqrt dh) := by
      rw [e, hs, le_div_iff₀ hAA, one_mul]
      exact hhiR
    exact one_le_of_one_le_mul_self (by positivity) hvv

/-- **Enclosure of one attention weight.** For `N ≥ 0` and `sLo / 2^r ≤ u ≤ sHi / 2^r`,
`exp (-(N / 2^E) * u)` lies between the fixed-point bounds of `ExpBound.lean` at the dyadic
arguments `N sHi / 2^(E+r)` and `N sLo / 2^(E+r)`. -/
theorem exp_weight_bounds (P nT s E r N sLo sHi : ℕ) (hn : 0 < nT) (u : ℝ)
    (hlo : (sLo : ℝ) / 2 ^ r ≤ u) (hhi : u ≤ (sHi : ℝ) / 2 ^ r) :
    ((expLoInt P nT s (-((N * sHi : ℕ) : ℤ)) (E + r) : ℕ) : ℝ) / 2 ^ P ≤
        Real.exp (-((N : ℝ) / 2 ^ E) * u) ∧
      Real.exp (-((N : ℝ) / 2 ^ E) * u) ≤
        ((expUpNeg P nT s (N * sLo) (E + r) : ℕ) : ℝ) / 2 ^ P := by
  have hN : 0 ≤ (N : ℝ) / 2 ^ E := by positivity
  constructor
  · refine le_trans (expLoInt_le P nT s hn _ (E + r)) (Real.exp_le_exp.mpr ?_)
    have e : (((-((N * sHi : ℕ) : ℤ)) : ℤ) : ℝ) / 2 ^ (E + r) =
        -((N : ℝ) / 2 ^ E * ((sHi : ℝ) / 2 ^ r)) := by
      push_cast
      rw [pow_add]
      ring
    rw [e]
    have h := mul_le_mul_of_nonneg_left hhi hN
    linarith
  · refine le_trans (Real.exp_le_exp.mpr ?_) (exp_neg_le_expUpNeg P nT s (N * sLo) (E + r))
    have e : ((N * sLo : ℕ) : ℝ) / 2 ^ (E + r) = (N : ℝ) / 2 ^ E * ((sLo : ℝ) / 2 ^ r) := by
      push_cast
      rw [pow_add]
      ring
    rw [e]
    have h := mul_le_mul_of_nonneg_left hlo hN
    linarith

/-- `lo * g` where `g ≥ 0`, else `hi * g`: a lower bound of `2^P w g` when
`lo / 2^P ≤ w ≤ hi / 2^P`. -/
def termZ (g : ℤ) (lo hi : ℕ) : ℤ :=
  if 0 ≤ g then (lo : ℤ) * g else (hi : ℤ) * g

/-- **Sign of a weighted sum from weight enclosures.** -/
theorem weighted_pos {ι : Type*} [Fintype ι] (w : ι → ℝ) (G : ι → ℤ) (lo hi : ι → ℕ) (P : ℕ)
    (K : ℝ) (hK : 0 < K) (hlo : ∀ i, (lo i : ℝ) / 2 ^ P ≤ w i)
    (hhi : ∀ i, w i ≤ (hi i : ℝ) / 2 ^ P)
    (h : 0 < ∑ i, ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ)) :
    0 < ∑ i, w i * ((G i : ℝ) / K) := by
  have hP : (0 : ℝ) < 2 ^ P := by positivity
  have hpt : ∀ i, ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ) / 2 ^ P / K ≤ w i * ((G i : ℝ) / K) := by
    intro i
    have key : ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ) / 2 ^ P ≤ w i * (G i : ℝ) := by
      unfold termZ
      by_cases hg : 0 ≤ G i
      · rw [if_pos hg]
        have hg' : (0 : ℝ) ≤ (G i : ℝ) := by exact_mod_cast hg
        have e : (((lo i : ℤ) * G i : ℤ) : ℝ) / 2 ^ P = (lo i : ℝ) / 2 ^ P * (G i : ℝ) := by
          push_cast
          ring
        rw [e]
        exact mul_le_mul_of_nonneg_right (hlo i) hg'
      · rw [if_neg hg]
        have hg0 : G i ≤ 0 := by omega
        have hg' : (G i : ℝ) ≤ 0 := by exact_mod_cast hg0
        have e : (((hi i : ℤ) * G i : ℤ) : ℝ) / 2 ^ P = (hi i : ℝ) / 2 ^ P * (G i : ℝ) := by
          push_cast
          ring
        rw [e]
        have h1 : 0 ≤ (hi i : ℝ) / 2 ^ P - w i := by linarith [hhi i]
        have h2 : 0 ≤ -(G i : ℝ) := by linarith
        nlinarith [mul_nonneg h1 h2]
    have e2 : w i * ((G i : ℝ) / K) = w i * (G i : ℝ) / K := by ring
    rw [e2]
    exact div_le_div_of_nonneg_right key hK.le
  have hs : 0 < ∑ i, ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ) / 2 ^ P / K := by
    have e : ∑ i, ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ) / 2 ^ P / K =
        (∑ i, ((termZ (G i) (lo i) (hi i) : ℤ) : ℝ)) / 2 ^ P / K := by
      rw [Finset.sum_div, Finset.sum_div]
    rw [e]
    exact div_pos (div_pos h hP) hK
  exact lt_of_lt_of_le hs (Finset.sum_le_sum fun i _ => hpt i)

/-- **Softmax keeps the sign.** If `a_i = w_i / ∑ w` with `w > 0` and `∑ w_i X_i > 0`, then
`∑ a_i X_i > 0`. -/
theorem softmax_sum_pos {m : ℕ} (w a X : Fin (m + 1) → ℝ) (hw : ∀ i, 0 < w i)
    (ha : ∀ i, a i = w i / ∑ k, w k) (h : 0 < ∑ i, w i * X i) : 0 < ∑ i, a i * X i := by
  have hZ : 0 < ∑ k, w k := Finset.sum_pos (fun k _ => hw k) ⟨Fin.last m, Finset.mem_univ _⟩
  have e : ∑ i, a i * X i = (∑ i, w i * X i) / ∑ k, w k := by
    rw [Finset.sum_div]
    exact Finset.sum_congr rfl fun i _ => by rw [ha i]; ring
  rw [e]
  exact div_pos h hZ

/-! ### Labels -/

/-- The largest of `f 0, …, f k`. -/
def maxTok (f : ℕ → ℕ) : ℕ → ℕ
  | 0 => f 0
  | k + 1 => if maxTok f k ≤ f (k + 1) then f (k + 1) else maxTok f k

theorem le_maxTok (f : ℕ → ℕ) : ∀ k i, i ≤ k → f i ≤ maxTok f k
  | 0, i, h => by
    have hi : i = 0 := by omega
    subst hi
    exact Nat.le_refl _
  | k + 1, i, h => by
    show f i ≤ (if maxTok f k ≤ f (k + 1) then f (k + 1) else maxTok f k)
    by_cases hc : maxTok f k ≤ f (k + 1)
    · have h1 : f i ≤ f (k + 1) := by
        by_cases hi : i ≤ k
        · exact Nat.le_trans (le_maxTok f k i hi) hc
        · have hik : i = k + 1 := by omega
          exact le_of_eq (congrArg f hik)
      exact le_trans h1 (le_of_eq (if_pos hc).symm)
    · have h1 : f i ≤ maxTok f k := by
        by_cases hi : i ≤ k
        · exact le_maxTok f k i hi
        · have hik : i = k + 1 := by omega
          have he := congrArg f hik
          omega
      exact le_trans h1 (le_of_eq (if_neg hc).symm)

theorem maxTok_mem (f : ℕ → ℕ) : ∀ k, ∃ i, i ≤ k ∧ maxTok f k = f i
  | 0 => ⟨0, Nat.le_refl 0, rfl⟩
  | k + 1 => by
    by_cases hc : maxTok f k ≤ f (k + 1)
    · refine ⟨k + 1, Nat.le_refl _, ?_⟩
      show (if maxTok f k ≤ f (k + 1) then f (k + 1) else maxTok f k) = f (k + 1)
      exact if_pos hc
    · obtain ⟨i, hi, he⟩ := maxTok_mem f k
      refine ⟨i, by omega, ?_⟩
      show (if maxTok f k ≤ f (k + 1) then f (k + 1) else maxTok f k) = f i
      exact (if_neg hc).trans he

/-- The label of a sequence whose tokens are `f i` is `maxTok f n`. -/
theorem seqLabel_val {n d : ℕ} (ts : Fin (n + 1) → Fin d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (n + 1), (ts i : ℕ) = f i) : ((seqLabel ts : Fin d) : ℕ) = maxTok f n := by
  obtain ⟨i0, _, h0⟩ := Finset.exists_mem_eq_sup'
    (⟨Fin.last n, Finset.mem_univ _⟩ : (Finset.univ : Finset (Fin (n + 1))).Nonempty) ts
  obtain ⟨i1, hi1, h1⟩ := maxTok_mem f n
  have hA : ((seqLabel ts : Fin d) : ℕ) ≤ maxTok f n := by
    have e : seqLabel ts = ts i0 := h0
    rw [e, hf i0]
    exact le_maxTok f n i0 (by have := i0.isLt; omega)
  have hB : maxTok f n ≤ ((seqLabel ts : Fin d) : ℕ) := by
    have h2 : (ts ⟨i1, by omega⟩ : ℕ) = f i1 := hf ⟨i1, by omega⟩
    rw [h1, ← h2]
    exact Fin.le_iff_val_le_val.mp
      (Finset.le_sup' ts (Finset.mem_univ (⟨i1, by omega⟩ : Fin (n + 1))))
  omega

/-! ### The checker -/

namespace TCertData

variable (c : TCertData)

/-- The largest of `f 0, …, f k` (integers). -/
def maxZ (f : ℕ → ℤ) : ℕ → ℤ
  | 0 => f 0
  | k + 1 => max (maxZ f k) (f (k + 1))

/-- The largest score (`qk`) of last token `tq`; softmax weights are taken relative to it. -/
def shift (tq : ℕ) : ℤ :=
  maxZ (fun i => maxZ (fun t => c.qk tq i t) (c.d - 1)) c.n

/-- Every score of `tq` is at most `shift tq`. -/
def shiftOk : Bool :=
  allBelow (fun tq => allBelow (fun i => allBelow (fun t =>
    decide (c.qk tq i t ≤ c.shift tq)) c.d) (c.n + 1)) c.d

/-- `shift[tq] - qk[tq][i][t]` as a natural number. -/
def gapN (tq i t : ℕ) : ℕ := (c.shift tq - c.qk tq i t).toNat

/-- Lower bound (over `2 ^ prec`) of the weight `exp (-(gapN / 2^E') / √dh)`. -/
def wLo (tq i t : ℕ) : ℕ :=
  expLoInt c.prec c.terms c.halvings (-((c.gapN tq i t * c.sHi : ℕ) : ℤ))
    (c.e + c.e + (c.e + c.e) + c.r)

/-- Upper bound (over `2 ^ prec`) of the same weight. -/
def wHi (tq i t : ℕ) : ℕ :=
  expUpNeg c.prec c.terms c.halvings (c.gapN tq i t * c.sLo) (c.e + c.e + (c.e + c.e) + c.r)

/-- What does not depend on the sequence: `d_head > 0`, the scale enclosure, `terms > 0`, the
shift. -/
def preOk : Bool :=
  decide (0 < c.dh) && decide (c.sLo * c.sLo * c.dh ≤ 2 ^ c.r * 2 ^ c.r) &&
    decide (2 ^ c.r * 2 ^ c.r ≤ c.sHi * c.sHi * c.dh) && decide (0 < c.terms) && c.shiftOk

/-- `G_i[j]` of the sequence with tokens `f` (label `maxTok f n`), over `2 ^ (e+e+e+e)`. -/
def G (f : ℕ → ℕ) (i j : ℕ) : ℤ :=
  (nth 0 (c.duZ (f c.n)) (maxTok f c.n) - nth 0 (c.duZ (f c.n)) j) +
    (nth 0 (c.vuZ i (f i)) (maxTok f c.n) - nth 0 (c.vuZ i (f i)) j)

/-- The integer lower bound of `2^prec ∑ i, w_i G_i[j]`. -/
def lowerGap (f : ℕ → ℕ) (j : ℕ) : ℤ :=
  sumI (fun i => termZ (c.G f i j) (c.wLo (f c.n) i (f i)) (c.wHi (f c.n) i (f i))) (c.n + 1)

/-- The sequence with tokens `f` is proved correct: every other logit is strictly below the
label's. -/
def seqOk (f : ℕ → ℕ) : Bool :=
  allBelow (fun j => decide (j = maxTok f c.n) || decide (0 < c.lowerGap f j)) c.d

/-- Sequence number `a`: token `a / d ^ i % d` at position `i`. -/
def seqOkAt (a : ℕ) : Bool := c.seqOk (fun i => a / c.d ^ i % c.d)

/-- `1` where sequence `a` is proved correct. -/
def okInd (a : ℕ) : ℤ := if c.seqOkAt a then 1 else 0

/-- The number of proved sequences in row `r` (sequences `r * d + t`). -/
def rowCount (r : ℕ) : ℤ := sumI (fun t => c.okInd (r * c.d + t)) c.d

end TCertData

/-- **Brute-force accuracy checker of the Max-of-K transformer.** `rows[r]` is the
certificate's count of correct sequences in row `r`; every row must hold at least that many
proved sequences, and `p / q` must be at most their total over `d ^ (n + 1)`. -/
def checkTbfAccuracy (c : TCertData) (rows : List ℤ) : Bool :=
  c.preOk && allBelow (fun r => decide (nth 0 rows r ≤ c.rowCount r)) (c.d ^ c.n) &&
    claimOk (c.d ^ (c.n + 1)) c.p c.q (sumI (fun r => nth 0 rows r) (c.d ^ c.n))

/-! ### Soundness -/

theorem sumI_add_len (f : ℕ → ℤ) (N : ℕ) : ∀ d : ℕ,
    sumI f (N + d) = sumI f N + sumI (fun t => f (N + t)) d
  | 0 => by
    show sumI f N = sumI f N + 0
    rw [Int.add_zero]
  | d + 1 => by
    show sumI f (N + d) + f (N + d) = sumI f N + (sumI (fun t => f (N + t)) d + f (N + d))
    rw [sumI_add_len f N d]
    ring

/-- Row blocks: summing `f (r * d + t)` over `t < d`, then `r < N`, is summing `f` below `N d`. -/
theorem sumI_blocks (f : ℕ → ℤ) (d : ℕ) : ∀ N : ℕ,
    sumI (fun r => sumI (fun t => f (r * d + t)) d) N = sumI f (N * d)
  | 0 => (congrArg (sumI f) (Nat.zero_mul d)).symm
  | N + 1 => by
    show sumI (fun r => sumI (fun t => f (r * d + t)) d) N + sumI (fun t => f (N * d + t)) d =
      sumI f ((N + 1) * d)
    rw [sumI_blocks f d N, Nat.add_mul, Nat.one_mul, sumI_add_len f (N * d) d]

namespace TCertData

variable (c : TCertData)

/-- What `preOk` guarantees: the scale enclosure, `terms > 0` and the shift. -/
theorem preOk_spec (hpre : c.preOk = true) :
    ((c.sLo : ℝ) / 2 ^ c.r ≤ 1 / Real.sqrt c.dh ∧ 1 / Real.sqrt c.dh ≤ (c.sHi : ℝ) / 2 ^ c.r) ∧
      0 < c.terms ∧ c.shiftOk = true := by
  unfold preOk at hpre
  obtain ⟨h4, hshift⟩ := band_true hpre
  obtain ⟨h3, hterms⟩ := band_true h4
  obtain ⟨h2, hhi⟩ := band_true h3
  obtain ⟨hdh, hlo⟩ := band_true h2
  exact ⟨inv_sqrt_bounds c.dh c.r c.sLo c.sHi (of_decide_eq_true hdh) (of_decide_eq_true hlo)
    (of_decide_eq_true hhi), of_decide_eq_true hterms, hshift⟩

/-- `gapN` is the exact shifted score: `shift[tq] - qk[tq][i][t] ≥ 0` (`shiftOk`). -/
theorem gapN_eq (hpre : c.preOk = true) {tq i t : ℕ} (htq : tq < c.d) (hi : i < c.n + 1)
    (ht : t < c.d) : ((c.gapN tq i t : ℕ) : ℤ) = c.shift tq - c.qk tq i t := by
  have hshift := (c.preOk_spec hpre).2.2
  have h1 := allBelow_spec _ c.d hshift tq htq
  have h2 := allBelow_spec _ (c.n + 1) h1 i hi
  have hle : c.qk tq i t ≤ c.shift tq := of_decide_eq_true (allBelow_spec _ c.d h2 t ht)
  have h0 : 0 ≤ c.shift tq - c.qk tq i t := by omega
  exact Int.toNat_of_nonneg h0

/-- `qk[tq][i][t] = shift[tq] - gapN[tq][i][t]`, over the reals. -/
theorem qk_eq_shift_sub (hpre : c.preOk = true) {tq i t : ℕ} (htq : tq < c.d)
    (hi : i < c.n + 1) (ht : t < c.d) :
    ((c.qk tq i t : ℤ) : ℝ) = ((c.shift tq : ℤ) : ℝ) - ((c.gapN tq i t : ℕ) : ℝ) := by
  have h1 : (((c.gapN tq i t : ℕ) : ℤ) : ℝ) = (((c.shift tq - c.qk tq i t) : ℤ) : ℝ) := by
    rw [c.gapN_eq hpre htq hi ht]
  push_cast at h1
  linarith

/-- **The weight enclosures.** `wLo / 2^P ≤ exp (-(gapN / 2^E') / √dh) ≤ wHi / 2^P`. -/
theorem weight_bounds (hpre : c.preOk = true) (tq i t : ℕ) :
    ((c.wLo tq i t : ℕ) : ℝ) / 2 ^ c.prec ≤
        Real.exp (-(((c.gapN tq i t : ℕ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e))) *
          (1 / Real.sqrt c.dh)) ∧
      Real.exp (-(((c.gapN tq i t : ℕ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e))) *
          (1 / Real.sqrt c.dh)) ≤ ((c.wHi tq i t : ℕ) : ℝ) / 2 ^ c.prec := by
  have hs := c.preOk_spec hpre
  exact exp_weight_bounds c.prec c.terms c.halvings (c.e + c.e + (c.e + c.e)) c.r
    (c.gapN tq i t) c.sLo c.sHi hs.2.1 (1 / Real.sqrt c.dh) hs.1.1 hs.1.2

/-- The shifted score `-(gapN / 2^E') / √dh` of position `k` (used by the proof only). -/
noncomputable def sc (f : ℕ → ℕ) (k : Fin (c.n + 1)) : ℝ :=
  -(((c.gapN (f c.n) k (f k) : ℕ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e))) * (1 / Real.sqrt c.dh)

/-- **One sequence.** A sequence whose tokens are `f i` and that passes `seqOk` is classified
correctly by the real transformer. -/
theorem correct_of_seqOk (hpre : c.preOk = true) (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (h : c.seqOk f = true) :
    IsCorrect (c.transformer.logits ts) (seqLabel ts) := by
  have hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n := seqLabel_val ts f hf
  have hq : (ts (Fin.last c.n) : ℕ) = f c.n := hf (Fin.last c.n)
  have hfd : ∀ i : Fin (c.n + 1), f i < c.d := fun i => by rw [← hf i]; exact (ts i).isLt
  have hqd : f c.n < c.d := by rw [← hq]; exact (ts (Fin.last c.n)).isLt
  -- the scores: `score k = -(N_k / 2^E') * u + const`
  have hs : ∀ k, c.transformer.score ts k =
      c.sc f k + ((c.shift (f c.n) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) +
        c.transformer.QB (ts (Fin.last c.n))) * (1 / Real.sqrt c.dh) := by
    intro k
    rw [c.transformer.score_paths ts k, c.QK_eq (ts (Fin.last c.n)) (ts k) k, hq, hf k,
      c.qk_eq_shift_sub hpre hqd k.isLt (hfd k)]
    unfold sc
    ring
  have ha : ∀ i, c.transformer.attn ts i = Real.exp (c.sc f i) / ∑ k, Real.exp (c.sc f k) :=
    fun i => c.transformer.attn_shift ts (c.sc f) _ hs i
  -- one competitor `j`
  unfold IsCorrect
  intro j hj
  have hjv : (j : ℕ) ≠ maxTok f c.n := fun e => hj (Fin.ext (e.trans hy.symm))
  have hg : 0 < c.lowerGap f j := by
    have h1 := allBelow_spec _ c.d h j j.isLt
    exact of_decide_eq_true (bor_true_right h1 (decide_ne_true_of_not hjv))
  have hgR : (0 : ℝ) < ∑ i : Fin (c.n + 1), ((termZ (c.G f i j) (c.wLo (f c.n) i (f i))
      (c.wHi (f c.n) i (f i)) : ℤ) : ℝ) := by
    have e : ((c.lowerGap f j : ℤ) : ℝ) = ∑ i : Fin (c.n + 1), ((termZ (c.G f i j)
        (c.wLo (f c.n) i (f i)) (c.wHi (f c.n) i (f i)) : ℤ) : ℝ) := sumI_cast _ (c.n + 1)
    rw [← e]
    exact_mod_cast hg
  have hw :
      0 < ∑ i, Real.exp (c.sc f i) * (((c.G f i j : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) :=
    weighted_pos (fun i => Real.exp (c.sc f i)) (fun i => c.G f i j)
      (fun i => c.wLo (f c.n) i (f i)) (fun i => c.wHi (f c.n) i (f i)) c.prec
      (2 ^ (c.e + c.e + c.e + c.e)) (by positivity)
      (fun i => (c.weight_bounds hpre (f c.n) i (f i)).1)
      (fun i => (c.weight_bounds hpre (f c.n) i (f i)).2)
      hgR
  have hpos :
      0 < ∑ i, c.transformer.attn ts i * (((c.G f i j : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) :=
    softmax_sum_pos (fun i => Real.exp (c.sc f i)) (c.transformer.attn ts)
      (fun i => ((c.G f i j : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) (fun i => Real.exp_pos _) ha hw
  -- the logit gap is that weighted sum
  have key :
      ∑ i, c.transformer.attn ts i * (((c.G f i j : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) =
      c.transformer.logits ts (seqLabel ts) - c.transformer.logits ts j := by
    rw [c.logits_tab ts f hf (seqLabel ts), c.logits_tab ts f hf j, hy]
    have hpt : ∀ i : Fin (c.n + 1),
        c.transformer.attn ts i * (((c.G f i j : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) =
          c.transformer.attn ts i * (rvec (c.e + c.e + c.e + c.e) (c.duZ (f c.n)) (maxTok f c.n)
              - rvec (c.e + c.e + c.e + c.e) (c.duZ (f c.n)) j) +
            (c.transformer.attn ts i * rvec (c.e + c.e + c.e + c.e) (c.vuZ i (f i)) (maxTok f c.n)
              - c.transformer.attn ts i * rvec (c.e + c.e + c.e + c.e) (c.vuZ i (f i)) j) := by
      intro i
      unfold G rvec
      push_cast
      ring
    rw [Finset.sum_congr rfl fun i _ => hpt i, Finset.sum_add_distrib, Finset.sum_sub_distrib,
      ← Finset.sum_mul, c.transformer.attn_sum ts]
    ring
  linarith

end TCertData

theorem sumI_le (f g : ℕ → ℤ) : ∀ n : ℕ, (∀ i, i < n → f i ≤ g i) → sumI f n ≤ sumI g n
  | 0, _ => le_refl (0 : ℤ)
  | n + 1, h => by
    show sumI f n + f n ≤ sumI g n + g n
    have ih := sumI_le f g n (fun i hi => h i (by omega))
    have hn := h n (by omega)
    omega

/-- **Counting proved sequences.** If every sequence number `a` with `ok a` is classified
correctly (sequence `a` is `finFunctionFinEquiv.symm a`), `count` is at most the number of
such `a`, and `claimOk` holds, the accuracy is at least `p / q`. Shared by the Max-of-K
checkers (Coq's `accuracy_ge_of_covered`). -/
theorem accuracy_ge_of_count (c : TCertData) (ok : ℕ → Bool)
    (hok : ∀ a : Fin (c.d ^ (c.n + 1)), ok a = true →
      IsCorrect (c.transformer.logits (finFunctionFinEquiv.symm a))
        (seqLabel (finFunctionFinEquiv.symm a)))
    (count : ℤ) (hcount : count ≤ sumI (fun a => if ok a then 1 else 0) (c.d ^ (c.n + 1)))
    (hclaim : claimOk (c.d ^ (c.n + 1)) c.p c.q count = true) :
    c.transformer.accuracy ≥ (c.p : ℝ) / (c.q : ℝ) := by
  have hD : ((c.d ^ (c.n + 1) : ℕ) : ℝ) = (c.d : ℝ) ^ (c.n + 1) := by norm_cast
  have hcountR : ((count : ℤ) : ℝ) ≤
      ((sumI (fun a => if ok a then 1 else 0) (c.d ^ (c.n + 1)) : ℤ) : ℝ) := by
    exact_mod_cast hcount
  show (c.p : ℝ) / (c.q : ℝ) ≤ c.transformer.accuracy
  unfold Transformer.accuracy
  rw [← hD]
  refine le_of_claimOk hclaim (le_trans hcountR ?_)
  -- every counted sequence is correct
  rw [sumI_cast]
  refine le_trans ?_ (le_of_eq (Equiv.sum_comp finFunctionFinEquiv.symm _))
  exact Finset.sum_le_sum fun a _ => ind_le_ite (ok a) (hok a)

/-- **Soundness of the brute-force checker**: the real transformer with the certificate's exact
weights has accuracy at least `p / q`. -/
theorem checkTbfAccuracy_sound (c : TCertData) (rows : List ℤ)
    (h : checkTbfAccuracy c rows = true) :
    c.transformer.accuracy ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkTbfAccuracy at h
  obtain ⟨h12, hclaim⟩ := band_true h
  obtain ⟨hpre, hrows⟩ := band_true h12
  -- the claimed counts are at most the proved ones
  have hcount : sumI (fun r => nth 0 rows r) (c.d ^ c.n) ≤ sumI c.okInd (c.d ^ (c.n + 1)) := by
    have h1 : sumI (fun r => nth 0 rows r) (c.d ^ c.n) ≤ sumI c.rowCount (c.d ^ c.n) :=
      sumI_le _ _ (c.d ^ c.n) fun r hr => of_decide_eq_true (allBelow_spec _ _ hrows r hr)
    have h2 : sumI c.rowCount (c.d ^ c.n) = sumI c.okInd (c.d ^ (c.n + 1)) := by
      have hp : c.d ^ (c.n + 1) = c.d ^ c.n * c.d := by ring
      rw [hp]
      exact sumI_blocks c.okInd c.d (c.d ^ c.n)
    rw [← h2]
    exact h1
  exact accuracy_ge_of_count c c.seqOkAt
    (fun a hs => c.correct_of_seqOk hpre (finFunctionFinEquiv.symm a)
      (fun i => (a : ℕ) / c.d ^ i % c.d) (fun i => rfl) hs)
    _ hcount hclaim

end PyExport
