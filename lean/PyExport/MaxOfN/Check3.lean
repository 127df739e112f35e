/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Check

/-!
# Reflective checkers: the accuracy checkers for three tokens

Mirror of `coq/theories/MaxOfN/CheckAccuracy3.v` on the exact integer columns of
`PyExport/MaxOfN/Data.lean`, with the loops and lemmas of `PyExport/MaxOfN/Check.lean` (and of
the shared `PyExport/Counting.lean`).

## Index conventions

* The label of `(a, b, e)` is `lab (lab a b) e`, i.e. `max (max a b) e` (`max_val_eq`).
* A *cube* function `G : ℕ → ℕ → ℕ → ℤ` is summed over all `d ^ 3` inputs by `cubeSum G d`; the
  *sorted* loop `sortedSum3 G d` visits only `a ≤ b ≤ e` and counts each with the size of its
  orbit (`6` for `a < b < e`, `3` with one tie, `1` on the diagonal); the two agree for fully
  symmetric `G` (`cubeSum_eq_sortedSum3`, the integer form of `sum_sum_sum_eq_sorted` of
  `SumsThree.lean`). `symm3 F a b e` reads `F` at the sorted version of `(a, b, e)`.

## Main definitions

* `PyExport.checkBruteForceAccuracy3`, `PyExport.checkSymmetryAccuracy3`,
  `PyExport.checkConvexityAccuracy3` — Boolean checkers.

## Main statements

* `PyExport.checkBruteForceAccuracy3_sound`, `PyExport.checkSymmetryAccuracy3_sound`,
  `PyExport.checkConvexityAccuracy3_sound`:
  `check… c tr = true → accuracy3 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ)`.
* `PyExport.accuracy3_ge_of_cube`, `PyExport.tripleCorrect_of_corr3At`,
  `PyExport.cubeSum_eq_sortedSum3`, `PyExport.of_symm3` — the facts they rest on.

## Implementation notes

