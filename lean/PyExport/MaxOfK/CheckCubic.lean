/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfK.TransformerCubic
import PyExport.MaxOfK.CheckTransformer

/-!
# The cases of the paper's cubic proof, checked with exact tables

Lean counterpart of `coq/theories/MaxOfK/CheckCubic.v`:
`checkCubicAccuracy c tab = true → c.transformer.accuracy ≥ p / q`. The data `c` and the exact
integer tables are those of the brute-force checker (`TransformerEval.lean`,
`CheckTransformer.lean`); `tab[mx][c][q]` is the certificate's bit mask of claimed pure cases
(bit `k`: the case `(q, mx, k, c)`, `k < mx`; for `c = 0` bit `mx`: the sequence
`(mx, …, mx, q)`).

## The claimed cases (`TCertData.casesOk`)

* **Pessimised bounds, exact.** `Ez q mx = max_{x ≠ mx} (duZ[q][x] - duZ[q][mx])` and
  `Vz mx t = max_{i, x ≠ mx} (vuZ[i][t][x] - vuZ[i][t][mx])` are integers over `2^(4e)` and
  are the exact maxima of Coq's `E_real`, `V_real` (Coq encloses them in interval hulls).
* **Arrangements.** Arrangement `b < 2^n` puts `k` on the non-query positions `i` with bit
  `b / 2^i % 2 = 1` and `mx` on the others, the query `q` last (`caseTok`); every arrangement
  with `bitCount b = c` is checked (Coq: every bool list with `c` trues).
* **Sign.** With `U t = Vz mx t + Ez q mx` the case holds when
  `0 < ∑ i, termZ (-U (t_i)) wLo wHi` (`pureSum`), a lower bound of
  `-2^P ∑ i, w_i U (t_i)` with the weight enclosures of the brute-force checker; then
  `∑ i, exp (s_i) (V (t_i) + E) < 0` (`pure_neg`), the negated sign condition of
  `Transformer.correct_of_pure_cases`.
* **`c = 0`.** The sequence `(mx, …, mx, q)` must pass the brute-force test `seqOk`.

## Counting (`TCertData.covered`)

Unlike Coq (closed form `C(n, c) |G|^c`, `Sequences.v`), the covered sequences are counted by
enumeration: sequence `a < d^(n+1)` (tokens `a / d^i % d`) is covered when its own case is
claimed — for `c = 0` the bit `mx` of `tab[mx][0][q]`, otherwise the bit of every non-max
non-query token in `tab[mx][c][q]` — and `accuracy_ge_of_count` turns the count into the bound.

## Main statements

* `TCertData.pure_neg`: a passing `pureSum` gives a negative exp-weighted sum.
* `TCertData.covered_correct`: a covered sequence is classified correctly.
* `checkCubicAccuracy_sound`.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

/-! ### Counting bits and non-max positions -/

/-- `cntN f k = f 0 + … + f (k - 1)` over `ℕ`. -/
def cntN (f : ℕ → ℕ) : ℕ → ℕ
  | 0 => 0
  | k + 1 => cntN f k + f k

theorem cntN_congr (f g : ℕ → ℕ) : ∀ k, (∀ i, i < k → f i = g i) → cntN f k = cntN g k
  | 0, _ => rfl
  | k + 1, h => by
    show cntN f k + f k = cntN g k + g k
    rw [cntN_congr f g k (fun i hi => h i (by omega)), h k (by omega)]

theorem cntN_zero (f : ℕ → ℕ) : ∀ k, cntN f k = 0 → ∀ i, i < k → f i = 0
  | 0, _, i, hi => absurd hi (Nat.not_lt_zero i)
  | k + 1, h, i, hi => by
    have h' : cntN f k + f k = 0 := h
    by_cases hik : i < k
    · exact cntN_zero f k (by omega) i hik
    · have hieq : i = k := by omega
      rw [hieq]
      omega

