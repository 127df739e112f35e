/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Model
import PyExport.ListData

/-!
# Certificate data: exact integer weights and kernel-friendly list code

A certificate is checked by *kernel evaluation* of a Boolean checker (`PyExport/MaxOfN/Check.lean`).
This file fixes the data the checker reads and the real model the claim is about.

## The data (`PyExport.CertData`)

Every float32 weight is an exact dyadic rational. The Python side (`pyexport/kernels/
lean_context.py`) writes each matrix as integer numerators over one power of two:

* `Et` — the **columns** of the embedding: `E i t = Et[t][i] / 2 ^ eE` (`E` is `dm × d`);
* `H`  — the rows of the hidden matrix: `H i k = H[i][k] / 2 ^ eH`;
* `U`  — the rows of the unembedding: `U j i = U[j][i] / 2 ^ eU`.

Lists are read with `PyExport.nth` (`PyExport/ListData.lean`), which returns a default past
the end; the model `CertData.weights` is *defined* through `nth`, so no length side conditions
are ever needed: whatever the lists are, the checker and the model read the same numbers.

## Kernel-friendly code

All functions here are structurally recursive on a `Nat` *fuel* argument (the dimension) and
walk lists with `List.headD` / `List.tail`; no well-founded recursion, no `Array`, no `Float`.
The kernel evaluates `Nat` literals with GMP (`Nat.add`, `Nat.mul`, `Nat.div`, `Nat.pow`, …
in `src/kernel/type_checker.cpp`, `reduce_nat`), and `Int` operations reduce to them.

## Main statements

* `PyExport.dotNat_eq_sum_range`, `PyExport.nth_matVec`, `PyExport.nth_tabulate`,
  `PyExport.nth_mapN`, `PyExport.nth_zipMapN`: list code computes what it should (`nth`, `dot`,
  `dot_eq_sum`, shared with the Max-of-K files, are in `PyExport/ListData.lean`).
* `PyExport.CertData.colTable_eq`: the real column table `W = U H E` of the model is the exact
  integer column `CertData.wcol` divided by `2 ^ (eU + eH + eE)`.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Dot products, matrix-vector products, tabulation (`nth`, `dot`: `ListData.lean`) -/

/-- `dotNat n u v = ∑_{k < n} u[k] * v[k]` over `Nat`. -/
def dotNat : Nat → List Nat → List Nat → Nat
  | 0, _, _ => 0
  | n + 1, u, v => u.headD 0 * v.headD 0 + dotNat n u.tail v.tail