Trace layouts (rendered by `pyexport/families/max_of_n_mlp/kernels/lean_context.py`, Coq's):

* brute force: `List (List (List Bool))`, entry `[t1][t2][t3]`: input claimed correct;
* symmetry: `List (List (List Bool))`, entry `[e][b][a]`, `a ≤ b ≤ e`: sorted input claimed
  correct;
* convexity: `List (List Nat)`, entry `[e][t]`, `t ≤ e`: the index `j* ≠ e` of the largest
  logit of `z(t, t, e)` other than `z_e`.

A claimed-correct input is verified exactly (the columns of `a` and `b` are added, then
compared with `corrCols` as for two tokens); a wrong claim makes the check false.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Loops over triples -/

/-- `f a b e` for all `a, b, e < n`. -/
def allCube (f : ℕ → ℕ → ℕ → Bool) (n : ℕ) : Bool :=
  allBelow (fun a => allGrid (fun b e => f a b e) n) n

theorem allCube_spec (f : ℕ → ℕ → ℕ → Bool) (n : ℕ) (h : allCube f n = true) (a b e : ℕ)
    (ha : a < n) (hb : b < n) (he : e < n) : f a b e = true :=
  allGrid_spec (fun b e => f a b e) n
    (allBelow_spec (fun a => allGrid (fun b e => f a b e) n) n h a ha) b e hb he

/-- `f a b e` for all `a ≤ b ≤ e < n` (row `e`, then `b`, then `a`). -/
def allSorted3 (f : ℕ → ℕ → ℕ → Bool) (n : ℕ) : Bool :=
  allBelow (fun e => allSorted (fun a b => f a b e) (e + 1)) n

theorem allSorted3_spec (f : ℕ → ℕ → ℕ → Bool) (n : ℕ) (h : allSorted3 f n = true)
    (a b e : ℕ) (hab : a ≤ b) (hbe : b ≤ e) (he : e < n) : f a b e = true :=
  allSorted_spec (fun a b => f a b e) (e + 1)
    (allBelow_spec (fun e => allSorted (fun a b => f a b e) (e + 1)) n h e he) a b hab
    (by omega)

/-! ### Cube sums and sorted sums -/

/-- Sum of `G a b e` over the cube `a, b, e < n`. -/
def cubeSum (G : ℕ → ℕ → ℕ → ℤ) (n : ℕ) : ℤ :=
  sumI (fun a => gridSum (fun b e => G a b e) n) n

/-- Sum over sorted inputs `a ≤ b ≤ e < n` (row `e`) with multiplicities `6 / 3 / 1`: the
sorted pairs `a ≤ b < e` with `sortedSum`'s `2 / 1` times `3`, then `a < b = e` three times,
then the diagonal once. -/
def sortedSum3 (G : ℕ → ℕ → ℕ → ℤ) (n : ℕ) : ℤ :=
  sumI (fun e => 3 * sortedSum (fun a b => G a b e) e + 3 * sumI (fun a => G a e e) e + G e e e) n

/-- One more row and column of a grid sum. -/
theorem gridSum_succ (G : ℕ → ℕ → ℤ) (n : ℕ) :
    gridSum G (n + 1) =
      gridSum G n + sumI (fun a => G a n) n + sumI (fun b => G n b) n + G n n := by
  have hsplit : sumI (fun a => sumI (fun b => G a b) n + G a n) n =
      sumI (fun a => sumI (fun b => G a b) n) n + sumI (fun a => G a n) n :=
    sumI_add (fun a => sumI (fun b => G a b) n) (fun a => G a n) n
  show sumI (fun a => sumI (fun b => G a b) n + G a n) n + (sumI (fun b => G n b) n + G n n) =
    sumI (fun a => sumI (fun b => G a b) n) n + sumI (fun a => G a n) n +
      sumI (fun b => G n b) n + G n n
  rw [hsplit]
  ring

/-- `sumI` of pointwise equal functions. -/
theorem sumI_congr {f g : ℕ → ℤ} (h : ∀ i, f i = g i) (n : ℕ) : sumI f n = sumI g n :=
  congrArg (fun k => sumI k n) (funext h)

/-- `gridSum` of pointwise equal functions. -/
theorem gridSum_congr {F G : ℕ → ℕ → ℤ} (h : ∀ a b, F a b = G a b) (n : ℕ) :
    gridSum F n = gridSum G n :=
  congrArg (fun K => gridSum K n) (funext fun a => funext fun b => h a b)

/-- One more layer of a cube sum: the inputs whose largest index is `n`, grouped by how many
indices equal `n`. -/
theorem cubeSum_succ (G : ℕ → ℕ → ℕ → ℤ) (n : ℕ) :
    cubeSum G (n + 1) =
      cubeSum G n + gridSum (fun a b => G a b n) n + gridSum (fun a e => G a n e) n
        + sumI (fun a => G a n n) n + gridSum (fun b e => G n b e) n
        + sumI (fun b => G n b n) n + sumI (fun e => G n n e) n + G n n n := by
  have hrow : sumI (fun a => gridSum (fun b e => G a b e) (n + 1)) n =
      sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n
        + sumI (fun e => G a n e) n + G a n n) n :=
    sumI_congr (fun a => gridSum_succ (fun b e => G a b e) n) n
  have h1 : sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n
        + sumI (fun e => G a n e) n + G a n n) n =
      sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n
        + sumI (fun e => G a n e) n) n + sumI (fun a => G a n n) n :=
    sumI_add (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n
      + sumI (fun e => G a n e) n) (fun a => G a n n) n
  have h2 : sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n
        + sumI (fun e => G a n e) n) n =
      sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n) n
        + sumI (fun a => sumI (fun e => G a n e) n) n :=
    sumI_add (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n)
      (fun a => sumI (fun e => G a n e) n) n
  have h3 : sumI (fun a => gridSum (fun b e => G a b e) n + sumI (fun b => G a b n) n) n =
      sumI (fun a => gridSum (fun b e => G a b e) n) n
        + sumI (fun a => sumI (fun b => G a b n) n) n :=
    sumI_add (fun a => gridSum (fun b e => G a b e) n) (fun a => sumI (fun b => G a b n) n) n
  have hlast : gridSum (fun b e => G n b e) (n + 1) =
      gridSum (fun b e => G n b e) n + sumI (fun b => G n b n) n
        + sumI (fun e => G n n e) n + G n n n :=
    gridSum_succ (fun b e => G n b e) n
  show sumI (fun a => gridSum (fun b e => G a b e) (n + 1)) n
      + gridSum (fun b e => G n b e) (n + 1) =
    sumI (fun a => gridSum (fun b e => G a b e) n) n
      + sumI (fun a => sumI (fun b => G a b n) n) n
      + sumI (fun a => sumI (fun e => G a n e) n) n
      + sumI (fun a => G a n n) n + gridSum (fun b e => G n b e) n
      + sumI (fun b => G n b n) n + sumI (fun e => G n n e) n + G n n n
  rw [hrow, h1, h2, h3, hlast]
  ring

