/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfK.TransformerSubcubic
import PyExport.MaxOfK.CheckCubic

/-!
# The cases of the paper's subcubic proofs, checked with exact tables

Lean counterpart of `coq/theories/MaxOfK/CheckSubcubic.v`:
`checkSubcubicAccuracy c claims = true → c.transformer.accuracy ≥ p / q`. The data `c`, the exact
integer tables and the weight enclosures are those of the brute-force and cubic checkers;
`claims[q][mx][cnt]` is `1 +` the claimed gap of the case `(q, mx, cnt)` (`cnt` positions, the
query included, not holding the label `mx`), or `0` for no claim — Coq's `cert_claims`.

## One claimed case (`TCertData.caseOk`), at `j = mx - gap`

All table quantities are exact integers over `U = 2^(4e) · d` (the `d` clears the mean row):
`GZ q` (spread of `d · EUPU[q] - Σ_t EUPU[t]`), `MuZ mx x`, `PmZ mx x` (`max_i PVOU'`),
`omZ mx j` (`max_{k ≤ j, x} EVOU'[k]`), `F1Z mx` (`F(1)`) and `FaZ mx a` (`F(a)`, over
`2^P U`). Coq encloses the same maxima in interval hulls.

* `G + F(1) < 0` (`GZ q + F1Z mx < 0`), for every claimed case, as in Coq.
* **Score gaps from the exact `EQKE`.** `rho = alpha q t* / alpha q mx` with `t*` the first
  largest exact `EQKE[q, t]`, `t ≤ j` (`argmaxZ`); so `alpha q t ≤ rho alpha q mx` for `t ≤ j`
  is an integer fact, for both certificate variants.
* **Attention on the max, per arrangement.** For every arrangement `b` of the non-query positions
  with the case's count (as in the cubic checker), the brute-force checker's enclosures of
  `exp` of the scores give `SL = Σ_{max i} wLo[q][i][mx]` and `NH = Σ_{non-max i} wHi[q][i][t*]`,
  and `A_lo = B / 2^P` with `B = ⌊SL 2^P / (SL + NH)⌋` satisfies
  `A_lo ≤ S / (S + rho (W - S))` (`alo_le`; `pi q i alpha q t = K wexp q i t`, `pi_alpha_eq`).
* **Chord.** The point `a = aZ / 2^P` of label `mx` is the least `B` over its claimed cases
  (`chordPt`; any `a` is sound, the checker verifies `a < 1` and `a ≤ A_lo`); the test
  `(1-a) G + (1-A_lo) F(a) + (A_lo-a) F(1) + (1-a)(1-A_lo) ω < 0` is multiplied out to an integer
  (`chordZ`, `chord_scaled`).

## Counting

As in `CheckCubic.lean`, by enumeration of the `d^(n+1)` sequences: a sequence is covered when
its own case is claimed and its non-max tokens are at most `j` (`covered`). Coq counts in closed
form.

## Main statements

* `PyExport.chord_scaled`, `PyExport.alo_le`: the two real-number steps multiplied out.
* `TCertData.covered_correct`: a covered sequence is classified correctly (through
  `Transformer.correct_of_subcubic` and `Transformer.correct_of_all_max`).
* `checkSubcubicAccuracy_sound`.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

/-! ### Real-number steps -/

/-- `X / K * K = X` for `K > 0`. -/
theorem div_mul_pos_cancel (X K : ℝ) (hK : 0 < K) : X / K * K = X :=
  le_antisymm ((le_div_iff₀ hK).mp (le_refl _)) ((div_le_iff₀ hK).mp (le_refl _))

theorem neg_of_mul_pos_factor {x K : ℝ} (hK : 0 < K) (h : x * K < 0) : x < 0 := by
  by_cases hx : x < 0
  · exact hx
  · have h0 : 0 ≤ x * K := mul_nonneg (not_lt.1 hx) (le_of_lt hK)
    linarith

