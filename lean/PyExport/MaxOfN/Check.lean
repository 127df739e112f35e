/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.Counting
import PyExport.MaxOfN.Data
import PyExport.MaxOfN.Accuracy
import PyExport.MaxOfN.Symmetry

/-!
# Reflective checkers: common infrastructure and the accuracy checkers (two tokens)

A certificate is checked by *evaluating a Boolean function in the kernel*: the rendered file
proves `checkX cert_data cert_trace = true` with `decide +kernel` and applies the soundness
theorem `checkX_sound`, whose conclusion is the claim about the real-valued model
`cert_data.weights` (exact dyadic weights, real `exp` / `log`).

Everything the checkers compute is exact `Nat` / `Int` arithmetic on lists, walked by
structural recursion (`PyExport/ListData.lean`, `PyExport/MaxOfN/Data.lean`); no `Float`, no
well-founded recursion. The Boolean facts, the loops `sumI` / `allBelow` and the claim test
`claimOk` are shared with the Max-of-K checkers and live in `PyExport/Counting.lean`.

## Index conventions

* `c.wcol t` is the integer column `t` of the column table: `W j t = (c.wcol t)[j] / 2 ^ c.S`
  (`CertData.colTable_eq`).
* The label of the input `(a, b)` is `lab a b = if a ≤ b then b else a`, i.e. `max a b`
  (`max_val_eq`).
* A *grid* function `G : ℕ → ℕ → ℤ` is summed over all `d ^ 2` inputs by `gridSum G d`; a
  *sorted* loop `sortedSum G d` visits only `a ≤ b` (row `b`, then `a`), counting `a < b` twice;
  the two agree for symmetric `G` (`gridSum_eq_sortedSum`). `symm2 F a b` reads a function
  defined on sorted inputs at the sorted version of `(a, b)`, so it is symmetric by construction.

## Main definitions

* `PyExport.checkBruteForceAccuracy`, `PyExport.checkSymmetryAccuracy`,
  `PyExport.checkConvexityAccuracy` — Boolean checkers.

## Main statements

* `PyExport.checkBruteForceAccuracy_sound`, `PyExport.checkSymmetryAccuracy_sound`,
  `PyExport.checkConvexityAccuracy_sound`:
  `check… c tr = true → accuracy2 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ)`.
* `PyExport.accuracy2_ge_of_grid`, `PyExport.pairCorrect_of_corrAt`,
  `PyExport.gridSum_eq_sortedSum` — the facts they rest on.
* `PyExport.isCorrect_of_scaled` — shared with `Check3.lean` (`PyExport.claimOk`,
  `PyExport.le_of_claimOk`, `PyExport.ind_le_ite`, used by `Check3.lean` and the Max-of-K
  checkers, are in `PyExport/Counting.lean`).

## Implementation notes

Trace layouts (rendered by `pyexport/kernels/lean_context.py`):

* brute force: `List (List Bool)`, row `t1`, entry `t2`: input `(t1, t2)` claimed correct;
* symmetry: `List (List Bool)`, row `t2`, entry `t1 ≤ t2`: sorted input `(t1, t2)` claimed correct;
* convexity: `List (List Nat)`, row `t`: `[argmax, runner-up]` of the column `W[:, t]`.

A claimed-correct input is verified exactly (every non-label logit strictly below the label
logit, in integers); a wrong claim makes the check false, as in `pyexport/checker.py`.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Loops over `ℕ` indices, as the checkers compute them -/

theorem sumI_add (f g : ℕ → ℤ) : ∀ n : ℕ, sumI (fun i => f i + g i) n = sumI f n + sumI g n
  | 0 => by
    show (0 : ℤ) = 0 + 0
    omega
  | n + 1 => by
    show sumI (fun i => f i + g i) n + (f n + g n) = sumI f n + f n + (sumI g n + g n)
    rw [sumI_add f g n]
    ring

/-- `f a b` for all `a, b < n`. -/
def allGrid (f : ℕ → ℕ → Bool) (n : ℕ) : Bool :=
  allBelow (fun a => allBelow (fun b => f a b) n) n