/-- **Sorted-triple decomposition of a cube sum.** For `G` invariant under the two adjacent
transpositions, the cube sum is the sorted sum with multiplicities `6 / 3 / 1`. -/
theorem cubeSum_eq_sortedSum3 (G : ℕ → ℕ → ℕ → ℤ) (h12 : ∀ a b e, G a b e = G b a e)
    (h23 : ∀ a b e, G a b e = G a e b) : ∀ n : ℕ, cubeSum G n = sortedSum3 G n
  | 0 => rfl
  | n + 1 => by
    have ih := cubeSum_eq_sortedSum3 G h12 h23 n
    have s1 : gridSum (fun a e => G a n e) n = gridSum (fun a b => G a b n) n :=
      gridSum_congr (fun a e => h23 a n e) n
    have s2 : gridSum (fun b e => G n b e) n = gridSum (fun a b => G a b n) n :=
      gridSum_congr (fun b e => (h12 n b e).trans (h23 b n e)) n
    have s3 : sumI (fun b => G n b n) n = sumI (fun a => G a n n) n :=
      sumI_congr (fun b => h12 n b n) n
    have s4 : sumI (fun e => G n n e) n = sumI (fun a => G a n n) n :=
      sumI_congr (fun e => (h23 n n e).trans (h12 n e n)) n
    have s5 : gridSum (fun a b => G a b n) n = sortedSum (fun a b => G a b n) n :=
      gridSum_eq_sortedSum (fun a b => G a b n) (fun a b => h12 a b n) n
    show cubeSum G (n + 1) =
      sortedSum3 G n + (3 * sortedSum (fun a b => G a b n) n + 3 * sumI (fun a => G a n n) n
        + G n n n)
    rw [cubeSum_succ, s1, s2, s3, s4, s5, ih]
    ring

theorem cubeSum_cast (G : ℕ → ℕ → ℕ → ℤ) (n : ℕ) :
    ((cubeSum G n : ℤ) : ℝ) = ∑ a : Fin n, ∑ b : Fin n, ∑ e : Fin n, ((G a b e : ℤ) : ℝ) := by
  unfold cubeSum
  rw [sumI_cast]
  apply Finset.sum_congr rfl
  intro a _
  exact gridSum_cast (fun b e => G a b e) n

/-! ### Reading sorted triples -/

/-- `symm3 F a b e` reads `F` (meaningful on sorted inputs) at the sorted version of
`(a, b, e)`. -/
def symm3 {α : Type} (F : ℕ → ℕ → ℕ → α) (a b e : ℕ) : α :=
  if a ≤ b then
    (if b ≤ e then F a b e else if a ≤ e then F a e b else F e a b)
  else
    (if a ≤ e then F b a e else if b ≤ e then F b e a else F e b a)

theorem app3_congr {α : Type} (F : ℕ → ℕ → ℕ → α) {a b e a' b' e' : ℕ} (ha : a = a')
    (hb : b = b') (he : e = e') : F a b e = F a' b' e' := by
  rw [ha, hb, he]

theorem symm3_swap12 {α : Type} (F : ℕ → ℕ → ℕ → α) (a b e : ℕ) :
    symm3 F a b e = symm3 F b a e := by
  unfold symm3
  split_ifs <;> exact app3_congr F (by omega) (by omega) (by omega)

theorem symm3_swap23 {α : Type} (F : ℕ → ℕ → ℕ → α) (a b e : ℕ) :
    symm3 F a b e = symm3 F a e b := by
  unfold symm3
  split_ifs <;> exact app3_congr F (by omega) (by omega) (by omega)