theorem cntN_pos (f : ℕ → ℕ) : ∀ k, cntN f k ≠ 0 → ∃ i, i < k ∧ f i ≠ 0
  | 0, h => absurd (rfl : cntN f 0 = 0) h
  | k + 1, h => by
    have h' : cntN f k + f k ≠ 0 := h
    by_cases hk : f k = 0
    · obtain ⟨i, hi, hfi⟩ := cntN_pos f k (by omega)
      exact ⟨i, by omega, hfi⟩
    · exact ⟨k, by omega, hk⟩

/-- The number of set bits among the first `n` of `b`. -/
def bitCount (n b : ℕ) : ℕ := cntN (fun i => b / 2 ^ i % 2) n

/-- **Every arrangement has a number.** For any decidable `P` there is `b < 2^n` whose bit `i`
is `0` where `P i` holds and `1` elsewhere, for `i < n` (through `finFunctionFinEquiv`, as for
sequences). -/
theorem exists_bits (n : ℕ) (P : ℕ → Prop) [DecidablePred P] :
    ∃ b : ℕ, b < 2 ^ n ∧ ∀ i, i < n → b / 2 ^ i % 2 = if P i then 0 else 1 := by
  let v : Fin n → Fin 2 := fun i => if P i then ⟨0, by omega⟩ else ⟨1, by omega⟩
  refine ⟨(finFunctionFinEquiv v : ℕ), (finFunctionFinEquiv v).isLt, fun i hi => ?_⟩
  have h1 : ((finFunctionFinEquiv.symm (finFunctionFinEquiv v)) ⟨i, hi⟩ : ℕ) =
      (finFunctionFinEquiv v : ℕ) / 2 ^ i % 2 := rfl
  rw [← h1, Equiv.symm_apply_apply]
  show ((if P i then (⟨0, by omega⟩ : Fin 2) else ⟨1, by omega⟩ : Fin 2) : ℕ) =
    if P i then 0 else 1
  by_cases hp : P i
  · exact (congrArg Fin.val (if_pos hp : (if P i then (⟨0, by omega⟩ : Fin 2) else
      ⟨1, by omega⟩) = ⟨0, by omega⟩)).trans (if_pos hp).symm
  · exact (congrArg Fin.val (if_neg hp : (if P i then (⟨0, by omega⟩ : Fin 2) else
      ⟨1, by omega⟩) = ⟨1, by omega⟩)).trans (if_neg hp).symm

/-- `x` with `mx` replaced by another token (`1` or `0`): maxima over all `x` of a table read at
`skip mx x` range over the wrong answers only. -/
def skip (mx x : ℕ) : ℕ := if x = mx then (if mx = 0 then 1 else 0) else x

theorem skip_of_ne {mx x : ℕ} (h : x ≠ mx) : skip mx x = x := if_neg h

theorem le_maxZ (f : ℕ → ℤ) : ∀ k i, i ≤ k → f i ≤ TCertData.maxZ f k
  | 0, i, h => by
    have hi : i = 0 := by omega
    subst hi
    exact le_refl _
  | k + 1, i, h => by
    show f i ≤ max (TCertData.maxZ f k) (f (k + 1))
    by_cases hi : i ≤ k
    · exact le_trans (le_maxZ f k i hi) (le_max_left _ _)
    · have hik : i = k + 1 := by omega
      rw [hik]
      exact le_max_right _ _

/-- Bit `k` of the claim mask `tab[mx][c][q]`. -/
def claimed (tab : List (List (List ℕ))) (mx c q k : ℕ) : Bool :=
  decide (nth 0 (nth [] (nth [] tab mx) c) q / 2 ^ k % 2 = 1)

/-! ### The checker -/

namespace TCertData

variable (c : TCertData)