theorem allGrid_spec (f : ℕ → ℕ → Bool) (n : ℕ) (h : allGrid f n = true) (a b : ℕ)
    (ha : a < n) (hb : b < n) : f a b = true :=
  allBelow_spec (fun b => f a b) n
    (allBelow_spec (fun a => allBelow (fun b => f a b) n) n h a ha) b hb

/-- `f a b` for all `a ≤ b < n` (row `b`, then `a`). -/
def allSorted (f : ℕ → ℕ → Bool) (n : ℕ) : Bool :=
  allBelow (fun b => allBelow (fun a => f a b) (b + 1)) n

theorem allSorted_spec (f : ℕ → ℕ → Bool) (n : ℕ) (h : allSorted f n = true) (a b : ℕ)
    (hab : a ≤ b) (hb : b < n) : f a b = true :=
  allBelow_spec (fun a => f a b) (b + 1)
    (allBelow_spec (fun b => allBelow (fun a => f a b) (b + 1)) n h b hb) a (by omega)

/-- `allZip f n i l1 l2`: `f (i + k) l1[k] l2[k]` holds for every `k < n`. -/
def allZip (f : ℕ → ℤ → ℤ → Bool) : ℕ → ℕ → List ℤ → List ℤ → Bool
  | 0, _, _, _ => true
  | n + 1, i, l1, l2 => f i (l1.headD 0) (l2.headD 0) && allZip f n (i + 1) l1.tail l2.tail

