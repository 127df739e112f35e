/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib

/-!
# Kernel-friendly list code shared by both families

Reading integer lists the way every reflective checker does: `PyExport.nth` (a default past the
end, so no length side conditions are ever needed) and the integer dot product `PyExport.dot`.
Moved verbatim (same names, namespace `PyExport`) out of `PyExport/MaxOfN/Data.lean`, so that
the Max-of-K files (`MaxOfK/TransformerEval.lean` and the checkers built on it) need not import
the MLP's data file; the rest of the MLP's list code (`dotNat`, `matVec`, `tabulate`, `mapN`,
`zipMapN`) stays in `MaxOfN/Data.lean`. The Coq library's shared data file is
`coq/theories/FloatData.v` (float decoding, `mget`); this file holds the Lean side's shared
list code, hence the different name.

All functions here are structurally recursive on a `Nat` argument and walk lists with
`List.headD` / `List.tail`; no well-founded recursion, no `Array`, no `Float`.

## Main statements

* `PyExport.nth_nil`, `PyExport.nth_zero`, `PyExport.nth_succ`: how `nth` unfolds.
* `PyExport.dot_eq_sum_range`, `PyExport.dot_eq_sum`: `dot` is the finite sum it should be.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport

/-! ### Reading lists with a default -/

/-- `nth dflt l i`: the `i`-th entry of `l` (counting from `0`), or `dflt` past the end. -/
def nth {α : Type} (dflt : α) : List α → Nat → α
  | [], _ => dflt
  | a :: _, 0 => a
  | _ :: as, i + 1 => nth dflt as i

theorem nth_nil {α : Type} (dflt : α) (i : Nat) : nth dflt [] i = dflt := by
  cases i <;> rfl

theorem nth_zero {α : Type} (dflt : α) (l : List α) : nth dflt l 0 = l.headD dflt := by
  cases l <;> rfl

theorem nth_succ {α : Type} (dflt : α) (l : List α) (i : Nat) :
    nth dflt l (i + 1) = nth dflt l.tail i := by
  cases l with
  | nil =>
    show nth dflt [] (i + 1) = nth dflt [] i
    rw [nth_nil, nth_nil]
  | cons a as => rfl

/-! ### Dot products -/

/-- `dot n u v = ∑_{k < n} u[k] * v[k]` over `Int` (entries past the ends read as `0`). -/
def dot : Nat → List Int → List Int → Int
  | 0, _, _ => 0
  | n + 1, u, v => u.headD 0 * v.headD 0 + dot n u.tail v.tail

theorem dot_eq_sum_range : ∀ (n : Nat) (u v : List Int),
    dot n u v = ∑ k ∈ Finset.range n, nth 0 u k * nth 0 v k
  | 0, u, v => by simp [dot]
  | n + 1, u, v => by
    rw [Finset.sum_range_succ']
    simp only [nth_succ, nth_zero]
    rw [← dot_eq_sum_range n u.tail v.tail]
    show u.headD 0 * v.headD 0 + dot n u.tail v.tail = dot n u.tail v.tail + u.headD 0 * v.headD 0
    exact Int.add_comm _ _

theorem dot_eq_sum (n : Nat) (u v : List Int) :
    dot n u v = ∑ k : Fin n, nth 0 u k * nth 0 v k :=
  (dot_eq_sum_range n u v).trans
    (Fin.sum_univ_eq_sum_range (fun k => nth 0 u k * nth 0 v k) n).symm

end PyExport
