/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Check
import PyExport.ExpBound
import PyExport.MaxOfN.Convexity

/-!
# Reflective checkers of expected-loss certificates (two tokens)

All quantities are exact: a column-table entry is `W j t = Wint[j, t] / 2 ^ S`
(`CertData.colTable_eq`), a trace value `k` means `k / 2 ^ G` (`G = c.grid`), and every
bound the checkers compare is an integer numerator over `2 ^ (S + G)` (or `2 ^ (S + G + 1)`).

## The per-input test

For a pair of columns `a, b` and a claimed value `v / 2 ^ (S + G)`, `lseOk c a b v` decides
`log ∑_j exp (W j a + W j b) ≤ v / 2 ^ (S + G)` through

    ∑_j A[a][j] * A[b][j]  ≤  2 ^ P * L,

where `m_t = max_j Wint[j, t]` (`colShift`), `A[t][j] ≥ 2 ^ P exp (W j t - m_t / 2 ^ S)`
(`expCol`, an upper bound by `expUpNeg`, argument `≤ 0`) and
`L ≤ 2 ^ P exp (v / 2 ^ (S+G) - (m_a + m_b) / 2 ^ S)` (`expLoInt`, a lower bound). Then
`∑_j exp (W j a + W j b) = exp (μ_a + μ_b) ∑_j exp (W j a - μ_a) exp (W j b - μ_b)
  ≤ exp (μ_a + μ_b) L / 2 ^ P ≤ exp (v / 2 ^ (S + G))` (`sum_exp_le_of_lseOk`). This is the
test `∑_j exp (z_j - z_y - u) ≤ 1` of the loss bound `u` of an input, multiplied out so that
only `2 d` exponentials per column and one per input are evaluated.

## Main definitions

* `PyExport.checkBruteForceLoss`, `PyExport.checkSymmetryLoss`, `PyExport.checkConvexityLoss`.

## Main statements

* `PyExport.checkBruteForceLoss_sound`, `PyExport.checkSymmetryLoss_sound`,
  `PyExport.checkConvexityLoss_sound`:
  `check… c tr = true → expectedLoss2 c.weights.colTable ≤ (c.p : ℝ) / (c.q : ℝ)`.
* `PyExport.pairLoss_le_of_lseOk`: one input's loss bound; `PyExport.lossOf_diag_le`: the
  diagonal bounds of the convexity strategy; `PyExport.expectedLoss2_le_of_grid`: the claim.

## Implementation notes

Trace layouts (rendered by `pyexport/kernels/lean_context.py`):

* brute force: `List (List Int)`, row `t1`, entry `t2`: `case_upper[t1][t2]`;
* symmetry: `List (List Int)`, row `t2`, entry `t1 ≤ t2`: `case_upper` of the sorted input;
* convexity: `List Int`: `lse_upper[t]`, an upper bound of `LSE (z(t,t))`.

Convexity: for every input, `f(t1,t2) ≤ (L(z(t1,t1), y) + L(z(t2,t2), y)) / 2` with
`y = max t1 t2` (`pairLoss_le_of_lt`, and equality on the diagonal), and
`L(z(s,s), y) ≤ lse_upper[s] / 2 ^ G - 2 W y s` (`lossOf_diag_le`).

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Powers of two and real algebra -/

/-- `2 ^ k` as an integer (computed with `Nat.pow`). -/
def pow2Z (k : ℕ) : ℤ := ((2 ^ k : ℕ) : ℤ)

theorem pow2Z_cast (k : ℕ) : ((pow2Z k : ℤ) : ℝ) = 2 ^ k := by
  first
  | simp [pow2Z]
  | (unfold pow2Z; push_cast; ring)
  | (unfold pow2Z; norm_num)

