/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Lean

/-!
# `#term_size`: checked term sizes of constants

`#term_size n₁ n₂ …` prints, for each constant, one line

    TERMSIZE <name> tree=<n> dag=<m>

where, over the constant's type and value (definitions, theorems, opaque constants):

* `tree` counts every node occurrence (the size of the term written out as a tree);
* `dag` counts the structurally distinct subterms (the size with maximal sharing, i.e. what a
  kernel with perfect hash-consing stores).

Both are computed in one pass with a table `Std.HashMap Expr Nat` from each distinct subterm to
its tree size (`Expr` equality and hashing are structural), so the pass is linear in the DAG
size even when the tree is exponentially larger. Node kinds: application, λ, ∀, `let`,
metadata and projection nodes count 1 plus their children; variables, sorts, constants and
literals count 1. `pyexport/verify.py` (`lean_term_size`) sums these lines.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/

namespace PyExport.TermSize

open Lean Elab Command

/-- Tree size of `e`, memoised on structurally equal subterms; afterwards the table holds one
entry per structurally distinct subterm visited. -/
partial def visit (e : Expr) : StateM (Std.HashMap Expr Nat) Nat := do
  match (← get).get? e with
  | some n => pure n
  | none =>
    let kids : List Expr := match e with
      | .app f a => [f, a]
      | .lam _ t b _ => [t, b]
      | .forallE _ t b _ => [t, b]
      | .letE _ t v b _ => [t, v, b]
      | .mdata _ b => [b]
      | .proj _ _ b => [b]
      | _ => []
    let mut n : Nat := 1
    for k in kids do
      n := n + (← visit k)
    modify fun m => m.insert e n
    pure n

/-- Tree size of a list of terms and the shared table of their distinct subterms. -/
def visitAll (es : List Expr) : StateM (Std.HashMap Expr Nat) Nat := do
  let mut total : Nat := 0
  for e in es do
    total := total + (← visit e)
  pure total

/-- The value of a constant, if it has one. -/
def constValue? : ConstantInfo → Option Expr
  | .defnInfo v => some v.value
  | .thmInfo v => some v.value
  | .opaqueInfo v => some v.value
  | _ => none

/-- `(tree, dag)` of a constant: its type and its value (if any), sharing subterms between
them. -/
def constSizes (info : ConstantInfo) : Nat × Nat :=
  let es := match constValue? info with
    | some v => [info.type, v]
    | none => [info.type]
  let (tree, table) := Id.run ((visitAll es).run {})
  (tree, table.size)

/-- `#term_size n₁ n₂ …` prints `TERMSIZE <name> tree=<n> dag=<m>` for each constant. -/
elab "#term_size" ids:(ppSpace colGt ident)+ : command => do
  for id in ids do
    let name ← resolveGlobalConstNoOverload id
    let info ← getConstInfo name
    let (tree, dag) := constSizes info
    logInfo m!"TERMSIZE {name} tree={tree} dag={dag}"

end PyExport.TermSize