/-- **The chord test multiplied out.** With `a Qp = aN`, `Alo Qp = bN`, `G U = GZ`,
`Fa (Qp U) = FaZ`, `F1 U = F1Z`, `w U = WZ`, the hypothesis `hneg2` of `chord_neg` times
`Qp Qp U > 0` is the integer test. -/
theorem chord_scaled (G Fa F1 w a Alo Qp U aN bN GZ FaZ F1Z WZ : ℝ) (hQ : 0 < Qp) (hU : 0 < U)
    (ha : a * Qp = aN) (hAlo : Alo * Qp = bN) (hG : G * U = GZ) (hFa : Fa * (Qp * U) = FaZ)
    (hF1 : F1 * U = F1Z) (hw : w * U = WZ)
    (h : (Qp - aN) * Qp * GZ + (Qp - bN) * FaZ + (bN - aN) * Qp * F1Z
      + (Qp - aN) * (Qp - bN) * WZ < 0) :
    (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w < 0 := by
  have e : ((1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w)
        * (Qp * Qp * U)
      = (Qp - a * Qp) * Qp * (G * U) + (Qp - Alo * Qp) * (Fa * (Qp * U))
        + (Alo * Qp - a * Qp) * Qp * (F1 * U) + (Qp - a * Qp) * (Qp - Alo * Qp) * (w * U) := by
    ring
  rw [ha, hAlo, hG, hFa, hF1, hw] at e
  have hneg : ((1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w)
      * (Qp * Qp * U) < 0 := by
    rw [e]
    exact h
  exact neg_of_mul_pos_factor (mul_pos (mul_pos hQ hQ) hU) hneg

/-- **The attention bound from enclosures.** If `S am = K SW` and `X am = K NW` (`am, K > 0`),
`SL / Qp ≤ SW`, `NW ≤ NH / Qp` and the integer-style test `b (SL + NH) ≤ SL Qp` holds with
`0 ≤ b ≤ Qp`, then `b / Qp ≤ S / (S + X)`. -/
theorem alo_le (S X SW NW am K SL NH Qp b : ℝ) (hS : 0 < S) (ham : 0 < am) (hK : 0 < K)
    (hQ : 0 < Qp) (hNW : 0 ≤ NW) (hSe : S * am = K * SW) (hXe : X * am = K * NW)
    (hSL : SL / Qp ≤ SW) (hNH : NW ≤ NH / Qp) (hb0 : 0 ≤ b) (hbQ : b ≤ Qp)
    (hint : b * (SL + NH) ≤ SL * Qp) : b / Qp ≤ S / (S + X) := by
  have hX : 0 ≤ X := by
    have h : 0 * am ≤ X * am := by
      rw [zero_mul, hXe]
      exact mul_nonneg (le_of_lt hK) hNW
    exact le_of_mul_le_mul_right h ham
  have hSX : 0 < S + X := by linarith
  rw [le_div_iff₀ hSX]
  have h1 : SL ≤ SW * Qp := (div_le_iff₀ hQ).mp hSL
  have h2 : NW * Qp ≤ NH := (le_div_iff₀ hQ).mp hNH
  have h3 : b * (NW * Qp) ≤ b * NH := mul_le_mul_of_nonneg_left h2 hb0
  have h4 : SL * (Qp - b) ≤ SW * Qp * (Qp - b) := mul_le_mul_of_nonneg_right h1 (by linarith)
  have hA : b / Qp * Qp = b := div_mul_pos_cancel b Qp hQ
  have h6 : b / Qp * (SW + NW) * (Qp * Qp) ≤ SW * (Qp * Qp) := by
    have e : b / Qp * (SW + NW) * (Qp * Qp) = b / Qp * Qp * (SW + NW) * Qp := by ring
    rw [e, hA]
    linarith
  have h7 : b / Qp * (SW + NW) ≤ SW := le_of_mul_le_mul_right h6 (mul_pos hQ hQ)
  have h8 : K * (b / Qp * (SW + NW)) ≤ K * SW := mul_le_mul_of_nonneg_left h7 (le_of_lt hK)
  have e2 : b / Qp * (S + X) * am = b / Qp * (S * am) + b / Qp * (X * am) := by ring
  rw [hSe, hXe] at e2
  have h9 : b / Qp * (S + X) * am ≤ S * am := by
    rw [e2, hSe]
    linarith
  exact le_of_mul_le_mul_right h9 ham

/-! ### Loops -/

/-- The first position of a largest of `f 0, …, f k`. -/
def argmaxZ (f : ℕ → ℤ) : ℕ → ℕ
  | 0 => 0
  | k + 1 => if f (argmaxZ f k) < f (k + 1) then k + 1 else argmaxZ f k

theorem argmaxZ_spec (f : ℕ → ℤ) : ∀ k, argmaxZ f k ≤ k ∧ ∀ i, i ≤ k → f i ≤ f (argmaxZ f k)
  | 0 => by
    refine ⟨Nat.le_refl 0, fun i hi => ?_⟩
    have h : i = 0 := by omega
    subst h
    exact le_refl _
  | k + 1 => by
    obtain ⟨hk, hmax⟩ := argmaxZ_spec f k
    show (if f (argmaxZ f k) < f (k + 1) then k + 1 else argmaxZ f k) ≤ k + 1 ∧
      ∀ i, i ≤ k + 1 → f i ≤ f (if f (argmaxZ f k) < f (k + 1) then k + 1 else argmaxZ f k)
    by_cases hc : f (argmaxZ f k) < f (k + 1)
    · rw [if_pos hc]
      refine ⟨Nat.le_refl _, fun i hi => ?_⟩
      by_cases hik : i ≤ k
      · exact le_trans (hmax i hik) (le_of_lt hc)
      · have h : i = k + 1 := by omega
        subst h
        exact le_refl _
    · rw [if_neg hc]
      refine ⟨by omega, fun i hi => ?_⟩
      by_cases hik : i ≤ k
      · exact hmax i hik
      · have h : i = k + 1 := by omega
        subst h
        exact not_lt.1 hc

/-- The least of `init, f 0, …, f (k - 1)`. -/
def minZ (f : ℕ → ℤ) (init : ℤ) : ℕ → ℤ
  | 0 => init
  | k + 1 => min (minZ f init k) (f k)

/-- `claims[q][mx][cnt]`: `1 +` the claimed gap, `0` for no claim. -/
def claimV (claims : List (List (List ℕ))) (q mx cnt : ℕ) : ℕ :=
  nth 0 (nth [] (nth [] claims q) mx) cnt

/-- `j = mx - gap`: the largest non-max token the claimed case covers. -/
def gapJ (claims : List (List (List ℕ))) (q mx cnt : ℕ) : ℕ := mx - (claimV claims q mx cnt - 1)

/-! ### The checker -/

namespace TCertData

variable (c : TCertData)

/-- `EQKE[q][t]` over `2^(e+e+(e+e))`, exactly. -/
def eqkeZ (q t : ℕ) : ℤ := dot c.dh (c.qv q) (c.ke t)

/-- `d` times the mean row of `EUPU`, over `2^(4e)`: `Σ_t EUPU[t][x]`. -/
def muD (x : ℕ) : ℤ := sumI (fun t => nth 0 (c.duZ t) x) c.d

/-- `nu[q][x] = EUPU[q][x] - mu[x]`, over `U`. -/
def nuD (q x : ℕ) : ℤ := nth 0 (c.duZ q) x * (c.d : ℤ) - c.muD x

/-- The query's spread `max_x nu[q][x] - min_x nu[q][x]` (Coq's `G_real`), over `U`. -/
def GZ (q : ℕ) : ℤ :=
  maxZ (fun x => c.nuD q x) (c.d - 1) + maxZ (fun x => -c.nuD q x) (c.d - 1)

/-- `mu[x] - mu[mx]` (Coq's `Mu`), over `U`. -/
def MuZ (mx x : ℕ) : ℤ := c.muD x - c.muD mx

/-- `EUPU[q][x] - EUPU[q][mx]`, over `U`. -/
def duD (q mx x : ℕ) : ℤ := (nth 0 (c.duZ q) x - nth 0 (c.duZ q) mx) * (c.d : ℤ)

/-- `EVOU[t][x] - EVOU[t][mx]`, over `U`. -/
def evD (mx t x : ℕ) : ℤ :=
  (nth 0 (c.ovuZ (nth [] c.WE t)) x - nth 0 (c.ovuZ (nth [] c.WE t)) mx) * (c.d : ℤ)

/-- `PVOU[i][x] - PVOU[i][mx]`, over `U`. -/
def pvD (mx i x : ℕ) : ℤ :=
  (nth 0 (c.ovuZ (nth [] c.Wpos i)) x - nth 0 (c.ovuZ (nth [] c.Wpos i)) mx) * (c.d : ℤ)

/-- `max_i PVOU'[i][x]` (Coq's `Pm_real`), over `U`. -/
def PmZ (mx x : ℕ) : ℤ := maxZ (fun i => c.pvD mx i x) c.n

/-- `omega(mx, j) = max_{k ≤ j, x} EVOU'[k][x]` (Coq's `omega`), over `U`. -/
def omZ (mx j : ℕ) : ℤ := maxZ (fun k => maxZ (fun x => c.evD mx k x) (c.d - 1)) j

/-- `F(1) = max_{x ≠ mx} (Mu + Pm + EVOU'[mx])`, over `U`. -/
def F1Z (mx : ℕ) : ℤ :=
  maxZ (fun x => c.MuZ mx (skip mx x) + c.PmZ mx (skip mx x) + c.evD mx mx (skip mx x)) (c.d - 1)

/-- `F(a)` at `a = aZ / 2^P`, over `2^P U`. -/
def FaZ (mx : ℕ) (aZ : ℤ) : ℤ :=
  maxZ (fun x => 2 ^ c.prec * (c.MuZ mx (skip mx x) + c.PmZ mx (skip mx x)) +
    aZ * c.evD mx mx (skip mx x)) (c.d - 1)

/-- The token `t* ≤ j` of largest exact `EQKE[q][t*]`. -/
def tStar (claims : List (List (List ℕ))) (q mx cnt : ℕ) : ℕ :=
  argmaxZ (fun t => c.eqkeZ q t) (gapJ claims q mx cnt)

/-- Position `i` of arrangement `b` (bit `1`: not the label) holds the label; the query
(position `n`) does when `q = mx`. -/
def maxPos (q mx b i : ℕ) : Bool :=
  if i = c.n then decide (q = mx) else decide (b / 2 ^ i % 2 = 0)

/-- The number of positions not holding the label in arrangement `b`. -/
def arrCount (q mx b : ℕ) : ℕ := bitCount c.n b + (if q = mx then 0 else 1)

/-- `2^P` times a lower bound of the positional weights of the max positions (`× exp` of the
label's score, up to `Kexp`). -/
def sL (q mx b : ℕ) : ℤ :=
  sumI (fun i => if c.maxPos q mx b i then (c.wLo q i mx : ℤ) else 0) (c.n + 1)

/-- `2^P` times an upper bound of the non-max positions' weights at token `t`. -/
def nH (q mx b t : ℕ) : ℤ :=
  sumI (fun i => if c.maxPos q mx b i then 0 else (c.wHi q i t : ℤ)) (c.n + 1)

/-- `A_lo = bZ / 2^P`, rounded down. -/
def bZ (q mx b t : ℕ) : ℤ := c.sL q mx b * 2 ^ c.prec / (c.sL q mx b + c.nH q mx b t)

/-- The chord point of label `mx`: the least `bZ` over its claimed cases with `cnt ≥ 1`. -/
def chordPt (claims : List (List (List ℕ))) (mx : ℕ) : ℤ :=
  minZ (fun q => minZ (fun cnt =>
    if claimV claims q mx cnt = 0 ∨ cnt = 0 then 2 ^ c.prec
    else minZ (fun b => if c.arrCount q mx b = cnt then c.bZ q mx b (c.tStar claims q mx cnt)
      else 2 ^ c.prec) (2 ^ c.prec) (2 ^ c.n)) (2 ^ c.prec) (c.n + 1)) (2 ^ c.prec) (mx + 1)

/-- The chord test of `chord_neg`, multiplied by `2^P 2^P U`. -/
def chordZ (q mx j : ℕ) (aZ B : ℤ) : ℤ :=
  (2 ^ c.prec - aZ) * 2 ^ c.prec * c.GZ q + (2 ^ c.prec - B) * c.FaZ mx aZ
    + (B - aZ) * 2 ^ c.prec * c.F1Z mx + (2 ^ c.prec - aZ) * (2 ^ c.prec - B) * c.omZ mx j

/-- One arrangement of a case with `cnt ≥ 1`: `A_lo` and the chord. -/
def arrOk (j t : ℕ) (aZ : ℤ) (q mx b : ℕ) : Bool :=
  decide (0 ≤ c.bZ q mx b t) && decide (c.bZ q mx b t ≤ 2 ^ c.prec) &&
    decide (c.bZ q mx b t * (c.sL q mx b + c.nH q mx b t) ≤ c.sL q mx b * 2 ^ c.prec) &&
    decide (aZ ≤ c.bZ q mx b t) && decide (c.chordZ q mx j aZ (c.bZ q mx b t) < 0)

/-- One claimed case `(q, mx, cnt)` at its gap. -/
def caseOk (claims : List (List (List ℕ))) (aZ : ℤ) (q mx cnt : ℕ) : Bool :=
  decide (c.GZ q + c.F1Z mx < 0) &&
    (decide (cnt = 0) ||
      (decide (aZ < 2 ^ c.prec) &&
        allBelow (fun b => decide (c.arrCount q mx b ≠ cnt) ||
          c.arrOk (gapJ claims q mx cnt) (c.tStar claims q mx cnt) aZ q mx b) (2 ^ c.n)))

/-- Every claimed case re-derived. -/
def subcubicCasesOk (claims : List (List (List ℕ))) : Bool :=
  allBelow (fun mx => allBelow (fun q => allBelow (fun cnt =>
    decide (claimV claims q mx cnt = 0) || c.caseOk claims (c.chordPt claims mx) q mx cnt)
      (c.n + 1)) (mx + 1)) c.d

/-- The number of positions (the query included) of the sequence `f` not holding its label. -/
def nonmaxAll (f : ℕ → ℕ) : ℕ := cntN (fun i => if f i = maxTok f c.n then 0 else 1) (c.n + 1)

/-- The sequence `f` is covered: its case is claimed and its non-max tokens are at most `j`. -/
def subcubicCovered (claims : List (List (List ℕ))) (f : ℕ → ℕ) : Bool :=
  decide (claimV claims (f c.n) (maxTok f c.n) (c.nonmaxAll f) ≠ 0) &&
    decide (c.nonmaxAll f < c.n + 1) &&
    allBelow (fun i => decide (f i = maxTok f c.n) ||
      decide (f i ≤ gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f))) (c.n + 1)

/-- Sequence number `a` (tokens `a / d ^ i % d`) is covered. -/
def subcubicCoveredAt (claims : List (List (List ℕ))) (a : ℕ) : Bool :=
  c.subcubicCovered claims (fun i => a / c.d ^ i % c.d)

end TCertData

/-- **Subcubic accuracy checker of the Max-of-K transformer** (both variants). Every claimed
case is re-derived; `p / q` must be at most the number of covered sequences over
`d ^ (n + 1)`. -/
def checkSubcubicAccuracy (c : TCertData) (claims : List (List (List ℕ))) : Bool :=
  c.preOk && c.subcubicCasesOk claims &&
    claimOk (c.d ^ (c.n + 1)) c.p c.q
      (sumI (fun a => if c.subcubicCoveredAt claims a then 1 else 0) (c.d ^ (c.n + 1)))

/-! ### Soundness -/

namespace TCertData

variable (c : TCertData)

/-- The unit `2^(4e) · d` of the tables. -/
noncomputable def U : ℝ := 2 ^ (c.e + c.e + c.e + c.e) * (c.d : ℝ)

theorem U_pos (hd : 0 < c.d) : 0 < c.U := by
  unfold U
  exact mul_pos (by positivity) (by exact_mod_cast hd)

theorem rvec_sub_U (hd : 0 < c.d) (u : List ℤ) (x y : ℕ) :
    rvec (c.e + c.e + c.e + c.e) u x - rvec (c.e + c.e + c.e + c.e) u y =
      (((nth 0 u x - nth 0 u y) * (c.d : ℤ) : ℤ) : ℝ) / c.U := by
  have hd' : (c.d : ℝ) ≠ 0 := (show (0 : ℝ) < c.d by exact_mod_cast hd).ne'
  unfold U
  push_cast
  rw [mul_div_mul_right _ _ hd']
  unfold rvec
  ring

theorem eupu_sub (hd : 0 < c.d) (q x y : Fin c.d) :
    c.transformer.EUPU q x - c.transformer.EUPU q y = ((c.duD q y x : ℤ) : ℝ) / c.U := by
  unfold Transformer.EUPU
  rw [c.DU_eq q x, c.DU_eq q y]
  exact c.rvec_sub_U hd _ _ _

theorem evou_sub (hd : 0 < c.d) (t x y : Fin c.d) :
    c.transformer.EVOU t x - c.transformer.EVOU t y = ((c.evD y t x : ℤ) : ℝ) / c.U := by
  rw [c.EVOU_eq t x, c.EVOU_eq t y]
  exact c.rvec_sub_U hd _ _ _

theorem pvou_sub (hd : 0 < c.d) (i : Fin (c.n + 1)) (x y : Fin c.d) :
    c.transformer.PVOU i x - c.transformer.PVOU i y = ((c.pvD y i x : ℤ) : ℝ) / c.U := by
  rw [c.PVOU_eq i x, c.PVOU_eq i y]
  exact c.rvec_sub_U hd _ _ _

/-- Coq's `HE_real`: the query's row against the mean row. -/
theorem eupu_le (q mx x : Fin c.d) :
    c.transformer.EUPU q x - c.transformer.EUPU q mx ≤
      ((c.GZ q : ℤ) : ℝ) / c.U + ((c.MuZ mx x : ℤ) : ℝ) / c.U := by
  have hd : 0 < c.d := by have := x.isLt; omega
  have h1 : c.nuD q x ≤ maxZ (fun x' => c.nuD q x') (c.d - 1) :=
    le_maxZ (fun x' => c.nuD q x') (c.d - 1) x (by have := x.isLt; omega)
  have h2 : -c.nuD q mx ≤ maxZ (fun x' => -c.nuD q x') (c.d - 1) :=
    le_maxZ (fun x' => -c.nuD q x') (c.d - 1) mx (by have := mx.isLt; omega)
  have e1 : c.nuD q x = nth 0 (c.duZ q) x * (c.d : ℤ) - c.muD x := rfl
  have e2 : c.nuD q mx = nth 0 (c.duZ q) mx * (c.d : ℤ) - c.muD mx := rfl
  have e3 : c.GZ q =
      maxZ (fun x' => c.nuD q x') (c.d - 1) + maxZ (fun x' => -c.nuD q x') (c.d - 1) := rfl
  have e4 : c.MuZ mx x = c.muD x - c.muD mx := rfl
  have e5 : c.duD q mx x = (nth 0 (c.duZ q) x - nth 0 (c.duZ q) mx) * (c.d : ℤ) := rfl
  have hz : c.duD q mx x ≤ c.GZ q + c.MuZ mx x := by linarith
  have hzR : ((c.duD q mx x : ℤ) : ℝ) ≤ ((c.GZ q : ℤ) : ℝ) + ((c.MuZ mx x : ℤ) : ℝ) := by
    exact_mod_cast hz
  rw [c.eupu_sub hd, ← add_div]
  exact div_le_div_of_nonneg_right hzR (le_of_lt (c.U_pos hd))

/-- Coq's `HP_real`. -/
theorem pvou_le (mx x : Fin c.d) (i : Fin (c.n + 1)) :
    c.transformer.PVOU i x - c.transformer.PVOU i mx ≤ ((c.PmZ mx x : ℤ) : ℝ) / c.U := by
  have hd : 0 < c.d := by have := x.isLt; omega
  have h1 : c.pvD mx i x ≤ c.PmZ mx x :=
    le_maxZ (fun i' => c.pvD mx i' x) c.n i (by have := i.isLt; omega)
  rw [c.pvou_sub hd]
  exact div_le_div_of_nonneg_right (by exact_mod_cast h1) (le_of_lt (c.U_pos hd))

/-- Coq's `Hw_real`. -/
theorem evou_le (mx t x : Fin c.d) (j : ℕ) (ht : (t : ℕ) ≤ j) :
    c.transformer.EVOU t x - c.transformer.EVOU t mx ≤ ((c.omZ mx j : ℤ) : ℝ) / c.U := by
  have hd : 0 < c.d := by have := x.isLt; omega
  have h1 : c.evD mx t x ≤ maxZ (fun x' => c.evD mx t x') (c.d - 1) :=
    le_maxZ (fun x' => c.evD mx t x') (c.d - 1) x (by have := x.isLt; omega)
  have h2 : maxZ (fun x' => c.evD mx t x') (c.d - 1) ≤ c.omZ mx j :=
    le_maxZ (fun k => maxZ (fun x' => c.evD mx k x') (c.d - 1)) j t ht
  rw [c.evou_sub hd]
  exact div_le_div_of_nonneg_right (by exact_mod_cast le_trans h1 h2) (le_of_lt (c.U_pos hd))

/-- Coq's `HF_real` at `A = 1`. -/
theorem F1_le (mx x : Fin c.d) (hx : x ≠ mx) :
    ((c.MuZ mx x : ℤ) : ℝ) / c.U + ((c.PmZ mx x : ℤ) : ℝ) / c.U +
        (c.transformer.EVOU mx x - c.transformer.EVOU mx mx) ≤ ((c.F1Z mx : ℤ) : ℝ) / c.U := by
  have hd : 0 < c.d := by have := x.isLt; omega
  have hxm : (x : ℕ) ≠ mx := fun e => hx (Fin.ext e)
  have h1 : c.MuZ mx (skip mx x) + c.PmZ mx (skip mx x) + c.evD mx mx (skip mx x) ≤ c.F1Z mx :=
    le_maxZ (fun x' => c.MuZ mx (skip mx x') + c.PmZ mx (skip mx x') + c.evD mx mx (skip mx x'))
      (c.d - 1) x (by have := x.isLt; omega)
  rw [skip_of_ne hxm] at h1
  have hzR : ((c.MuZ mx x : ℤ) : ℝ) + ((c.PmZ mx x : ℤ) : ℝ) + ((c.evD mx mx x : ℤ) : ℝ) ≤
      ((c.F1Z mx : ℤ) : ℝ) := by exact_mod_cast h1
  rw [c.evou_sub hd, ← add_div, ← add_div]
  exact div_le_div_of_nonneg_right hzR (le_of_lt (c.U_pos hd))

/-- Coq's `HF_real` at the chord point `a = aZ / 2^P`. -/
theorem Fa_le (mx x : Fin c.d) (hx : x ≠ mx) (aZ : ℤ) :
    ((c.MuZ mx x : ℤ) : ℝ) / c.U + ((c.PmZ mx x : ℤ) : ℝ) / c.U +
        (aZ : ℝ) / 2 ^ c.prec * (c.transformer.EVOU mx x - c.transformer.EVOU mx mx) ≤
      ((c.FaZ mx aZ : ℤ) : ℝ) / (2 ^ c.prec * c.U) := by
  have hd : 0 < c.d := by have := x.isLt; omega
  have hxm : (x : ℕ) ≠ mx := fun e => hx (Fin.ext e)
  have h1 : 2 ^ c.prec * (c.MuZ mx (skip mx x) + c.PmZ mx (skip mx x)) +
      aZ * c.evD mx mx (skip mx x) ≤ c.FaZ mx aZ :=
    le_maxZ (fun x' => 2 ^ c.prec * (c.MuZ mx (skip mx x') + c.PmZ mx (skip mx x')) +
      aZ * c.evD mx mx (skip mx x')) (c.d - 1) x (by have := x.isLt; omega)
  rw [skip_of_ne hxm] at h1
  have hzR : (2 : ℝ) ^ c.prec * (((c.MuZ mx x : ℤ) : ℝ) + ((c.PmZ mx x : ℤ) : ℝ)) +
      (aZ : ℝ) * ((c.evD mx mx x : ℤ) : ℝ) ≤ ((c.FaZ mx aZ : ℤ) : ℝ) := by exact_mod_cast h1
  have hP : (0 : ℝ) < 2 ^ c.prec := by positivity
  have hU := c.U_pos hd
  rw [c.evou_sub hd, le_div_iff₀ (mul_pos hP hU)]
  have e : (((c.MuZ mx x : ℤ) : ℝ) / c.U + ((c.PmZ mx x : ℤ) : ℝ) / c.U +
        (aZ : ℝ) / 2 ^ c.prec * (((c.evD mx mx x : ℤ) : ℝ) / c.U)) * (2 ^ c.prec * c.U) =
      2 ^ c.prec * (((c.MuZ mx x : ℤ) : ℝ) / c.U * c.U) +
        2 ^ c.prec * (((c.PmZ mx x : ℤ) : ℝ) / c.U * c.U) +
        (aZ : ℝ) / 2 ^ c.prec * 2 ^ c.prec * (((c.evD mx mx x : ℤ) : ℝ) / c.U * c.U) := by
    ring
  rw [e, div_mul_pos_cancel _ _ hU, div_mul_pos_cancel _ _ hU, div_mul_pos_cancel _ _ hP,
    div_mul_pos_cancel _ _ hU]
  linarith

/-- `alpha` is monotone in the exact `EQKE`. -/
theorem alpha_le (q t s : Fin c.d) (h : c.eqkeZ q t ≤ c.eqkeZ q s) :
    c.transformer.alpha q t ≤ c.transformer.alpha q s := by
  unfold Transformer.alpha
  rw [c.EQKE_eq q t, c.EQKE_eq q s]
  refine Real.exp_le_exp.mpr (div_le_div_of_nonneg_right
    (div_le_div_of_nonneg_right ?_ (by positivity)) (Real.sqrt_nonneg _))
  exact_mod_cast h

/-- The max positions' factors: `S alpha q t = K Σ_{max i} wexp q i t`. -/
theorem max_mul_eq (hpre : c.preOk = true) (ts : Fin (c.n + 1) → Fin c.d) (q t : Fin c.d)
    (qn tn : ℕ) (hq : (q : ℕ) = qn) (ht : (t : ℕ) = tn) :
    (∑ i, if ts i = seqLabel ts then c.transformer.pi q i else 0) * c.transformer.alpha q t =
      c.Kexp qn * ∑ i, if ts i = seqLabel ts then c.wexp qn i tn else 0 := by
  rw [Finset.sum_mul, Finset.mul_sum]
  refine Finset.sum_congr rfl fun i _ => ?_
  show (if ts i = seqLabel ts then c.transformer.pi q i else 0) * c.transformer.alpha q t =
    c.Kexp qn * (if ts i = seqLabel ts then c.wexp qn i tn else 0)
  by_cases h : ts i = seqLabel ts
  · rw [if_pos h, if_pos h]
    exact c.pi_alpha_eq hpre q t qn tn hq ht i
  · rw [if_neg h, if_neg h, zero_mul, mul_zero]

/-- The non-max positions' factors: `(W - S) alpha q t = K Σ_{non-max i} wexp q i t`. -/
theorem rest_mul_eq (hpre : c.preOk = true) (ts : Fin (c.n + 1) → Fin c.d) (q t : Fin c.d)
    (qn tn : ℕ) (hq : (q : ℕ) = qn) (ht : (t : ℕ) = tn) :
    ((∑ i, c.transformer.pi q i) - ∑ i, if ts i = seqLabel ts then c.transformer.pi q i else 0)
        * c.transformer.alpha q t =
      c.Kexp qn * ∑ i, if ts i = seqLabel ts then 0 else c.wexp qn i tn := by
  rw [← Finset.sum_sub_distrib, Finset.sum_mul, Finset.mul_sum]
  refine Finset.sum_congr rfl fun i _ => ?_
  show (c.transformer.pi q i - (if ts i = seqLabel ts then c.transformer.pi q i else 0)) *
      c.transformer.alpha q t = c.Kexp qn * (if ts i = seqLabel ts then 0 else c.wexp qn i tn)
  by_cases h : ts i = seqLabel ts
  · rw [if_pos h, if_pos h, sub_self, zero_mul, mul_zero]
  · rw [if_neg h, if_neg h, sub_zero]
    exact c.pi_alpha_eq hpre q t qn tn hq ht i

/-- The arrangement's bits mark the sequence's max positions. -/
theorem maxPos_iff (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n)
    (b : ℕ) (hbit : ∀ i, i < c.n → b / 2 ^ i % 2 = if f i = maxTok f c.n then 0 else 1)
    (i : Fin (c.n + 1)) :
    c.maxPos (f c.n) (maxTok f c.n) b i = true ↔ ts i = seqLabel ts := by
  have hv : ts i = seqLabel ts ↔ f i = maxTok f c.n := by
    rw [← hf i, ← hy]
    exact ⟨fun h => congrArg Fin.val h, fun h => Fin.ext h⟩
  rw [hv]
  unfold maxPos
  by_cases hi : (i : ℕ) = c.n
  · rw [if_pos hi, hi]
    exact ⟨of_decide_eq_true, decide_eq_true⟩
  · have hin : (i : ℕ) < c.n := by
      have := i.isLt
      omega
    rw [if_neg hi, hbit i hin]
    by_cases hm : f i = maxTok f c.n
    · rw [if_pos hm]
      exact ⟨fun _ => hm, fun _ => decide_eq_true rfl⟩
    · rw [if_neg hm]
      exact ⟨fun h => absurd (of_decide_eq_true h) (by decide), fun h => absurd h hm⟩

/-- `SL / 2^P` is below the max positions' weights. -/
theorem sL_le (hpre : c.preOk = true) (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n)
    (b : ℕ) (hbit : ∀ i, i < c.n → b / 2 ^ i % 2 = if f i = maxTok f c.n then 0 else 1) :
    ((c.sL (f c.n) (maxTok f c.n) b : ℤ) : ℝ) / 2 ^ c.prec ≤
      ∑ i, if ts i = seqLabel ts then c.wexp (f c.n) i (maxTok f c.n) else 0 := by
  unfold sL
  rw [sumI_cast, Finset.sum_div]
  refine Finset.sum_le_sum fun i _ => ?_
  show (((if c.maxPos (f c.n) (maxTok f c.n) b i then (c.wLo (f c.n) i (maxTok f c.n) : ℤ)
      else 0 : ℤ)) : ℝ) / 2 ^ c.prec ≤
    if ts i = seqLabel ts then c.wexp (f c.n) i (maxTok f c.n) else 0
  by_cases h : ts i = seqLabel ts
  · rw [if_pos ((c.maxPos_iff ts f hf hy b hbit i).2 h), if_pos h]
    push_cast
    exact (c.weight_bounds hpre (f c.n) i (maxTok f c.n)).1
  · rw [if_neg (fun h' => h ((c.maxPos_iff ts f hf hy b hbit i).1 h')), if_neg h]
    simp only [Int.cast_zero, zero_div, le_refl]

/-- The non-max positions' weights at token `t` are below `NH / 2^P`. -/
theorem nH_le (hpre : c.preOk = true) (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n)
    (b : ℕ) (hbit : ∀ i, i < c.n → b / 2 ^ i % 2 = if f i = maxTok f c.n then 0 else 1)
    (t : ℕ) :
    (∑ i, if ts i = seqLabel ts then 0 else c.wexp (f c.n) i t) ≤
      ((c.nH (f c.n) (maxTok f c.n) b t : ℤ) : ℝ) / 2 ^ c.prec := by
  unfold nH
  rw [sumI_cast, Finset.sum_div]
  refine Finset.sum_le_sum fun i _ => ?_
  show (if ts i = seqLabel ts then 0 else c.wexp (f c.n) i t) ≤
    (((if c.maxPos (f c.n) (maxTok f c.n) b i then 0 else (c.wHi (f c.n) i t : ℤ) : ℤ)) : ℝ) /
      2 ^ c.prec
  by_cases h : ts i = seqLabel ts
  · rw [if_pos ((c.maxPos_iff ts f hf hy b hbit i).2 h), if_pos h]
    simp only [Int.cast_zero, zero_div, le_refl]
  · rw [if_neg (fun h' => h ((c.maxPos_iff ts f hf hy b hbit i).1 h')), if_neg h]
    push_cast
    exact (c.weight_bounds hpre (f c.n) i t).2

/-- **A covered sequence is correct.** -/
theorem subcubic_covered_correct (claims : List (List (List ℕ))) (hpre : c.preOk = true)
    (hcases : c.subcubicCasesOk claims = true) (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (hcov : c.subcubicCovered claims f = true) :
    IsCorrect (c.transformer.logits ts) (seqLabel ts) := by
  have hy : ((seqLabel ts : Fin c.d) : ℕ) = maxTok f c.n := seqLabel_val ts f hf
  have hq : (ts (Fin.last c.n) : ℕ) = f c.n := hf (Fin.last c.n)
  have hmxd : maxTok f c.n < c.d := by rw [← hy]; exact (seqLabel ts).isLt
  have hqmx : f c.n < maxTok f c.n + 1 := by
    have := le_maxTok f c.n c.n (Nat.le_refl _)
    omega
  have hd : 0 < c.d := by omega
  have hU := c.U_pos hd
  -- the sequence's claimed case
  unfold subcubicCovered at hcov
  obtain ⟨h12, hfit⟩ := band_true hcov
  obtain ⟨hcl, hcnt⟩ := band_true h12
  have hcl' : claimV claims (f c.n) (maxTok f c.n) (c.nonmaxAll f) ≠ 0 := of_decide_eq_true hcl
  have hcnt' : c.nonmaxAll f < c.n + 1 := of_decide_eq_true hcnt
  have hcase : c.caseOk claims (c.chordPt claims (maxTok f c.n)) (f c.n) (maxTok f c.n)
      (c.nonmaxAll f) = true :=
    bor_true_right (allBelow_spec _ (c.n + 1) (allBelow_spec _ (maxTok f c.n + 1)
      (allBelow_spec _ c.d hcases (maxTok f c.n) hmxd) (f c.n) hqmx) (c.nonmaxAll f) hcnt')
      (decide_ne_true_of_not hcl')
  unfold caseOk at hcase
  obtain ⟨hGF, hrest⟩ := band_true hcase
  have hGF' : c.GZ (f c.n) + c.F1Z (maxTok f c.n) < 0 := of_decide_eq_true hGF
  -- the tables' bounds, common to both cases
  have hE : ∀ x, x ≠ seqLabel ts →
      c.transformer.EUPU (ts (Fin.last c.n)) x - c.transformer.EUPU (ts (Fin.last c.n)) (seqLabel ts)
        ≤ ((c.GZ (f c.n) : ℤ) : ℝ) / c.U + ((c.MuZ (maxTok f c.n) x : ℤ) : ℝ) / c.U := by
    intro x _
    have h := c.eupu_le (ts (Fin.last c.n)) (seqLabel ts) x
    rw [hq, hy] at h
    exact h
  have hP : ∀ x i, x ≠ seqLabel ts →
      c.transformer.PVOU i x - c.transformer.PVOU i (seqLabel ts) ≤
        ((c.PmZ (maxTok f c.n) x : ℤ) : ℝ) / c.U := by
    intro x i _
    have h := c.pvou_le (seqLabel ts) x i
    rw [hy] at h
    exact h
  have hF1 : ∀ x, x ≠ seqLabel ts →
      ((c.MuZ (maxTok f c.n) x : ℤ) : ℝ) / c.U + ((c.PmZ (maxTok f c.n) x : ℤ) : ℝ) / c.U +
        (c.transformer.EVOU (seqLabel ts) x - c.transformer.EVOU (seqLabel ts) (seqLabel ts)) ≤
          ((c.F1Z (maxTok f c.n) : ℤ) : ℝ) / c.U := by
    intro x hx
    have h := c.F1_le (seqLabel ts) x hx
    rw [hy] at h
    exact h
  have hneg1 : ((c.GZ (f c.n) : ℤ) : ℝ) / c.U + ((c.F1Z (maxTok f c.n) : ℤ) : ℝ) / c.U < 0 := by
    rw [← add_div]
    exact div_neg_of_neg_of_pos (by exact_mod_cast hGF') hU
  by_cases hc0 : c.nonmaxAll f = 0
  · -- `cnt = 0`: the sequence `mx … mx`
    have hall : ∀ i, ts i = seqLabel ts := by
      intro i
      have hz := cntN_zero (fun i => if f i = maxTok f c.n then 0 else 1) (c.n + 1) hc0 i i.isLt
      by_cases hm : f i = maxTok f c.n
      · exact Fin.ext ((hf i).trans (hm.trans hy.symm))
      · rw [if_neg hm] at hz
        exact absurd hz (by decide)
    exact c.transformer.correct_of_all_max ts (((c.GZ (f c.n) : ℤ) : ℝ) / c.U)
      (((c.F1Z (maxTok f c.n) : ℤ) : ℝ) / c.U)
      (fun x => ((c.MuZ (maxTok f c.n) x : ℤ) : ℝ) / c.U)
      (fun x => ((c.PmZ (maxTok f c.n) x : ℤ) : ℝ) / c.U) hall hE hP hF1 hneg1
  · -- `cnt ≥ 1`: the sequence's own arrangement, then `correct_of_subcubic`
    obtain ⟨ha1, hall⟩ := band_true (bor_true_right hrest (decide_ne_true_of_not hc0))
    have ha1' : c.chordPt claims (maxTok f c.n) < 2 ^ c.prec := of_decide_eq_true ha1
    obtain ⟨b, hblt, hb⟩ := exists_bits c.n (fun i => f i = maxTok f c.n)
    have hbit : ∀ i, i < c.n → b / 2 ^ i % 2 = if f i = maxTok f c.n then 0 else 1 := hb
    have hcount : c.arrCount (f c.n) (maxTok f c.n) b = c.nonmaxAll f := by
      have h1 : bitCount c.n b = cntN (fun i => if f i = maxTok f c.n then 0 else 1) c.n :=
        cntN_congr (fun i => b / 2 ^ i % 2) (fun i => if f i = maxTok f c.n then 0 else 1) c.n
          hbit
      show bitCount c.n b + (if f c.n = maxTok f c.n then 0 else 1) =
        cntN (fun i => if f i = maxTok f c.n then 0 else 1) c.n +
          (if f c.n = maxTok f c.n then 0 else 1)
      rw [h1]
    have harr := bor_true_right (allBelow_spec _ (2 ^ c.n) hall b hblt)
      (decide_ne_true_of_not (fun hne => hne hcount))
    unfold arrOk at harr
    obtain ⟨h1234, hch⟩ := band_true harr
    obtain ⟨h123, haB⟩ := band_true h1234
    obtain ⟨h12', hint⟩ := band_true h123
    obtain ⟨hB0, hBQ⟩ := band_true h12'
    -- names: the gap's token `j`, the token `t*`, `aZ`, `B`
    have hjd : gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f) < c.d := by
      unfold gapJ
      omega
    have htd : c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f) < c.d :=
      lt_of_le_of_lt (argmaxZ_spec (fun t => c.eqkeZ (f c.n) t)
        (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f))).1 hjd
    have hQ : (0 : ℝ) < 2 ^ c.prec := by positivity
    have ham := c.transformer.alpha_pos (ts (Fin.last c.n)) (seqLabel ts)
    have hK : 0 < c.Kexp (f c.n) := Real.exp_pos _
    -- step 1: the non-max tokens are at most `j`, `alpha q t ≤ rho alpha q mx`
    have hj : ∀ i, ts i ≠ seqLabel ts →
        ts i ≤ (⟨gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), hjd⟩ : Fin c.d) := by
      intro i hi
      have hne : f i ≠ maxTok f c.n := fun e => hi (Fin.ext ((hf i).trans (e.trans hy.symm)))
      have h1 := bor_true_right (allBelow_spec _ (c.n + 1) hfit i i.isLt)
        (decide_ne_true_of_not hne)
      exact Fin.le_iff_val_le_val.mpr (by rw [hf i]; exact of_decide_eq_true h1)
    have hw : ∀ t x, t ≤ (⟨gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), hjd⟩ : Fin c.d) →
        x ≠ seqLabel ts →
        c.transformer.EVOU t x - c.transformer.EVOU t (seqLabel ts) ≤
          ((c.omZ (maxTok f c.n) (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ)
            / c.U := by
      intro t x ht _
      have h := c.evou_le (seqLabel ts) t x (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f))
        (Fin.le_iff_val_le_val.mp ht)
      rw [hy] at h
      exact h
    have hrho : ∀ t, t ≤ (⟨gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), hjd⟩ : Fin c.d) →
        c.transformer.alpha (ts (Fin.last c.n)) t ≤
          c.transformer.alpha (ts (Fin.last c.n))
              ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
            / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)
            * c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts) := by
      intro t ht
      rw [div_mul_pos_cancel _ _ ham]
      apply c.alpha_le
      rw [hq]
      exact (argmaxZ_spec (fun t => c.eqkeZ (f c.n) t)
        (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f))).2 t (Fin.le_iff_val_le_val.mp ht)
    have hrho0 : 0 ≤ c.transformer.alpha (ts (Fin.last c.n))
          ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
        / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts) :=
      div_nonneg (le_of_lt (c.transformer.alpha_pos _ _)) (le_of_lt ham)
    -- step 2: `A_lo = B / 2^P` below the attention on the max positions
    obtain ⟨i0, hi0⟩ := label_attained ts
    have hS : 0 < ∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0 := by
      refine sum_pos_one (fun i => if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i
        else 0) i0 (fun i => ?_) ?_
      · show 0 ≤ (if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0)
        by_cases h : ts i = seqLabel ts
        · rw [if_pos h]
          exact le_of_lt (c.transformer.pi_pos _ i)
        · exact le_of_eq (if_neg h).symm
      · show 0 < (if ts i0 = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i0 else 0)
        rw [if_pos hi0]
        exact c.transformer.pi_pos _ i0
    have hNW : 0 ≤ ∑ i, if ts i = seqLabel ts then 0 else
        c.wexp (f c.n) i (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) := by
      refine Finset.sum_nonneg fun i _ => ?_
      show 0 ≤ (if ts i = seqLabel ts then 0 else
        c.wexp (f c.n) i (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)))
      by_cases h : ts i = seqLabel ts
      · exact le_of_eq (if_pos h).symm
      · rw [if_neg h]
        exact le_of_lt (Real.exp_pos _)
    have hXe : c.transformer.alpha (ts (Fin.last c.n))
            ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
          / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)
          * ((∑ i, c.transformer.pi (ts (Fin.last c.n)) i)
            - ∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0)
          * c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts) =
        c.Kexp (f c.n) * ∑ i, if ts i = seqLabel ts then 0 else
          c.wexp (f c.n) i (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) := by
      have e : c.transformer.alpha (ts (Fin.last c.n))
              ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
            / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)
            * ((∑ i, c.transformer.pi (ts (Fin.last c.n)) i)
              - ∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0)
            * c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts) =
          ((∑ i, c.transformer.pi (ts (Fin.last c.n)) i)
              - ∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0)
            * (c.transformer.alpha (ts (Fin.last c.n))
                ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
              / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)
              * c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)) := by ring
      rw [e, div_mul_pos_cancel _ _ ham]
      exact c.rest_mul_eq hpre ts (ts (Fin.last c.n))
        ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩ (f c.n) _ hq rfl
    have hAlo := alo_le
      (∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0)
      (c.transformer.alpha (ts (Fin.last c.n))
          ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
        / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts)
        * ((∑ i, c.transformer.pi (ts (Fin.last c.n)) i)
          - ∑ i, if ts i = seqLabel ts then c.transformer.pi (ts (Fin.last c.n)) i else 0))
      _ _ _ _ _ _ _
      ((c.bZ (f c.n) (maxTok f c.n) b (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ)
        : ℝ) hS ham hK hQ hNW
      (c.max_mul_eq hpre ts (ts (Fin.last c.n)) (seqLabel ts) (f c.n) (maxTok f c.n) hq hy) hXe
      (c.sL_le hpre ts f hf hy b hbit)
      (c.nH_le hpre ts f hf hy b hbit (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)))
      (by exact_mod_cast of_decide_eq_true hB0) (by exact_mod_cast of_decide_eq_true hBQ)
      (by exact_mod_cast of_decide_eq_true hint)
    -- step 3: the chord
    have haB' := of_decide_eq_true haB
    have hch' := of_decide_eq_true hch
    unfold chordZ at hch'
    have hchR : ((2 : ℝ) ^ c.prec - (c.chordPt claims (maxTok f c.n) : ℝ)) * 2 ^ c.prec *
            ((c.GZ (f c.n) : ℤ) : ℝ)
          + (2 ^ c.prec - ((c.bZ (f c.n) (maxTok f c.n) b
              (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ))
            * ((c.FaZ (maxTok f c.n) (c.chordPt claims (maxTok f c.n)) : ℤ) : ℝ)
          + (((c.bZ (f c.n) (maxTok f c.n) b
              (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ)
            - (c.chordPt claims (maxTok f c.n) : ℝ)) * 2 ^ c.prec
            * ((c.F1Z (maxTok f c.n) : ℤ) : ℝ)
          + (2 ^ c.prec - (c.chordPt claims (maxTok f c.n) : ℝ))
            * (2 ^ c.prec - ((c.bZ (f c.n) (maxTok f c.n) b
              (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ))
            * ((c.omZ (maxTok f c.n) (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ)
              : ℝ) < 0 := by
      exact_mod_cast hch'
    have ha : (c.chordPt claims (maxTok f c.n) : ℝ) / 2 ^ c.prec < 1 := by
      have h1 : (c.chordPt claims (maxTok f c.n) : ℝ) < 2 ^ c.prec := by exact_mod_cast ha1'
      have h2 := div_mul_pos_cancel (c.chordPt claims (maxTok f c.n) : ℝ) _ hQ
      by_cases h : (c.chordPt claims (maxTok f c.n) : ℝ) / 2 ^ c.prec < 1
      · exact h
      · have h3 := mul_le_mul_of_nonneg_right (not_lt.1 h) (le_of_lt hQ)
        linarith
    have haAlo : (c.chordPt claims (maxTok f c.n) : ℝ) / 2 ^ c.prec ≤
        ((c.bZ (f c.n) (maxTok f c.n) b
          (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ) / 2 ^ c.prec :=
      div_le_div_of_nonneg_right (by exact_mod_cast haB') (le_of_lt hQ)
    have hneg2 := chord_scaled _ _ _ _ _ _ _ _ _ _ _ _ _ _ hQ hU
      (div_mul_pos_cancel (c.chordPt claims (maxTok f c.n) : ℝ) _ hQ)
      (div_mul_pos_cancel ((c.bZ (f c.n) (maxTok f c.n) b
        (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ) _ hQ)
      (div_mul_pos_cancel ((c.GZ (f c.n) : ℤ) : ℝ) _ hU)
      (div_mul_pos_cancel ((c.FaZ (maxTok f c.n) (c.chordPt claims (maxTok f c.n)) : ℤ) : ℝ) _
        (mul_pos hQ hU))
      (div_mul_pos_cancel ((c.F1Z (maxTok f c.n) : ℤ) : ℝ) _ hU)
      (div_mul_pos_cancel ((c.omZ (maxTok f c.n)
        (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ) _ hU) hchR
    have hFa : ∀ x, x ≠ seqLabel ts →
        ((c.MuZ (maxTok f c.n) x : ℤ) : ℝ) / c.U + ((c.PmZ (maxTok f c.n) x : ℤ) : ℝ) / c.U +
          (c.chordPt claims (maxTok f c.n) : ℝ) / 2 ^ c.prec *
            (c.transformer.EVOU (seqLabel ts) x - c.transformer.EVOU (seqLabel ts) (seqLabel ts))
          ≤ ((c.FaZ (maxTok f c.n) (c.chordPt claims (maxTok f c.n)) : ℤ) : ℝ)
            / (2 ^ c.prec * c.U) := by
      intro x hx
      have h := c.Fa_le (seqLabel ts) x hx (c.chordPt claims (maxTok f c.n))
      rw [hy] at h
      exact h
    exact c.transformer.correct_of_subcubic ts
      ⟨gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), hjd⟩
      (((c.GZ (f c.n) : ℤ) : ℝ) / c.U)
      (((c.omZ (maxTok f c.n) (gapJ claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ)
        / c.U)
      (c.transformer.alpha (ts (Fin.last c.n))
          ⟨c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f), htd⟩
        / c.transformer.alpha (ts (Fin.last c.n)) (seqLabel ts))
      ((c.chordPt claims (maxTok f c.n) : ℝ) / 2 ^ c.prec)
      (((c.bZ (f c.n) (maxTok f c.n) b
        (c.tStar claims (f c.n) (maxTok f c.n) (c.nonmaxAll f)) : ℤ) : ℝ) / 2 ^ c.prec)
      (((c.FaZ (maxTok f c.n) (c.chordPt claims (maxTok f c.n)) : ℤ) : ℝ) / (2 ^ c.prec * c.U))
      (((c.F1Z (maxTok f c.n) : ℤ) : ℝ) / c.U)
      (fun x => ((c.MuZ (maxTok f c.n) x : ℤ) : ℝ) / c.U)
      (fun x => ((c.PmZ (maxTok f c.n) x : ℤ) : ℝ) / c.U)
      hj hE hP hw hrho0 hrho hFa hF1 hAlo ha haAlo hneg1 hneg2

end TCertData

/-- **Soundness of the subcubic checker**: the real transformer with the certificate's exact
weights has accuracy at least `p / q`. -/
theorem checkSubcubicAccuracy_sound (c : TCertData) (claims : List (List (List ℕ)))
    (h : checkSubcubicAccuracy c claims = true) :
    c.transformer.accuracy ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkSubcubicAccuracy at h
  obtain ⟨h12, hclaim⟩ := band_true h
  obtain ⟨hpre, hcases⟩ := band_true h12
  exact accuracy_ge_of_count c (c.subcubicCoveredAt claims)
    (fun a hs => c.subcubic_covered_correct claims hpre hcases (finFunctionFinEquiv.symm a)
      (fun i => (a : ℕ) / c.d ^ i % c.d) (fun i => rfl) hs)
    _ (le_refl _) hclaim

end PyExport