theorem dotNat_eq_sum_range : ∀ (n : Nat) (u v : List Nat),
    dotNat n u v = ∑ k ∈ Finset.range n, nth 0 u k * nth 0 v k
  | 0, u, v => by simp [dotNat]
  | n + 1, u, v => by
    rw [Finset.sum_range_succ']
    simp only [nth_succ, nth_zero]
    rw [← dotNat_eq_sum_range n u.tail v.tail]
    show u.headD 0 * v.headD 0 + dotNat n u.tail v.tail =
      dotNat n u.tail v.tail + u.headD 0 * v.headD 0
    exact Nat.add_comm _ _

/-- `matVec cols r A v`: the first `r` entries of `A v`, each a `cols`-term dot product of a
row of `A` (a list of rows) with `v`. -/
def matVec (cols : Nat) : Nat → List (List Int) → List Int → List Int
  | 0, _, _ => []
  | r + 1, A, v => dot cols (A.headD []) v :: matVec cols r A.tail v

theorem nth_matVec (cols : Nat) : ∀ (r : Nat) (A : List (List Int)) (v : List Int) (j : Nat),
    j < r → nth 0 (matVec cols r A v) j = dot cols (nth [] A j) v
  | 0, _, _, _, h => absurd h (Nat.not_lt_zero _)
  | r + 1, A, v, 0, _ => by
    show dot cols (A.headD []) v = dot cols (nth [] A 0) v
    rw [nth_zero]
  | r + 1, A, v, j + 1, h => by
    show nth 0 (matVec cols r A.tail v) j = dot cols (nth [] A (j + 1)) v
    rw [nth_succ, nth_matVec cols r A.tail v j (by omega)]

/-- `tabulate f n i = [f i, f (i + 1), …, f (i + n - 1)]`. -/
def tabulate {α : Type} (f : Nat → α) : Nat → Nat → List α
  | 0, _ => []
  | n + 1, i => f i :: tabulate f n (i + 1)

theorem nth_tabulate {α : Type} (dflt : α) (f : Nat → α) : ∀ (n i k : Nat), k < n →
    nth dflt (tabulate f n i) k = f (i + k)
  | 0, _, _, h => absurd h (Nat.not_lt_zero _)
  | n + 1, i, 0, _ => by
    show f i = f (i + 0)
    rw [Nat.add_zero]
  | n + 1, i, k + 1, h => by
    show nth dflt (tabulate f n (i + 1)) k = f (i + (k + 1))
    rw [nth_tabulate dflt f n (i + 1) k (by omega), show i + 1 + k = i + (k + 1) by omega]

/-- `mapN f dflt n l = [f l[0], …, f l[n-1]]`, reading `dflt` past the end of `l`. -/
def mapN {α β : Type} (f : α → β) (dflt : α) : Nat → List α → List β
  | 0, _ => []
  | n + 1, l => f (l.headD dflt) :: mapN f dflt n l.tail

theorem nth_mapN {α β : Type} (f : α → β) (dflt : α) (b : β) : ∀ (n : Nat) (l : List α) (i : Nat),
    i < n → nth b (mapN f dflt n l) i = f (nth dflt l i)
  | 0, _, _, h => absurd h (Nat.not_lt_zero _)
  | n + 1, l, 0, _ => by
    show f (l.headD dflt) = f (nth dflt l 0)
    rw [nth_zero]
  | n + 1, l, i + 1, h => by
    show nth b (mapN f dflt n l.tail) i = f (nth dflt l (i + 1))
    rw [nth_succ dflt l i, nth_mapN f dflt b n l.tail i (by omega)]

/-- `zipMapN f d1 d2 n l1 l2 = [f l1[0] l2[0], …, f l1[n-1] l2[n-1]]`. -/
def zipMapN {α β γ : Type} (f : α → β → γ) (d1 : α) (d2 : β) :
    Nat → List α → List β → List γ
  | 0, _, _ => []
  | n + 1, l1, l2 => f (l1.headD d1) (l2.headD d2) :: zipMapN f d1 d2 n l1.tail l2.tail

theorem nth_zipMapN {α β γ : Type} (f : α → β → γ) (d1 : α) (d2 : β) (c : γ) :
    ∀ (n : Nat) (l1 : List α) (l2 : List β) (i : Nat),
    i < n → nth c (zipMapN f d1 d2 n l1 l2) i = f (nth d1 l1 i) (nth d2 l2 i)
  | 0, _, _, _, h => absurd h (Nat.not_lt_zero _)
  | n + 1, l1, l2, 0, _ => by
    show f (l1.headD d1) (l2.headD d2) = f (nth d1 l1 0) (nth d2 l2 0)
    rw [nth_zero, nth_zero]
  | n + 1, l1, l2, i + 1, h => by
    show nth c (zipMapN f d1 d2 n l1.tail l2.tail) i = f (nth d1 l1 (i + 1)) (nth d2 l2 (i + 1))
    rw [nth_succ d1 l1 i, nth_succ d2 l2 i, nth_zipMapN f d1 d2 c n l1.tail l2.tail i (by omega)]

/-! ### The certificate data -/

/-- The data of a certificate: exact integer weights, the claimed bound `p / q` and the
parameters of the exp enclosure. The trace is passed to each checker separately. -/
structure CertData where
  /-- vocabulary size `d_vocab` -/
  d : Nat
  /-- hidden width `d_model` -/
  dm : Nat
  /-- `E i t = Et[t][i] / 2 ^ eE` -/
  eE : Nat
  /-- `H i k = H[i][k] / 2 ^ eH` -/
  eH : Nat
  /-- `U j i = U[j][i] / 2 ^ eU` -/
  eU : Nat
  /-- columns of the embedding matrix (`d` lists of `dm` numerators) -/
  Et : List (List Int)
  /-- rows of the hidden matrix (`dm` lists of `dm` numerators) -/
  H : List (List Int)
  /-- rows of the unembedding matrix (`d` lists of `dm` numerators) -/
  U : List (List Int)
  /-- trace values of the loss strategies are integers over `2 ^ grid` -/
  grid : Nat
  /-- fixed-point precision of the exp enclosure: values are numerators over `2 ^ prec` -/
  prec : Nat
  /-- number of Taylor terms of the exp enclosure (must be positive) -/
  terms : Nat
  /-- number of argument halvings (and squarings) of the exp enclosure -/
  halvings : Nat
  /-- claimed bound `p / q` -/
  p : Nat
  /-- claimed bound `p / q` (must be positive) -/
  q : Nat

namespace CertData

/-- The exponent of the common denominator of `W = U H E`: `W = Wint / 2 ^ S`. -/
def S (c : CertData) : Nat := c.eU + c.eH + c.eE

/-- **The model the claim is about**: the real matrices given by the exact dyadic weights. -/
noncomputable def weights (c : CertData) : Weights c.d c.dm where
  E i t := ((nth 0 (nth [] c.Et t) i : Int) : ℝ) / 2 ^ c.eE
  H i k := ((nth 0 (nth [] c.H i) k : Int) : ℝ) / 2 ^ c.eH
  U j i := ((nth 0 (nth [] c.U j) i : Int) : ℝ) / 2 ^ c.eU

/-- Column `t` of the integer column table `Wint = U H E * 2 ^ S`, as a list of `d` entries. -/
def wcol (c : CertData) (t : Nat) : List Int :=
  matVec c.dm c.d c.U (matVec c.dm c.dm c.H (nth [] c.Et t))

/-- All `d` integer columns. -/
def wcols (c : CertData) : List (List Int) :=
  tabulate c.wcol c.d 0

theorem nth_wcols (c : CertData) (t : Nat) (ht : t < c.d) : nth [] c.wcols t = c.wcol t := by
  unfold wcols
  rw [nth_tabulate [] c.wcol c.d 0 t ht, Nat.zero_add]

/-- Entry `j` of the integer column `t`, as a double sum. -/
theorem wcol_entry (c : CertData) (t j : Nat) (hj : j < c.d) :
    nth 0 (c.wcol t) j = ∑ i : Fin c.dm, nth 0 (nth [] c.U j) i *
      ∑ k : Fin c.dm, nth 0 (nth [] c.H i) k * nth 0 (nth [] c.Et t) k := by
  unfold wcol
  rw [nth_matVec c.dm c.d c.U _ j hj, dot_eq_sum]
  apply Finset.sum_congr rfl
  intro i _
  rw [nth_matVec c.dm c.dm c.H _ i i.isLt, dot_eq_sum]

/-- **The column table is exact**: `W j t = Wint[t][j] / 2 ^ S`. -/
theorem colTable_eq (c : CertData) (j t : Fin c.d) :
    c.weights.colTable j t = ((nth 0 (c.wcol t) j : Int) : ℝ) / 2 ^ c.S := by
  rw [c.wcol_entry t j j.isLt]
  push_cast
  show (∑ i : Fin c.dm, ((nth 0 (nth [] c.U j) i : Int) : ℝ) / 2 ^ c.eU *
      ∑ k : Fin c.dm, ((nth 0 (nth [] c.H i) k : Int) : ℝ) / 2 ^ c.eH *
        (((nth 0 (nth [] c.Et t) k : Int) : ℝ) / 2 ^ c.eE)) = _
  rw [Finset.sum_div]
  apply Finset.sum_congr rfl
  intro i _
  have inner : (∑ k : Fin c.dm, ((nth 0 (nth [] c.H i) k : Int) : ℝ) / 2 ^ c.eH *
        (((nth 0 (nth [] c.Et t) k : Int) : ℝ) / 2 ^ c.eE)) =
      (∑ k : Fin c.dm, ((nth 0 (nth [] c.H i) k : Int) : ℝ) *
        ((nth 0 (nth [] c.Et t) k : Int) : ℝ)) / (2 ^ c.eH * 2 ^ c.eE) := by
    rw [Finset.sum_div]
    apply Finset.sum_congr rfl
    intro k _
    ring
  rw [inner]
  unfold S
  ring

end CertData

end PyExport