/-- `1` where `V a b e` holds, `0` elsewhere. -/
def indic3 (V : ℕ → ℕ → ℕ → Bool) (a b e : ℕ) : ℤ :=
  if V a b e then 1 else 0

/-- The sorted count of `symm3 P` is its cube count. -/
theorem cubeSum_symm3 (P : ℕ → ℕ → ℕ → Bool) (n : ℕ) :
    cubeSum (indic3 (symm3 P)) n = sortedSum3 (indic3 (symm3 P)) n :=
  cubeSum_eq_sortedSum3 (indic3 (symm3 P))
    (fun a b e => by unfold indic3; rw [symm3_swap12 P a b e])
    (fun a b e => by unfold indic3; rw [symm3_swap23 P a b e]) n

/-- A criterion `P` checked on sorted triples gives `Q` of every triple, for `Q` invariant
under the two adjacent transpositions. -/
theorem of_symm3 {d : ℕ} (Q : Fin d → Fin d → Fin d → Prop)
    (h12 : ∀ a b e, Q a b e → Q b a e) (h23 : ∀ a b e, Q a b e → Q a e b)
    (P : ℕ → ℕ → ℕ → Bool)
    (hP : ∀ a b e : Fin d, (a : ℕ) ≤ b → (b : ℕ) ≤ e → P a b e = true → Q a b e)
    (t1 t2 t3 : Fin d) (h : symm3 P t1 t2 t3 = true) : Q t1 t2 t3 := by
  unfold symm3 at h
  by_cases h1 : (t1 : ℕ) ≤ t2
  · rw [if_pos h1] at h
    by_cases h2 : (t2 : ℕ) ≤ t3
    · rw [if_pos h2] at h
      exact hP t1 t2 t3 h1 h2 h
    · rw [if_neg h2] at h
      by_cases h3 : (t1 : ℕ) ≤ t3
      · rw [if_pos h3] at h
        exact h23 t1 t3 t2 (hP t1 t3 t2 h3 (by omega) h)
      · rw [if_neg h3] at h
        exact h23 t1 t3 t2 (h12 t3 t1 t2 (hP t3 t1 t2 (by omega) h1 h))
  · rw [if_neg h1] at h
    by_cases h3 : (t1 : ℕ) ≤ t3
    · rw [if_pos h3] at h
      exact h12 t2 t1 t3 (hP t2 t1 t3 (by omega) h3 h)
    · rw [if_neg h3] at h
      by_cases h2 : (t2 : ℕ) ≤ t3
      · rw [if_pos h2] at h
        exact h12 t2 t1 t3 (h23 t2 t3 t1 (hP t2 t3 t1 h2 (by omega) h))
      · rw [if_neg h2] at h
        exact h12 t2 t1 t3 (h23 t2 t3 t1 (h12 t3 t2 t1 (hP t3 t2 t1 (by omega) (by omega) h)))

/-! ### Exact correctness of one input -/

/-- The integer columns `u + v` (`d` entries). -/
def addCols (d : ℕ) (u v : List ℤ) : List ℤ :=
  zipMapN (fun x y => x + y) 0 0 d u v

theorem nth_addCols (d : ℕ) (u v : List ℤ) (k : ℕ) (hk : k < d) :
    nth 0 (addCols d u v) k = nth 0 u k + nth 0 v k :=
  nth_zipMapN (fun x y => x + y) 0 0 0 d u v k hk

/-- The three-token logits are integers over `2 ^ S`. -/
theorem tripleLogits_eq_int (c : CertData) (t1 t2 t3 j : Fin c.d) :
    tripleLogits c.weights.colTable t1 t2 t3 j =
      ((nth 0 (c.wcol t1) j + nth 0 (c.wcol t2) j + nth 0 (c.wcol t3) j : ℤ) : ℝ) / 2 ^ c.S := by
  unfold tripleLogits
  rw [c.colTable_eq j t1, c.colTable_eq j t2, c.colTable_eq j t3]
  push_cast
  ring

/-- Exact correctness test of the input `(a, b, e)` (label `lab (lab a b) e`). -/
def corr3At (c : CertData) (a b e : ℕ) : Bool :=
  corrCols c.d (addCols c.d (c.wcol a) (c.wcol b)) (c.wcol e) (lab (lab a b) e)

