/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.MaxOfN.Model

/-!
# Permutation invariance of the per-input loss

The embedding of an input is the *sum* of its token columns and the label is the maximum
token, so the per-input loss does not depend on the order of the tokens.

## Main statements

* `PyExport.pairLoss_comm`: `f t1 t2 = f t2 t1`.
* `PyExport.tripleLoss_swap12`, `PyExport.tripleLoss_swap23`: the two adjacent
  transpositions, which generate all permutations of three tokens.
* `PyExport.tripleLoss_swap13`, `PyExport.tripleLoss_cycle`,
  `PyExport.tripleLoss_cycle'`: the remaining non-trivial permutations.
* `PyExport.label3_swap12`, `PyExport.label3_swap23`: the label `max (max a b) c` under the
  two transpositions.
* `PyExport.triple_swap12`, `PyExport.triple_swap23`: any function of the logits and the label
  of a triple is invariant under them; instances `PyExport.tripleLoss_swap12`, `…swap23` (loss)
  and `PyExport.tripleCorrect_swap12`, `…swap23` (correctness).
* `PyExport.Weights.loss2_comm`: the same statement for the concrete MLP.

## Implementation notes

The label equalities such as `max t1 t2 = max t2 t1` are proved as terms
(`max_comm t1 t2`) and then used with `rw`; this avoids asking `rw` to match
Mathlib's `max` lemmas up to the `Max (Fin d)` instance.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Order/Defs/LinearOrder.lean` (`max_comm`, `max_assoc`).
-/

namespace PyExport

universe u

variable {d : ℕ}

/-- The pair logits are symmetric in the two tokens. -/
theorem pairLogits_comm (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) :
    pairLogits W t1 t2 = pairLogits W t2 t1 := by
  funext j
  unfold pairLogits
  ring

/-- **Symmetry lemma.** `f t1 t2 = f t2 t1`. -/
theorem pairLoss_comm (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) :
    pairLoss W t1 t2 = pairLoss W t2 t1 := by
  have hz : pairLogits W t1 t2 = pairLogits W t2 t1 := pairLogits_comm W t1 t2
  have hy : max t1 t2 = max t2 t1 := max_comm t1 t2
  unfold pairLoss
  rw [hz, hy]

/-- Swapping the first two tokens does not change the logits. -/
theorem tripleLogits_swap12 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLogits W a b c = tripleLogits W b a c := by
  funext j
  unfold tripleLogits
  ring

/-- Swapping the last two tokens does not change the logits. -/
theorem tripleLogits_swap23 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLogits W a b c = tripleLogits W a c b := by
  funext j
  unfold tripleLogits
  ring

/-- Swapping the first two tokens does not change the three-token label. -/
theorem label3_swap12 (a b c : Fin d) : max (max a b) c = max (max b a) c :=
  congrArg (fun m => max m c) (max_comm a b)

/-- Swapping the last two tokens does not change the three-token label. -/
theorem label3_swap23 (a b c : Fin d) : max (max a b) c = max (max a c) b := by
  calc max (max a b) c = max a (max b c) := max_assoc a b c
    _ = max a (max c b) := congrArg (fun m => max a m) (max_comm b c)
    _ = max (max a c) b := (max_assoc a c b).symm

/-- Any function `F` of the logits and the label of `(a, b, c)` is unchanged when the first
two tokens are swapped. -/
theorem triple_swap12 {α : Sort u} (F : (Fin d → ℝ) → Fin d → α) (W : Fin d → Fin d → ℝ)
    (a b c : Fin d) :
    F (tripleLogits W a b c) (max (max a b) c) = F (tripleLogits W b a c) (max (max b a) c) := by
  rw [tripleLogits_swap12 W a b c, label3_swap12 a b c]

/-- Any function `F` of the logits and the label of `(a, b, c)` is unchanged when the last two
tokens are swapped. -/
theorem triple_swap23 {α : Sort u} (F : (Fin d → ℝ) → Fin d → α) (W : Fin d → Fin d → ℝ)
    (a b c : Fin d) :
    F (tripleLogits W a b c) (max (max a b) c) = F (tripleLogits W a c b) (max (max a c) b) := by
  rw [tripleLogits_swap23 W a b c, label3_swap23 a b c]

/-- Swapping the first two tokens does not change the three-token loss. -/
theorem tripleLoss_swap12 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLoss W a b c = tripleLoss W b a c :=
  triple_swap12 lossOf W a b c

/-- Swapping the last two tokens does not change the three-token loss. -/
theorem tripleLoss_swap23 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLoss W a b c = tripleLoss W a c b :=
  triple_swap23 lossOf W a b c

/-- Swapping the first two tokens does not change three-token correctness. -/
theorem tripleCorrect_swap12 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleCorrect W a b c ↔ tripleCorrect W b a c :=
  Iff.of_eq (triple_swap12 IsCorrect W a b c)

/-- Swapping the last two tokens does not change three-token correctness. -/
theorem tripleCorrect_swap23 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleCorrect W a b c ↔ tripleCorrect W a c b :=
  Iff.of_eq (triple_swap23 IsCorrect W a b c)

/-- Cyclic permutation `(a, b, c) ↦ (b, c, a)`. -/
theorem tripleLoss_cycle (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLoss W a b c = tripleLoss W b c a :=
  (tripleLoss_swap12 W a b c).trans (tripleLoss_swap23 W b a c)

/-- Cyclic permutation `(a, b, c) ↦ (c, a, b)`. -/
theorem tripleLoss_cycle' (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLoss W a b c = tripleLoss W c a b :=
  (tripleLoss_swap23 W a b c).trans (tripleLoss_swap12 W a c b)

/-- Transposition of the first and last token. -/
theorem tripleLoss_swap13 (W : Fin d → Fin d → ℝ) (a b c : Fin d) :
    tripleLoss W a b c = tripleLoss W c b a :=
  (tripleLoss_cycle W a b c).trans (tripleLoss_swap12 W b c a)

namespace Weights

variable {dm : ℕ}

/-- **Symmetry lemma** for the concrete MLP: `f t1 t2 = f t2 t1`. -/
theorem loss2_comm (M : Weights d dm) (t1 t2 : Fin d) :
    M.loss2 t1 t2 = M.loss2 t2 t1 := by
  rw [loss2_eq, loss2_eq]
  exact pairLoss_comm M.colTable t1 t2

/-- Swapping the first two tokens does not change the model's three-token loss. -/
theorem loss3_swap12 (M : Weights d dm) (a b c : Fin d) :
    M.loss3 a b c = M.loss3 b a c := by
  rw [loss3_eq, loss3_eq]
  exact tripleLoss_swap12 M.colTable a b c

/-- Swapping the last two tokens does not change the model's three-token loss. -/
theorem loss3_swap23 (M : Weights d dm) (a b c : Fin d) :
    M.loss3 a b c = M.loss3 a c b := by
  rw [loss3_eq, loss3_eq]
  exact tripleLoss_swap23 M.colTable a b c

end Weights

end PyExport