/-- The pessimised direct path `max_{x ≠ mx} (duZ[q][x] - duZ[q][mx])` (over `2^(4e)`). -/
def Ez (q mx : ℕ) : ℤ :=
  maxZ (fun x => nth 0 (c.duZ q) (skip mx x) - nth 0 (c.duZ q) mx) (c.d - 1)

/-- The pessimised OV path `max_{i, x ≠ mx} (vuZ[i][t][x] - vuZ[i][t][mx])` (over `2^(4e)`). -/
def Vz (mx t : ℕ) : ℤ :=
  maxZ (fun i => maxZ (fun x => nth 0 (c.vuZ i t) (skip mx x) - nth 0 (c.vuZ i t) mx) (c.d - 1))
    c.n

/-- The token at position `i` of the pure case `(q, mx, k)` with arrangement `b`. -/
def caseTok (q mx k b i : ℕ) : ℕ := if i = c.n then q else if b / 2 ^ i % 2 = 1 then k else mx

/-- The sequence `(mx, …, mx, q)` of a `c = 0` case. -/
def caseSeq (q mx i : ℕ) : ℕ := if i = c.n then q else mx

/-- The integer test of the pure case `(q, mx, k)` with arrangement `b`: a lower bound of
`-2^P ∑ i, w_i (Vz mx t_i + Ez q mx)`. -/
def pureSum (q mx k b : ℕ) : ℤ :=
  sumI (fun i => termZ (-(c.Vz mx (c.caseTok q mx k b i) + c.Ez q mx))
    (c.wLo q i (c.caseTok q mx k b i)) (c.wHi q i (c.caseTok q mx k b i))) (c.n + 1)

/-- Every claimed case re-derived: the `c = 0` sequence by `seqOk`, every arrangement of a
claimed pure case with `c ≥ 1` by `pureSum`. -/
def casesOk (tab : List (List (List ℕ))) : Bool :=
  allBelow (fun mx => allBelow (fun q =>
    (!(claimed tab mx 0 q mx) || c.seqOk (c.caseSeq q mx)) &&
    allBelow (fun k => allBelow (fun b =>
      decide (bitCount c.n b = 0) || !(claimed tab mx (bitCount c.n b) q k) ||
        decide (0 < c.pureSum q mx k b)) (2 ^ c.n)) mx) (mx + 1)) c.d

/-- The number of non-query positions of the sequence `f` not holding its label. -/
def nonmaxCount (f : ℕ → ℕ) : ℕ := cntN (fun i => if f i = maxTok f c.n then 0 else 1) c.n

/-- The sequence `f` is covered by the claims of its own case. -/
def covered (tab : List (List (List ℕ))) (f : ℕ → ℕ) : Bool :=
  if c.nonmaxCount f = 0 then claimed tab (maxTok f c.n) 0 (f c.n) (maxTok f c.n)
  else allBelow (fun i => decide (f i = maxTok f c.n) ||
    claimed tab (maxTok f c.n) (c.nonmaxCount f) (f c.n) (f i)) c.n

/-- Sequence number `a` (tokens `a / d ^ i % d`) is covered. -/
def coveredAt (tab : List (List (List ℕ))) (a : ℕ) : Bool :=
  c.covered tab (fun i => a / c.d ^ i % c.d)

end TCertData

/-- **Cubic accuracy checker of the Max-of-K transformer.** Every claimed case is re-derived;
`p / q` must be at most the number of covered sequences over `d ^ (n + 1)`. -/
def checkCubicAccuracy (c : TCertData) (tab : List (List (List ℕ))) : Bool :=
  c.preOk && c.casesOk tab &&
    claimOk (c.d ^ (c.n + 1)) c.p c.q
      (sumI (fun a => if c.coveredAt tab a then 1 else 0) (c.d ^ (c.n + 1)))

/-! ### Soundness -/

namespace TCertData

variable (c : TCertData)