theorem tripleCorrect_of_corr3At (c : CertData) (t1 t2 t3 : Fin c.d)
    (h : corr3At c t1 t2 t3 = true) : tripleCorrect c.weights.colTable t1 t2 t3 := by
  unfold corr3At at h
  rw [← max_val_eq t1 t2, ← max_val_eq (max t1 t2) t3] at h
  unfold tripleCorrect
  refine isCorrect_of_scaled _
    (fun j => nth 0 (c.wcol t1) j + nth 0 (c.wcol t2) j + nth 0 (c.wcol t3) j) c.S
    (tripleLogits_eq_int c t1 t2 t3) _ ?_
  intro j hj hjy
  have h1 := corrCols_spec c.d _ _ _ h j hj hjy
  rw [nth_addCols c.d _ _ j hj, nth_addCols c.d _ _ _ (max (max t1 t2) t3).isLt] at h1
  exact h1

/-! ### The accuracy claim -/

/-- **Accuracy from a verified cube.** If every input where `V` holds is correct, and
`p / q ≤ #V / d ^ 3`, then `accuracy3 W ≥ p / q`. -/
theorem accuracy3_ge_of_cube {d : ℕ} (W : Fin d → Fin d → ℝ) (V : ℕ → ℕ → ℕ → Bool)
    (hV : ∀ t1 t2 t3 : Fin d, V t1 t2 t3 = true → tripleCorrect W t1 t2 t3) (p q : ℕ)
    (hclaim : claimOk (d ^ 3) p q (cubeSum (indic3 V) d) = true) :
    accuracy3 W ≥ (p : ℝ) / (q : ℝ) := by
  have hD : ((d ^ 3 : ℕ) : ℝ) = (d : ℝ) ^ 3 := by norm_cast
  show (p : ℝ) / (q : ℝ) ≤ accuracy3 W
  unfold accuracy3
  rw [← hD]
  refine le_of_claimOk hclaim ?_
  rw [cubeSum_cast]
  exact Finset.sum_le_sum fun a _ => Finset.sum_le_sum fun b _ => Finset.sum_le_sum fun e _ =>
    ind_le_ite (V a b e) (hV a b e)

/-- `claimOk` on the sorted count of `symm3 P`, with `P` sufficient for correctness on sorted
triples, gives the accuracy claim. -/
theorem accuracy3_ge_of_sorted {d : ℕ} (W : Fin d → Fin d → ℝ) (P : ℕ → ℕ → ℕ → Bool)
    (hP : ∀ a b e : Fin d, (a : ℕ) ≤ b → (b : ℕ) ≤ e → P a b e = true → tripleCorrect W a b e)
    (p q : ℕ) (hclaim : claimOk (d ^ 3) p q (sortedSum3 (indic3 (symm3 P)) d) = true) :
    accuracy3 W ≥ (p : ℝ) / (q : ℝ) := by
  rw [← cubeSum_symm3 P d] at hclaim
  exact accuracy3_ge_of_cube W (symm3 P)
    (of_symm3 (tripleCorrect W) (fun a b e h => (tripleCorrect_swap12 W a b e).mp h)
      (fun a b e h => (tripleCorrect_swap23 W a b e).mp h) P hP) p q hclaim

/-! ### Brute force -/

/-- Claimed verdict of the input `(a, b, e)`: entry `[a][b][e]`. -/
def bitCube (tr : List (List (List Bool))) (a b e : ℕ) : Bool :=
  nth false (nth [] (nth [] tr a) b) e

/-- **Brute-force accuracy checker, three tokens.** Every claimed input is verified exactly;
the count of claimed inputs, over `d ^ 3`, must be at least `p / q`. -/
def checkBruteForceAccuracy3 (c : CertData) (tr : List (List (List Bool))) : Bool :=
  allCube (fun a b e => !(bitCube tr a b e) || corr3At c a b e) c.d &&
    claimOk (c.d ^ 3) c.p c.q (cubeSum (indic3 (bitCube tr)) c.d)