theorem allZip_spec (f : ℕ → ℤ → ℤ → Bool) :
    ∀ (n i : ℕ) (l1 l2 : List ℤ), allZip f n i l1 l2 = true →
      ∀ k : ℕ, k < n → f (i + k) (nth 0 l1 k) (nth 0 l2 k) = true
  | 0, _, _, _, _, k, hk => absurd hk (Nat.not_lt_zero k)
  | n + 1, i, l1, l2, h, 0, _ => by
    have h' : (f i (l1.headD 0) (l2.headD 0) && allZip f n (i + 1) l1.tail l2.tail) = true := h
    rw [nth_zero, nth_zero]
    exact (band_true h').1
  | n + 1, i, l1, l2, h, k + 1, hk => by
    have h' : (f i (l1.headD 0) (l2.headD 0) && allZip f n (i + 1) l1.tail l2.tail) = true := h
    have ih := allZip_spec f n (i + 1) l1.tail l2.tail (band_true h').2 k (by omega)
    rw [nth_succ, nth_succ]
    have e : i + (k + 1) = i + 1 + k := by omega
    rw [e]
    exact ih

theorem allZip_spec0 (f : ℕ → ℤ → ℤ → Bool) (n : ℕ) (l1 l2 : List ℤ)
    (h : allZip f n 0 l1 l2 = true) (k : ℕ) (hk : k < n) :
    f k (nth 0 l1 k) (nth 0 l2 k) = true := by
  have h1 := allZip_spec f n 0 l1 l2 h k hk
  rw [Nat.zero_add] at h1
  exact h1

/-! ### Grid sums and sorted sums -/

/-- Sum of `G a b` over the full grid `a, b < n`. -/
def gridSum (G : ℕ → ℕ → ℤ) (n : ℕ) : ℤ :=
  sumI (fun a => sumI (fun b => G a b) n) n

/-- Sum over sorted inputs `a ≤ b < n` (row `b`): off the diagonal twice, the diagonal once. -/
def sortedSum (G : ℕ → ℕ → ℤ) (n : ℕ) : ℤ :=
  sumI (fun b => 2 * sumI (fun a => G a b) b + G b b) n

/-- For symmetric `G`, the grid sum is the sorted sum with multiplicities 2 / 1. -/
theorem gridSum_eq_sortedSum (G : ℕ → ℕ → ℤ) (hG : ∀ a b, G a b = G b a) :
    ∀ n : ℕ, gridSum G n = sortedSum G n
  | 0 => rfl
  | n + 1 => by
    have ih : sumI (fun a => sumI (fun b => G a b) n) n = sortedSum G n :=
      gridSum_eq_sortedSum G hG n
    have hsym : sumI (fun b => G n b) n = sumI (fun a => G a n) n :=
      congrArg (fun g => sumI g n) (funext (fun b => hG n b))
    have hsplit : sumI (fun a => sumI (fun b => G a b) n + G a n) n =
        sumI (fun a => sumI (fun b => G a b) n) n + sumI (fun a => G a n) n :=
      sumI_add (fun a => sumI (fun b => G a b) n) (fun a => G a n) n
    show sumI (fun a => sumI (fun b => G a b) n + G a n) n + (sumI (fun b => G n b) n + G n n) =
      sortedSum G n + (2 * sumI (fun a => G a n) n + G n n)
    rw [hsplit, hsym, ih]
    ring

theorem gridSum_cast (G : ℕ → ℕ → ℤ) (n : ℕ) :
    ((gridSum G n : ℤ) : ℝ) = ∑ a : Fin n, ∑ b : Fin n, ((G a b : ℤ) : ℝ) := by
  unfold gridSum
  rw [sumI_cast]
  apply Finset.sum_congr rfl
  intro a _
  exact sumI_cast (fun b => G a b) n

/-- `symm2 F a b` reads `F` (meaningful on sorted inputs) at the sorted version of `(a, b)`. -/
def symm2 {α : Type} (F : ℕ → ℕ → α) (a b : ℕ) : α :=
  if a ≤ b then F a b else F b a

theorem symm2_comm {α : Type} (F : ℕ → ℕ → α) (a b : ℕ) : symm2 F a b = symm2 F b a := by
  unfold symm2
  by_cases h1 : a ≤ b
  · by_cases h2 : b ≤ a
    · have hab : a = b := Nat.le_antisymm h1 h2
      subst hab
      rfl
    · rw [if_pos h1, if_neg h2]
  · have h2 : b ≤ a := by omega
    rw [if_neg h1, if_pos h2]

/-- `1` where `V a b` holds, `0` elsewhere. -/
def indic (V : ℕ → ℕ → Bool) (a b : ℕ) : ℤ :=
  if V a b then 1 else 0

theorem indic_symm2_comm (P : ℕ → ℕ → Bool) (a b : ℕ) :
    indic (symm2 P) a b = indic (symm2 P) b a := by
  unfold indic
  rw [symm2_comm P a b]

/-! ### Labels and exact correctness -/

/-- The label of the input `(a, b)`: the larger token. -/
def lab (a b : ℕ) : ℕ :=
  if a ≤ b then b else a

theorem max_val_eq {d : ℕ} (t1 t2 : Fin d) : ((max t1 t2 : Fin d) : ℕ) = lab t1 t2 := by
  unfold lab
  by_cases h : (t1 : ℕ) ≤ t2
  · have hm : max t1 t2 = t2 := max_eq_right (Fin.le_iff_val_le_val.mpr h)
    rw [hm, if_pos h]
  · have h' : t2 ≤ t1 := Fin.le_iff_val_le_val.mpr (by omega)
    have hm : max t1 t2 = t1 := max_eq_left h'
    rw [hm, if_neg h]

theorem div_add_div_lt {a b c e D : ℝ} (hD : 0 < D) (h : a + b < c + e) :
    a / D + b / D < c / D + e / D := by
  have h1 : a / D + b / D = (a + b) / D := by ring
  have h2 : c / D + e / D = (c + e) / D := by ring
  rw [h1, h2]
  exact div_lt_div_of_pos_right h hD

/-- **Exact correctness.** If, in integers, every logit `j ≠ y` of the input `(t1, t2)` is
below the logit `y = max t1 t2`, the input is classified correctly. -/
theorem pairCorrect_of_int (c : CertData) (t1 t2 y : Fin c.d) (hmax : max t1 t2 = y)
    (h : ∀ j : ℕ, j < c.d → j ≠ (y : ℕ) →
      nth 0 (c.wcol t1) j + nth 0 (c.wcol t2) j < nth 0 (c.wcol t1) y + nth 0 (c.wcol t2) y) :
    pairCorrect c.weights.colTable t1 t2 := by
  unfold pairCorrect IsCorrect
  rw [hmax]
  intro j hj
  have hjv : (j : ℕ) ≠ (y : ℕ) := fun e => hj (Fin.ext e)
  have hz := h j j.isLt hjv
  have hS : (0 : ℝ) < 2 ^ c.S := by positivity
  have hz' : ((nth 0 (c.wcol t1) j : ℤ) : ℝ) + ((nth 0 (c.wcol t2) j : ℤ) : ℝ) <
      ((nth 0 (c.wcol t1) y : ℤ) : ℝ) + ((nth 0 (c.wcol t2) y : ℤ) : ℝ) := by
    exact_mod_cast hz
  unfold pairLogits
  rw [c.colTable_eq j t1, c.colTable_eq j t2, c.colTable_eq y t1, c.colTable_eq y t2]
  exact div_add_div_lt hS hz'

/-- **Exact correctness from integers.** Logits `z j = Z j / 2 ^ S` with `Z j < Z y` for every
`j ≠ y` (in integers) classify `y` correctly. -/
theorem isCorrect_of_scaled {d : ℕ} (z : Fin d → ℝ) (Z : ℕ → ℤ) (S : ℕ)
    (hz : ∀ j : Fin d, z j = ((Z j : ℤ) : ℝ) / 2 ^ S) (y : Fin d)
    (h : ∀ j : ℕ, j < d → j ≠ (y : ℕ) → Z j < Z y) : IsCorrect z y := by
  unfold IsCorrect
  intro j hj
  have hjy : ((Z j : ℤ) : ℝ) < ((Z y : ℤ) : ℝ) := by
    exact_mod_cast h j j.isLt (fun e => hj (Fin.ext e))
  rw [hz j, hz y]
  exact div_lt_div_of_pos_right hjy (by positivity)

theorem pairCorrect_comm {d : ℕ} (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) :
    pairCorrect W t1 t2 ↔ pairCorrect W t2 t1 := by
  have hz : pairLogits W t1 t2 = pairLogits W t2 t1 := pairLogits_comm W t1 t2
  have hy : max t1 t2 = max t2 t1 := max_comm t1 t2
  unfold pairCorrect
  rw [hz, hy]

/-- A criterion `P` checked on sorted inputs gives correctness of every input. -/
theorem pairCorrect_of_sorted {d : ℕ} (W : Fin d → Fin d → ℝ) (P : ℕ → ℕ → Bool)
    (hP : ∀ a b : Fin d, (a : ℕ) ≤ b → P a b = true → pairCorrect W a b)
    (t1 t2 : Fin d) (h : symm2 P t1 t2 = true) : pairCorrect W t1 t2 := by
  unfold symm2 at h
  by_cases hle : (t1 : ℕ) ≤ t2
  · rw [if_pos hle] at h
    exact hP t1 t2 hle h
  · rw [if_neg hle] at h
    exact (pairCorrect_comm W t1 t2).mpr (hP t2 t1 (by omega) h)

/-- Exact test on integer columns `ca`, `cb` (`d` entries): `ca[j] + cb[j] < ca[y] + cb[y]`
for every `j < d`, `j ≠ y`. -/
def corrCols (d : ℕ) (ca cb : List ℤ) (y : ℕ) : Bool :=
  allZip (fun j x1 x2 => decide (j = y) || decide (x1 + x2 < nth 0 ca y + nth 0 cb y)) d 0 ca cb

theorem corrCols_spec (d : ℕ) (ca cb : List ℤ) (y : ℕ) (h : corrCols d ca cb y = true)
    (j : ℕ) (hj : j < d) (hjy : j ≠ y) : nth 0 ca j + nth 0 cb j < nth 0 ca y + nth 0 cb y := by
  unfold corrCols at h
  have h1 := allZip_spec0 _ d ca cb h j hj
  exact of_decide_eq_true (bor_true_right h1 (decide_ne_true_of_not hjy))

/-- Exact correctness test of the input `(a, b)` (label `lab a b`). -/
def corrAt (c : CertData) (a b : ℕ) : Bool :=
  corrCols c.d (c.wcol a) (c.wcol b) (lab a b)

theorem pairCorrect_of_corrAt (c : CertData) (t1 t2 : Fin c.d) (h : corrAt c t1 t2 = true) :
    pairCorrect c.weights.colTable t1 t2 := by
  unfold corrAt at h
  rw [← max_val_eq t1 t2] at h
  exact pairCorrect_of_int c t1 t2 (max t1 t2) rfl
    (fun j hj hjy => corrCols_spec c.d _ _ _ h j hj hjy)

/-! ### The accuracy claim -/

/-- `p / q ≤ count / d ^ 2`, decided exactly (with `q > 0`, `d > 0`). -/
def claimAccOk (d p q : ℕ) (count : ℤ) : Bool :=
  decide (0 < q) && decide (0 < d) &&
    decide ((p : ℤ) * ((d : ℤ) * (d : ℤ)) ≤ count * (q : ℤ))

/-- **Accuracy from a verified grid.** If every input where `V` holds is correct, and
`p / q ≤ #V / d ^ 2`, then `accuracy2 W ≥ p / q`. -/
theorem accuracy2_ge_of_grid {d : ℕ} (W : Fin d → Fin d → ℝ) (V : ℕ → ℕ → Bool)
    (hV : ∀ t1 t2 : Fin d, V t1 t2 = true → pairCorrect W t1 t2) (p q : ℕ)
    (hclaim : claimAccOk d p q (gridSum (indic V) d) = true) :
    accuracy2 W ≥ (p : ℝ) / (q : ℝ) := by
  unfold claimAccOk at hclaim
  have h123 := band_true hclaim
  have h12 := band_true h123.1
  have hq : 0 < q := of_decide_eq_true h12.1
  have hd : 0 < d := of_decide_eq_true h12.2
  have hc : (p : ℤ) * ((d : ℤ) * (d : ℤ)) ≤ gridSum (indic V) d * (q : ℤ) :=
    of_decide_eq_true h123.2
  have hacc := accuracy2_ge W (fun t1 t2 => V t1 t2 = true) hV
  show (p : ℝ) / (q : ℝ) ≤ accuracy2 W
  have hq' : (0 : ℝ) < (q : ℝ) := by exact_mod_cast hq
  have hd' : (0 : ℝ) < (d : ℝ) := by exact_mod_cast hd
  have hd2 : (0 : ℝ) < (d : ℝ) ^ 2 := pow_pos hd' 2
  have hcR : (p : ℝ) * ((d : ℝ) * (d : ℝ)) ≤ ((gridSum (indic V) d : ℤ) : ℝ) * (q : ℝ) := by
    exact_mod_cast hc
  refine le_trans ?_ hacc
  refine le_trans (b := 1 / (d : ℝ) ^ 2 * ((gridSum (indic V) d : ℤ) : ℝ)) ?_ ?_
  · rw [div_le_iff₀ hq']
    have e : 1 / (d : ℝ) ^ 2 * ((gridSum (indic V) d : ℤ) : ℝ) * (q : ℝ) =
        ((gridSum (indic V) d : ℤ) : ℝ) * (q : ℝ) / (d : ℝ) ^ 2 := by ring
    rw [e, le_div_iff₀ hd2]
    calc (p : ℝ) * (d : ℝ) ^ 2 = (p : ℝ) * ((d : ℝ) * (d : ℝ)) := by ring
      _ ≤ ((gridSum (indic V) d : ℤ) : ℝ) * (q : ℝ) := hcR
  · refine mul_le_mul_of_nonneg_left ?_ (by positivity)
    rw [gridSum_cast]
    apply Finset.sum_le_sum
    intro t1 _
    apply Finset.sum_le_sum
    intro t2 _
    by_cases hv : V t1 t2 = true
    · simp [indic, hv]
    · simp [indic, hv]

/-! ### Brute force -/

/-- Claimed verdict of the input `(a, b)`: row `a`, entry `b`. -/
def bitGrid (tr : List (List Bool)) (a b : ℕ) : Bool :=
  nth false (nth [] tr a) b

/-- **Brute-force accuracy checker.** Every claimed input is verified exactly; the count of
claimed inputs, over `d ^ 2`, must be at least `p / q`. -/
def checkBruteForceAccuracy (c : CertData) (tr : List (List Bool)) : Bool :=
  allGrid (fun a b => !(bitGrid tr a b) || corrAt c a b) c.d &&
    claimAccOk c.d c.p c.q (gridSum (indic (bitGrid tr)) c.d)

theorem checkBruteForceAccuracy_sound (c : CertData) (tr : List (List Bool))
    (h : checkBruteForceAccuracy c tr = true) :
    accuracy2 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkBruteForceAccuracy at h
  have hh := band_true h
  refine accuracy2_ge_of_grid c.weights.colTable (bitGrid tr) ?_ c.p c.q hh.2
  intro t1 t2 hb
  have hb' : bitGrid tr t1 t2 = true := hb
  have h1 := allGrid_spec _ c.d hh.1 t1 t2 t1.isLt t2.isLt
  have hnot : (!(bitGrid tr t1 t2)) ≠ true := by simp [hb']
  exact pairCorrect_of_corrAt c t1 t2 (bor_true_right h1 hnot)

/-! ### Symmetry -/

/-- Claimed verdict of the sorted input `(a, b)`, `a ≤ b`: row `b`, entry `a`. -/
def bitSorted (tr : List (List Bool)) (a b : ℕ) : Bool :=
  nth false (nth [] tr b) a

/-- **Symmetry accuracy checker.** Sorted inputs only; off-diagonal inputs count twice. -/
def checkSymmetryAccuracy (c : CertData) (tr : List (List Bool)) : Bool :=
  allSorted (fun a b => !(bitSorted tr a b) || corrAt c a b) c.d &&
    claimAccOk c.d c.p c.q (sortedSum (indic (symm2 (bitSorted tr))) c.d)

theorem checkSymmetryAccuracy_sound (c : CertData) (tr : List (List Bool))
    (h : checkSymmetryAccuracy c tr = true) :
    accuracy2 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkSymmetryAccuracy at h
  have hh := band_true h
  have hclaim := hh.2
  rw [← gridSum_eq_sortedSum (indic (symm2 (bitSorted tr)))
    (indic_symm2_comm (bitSorted tr)) c.d] at hclaim
  refine accuracy2_ge_of_grid c.weights.colTable (symm2 (bitSorted tr)) ?_ c.p c.q hclaim
  intro t1 t2 hv
  refine pairCorrect_of_sorted c.weights.colTable (bitSorted tr) ?_ t1 t2 hv
  intro a b hab hb
  have hb' : bitSorted tr a b = true := hb
  have h1 := allSorted_spec _ c.d hh.1 a b hab b.isLt
  have hnot : (!(bitSorted tr a b)) ≠ true := by simp [hb']
  exact pairCorrect_of_corrAt c a b (bor_true_right h1 hnot)

/-! ### Convexity (margin concavity) -/

/-- First hint of column `s`: the claimed argmax of `W[:, s]`. -/
def hint0 (top : List (List ℕ)) (s : ℕ) : ℕ := nth 0 (nth [] top s) 0

/-- Second hint of column `s`: the claimed runner-up of `W[:, s]`. -/
def hint1 (top : List (List ℕ)) (s : ℕ) : ℕ := nth 0 (nth [] top s) 1

/-- The hints `f`, `sc` of a column `col` (`d` entries): both in range and distinct, and
`col[j] ≤ col[sc] ≤ col[f]` for every `j ∉ {f, sc}`. Soundness uses only the last two facts. -/
def top2Ok (d : ℕ) (col : List ℤ) (f sc : ℕ) : Bool :=
  (decide (f < d) && decide (sc < d) && decide (f ≠ sc)) &&
    (decide (nth 0 col sc ≤ nth 0 col f) &&
      allZip (fun j x _ => decide (j = f) || decide (j = sc) || decide (x ≤ nth 0 col sc))
        d 0 col col)

/-- The strongest competitor of label `y` in the column: the runner-up if `y` is the argmax. -/
def rival (col : List ℤ) (f sc y : ℕ) : ℤ :=
  if y = f then nth 0 col sc else nth 0 col f

theorem le_rival (d : ℕ) (col : List ℤ) (f sc y : ℕ) (h : top2Ok d col f sc = true)
    (j : ℕ) (hj : j < d) (hjy : j ≠ y) : nth 0 col j ≤ rival col f sc y := by
  unfold top2Ok at h
  have hcore := (band_true h).2
  have h1 : nth 0 col sc ≤ nth 0 col f := of_decide_eq_true (band_true hcore).1
  have h2 := allZip_spec0 _ d col col (band_true hcore).2 j hj
  by_cases hyf : y = f
  · have hr : rival col f sc y = nth 0 col sc := by
      unfold rival
      rw [if_pos hyf]
    have hjf : j ≠ f := fun e => hjy (e.trans hyf.symm)
    by_cases hjs : j = sc
    · exact le_of_eq (by rw [hr, hjs])
    · have h3 := bor_true_right h2
        (bor_ne_true (decide_ne_true_of_not hjf) (decide_ne_true_of_not hjs))
      exact le_trans (of_decide_eq_true h3) (le_of_eq hr.symm)
  · have hr : rival col f sc y = nth 0 col f := by
      unfold rival
      rw [if_neg hyf]
    by_cases hjf : j = f
    · exact le_of_eq (by rw [hr, hjf])
    · by_cases hjs : j = sc
      · exact le_trans (le_of_eq (by rw [hjs])) (le_trans h1 (le_of_eq hr.symm))
      · have h3 := bor_true_right h2
          (bor_ne_true (decide_ne_true_of_not hjf) (decide_ne_true_of_not hjs))
        exact le_trans (le_trans (of_decide_eq_true h3) h1) (le_of_eq hr.symm)

/-- All `d` columns carry verified hints. -/
def hintsOk (c : CertData) (top : List (List ℕ)) : Bool :=
  allBelow (fun s => top2Ok c.d (c.wcol s) (hint0 top s) (hint1 top s)) c.d

/-- Margin (units `2 ^ -S`, halved) of the diagonal input `(s, s)` for the label `y`:
`W[y, s] - rival`, a lower bound of `min_{j ≠ y} (W[y, s] - W[j, s])`. -/
def margin (c : CertData) (top : List (List ℕ)) (s y : ℕ) : ℤ :=
  nth 0 (c.wcol s) y - rival (c.wcol s) (hint0 top s) (hint1 top s) y

/-- The sorted input `(a, b)`, `a ≤ b`, is certified when the two diagonal margins for the
label `b` have a positive sum (on the diagonal: a positive margin). -/
def convCond (c : CertData) (top : List (List ℕ)) (a b : ℕ) : Bool :=
  decide (0 < margin c top a b + margin c top b b)

theorem pairCorrect_of_convCond (c : CertData) (top : List (List ℕ))
    (hok : hintsOk c top = true) (a b : Fin c.d) (hab : (a : ℕ) ≤ b)
    (hcond : convCond c top a b = true) : pairCorrect c.weights.colTable a b := by
  unfold hintsOk at hok
  unfold convCond margin at hcond
  have hm := of_decide_eq_true hcond
  have hmax : max a b = b := max_eq_right (Fin.le_iff_val_le_val.mpr hab)
  apply pairCorrect_of_int c a b b hmax
  intro j hj hjb
  have ha := le_rival c.d (c.wcol a) (hint0 top a) (hint1 top a) b
    (allBelow_spec _ c.d hok a a.isLt) j hj hjb
  have hb := le_rival c.d (c.wcol b) (hint0 top b) (hint1 top b) b
    (allBelow_spec _ c.d hok b b.isLt) j hj hjb
  omega

/-- **Convexity accuracy checker.** Hints verified; the count of certified inputs is
`#{t : margin(t,t) > 0} + 2 #{t1 < t2 : margin(t1,t2) + margin(t2,t2) > 0}`. -/
def checkConvexityAccuracy (c : CertData) (top : List (List ℕ)) : Bool :=
  hintsOk c top &&
    claimAccOk c.d c.p c.q (sortedSum (indic (symm2 (convCond c top))) c.d)

theorem checkConvexityAccuracy_sound (c : CertData) (top : List (List ℕ))
    (h : checkConvexityAccuracy c top = true) :
    accuracy2 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkConvexityAccuracy at h
  have hh := band_true h
  have hclaim := hh.2
  rw [← gridSum_eq_sortedSum (indic (symm2 (convCond c top)))
    (indic_symm2_comm (convCond c top)) c.d] at hclaim
  refine accuracy2_ge_of_grid c.weights.colTable (symm2 (convCond c top)) ?_ c.p c.q hclaim
  intro t1 t2 hv
  exact pairCorrect_of_sorted c.weights.colTable (convCond c top)
    (fun a b hab hcond => pairCorrect_of_convCond c top hh.1 a b hab hcond) t1 t2 hv

end PyExport