/-- The weight `exp (-(gapN / 2^E') / √dh)` that `wLo`, `wHi` enclose (used by the proof only). -/
noncomputable def wexp (tq i t : ℕ) : ℝ :=
  Real.exp (-(((c.gapN tq i t : ℕ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e))) * (1 / Real.sqrt c.dh))

/-- The pessimised direct path as a real number. -/
noncomputable def Er (q mx : ℕ) : ℝ := ((c.Ez q mx : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)

/-- The pessimised OV path as a real number. -/
noncomputable def Vr (mx : ℕ) (t : Fin c.d) : ℝ :=
  ((c.Vz mx t : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)

/-- The factor `exp (shift / 2^E' / √dh)` that `wexp` leaves out (used by the proof only). -/
noncomputable def Kexp (tq : ℕ) : ℝ :=
  Real.exp (((c.shift tq : ℤ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) * (1 / Real.sqrt c.dh))

/-- **The attention factors by the enclosed weights.** `pi q i * alpha q t = K * wexp q i t`
with `K = Kexp q` (`qk_eq_shift_sub`, `QK_eq`); shared with `CheckSubcubic.lean`. -/
theorem pi_alpha_eq (hpre : c.preOk = true) (q t : Fin c.d) (qn tn : ℕ) (hq : (q : ℕ) = qn)
    (ht : (t : ℕ) = tn) (i : Fin (c.n + 1)) :
    c.transformer.pi q i * c.transformer.alpha q t = c.Kexp qn * c.wexp qn i tn := by
  have hqd : qn < c.d := by rw [← hq]; exact q.isLt
  have htd : tn < c.d := by rw [← ht]; exact t.isLt
  have hQK := c.QK_eq q t i
  rw [hq, ht, c.qk_eq_shift_sub hpre hqd i.isLt htd] at hQK
  have e1 : c.transformer.EQKP q i / Real.sqrt c.dh + c.transformer.EQKE q t / Real.sqrt c.dh =
      (c.transformer.EQKE q t + c.transformer.EQKP q i) * (1 / Real.sqrt c.dh) := by ring
  have harg : c.transformer.EQKP q i / Real.sqrt c.dh + c.transformer.EQKE q t / Real.sqrt c.dh =
      ((c.shift qn : ℤ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) * (1 / Real.sqrt c.dh) +
        -(((c.gapN qn i tn : ℕ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e))) * (1 / Real.sqrt c.dh) := by
    rw [e1, hQK]
    ring
  unfold Transformer.pi Transformer.alpha wexp Kexp
  rw [← Real.exp_add, ← Real.exp_add, harg]

/-- **One pure case.** Tokens `T i` (as naturals `g i`), query `q` (as a natural `qn`); if
`pureSum`'s integer test passes for the integer bound `U`, the exp-weighted sum of
`R = U / 2^(4e)` is negative. -/
theorem pure_neg (hpre : c.preOk = true) (q : Fin c.d) (qn : ℕ) (hq : (q : ℕ) = qn)
    (T : Fin (c.n + 1) → Fin c.d) (g : ℕ → ℕ) (hT : ∀ i : Fin (c.n + 1), (T i : ℕ) = g i)
    (U : ℕ → ℤ) (R : Fin c.d → ℝ)
    (hR : ∀ t : Fin c.d, R t = ((U t : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e))
    (h : 0 < sumI (fun i => termZ (-U (g i)) (c.wLo qn i (g i)) (c.wHi qn i (g i))) (c.n + 1)) :
    ∑ i, c.transformer.pi q i * (c.transformer.alpha q (T i) * R (T i)) < 0 := by
  -- `exp (s_i) = K * wexp_i`
  have hexp : ∀ i : Fin (c.n + 1), c.transformer.pi q i * c.transformer.alpha q (T i) =
      c.Kexp qn * c.wexp qn i (g i) := fun i => c.pi_alpha_eq hpre q (T i) qn (g i) hq (hT i) i
  -- the integer test: `0 < ∑ i, wexp_i * (-U_i / 2^(4e))`
  have hw : 0 < ∑ i, c.wexp qn i (g i) *
      (((-U (g i) : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) := by
    have hs : ((sumI (fun i => termZ (-U (g i)) (c.wLo qn i (g i)) (c.wHi qn i (g i)))
        (c.n + 1) : ℤ) : ℝ) = ∑ i : Fin (c.n + 1),
          ((termZ (-U (g i)) (c.wLo qn i (g i)) (c.wHi qn i (g i)) : ℤ) : ℝ) := sumI_cast _ _
    have hs0 : (0 : ℝ) < ∑ i : Fin (c.n + 1),
        ((termZ (-U (g i)) (c.wLo qn i (g i)) (c.wHi qn i (g i)) : ℤ) : ℝ) := by
      rw [← hs]
      exact_mod_cast h
    exact weighted_pos (fun i => c.wexp qn i (g i)) (fun i => -U (g i))
      (fun i => c.wLo qn i (g i)) (fun i => c.wHi qn i (g i)) c.prec
      (2 ^ (c.e + c.e + c.e + c.e)) (by positivity)
      (fun i => (c.weight_bounds hpre qn i (g i)).1) (fun i => (c.weight_bounds hpre qn i (g i)).2)
      hs0
  have hneg : ∑ i, c.wexp qn i (g i) * (((-U (g i) : ℤ) : ℝ) / 2 ^ (c.e + c.e + c.e + c.e)) =
      -∑ i, c.wexp qn i (g i) * R (T i) := by
    rw [← Finset.sum_neg_distrib]
    refine Finset.sum_congr rfl fun i _ => ?_
    rw [hR (T i), hT i]
    push_cast
    ring
  have hsum : ∑ i, c.transformer.pi q i * (c.transformer.alpha q (T i) * R (T i)) =
      c.Kexp qn * ∑ i, c.wexp qn i (g i) * R (T i) := by
    rw [Finset.mul_sum]
    refine Finset.sum_congr rfl fun i _ => ?_
    linear_combination R (T i) * hexp i
  rw [hsum]
  exact mul_neg_of_pos_of_neg (Real.exp_pos _) (by linarith)

/-- **A covered sequence is correct.** A sequence whose tokens are `f i`, covered by claims that
`casesOk` re-derived, is classified correctly by the real transformer. -/
theorem covered_correct (tab : List (List (List ℕ))) (hpre : c.preOk = true)
    (hcases : c.casesOk tab = true) (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (hcov : c.covered tab f = true) :
    IsCorrect (c.transformer.logits ts) (seqLabel ts) := by
  have hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n := seqLabel_val ts f hf
  have hq : (ts (Fin.last c.n) : ℕ) = f c.n := hf (Fin.last c.n)
  have hmxd : maxTok f c.n < c.d := by rw [← hy]; exact (seqLabel ts).isLt
  have hqmx : f c.n < maxTok f c.n + 1 := by
    have := le_maxTok f c.n c.n (Nat.le_refl _)
    omega
  have hmx := allBelow_spec _ c.d hcases (maxTok f c.n) hmxd
  have hqc := band_true (allBelow_spec _ (maxTok f c.n + 1) hmx (f c.n) hqmx)
  unfold covered at hcov
  by_cases hc0 : c.nonmaxCount f = 0
  · -- `c = 0`: the sequence is `(mx, …, mx, q)`, checked by `seqOk`
    rw [if_pos hc0] at hcov
    have hn : (!(claimed tab (maxTok f c.n) 0 (f c.n) (maxTok f c.n))) ≠ true := by
      rw [hcov]
      decide
    have hseq : c.seqOk (c.caseSeq (f c.n) (maxTok f c.n)) = true := bor_true_right hqc.1 hn
    refine c.correct_of_seqOk hpre ts (c.caseSeq (f c.n) (maxTok f c.n)) (fun i => ?_) hseq
    unfold caseSeq
    by_cases hi : (i : ℕ) = c.n
    · rw [if_pos hi, hf i, hi]
    · rw [if_neg hi, hf i]
      have hz : (if f i = maxTok f c.n then 0 else 1) = 0 :=
        cntN_zero (fun i => if f i = maxTok f c.n then 0 else 1) c.n hc0 i
          (by have := i.isLt; omega)
      by_cases hm : f i = maxTok f c.n
      · exact hm
      · rw [if_neg hm] at hz
        exact absurd hz (by decide)
  · -- `c ≥ 1`: each non-max position's pure case, then `correct_of_pure_cases`
    rw [if_neg hc0] at hcov
    have hlabel : ∀ x : Fin c.d, x ≠ seqLabel ts → (x : ℕ) ≠ maxTok f c.n := fun x hx e =>
      hx (Fin.ext (e.trans hy.symm))
    -- the arrangement of the sequence
    obtain ⟨b, hblt, hb⟩ := exists_bits c.n (fun i => f i = maxTok f c.n)
    have hbit : ∀ i, i < c.n → b / 2 ^ i % 2 = if f i = maxTok f c.n then 0 else 1 := hb
    have hcount : bitCount c.n b = c.nonmaxCount f :=
      cntN_congr (fun i => b / 2 ^ i % 2) (fun i => if f i = maxTok f c.n then 0 else 1) c.n hbit
    refine c.transformer.correct_of_pure_cases ts (c.Er (f c.n) (maxTok f c.n))
      (c.Vr (maxTok f c.n)) ?_ ?_ ?_ ?_
    · -- the direct path, pessimised
      intro x hx
      unfold Transformer.EUPU
      rw [c.DU_eq (ts (Fin.last c.n)) x, c.DU_eq (ts (Fin.last c.n)) (seqLabel ts), hq, hy]
      have h1 : nth 0 (c.duZ (f c.n)) (skip (maxTok f c.n) x) -
          nth 0 (c.duZ (f c.n)) (maxTok f c.n) ≤ c.Ez (f c.n) (maxTok f c.n) :=
        le_maxZ (fun x' => nth 0 (c.duZ (f c.n)) (skip (maxTok f c.n) x') -
          nth 0 (c.duZ (f c.n)) (maxTok f c.n)) (c.d - 1) x (by have := x.isLt; omega)
      rw [skip_of_ne (hlabel x hx)] at h1
      have hzR : ((nth 0 (c.duZ (f c.n)) x : ℤ) : ℝ) -
          ((nth 0 (c.duZ (f c.n)) (maxTok f c.n) : ℤ) : ℝ) ≤
            ((c.Ez (f c.n) (maxTok f c.n) : ℤ) : ℝ) := by exact_mod_cast h1
      have e : rvec (c.e + c.e + c.e + c.e) (c.duZ (f c.n)) x -
            rvec (c.e + c.e + c.e + c.e) (c.duZ (f c.n)) (maxTok f c.n) =
          (((nth 0 (c.duZ (f c.n)) x : ℤ) : ℝ) -
            ((nth 0 (c.duZ (f c.n)) (maxTok f c.n) : ℤ) : ℝ)) / 2 ^ (c.e + c.e + c.e + c.e) := by
        unfold rvec
        ring
      rw [e]
      exact div_le_div_of_nonneg_right hzR (by positivity)
    · -- the OV paths, pessimised
      intro x i hx
      have e0 : (c.transformer.EVOU (ts i) x - c.transformer.EVOU (ts i) (seqLabel ts)) +
            (c.transformer.PVOU i x - c.transformer.PVOU i (seqLabel ts)) =
          (c.transformer.EVOU (ts i) x + c.transformer.PVOU i x) -
            (c.transformer.EVOU (ts i) (seqLabel ts) + c.transformer.PVOU i (seqLabel ts)) := by
        ring
      rw [e0, c.VU_eq i (ts i) x, c.VU_eq i (ts i) (seqLabel ts), hy]
      have h1 : nth 0 (c.vuZ i (ts i)) (skip (maxTok f c.n) x) -
          nth 0 (c.vuZ i (ts i)) (maxTok f c.n) ≤
            maxZ (fun x' => nth 0 (c.vuZ i (ts i)) (skip (maxTok f c.n) x') -
              nth 0 (c.vuZ i (ts i)) (maxTok f c.n)) (c.d - 1) :=
        le_maxZ (fun x' => nth 0 (c.vuZ i (ts i)) (skip (maxTok f c.n) x') -
          nth 0 (c.vuZ i (ts i)) (maxTok f c.n)) (c.d - 1) x (by have := x.isLt; omega)
      have h2 : maxZ (fun x' => nth 0 (c.vuZ i (ts i)) (skip (maxTok f c.n) x') -
            nth 0 (c.vuZ i (ts i)) (maxTok f c.n)) (c.d - 1) ≤ c.Vz (maxTok f c.n) (ts i) :=
        le_maxZ (fun i' => maxZ (fun x' => nth 0 (c.vuZ i' (ts i)) (skip (maxTok f c.n) x') -
          nth 0 (c.vuZ i' (ts i)) (maxTok f c.n)) (c.d - 1)) c.n i (by have := i.isLt; omega)
      rw [skip_of_ne (hlabel x hx)] at h1
      have hzR : ((nth 0 (c.vuZ i (ts i)) x : ℤ) : ℝ) -
          ((nth 0 (c.vuZ i (ts i)) (maxTok f c.n) : ℤ) : ℝ) ≤
            ((c.Vz (maxTok f c.n) (ts i) : ℤ) : ℝ) := by exact_mod_cast le_trans h1 h2
      have e : rvec (c.e + c.e + c.e + c.e) (c.vuZ i (ts i)) x -
            rvec (c.e + c.e + c.e + c.e) (c.vuZ i (ts i)) (maxTok f c.n) =
          (((nth 0 (c.vuZ i (ts i)) x : ℤ) : ℝ) -
            ((nth 0 (c.vuZ i (ts i)) (maxTok f c.n) : ℤ) : ℝ)) / 2 ^ (c.e + c.e + c.e + c.e) := by
        unfold rvec
        ring
      rw [e]
      exact div_le_div_of_nonneg_right hzR (by positivity)
    · -- a non-max non-query position exists
      obtain ⟨i, hi, hne⟩ :=
        cntN_pos (fun i => if f i = maxTok f c.n then 0 else 1) c.n hc0
      have hm : f i ≠ maxTok f c.n := fun e => hne (if_pos e)
      refine ⟨⟨i, by omega⟩, And.intro (fun h => ?_) (fun h => ?_)⟩
      · exact absurd (congrArg Fin.val h : i = c.n) (by omega)
      · have h2 := congrArg Fin.val h
        rw [hf ⟨i, by omega⟩, hy] at h2
        exact hm h2
    · -- every pure case is negative: the check of the sequence's own arrangement
      intro j hj
      have hjn : (j : ℕ) < c.n := by
        have h1 : (j : ℕ) ≠ c.n := fun e => (And.left hj) (Fin.ext e)
        have := j.isLt
        omega
      have hjm : f j ≠ maxTok f c.n := fun e =>
        (And.right hj) (Fin.ext ((hf j).trans (e.trans hy.symm)))
      have hkm : f j < maxTok f c.n := by
        have := le_maxTok f c.n j (by omega)
        omega
      have hcl : claimed tab (maxTok f c.n) (c.nonmaxCount f) (f c.n) (f j) = true :=
        bor_true_right (allBelow_spec _ c.n hcov j hjn) (decide_ne_true_of_not hjm)
      have hcase := allBelow_spec _ (2 ^ c.n) (allBelow_spec _ (maxTok f c.n) hqc.2 (f j) hkm) b
        hblt
      have hA : (decide (bitCount c.n b = 0) ||
          !(claimed tab (maxTok f c.n) (bitCount c.n b) (f c.n) (f j))) ≠ true :=
        bor_ne_true (decide_ne_true_of_not (by rw [hcount]; exact hc0))
          (by rw [hcount, hcl]; decide)
      have hsign : 0 < c.pureSum (f c.n) (maxTok f c.n) (f j) b :=
        of_decide_eq_true (bor_true_right hcase hA)
      -- the pure case's tokens are `caseTok` of the arrangement
      have hT : ∀ i : Fin (c.n + 1), ((if IsNonmaxPos ts i then ts j else ts i : Fin c.d) : ℕ) =
          c.caseTok (f c.n) (maxTok f c.n) (f j) b i := by
        intro i
        unfold caseTok
        by_cases hi : (i : ℕ) = c.n
        · have hK : ¬IsNonmaxPos ts i := fun h => (And.left h) (Fin.ext hi)
          rw [if_neg hK, if_pos hi, hf i, hi]
        · have hin : (i : ℕ) < c.n := by
            have := i.isLt
            omega
          rw [if_neg hi, hbit i hin]
          by_cases hm : f i = maxTok f c.n
          · have hK : ¬IsNonmaxPos ts i := fun h =>
              (And.right h) (Fin.ext ((hf i).trans (hm.trans hy.symm)))
            rw [if_neg hK, if_pos hm, if_neg (by decide : ¬((0 : ℕ) = 1)), hf i, hm]
          · have hK : IsNonmaxPos ts i := And.intro (fun h => hi (congrArg Fin.val h))
              (fun h => hm ((hf i).symm.trans ((congrArg Fin.val h).trans hy)))
            rw [if_pos hK, if_neg hm, if_pos (rfl : (1 : ℕ) = 1), hf j]
      have hneg := c.pure_neg hpre (ts (Fin.last c.n)) (f c.n) hq
        (fun i => if IsNonmaxPos ts i then ts j else ts i)
        (c.caseTok (f c.n) (maxTok f c.n) (f j) b) hT
        (fun t => c.Vz (maxTok f c.n) t + c.Ez (f c.n) (maxTok f c.n))
        (fun t => c.Vr (maxTok f c.n) t + c.Er (f c.n) (maxTok f c.n))
        (fun t => by
          show c.Vr (maxTok f c.n) t + c.Er (f c.n) (maxTok f c.n) =
            ((c.Vz (maxTok f c.n) t + c.Ez (f c.n) (maxTok f c.n) : ℤ) : ℝ) /
              2 ^ (c.e + c.e + c.e + c.e)
          unfold Vr Er
          push_cast
          ring)
        hsign
      unfold Transformer.pureLhs
      refine lt_of_eq_of_lt (Finset.sum_congr rfl fun i _ => ?_) hneg
      by_cases hK : IsNonmaxPos ts i
      · simp only [if_pos hK]
      · simp only [if_neg hK]

end TCertData

/-- **Soundness of the cubic checker**: the real transformer with the certificate's exact
weights has accuracy at least `p / q`. -/
theorem checkCubicAccuracy_sound (c : TCertData) (tab : List (List (List ℕ)))
    (h : checkCubicAccuracy c tab = true) :
    c.transformer.accuracy ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkCubicAccuracy at h
  obtain ⟨h12, hclaim⟩ := band_true h
  obtain ⟨hpre, hcases⟩ := band_true h12
  exact accuracy_ge_of_count c (c.coveredAt tab)
    (fun a hs => c.covered_correct tab hpre hcases (finFunctionFinEquiv.symm a)
      (fun i => (a : ℕ) / c.d ^ i % c.d) (fun i => rfl) hs)
    _ (le_refl _) hclaim

end PyExport