theorem checkBruteForceAccuracy3_sound (c : CertData) (tr : List (List (List Bool)))
    (h : checkBruteForceAccuracy3 c tr = true) :
    accuracy3 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkBruteForceAccuracy3 at h
  have hh := band_true h
  refine accuracy3_ge_of_cube c.weights.colTable (bitCube tr) ?_ c.p c.q hh.2
  intro t1 t2 t3 hb
  have h1 := allCube_spec _ c.d hh.1 t1 t2 t3 t1.isLt t2.isLt t3.isLt
  have hnot : (!(bitCube tr t1 t2 t3)) ≠ true := by simp [hb]
  exact tripleCorrect_of_corr3At c t1 t2 t3 (bor_true_right h1 hnot)

/-! ### Symmetry -/

/-- Claimed verdict of the sorted input `(a, b, e)`, `a ≤ b ≤ e`: entry `[e][b][a]`. -/
def bitSorted3 (tr : List (List (List Bool))) (a b e : ℕ) : Bool :=
  nth false (nth [] (nth [] tr e) b) a

/-- **Symmetry accuracy checker, three tokens.** Sorted inputs only, counted `6 / 3 / 1`. -/
def checkSymmetryAccuracy3 (c : CertData) (tr : List (List (List Bool))) : Bool :=
  allSorted3 (fun a b e => !(bitSorted3 tr a b e) || corr3At c a b e) c.d &&
    claimOk (c.d ^ 3) c.p c.q (sortedSum3 (indic3 (symm3 (bitSorted3 tr))) c.d)

theorem checkSymmetryAccuracy3_sound (c : CertData) (tr : List (List (List Bool)))
    (h : checkSymmetryAccuracy3 c tr = true) :
    accuracy3 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkSymmetryAccuracy3 at h
  have hh := band_true h
  refine accuracy3_ge_of_sorted c.weights.colTable (bitSorted3 tr) ?_ c.p c.q hh.2
  intro a b e hab hbe hb
  have h1 := allSorted3_spec _ c.d hh.1 a b e hab hbe e.isLt
  have hnot : (!(bitSorted3 tr a b e)) ≠ true := by simp [hb]
  exact tripleCorrect_of_corr3At c a b e (bor_true_right h1 hnot)

/-! ### Convexity (margin concavity) -/

/-- Hint of the input `(t, t, e)`, `t ≤ e`: entry `[e][t]`. -/
def hint3 (tr : List (List ℕ)) (t e : ℕ) : ℕ := nth 0 (nth [] tr e) t

/-- Integer logits of `(t, t, e)`: `2 Wint[:, t] + Wint[:, e]` (`d` entries). -/
def dblCol (c : CertData) (t e : ℕ) : List ℤ :=
  zipMapN (fun x y => 2 * x + y) 0 0 c.d (c.wcol t) (c.wcol e)

theorem nth_dblCol (c : CertData) (t e k : ℕ) (hk : k < c.d) :
    nth 0 (dblCol c t e) k = 2 * nth 0 (c.wcol t) k + nth 0 (c.wcol e) k :=
  nth_zipMapN (fun x y => 2 * x + y) 0 0 0 c.d (c.wcol t) (c.wcol e) k hk