/-- Push casts (with `pow2Z_cast`), then close the goal with `ring` if it is still open. -/
macro "cast_ring" : tactic =>
  `(tactic| first
    | (push_cast [pow2Z_cast]; ring)
    | push_cast [pow2Z_cast]
    | (simp only [pow2Z_cast, Int.cast_add, Int.cast_sub, Int.cast_mul, Int.cast_ofNat]; ring))

theorem exp_add_shift (x y u w : ℝ) :
    Real.exp (x + y) = Real.exp (x - u) * Real.exp (y - w) * Real.exp (u + w) := by
  rw [← Real.exp_add, ← Real.exp_add]
  congr 1
  ring

theorem chain_aux {D L E K : ℝ} (hK : 0 < K) (hdot : D ≤ L * K) (hL : L / K ≤ E) :
    D / (K * K) ≤ E := by
  rw [div_le_iff₀ (mul_pos hK hK)]
  have h1 : L ≤ E * K := (div_le_iff₀ hK).mp hL
  have h2 : L * K ≤ E * K * K := mul_le_mul_of_nonneg_right h1 hK.le
  calc D ≤ L * K := hdot
    _ ≤ E * K * K := h2
    _ = E * (K * K) := by ring

theorem exp_chain {S X Y m r w : ℝ} (hS : S = X * Real.exp m) (hX : X ≤ Y)
    (hY : Y ≤ Real.exp r) (hw : r + m = w) : S ≤ Real.exp w := by
  rw [hS, ← hw, Real.exp_add]
  exact mul_le_mul_of_nonneg_right (le_trans hX hY) (Real.exp_pos m).le

/-- `W j t` over the common denominator `2 ^ (S + G)`. -/
theorem colTable_eqE (c : CertData) (j t : Fin c.d) :
    c.weights.colTable j t =
      ((nth 0 (c.wcol t) j : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid) := by
  have hG : (2 : ℝ) ^ c.grid ≠ 0 := by positivity
  rw [c.colTable_eq j t, pow_add]
  exact (mul_div_mul_right _ _ hG).symm

theorem dotNat_cast (n : ℕ) (u v : List ℕ) :
    ((dotNat n u v : ℕ) : ℝ) = ∑ k : Fin n, ((nth 0 u k : ℕ) : ℝ) * ((nth 0 v k : ℕ) : ℝ) := by
  rw [dotNat_eq_sum_range, Nat.cast_sum,
    ← Fin.sum_univ_eq_sum_range (fun k => ((nth 0 u k * nth 0 v k : ℕ) : ℝ)) n]
  apply Finset.sum_congr rfl
  intro k _
  exact Nat.cast_mul _ _

/-! ### Column shifts and exp tables -/

/-- `maxTo n l m = max m l[0] … l[n-1]` (entries past the end read as `0`). -/
def maxTo : ℕ → List ℤ → ℤ → ℤ
  | 0, _, m => m
  | n + 1, l, m => maxTo n l.tail (max m (l.headD 0))

theorem le_maxTo_acc : ∀ (n : ℕ) (l : List ℤ) (m : ℤ), m ≤ maxTo n l m
  | 0, _, m => le_refl m
  | n + 1, l, m => le_trans (le_max_left m (l.headD 0)) (le_maxTo_acc n l.tail (max m (l.headD 0)))

theorem nth_le_maxTo : ∀ (n : ℕ) (l : List ℤ) (m : ℤ) (j : ℕ), j < n → nth 0 l j ≤ maxTo n l m
  | 0, _, _, j, h => absurd h (Nat.not_lt_zero j)
  | n + 1, l, m, 0, _ => by
    rw [nth_zero]
    exact le_trans (le_max_right m (l.headD 0)) (le_maxTo_acc n l.tail (max m (l.headD 0)))
  | n + 1, l, m, j + 1, h => by
    rw [nth_succ]
    exact nth_le_maxTo n l.tail (max m (l.headD 0)) j (by omega)

/-- Shift of column `t`: its largest integer entry `m_t`. -/
def colShift (c : CertData) (t : ℕ) : ℤ :=
  maxTo c.d (c.wcol t) (nth 0 (c.wcol t) 0)

/-- Exp table of column `t`: entry `j` is an upper bound of
`2 ^ P * exp ((Wint[j, t] - m_t) / 2 ^ S)`, computed as `expUpNeg` of
`(m_t - Wint[j, t]) 2 ^ G / 2 ^ (S + G) ≥ 0`. -/
def expCol (c : CertData) (t : ℕ) : List ℕ :=
  mapN (fun x => expUpNeg c.prec c.terms c.halvings ((colShift c t - x) * pow2Z c.grid).toNat
    (c.S + c.grid)) 0 c.d (c.wcol t)

theorem exp_le_expCol (c : CertData) (j t : Fin c.d) :
    Real.exp (c.weights.colTable j t - ((colShift c t : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) ≤
      ((nth 0 (expCol c t) j : ℕ) : ℝ) / 2 ^ c.prec := by
  have hmax : nth 0 (c.wcol t) j ≤ colShift c t := nth_le_maxTo c.d (c.wcol t) _ j j.isLt
  have hpow : (0 : ℤ) ≤ pow2Z c.grid := by
    unfold pow2Z
    positivity
  have h0 : 0 ≤ (colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid :=
    mul_nonneg (by omega) hpow
  have hn : nth 0 (expCol c t) j =
      expUpNeg c.prec c.terms c.halvings ((colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid).toNat
        (c.S + c.grid) := by
    unfold expCol
    exact nth_mapN _ 0 0 c.d (c.wcol t) j j.isLt
  have hcast : ((((colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid).toNat : ℕ) : ℝ) =
      (((colShift c t : ℤ) : ℝ) - ((nth 0 (c.wcol t) j : ℤ) : ℝ)) * 2 ^ c.grid := by
    have h1 : ((((colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid).toNat : ℕ) : ℝ) =
        (((colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid : ℤ) : ℝ) := by
      exact_mod_cast Int.toNat_of_nonneg h0
    rw [h1, Int.cast_mul, Int.cast_sub, pow2Z_cast]
  have hb := exp_neg_le_expUpNeg c.prec c.terms c.halvings
    ((colShift c t - nth 0 (c.wcol t) j) * pow2Z c.grid).toNat (c.S + c.grid)
  rw [hcast] at hb
  rw [hn, colTable_eqE c j t]
  have e : ((nth 0 (c.wcol t) j : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid) -
        ((colShift c t : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid) =
      -((((colShift c t : ℤ) : ℝ) - ((nth 0 (c.wcol t) j : ℤ) : ℝ)) * 2 ^ c.grid /
        2 ^ (c.S + c.grid)) := by
    ring
  rw [e]
  exact hb

/-! ### The per-input test -/

/-- Decides (soundly) `log ∑_j exp (W j a + W j b) ≤ v / 2 ^ (S + G)`; see the module doc. -/
def lseOk (c : CertData) (a b : ℕ) (v : ℤ) : Bool :=
  decide (dotNat c.d (expCol c a) (expCol c b) ≤
    expLoInt c.prec c.terms c.halvings (v - (colShift c a + colShift c b) * pow2Z c.grid)
      (c.S + c.grid) * 2 ^ c.prec)

theorem sum_exp_le_of_lseOk (c : CertData) (hn : 0 < c.terms) (a b : Fin c.d) (v : ℤ)
    (h : lseOk c a b v = true) :
    ∑ j, Real.exp (c.weights.colTable j a + c.weights.colTable j b) ≤
      Real.exp ((v : ℝ) / 2 ^ (c.S + c.grid)) := by
  unfold lseOk at h
  have hK : (0 : ℝ) < 2 ^ c.prec := by positivity
  have hdot : ((dotNat c.d (expCol c a) (expCol c b) : ℕ) : ℝ) ≤
      ((expLoInt c.prec c.terms c.halvings (v - (colShift c a + colShift c b) * pow2Z c.grid)
        (c.S + c.grid) : ℕ) : ℝ) * 2 ^ c.prec := by
    exact_mod_cast of_decide_eq_true h
  have hL := expLoInt_le c.prec c.terms c.halvings hn
    (v - (colShift c a + colShift c b) * pow2Z c.grid) (c.S + c.grid)
  have hmid := chain_aux hK hdot hL
  have hshift : ∑ j, Real.exp (c.weights.colTable j a + c.weights.colTable j b) =
      (∑ j, Real.exp (c.weights.colTable j a -
          ((colShift c a : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) *
        Real.exp (c.weights.colTable j b -
          ((colShift c b : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid))) *
      Real.exp (((colShift c a : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid) +
        ((colShift c b : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) := by
    rw [Finset.sum_mul]
    apply Finset.sum_congr rfl
    intro j _
    exact exp_add_shift _ _ _ _
  have hprod : ∑ j, Real.exp (c.weights.colTable j a -
          ((colShift c a : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) *
        Real.exp (c.weights.colTable j b -
          ((colShift c b : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) ≤
      ((dotNat c.d (expCol c a) (expCol c b) : ℕ) : ℝ) / (2 ^ c.prec * 2 ^ c.prec) := by
    rw [dotNat_cast, Finset.sum_div]
    apply Finset.sum_le_sum
    intro j _
    have e : ((nth 0 (expCol c a) j : ℕ) : ℝ) * ((nth 0 (expCol c b) j : ℕ) : ℝ) /
          (2 ^ c.prec * 2 ^ c.prec) =
        (((nth 0 (expCol c a) j : ℕ) : ℝ) / 2 ^ c.prec) *
          (((nth 0 (expCol c b) j : ℕ) : ℝ) / 2 ^ c.prec) := by
      ring
    exact le_trans
      (mul_le_mul (exp_le_expCol c j a) (exp_le_expCol c j b) (Real.exp_pos _).le (by positivity))
      (le_of_eq e.symm)
  have hw : ((v - (colShift c a + colShift c b) * pow2Z c.grid : ℤ) : ℝ) / 2 ^ (c.S + c.grid) +
      (((colShift c a : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid) +
        ((colShift c b : ℤ) : ℝ) * 2 ^ c.grid / 2 ^ (c.S + c.grid)) =
      (v : ℝ) / 2 ^ (c.S + c.grid) := by
    cast_ring
  exact exp_chain hshift hprod hmid hw

/-- **One input's loss.** If `lseOk` accepts `v = (Wint[y,t1] + Wint[y,t2]) 2 ^ G + k 2 ^ S`
with `y = max t1 t2`, then `f(t1, t2) ≤ k / 2 ^ G = k 2 ^ S / 2 ^ (S + G)`. -/
theorem pairLoss_le_of_lseOk (c : CertData) (hn : 0 < c.terms) (t1 t2 y : Fin c.d)
    (hy : max t1 t2 = y) (k : ℤ)
    (h : lseOk c t1 t2
      ((nth 0 (c.wcol t1) y + nth 0 (c.wcol t2) y) * pow2Z c.grid + k * pow2Z c.S) = true) :
    pairLoss c.weights.colTable t1 t2 ≤ ((k * pow2Z c.S : ℤ) : ℝ) / 2 ^ (c.S + c.grid) := by
  have hs := sum_exp_le_of_lseOk c hn t1 t2 _ h
  have hpos : (0 : ℝ) < ∑ j, Real.exp (c.weights.colTable j t1 + c.weights.colTable j t2) :=
    Finset.sum_pos (fun j _ => Real.exp_pos _) ⟨t1, Finset.mem_univ t1⟩
  have hlog := Real.log_le_log hpos hs
  rw [Real.log_exp] at hlog
  have he : ((((nth 0 (c.wcol t1) y + nth 0 (c.wcol t2) y) * pow2Z c.grid + k * pow2Z c.S : ℤ))
        : ℝ) / 2 ^ (c.S + c.grid) =
      c.weights.colTable y t1 + c.weights.colTable y t2 +
        ((k * pow2Z c.S : ℤ) : ℝ) / 2 ^ (c.S + c.grid) := by
    rw [colTable_eqE c y t1, colTable_eqE c y t2]
    cast_ring
  unfold pairLoss lossOf pairLogits
  rw [hy]
  linarith

/-- Numerator (over `2 ^ (S + G)`) of the claimed bound `k / 2 ^ G`, and the test of
input `(a, b)` with label `lab a b`. -/
def lossArg (c : CertData) (a b : ℕ) (k : ℤ) : ℤ :=
  (nth 0 (c.wcol a) (lab a b) + nth 0 (c.wcol b) (lab a b)) * pow2Z c.grid + k * pow2Z c.S

def lossOk (c : CertData) (a b : ℕ) (k : ℤ) : Bool :=
  lseOk c a b (lossArg c a b k)

theorem pairLoss_le_of_lossOk (c : CertData) (hn : 0 < c.terms) (t1 t2 : Fin c.d) (k : ℤ)
    (h : lossOk c t1 t2 k = true) :
    pairLoss c.weights.colTable t1 t2 ≤ ((k * pow2Z c.S : ℤ) : ℝ) / 2 ^ (c.S + c.grid) := by
  unfold lossOk lossArg at h
  rw [← max_val_eq t1 t2] at h
  exact pairLoss_le_of_lseOk c hn t1 t2 (max t1 t2) rfl k h

/-! ### The loss claim -/

/-- `total / (2 ^ E d ^ 2) ≤ p / q`, decided exactly (with `q > 0`, `d > 0`). -/
def claimLossOk (d p q E : ℕ) (total : ℤ) : Bool :=
  decide (0 < q) && decide (0 < d) &&
    decide (total * (q : ℤ) ≤ (p : ℤ) * ((d : ℤ) * (d : ℤ)) * pow2Z E)

/-- **Expected loss from per-input bounds.** If every input's loss is at most `B t1 t2 / 2 ^ E`
and `∑ B / (2 ^ E d ^ 2) ≤ p / q`, then `expectedLoss2 W ≤ p / q`. -/
theorem expectedLoss2_le_of_grid {d : ℕ} (W : Fin d → Fin d → ℝ) (B : ℕ → ℕ → ℤ) (E : ℕ)
    (hB : ∀ t1 t2 : Fin d, pairLoss W t1 t2 ≤ ((B t1 t2 : ℤ) : ℝ) / 2 ^ E) (p q : ℕ)
    (hclaim : claimLossOk d p q E (gridSum B d) = true) :
    expectedLoss2 W ≤ (p : ℝ) / (q : ℝ) := by
  unfold claimLossOk at hclaim
  have h123 := band_true hclaim
  have h12 := band_true h123.1
  have hq : 0 < q := of_decide_eq_true h12.1
  have hd : 0 < d := of_decide_eq_true h12.2
  have hc : gridSum B d * (q : ℤ) ≤ (p : ℤ) * ((d : ℤ) * (d : ℤ)) * pow2Z E :=
    of_decide_eq_true h123.2
  have hq' : (0 : ℝ) < (q : ℝ) := by exact_mod_cast hq
  have hd' : (0 : ℝ) < (d : ℝ) := by exact_mod_cast hd
  have hE : (0 : ℝ) < 2 ^ E := by positivity
  have hcR : ((gridSum B d : ℤ) : ℝ) * (q : ℝ) ≤
      (p : ℝ) * ((d : ℝ) * (d : ℝ)) * ((pow2Z E : ℤ) : ℝ) := by
    exact_mod_cast hc
  rw [pow2Z_cast] at hcR
  have hsum : ∑ t1 : Fin d, ∑ t2 : Fin d, pairLoss W t1 t2 ≤ ((gridSum B d : ℤ) : ℝ) / 2 ^ E := by
    rw [gridSum_cast, Finset.sum_div]
    apply Finset.sum_le_sum
    intro t1 _
    rw [Finset.sum_div]
    apply Finset.sum_le_sum
    intro t2 _
    exact hB t1 t2
  have hD : (0 : ℝ) < (d : ℝ) * (d : ℝ) * 2 ^ E := mul_pos (mul_pos hd' hd') hE
  unfold expectedLoss2
  calc 1 / (d : ℝ) ^ 2 * ∑ t1 : Fin d, ∑ t2 : Fin d, pairLoss W t1 t2
      ≤ 1 / (d : ℝ) ^ 2 * (((gridSum B d : ℤ) : ℝ) / 2 ^ E) :=
        mul_le_mul_of_nonneg_left hsum (by positivity)
    _ = ((gridSum B d : ℤ) : ℝ) / ((d : ℝ) * (d : ℝ) * 2 ^ E) := by ring
    _ ≤ (p : ℝ) / (q : ℝ) := by
        rw [div_le_iff₀ hD]
        have e : (p : ℝ) / (q : ℝ) * ((d : ℝ) * (d : ℝ) * 2 ^ E) =
            (p : ℝ) * ((d : ℝ) * (d : ℝ)) * 2 ^ E / (q : ℝ) := by ring
        rw [e, le_div_iff₀ hq']
        exact hcR

/-- Per-input bounds checked on sorted inputs give bounds for every input. -/
theorem pairLoss_le_of_sorted {d : ℕ} (W : Fin d → Fin d → ℝ) (B : ℕ → ℕ → ℤ) (E : ℕ)
    (hB : ∀ a b : Fin d, (a : ℕ) ≤ b → pairLoss W a b ≤ ((B a b : ℤ) : ℝ) / 2 ^ E)
    (t1 t2 : Fin d) : pairLoss W t1 t2 ≤ ((symm2 B t1 t2 : ℤ) : ℝ) / 2 ^ E := by
  unfold symm2
  by_cases hle : (t1 : ℕ) ≤ t2
  · rw [if_pos hle]
    exact hB t1 t2 hle
  · rw [if_neg hle, pairLoss_comm W t1 t2]
    exact hB t2 t1 (by omega)

/-! ### Brute force and symmetry -/

/-- `case_upper` of the input `(a, b)`: row `a`, entry `b`. -/
def caseGrid (tr : List (List ℤ)) (a b : ℕ) : ℤ := nth 0 (nth [] tr a) b

/-- `case_upper` of the sorted input `(a, b)`, `a ≤ b`: row `b`, entry `a`. -/
def caseSorted (tr : List (List ℤ)) (a b : ℕ) : ℤ := nth 0 (nth [] tr b) a

/-- A trace value `k` (meaning `k / 2 ^ G`) as a numerator over `2 ^ (S + G)`. -/
def scaleS (c : CertData) (K : ℕ → ℕ → ℤ) (a b : ℕ) : ℤ := K a b * pow2Z c.S

/-- **Brute-force loss checker.** Every input's bound is verified; their mean must be at most
`p / q`. -/
def checkBruteForceLoss (c : CertData) (tr : List (List ℤ)) : Bool :=
  decide (0 < c.terms) &&
    allGrid (fun a b => lossOk c a b (caseGrid tr a b)) c.d &&
    claimLossOk c.d c.p c.q (c.S + c.grid) (gridSum (scaleS c (caseGrid tr)) c.d)

theorem checkBruteForceLoss_sound (c : CertData) (tr : List (List ℤ))
    (h : checkBruteForceLoss c tr = true) :
    expectedLoss2 c.weights.colTable ≤ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkBruteForceLoss at h
  have h123 := band_true h
  have h12 := band_true h123.1
  have hn : 0 < c.terms := of_decide_eq_true h12.1
  refine expectedLoss2_le_of_grid c.weights.colTable (scaleS c (caseGrid tr)) (c.S + c.grid)
    ?_ c.p c.q h123.2
  intro t1 t2
  exact pairLoss_le_of_lossOk c hn t1 t2 _ (allGrid_spec _ c.d h12.2 t1 t2 t1.isLt t2.isLt)

/-- **Symmetry loss checker.** Sorted inputs only; off-diagonal bounds count twice. -/
def checkSymmetryLoss (c : CertData) (tr : List (List ℤ)) : Bool :=
  decide (0 < c.terms) &&
    allSorted (fun a b => lossOk c a b (caseSorted tr a b)) c.d &&
    claimLossOk c.d c.p c.q (c.S + c.grid) (sortedSum (symm2 (scaleS c (caseSorted tr))) c.d)

theorem checkSymmetryLoss_sound (c : CertData) (tr : List (List ℤ))
    (h : checkSymmetryLoss c tr = true) :
    expectedLoss2 c.weights.colTable ≤ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkSymmetryLoss at h
  have h123 := band_true h
  have h12 := band_true h123.1
  have hn : 0 < c.terms := of_decide_eq_true h12.1
  have hclaim := h123.2
  rw [← gridSum_eq_sortedSum (symm2 (scaleS c (caseSorted tr)))
    (symm2_comm (scaleS c (caseSorted tr))) c.d] at hclaim
  refine expectedLoss2_le_of_grid c.weights.colTable (symm2 (scaleS c (caseSorted tr)))
    (c.S + c.grid) ?_ c.p c.q hclaim
  intro t1 t2
  refine pairLoss_le_of_sorted c.weights.colTable (scaleS c (caseSorted tr)) (c.S + c.grid)
    ?_ t1 t2
  intro a b hab
  exact pairLoss_le_of_lossOk c hn a b _ (allSorted_spec _ c.d h12.2 a b hab b.isLt)

/-! ### Convexity -/

/-- Numerator (over `2 ^ (S + G)`) of the bound `lse[s] / 2 ^ G - 2 W y s` of
`L(z(s,s), y) = LSE (z(s,s)) - z(s,s)_y`. -/
def cterm (c : CertData) (lse : List ℤ) (s y : ℕ) : ℤ :=
  nth 0 lse s * pow2Z c.S - 2 * nth 0 (c.wcol s) y * pow2Z c.grid

theorem lossOf_diag_le (c : CertData) (hn : 0 < c.terms) (lse : List ℤ) (s y : Fin c.d)
    (h : lseOk c s s (nth 0 lse s * pow2Z c.S) = true) :
    lossOf (pairLogits c.weights.colTable s s) y ≤
      ((cterm c lse s y : ℤ) : ℝ) / 2 ^ (c.S + c.grid) := by
  have hs := sum_exp_le_of_lseOk c hn s s _ h
  have hpos : (0 : ℝ) < ∑ j, Real.exp (c.weights.colTable j s + c.weights.colTable j s) :=
    Finset.sum_pos (fun j _ => Real.exp_pos _) ⟨s, Finset.mem_univ s⟩
  have hlog := Real.log_le_log hpos hs
  rw [Real.log_exp] at hlog
  have he : ((cterm c lse s y : ℤ) : ℝ) / 2 ^ (c.S + c.grid) =
      ((nth 0 lse s * pow2Z c.S : ℤ) : ℝ) / 2 ^ (c.S + c.grid) -
        (c.weights.colTable y s + c.weights.colTable y s) := by
    rw [colTable_eqE c y s]
    unfold cterm
    cast_ring
  unfold lossOf pairLogits
  linarith

/-- The convexity bound of the sorted input `(a, b)` (label `b`), over `2 ^ (S + G + 1)`. -/
def convTerm (c : CertData) (lse : List ℤ) (a b : ℕ) : ℤ :=
  cterm c lse a b + cterm c lse b b

theorem pairLoss_le_conv (c : CertData) (hn : 0 < c.terms) (lse : List ℤ)
    (hok : ∀ s : Fin c.d, lseOk c s s (nth 0 lse s * pow2Z c.S) = true)
    (a b : Fin c.d) (hab : (a : ℕ) ≤ b) :
    pairLoss c.weights.colTable a b ≤ ((convTerm c lse a b : ℤ) : ℝ) / 2 ^ (c.S + c.grid + 1) := by
  have ha := lossOf_diag_le c hn lse a b (hok a)
  have hb := lossOf_diag_le c hn lse b b (hok b)
  have hmid : pairLoss c.weights.colTable a b ≤
      (lossOf (pairLogits c.weights.colTable a a) b +
        lossOf (pairLogits c.weights.colTable b b) b) / 2 := by
    by_cases heq : a = b
    · subst heq
      have hm : max a a = a := max_self a
      unfold pairLoss
      rw [hm]
      linarith
    · have hlt : a < b := lt_of_le_of_ne (Fin.le_iff_val_le_val.mpr hab) heq
      exact pairLoss_le_of_lt c.weights.colTable hlt
  have e : ((convTerm c lse a b : ℤ) : ℝ) / 2 ^ (c.S + c.grid + 1) =
      (((cterm c lse a b : ℤ) : ℝ) / 2 ^ (c.S + c.grid) +
        ((cterm c lse b b : ℤ) : ℝ) / 2 ^ (c.S + c.grid)) / 2 := by
    unfold convTerm
    cast_ring
  rw [e]
  linarith

/-- **Convexity loss checker.** `lse_upper[t] / 2 ^ G ≥ LSE (z(t,t))` verified for every `t`;
then `d² E[f] ≤ ∑_{t1,t2} (L(z(t1,t1), y) + L(z(t2,t2), y)) / 2`, summed on sorted inputs. -/
def checkConvexityLoss (c : CertData) (lse : List ℤ) : Bool :=
  decide (0 < c.terms) &&
    allBelow (fun t => lseOk c t t (nth 0 lse t * pow2Z c.S)) c.d &&
    claimLossOk c.d c.p c.q (c.S + c.grid + 1) (sortedSum (symm2 (convTerm c lse)) c.d)

theorem checkConvexityLoss_sound (c : CertData) (lse : List ℤ)
    (h : checkConvexityLoss c lse = true) :
    expectedLoss2 c.weights.colTable ≤ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkConvexityLoss at h
  have h123 := band_true h
  have h12 := band_true h123.1
  have hn : 0 < c.terms := of_decide_eq_true h12.1
  have hok : ∀ s : Fin c.d, lseOk c s s (nth 0 lse s * pow2Z c.S) = true :=
    fun s => allBelow_spec _ c.d h12.2 s s.isLt
  have hclaim := h123.2
  have hsym := gridSum_eq_sortedSum (symm2 (convTerm c lse)) (symm2_comm (convTerm c lse)) c.d
  rw [← hsym] at hclaim
  refine expectedLoss2_le_of_grid c.weights.colTable (symm2 (convTerm c lse)) (c.S + c.grid + 1)
    ?_ c.p c.q hclaim
  intro t1 t2
  refine pairLoss_le_of_sorted c.weights.colTable (convTerm c lse) (c.S + c.grid + 1) ?_ t1 t2
  intro a b hab
  exact pairLoss_le_conv c hn lse hok a b hab

end PyExport