/-- The hint `js` of the logits `z` of `(t, t, e)`: `js < d`, `js ≠ e`, and `z[j] ≤ z[js]` for
every `j ≠ e` (Coq's `ru_margin` test). -/
def runnerOk (d : ℕ) (z : List ℤ) (e js : ℕ) : Bool :=
  decide (js < d) && decide (js ≠ e) &&
    allZip (fun j x _ => decide (j = e) || decide (x ≤ nth 0 z js)) d 0 z z

/-- All sorted pairs `t ≤ e` carry verified hints. -/
def runnersOk (c : CertData) (tr : List (List ℕ)) : Bool :=
  allSorted (fun t e => runnerOk c.d (dblCol c t e) e (hint3 tr t e)) c.d

/-- Margin of `(t, t, e)` for the label `e`: `z[e] - z[j*]`, a lower bound of
`min_{j ≠ e} (z[e] - z[j])`. -/
def margin3 (c : CertData) (tr : List (List ℕ)) (t e : ℕ) : ℤ :=
  nth 0 (dblCol c t e) e - nth 0 (dblCol c t e) (hint3 tr t e)

/-- The sorted input `(a, b, e)` is certified when the margins of `(a, a, e)` and `(b, b, e)`
have a positive sum. -/
def conv3Cond (c : CertData) (tr : List (List ℕ)) (a b e : ℕ) : Bool :=
  decide (0 < margin3 c tr a e + margin3 c tr b e)

/-- A verified hint bounds every competitor: `z[j] - z[e] ≤ -margin` for `j ≠ e`. -/
theorem le_margin3 (c : CertData) (tr : List (List ℕ)) (t e : ℕ) (he : e < c.d)
    (h : runnerOk c.d (dblCol c t e) e (hint3 tr t e) = true) (j : ℕ) (hj : j < c.d)
    (hje : j ≠ e) :
    2 * nth 0 (c.wcol t) j + nth 0 (c.wcol e) j + margin3 c tr t e ≤
      2 * nth 0 (c.wcol t) e + nth 0 (c.wcol e) e := by
  unfold runnerOk at h
  have h12 := band_true h
  have hjs : hint3 tr t e < c.d := of_decide_eq_true (band_true h12.1).1
  have h2 := allZip_spec0 _ c.d _ _ h12.2 j hj
  have h3 : nth 0 (dblCol c t e) j ≤ nth 0 (dblCol c t e) (hint3 tr t e) :=
    of_decide_eq_true (bor_true_right h2 (decide_ne_true_of_not hje))
  unfold margin3
  rw [nth_dblCol c t e j hj, nth_dblCol c t e _ hjs] at h3
  rw [nth_dblCol c t e e he, nth_dblCol c t e _ hjs]
  omega

theorem tripleCorrect_of_conv3Cond (c : CertData) (tr : List (List ℕ))
    (hok : runnersOk c tr = true) (a b e : Fin c.d) (hab : (a : ℕ) ≤ b) (hbe : (b : ℕ) ≤ e)
    (hcond : conv3Cond c tr a b e = true) : tripleCorrect c.weights.colTable a b e := by
  unfold runnersOk at hok
  unfold conv3Cond at hcond
  have hm := of_decide_eq_true hcond
  have h1 : max a b = b := max_eq_right (Fin.le_iff_val_le_val.mpr hab)
  have h2 : max b e = e := max_eq_right (Fin.le_iff_val_le_val.mpr hbe)
  unfold tripleCorrect
  rw [h1, h2]
  refine isCorrect_of_scaled _
    (fun j => nth 0 (c.wcol a) j + nth 0 (c.wcol b) j + nth 0 (c.wcol e) j) c.S
    (tripleLogits_eq_int c a b e) _ ?_
  intro j hj hje
  have ha := le_margin3 c tr a e e.isLt
    (allSorted_spec _ c.d hok a e (le_trans hab hbe) e.isLt) j hj hje
  have hb := le_margin3 c tr b e e.isLt (allSorted_spec _ c.d hok b e hbe e.isLt) j hj hje
  show nth 0 (c.wcol a) j + nth 0 (c.wcol b) j + nth 0 (c.wcol e) j <
    nth 0 (c.wcol a) e + nth 0 (c.wcol b) e + nth 0 (c.wcol e) e
  omega

/-- **Convexity accuracy checker, three tokens.** Hints verified; the sorted inputs
`(a, b, e)` whose two margins `m(a, e) + m(b, e)` have a positive sum are counted `6 / 3 / 1`. -/
def checkConvexityAccuracy3 (c : CertData) (tr : List (List ℕ)) : Bool :=
  runnersOk c tr &&
    claimOk (c.d ^ 3) c.p c.q (sortedSum3 (indic3 (symm3 (conv3Cond c tr))) c.d)

theorem checkConvexityAccuracy3_sound (c : CertData) (tr : List (List ℕ))
    (h : checkConvexityAccuracy3 c tr = true) :
    accuracy3 c.weights.colTable ≥ (c.p : ℝ) / (c.q : ℝ) := by
  unfold checkConvexityAccuracy3 at h
  have hh := band_true h
  exact accuracy3_ge_of_sorted c.weights.colTable (conv3Cond c tr)
    (fun a b e hab hbe hcond => tripleCorrect_of_conv3Cond c tr hh.1 a b e hab hbe hcond)
    c.p c.q hh.2

end PyExport
