/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import Mathlib
import PyExport.Loss
import PyExport.Correct

/-!
# The max-of-2 / max-of-3 MLP, its logits and its loss

The model has vocabulary size `d` and hidden width `dm`. Its weights are real matrices
`E : Fin dm → Fin d → ℝ` (embedding, one column per token), `H : Fin dm → Fin dm → ℝ` and
`U : Fin d → Fin dm → ℝ` (unembedding). An input of `n_ctx` tokens is embedded as the
*sum* of the corresponding columns of `E`, and the logits are `z = U H v`.

Because the logits are linear in the embedded vector, the logits of an input are the sum
of the per-token *column table* `W j t` (the logits of the single column `E · t`). All
bounds are therefore stated for an arbitrary column table `W : Fin d → Fin d → ℝ`
(`pairLogits`, `tripleLogits`, `pairLoss`, `tripleLoss`), and the concrete model is linked
to them by `Weights.logits2_eq_pairLogits` and `Weights.logits3_eq_tripleLogits`.

## Main definitions

* (`PyExport.lossOf` is in `PyExport/Loss.lean`, `PyExport.IsCorrect` in `PyExport/Correct.lean`.)
* `PyExport.pairLogits`, `PyExport.tripleLogits`: logits of an input from a column table.
* `PyExport.pairLoss`, `PyExport.tripleLoss`: loss with label the maximum token.
* `PyExport.expectedLoss2`, `PyExport.expectedLoss3`: uniform averages of the losses.
* `PyExport.pairCorrect`, `PyExport.tripleCorrect`: correctness of the input `(t1, t2)`,
  resp. `(t1, t2, t3)`.
* `PyExport.Weights`: the weights `E`, `H`, `U`; `Weights.logitsOfVec`, `Weights.colTable`,
  `Weights.logits2`, `Weights.logits3`, `Weights.loss2`, `Weights.loss3`,
  `Weights.correct2`, `Weights.correct3`.

## Main statements

* `PyExport.Weights.logits2_eq`, `PyExport.Weights.logits3_eq`: linearity, i.e.
  `z(t1,t2) j = W j t1 + W j t2` (and the three-token analogue).
* `PyExport.pairLogits_eq_mid`, `PyExport.tripleLogits_eq_mid`: the logits of a mixed
  input are the average of the logits of two "doubled" inputs.
* `PyExport.sum_exp_pair_factor` (with `PyExport.sum_exp_add_eq_sum_mul` of `Loss.lean`): factorisation
  `∑ j, exp (W j t1 + W j t2) = ∑ j, exp (W j t1) * exp (W j t2)`.

## Implementation notes

Everything is over `ℝ` with `Real.exp` / `Real.log`; sums are `Finset.sum` over
`Finset.univ` of `Fin d` (see `README.md` for why `Fin d` rather than `Finset.range d`).
The label of `(t1, t2)` is `max t1 t2` for the linear order on `Fin d`; facts about `max`
are always introduced through `have h : max .. = .. := <Mathlib lemma>` so that the
`Max (Fin d)` instance is matched by definitional unfolding rather than by `rw`.

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.

## References

* Mathlib, `Mathlib/Analysis/SpecialFunctions/Log/Basic.lean` (`Real.log`),
  `Mathlib/Data/Complex/Exponential.lean` (`Real.exp`, `Real.exp_add`).
-/

namespace PyExport

noncomputable section

/-- The weights of the MLP: embedding `E`, hidden matrix `H`, unembedding `U`. -/
structure Weights (d dm : ℕ) where
  /-- Embedding matrix; column `E · t` embeds token `t`. -/
  E : Fin dm → Fin d → ℝ
  /-- Hidden (square) matrix. -/
  H : Fin dm → Fin dm → ℝ
  /-- Unembedding matrix. -/
  U : Fin d → Fin dm → ℝ

variable {d : ℕ}

/-- Logits of the two-token input `(t1, t2)` for a model with column table `W`
(`W j t` = logit `j` of token `t` alone): `W j t1 + W j t2`. -/
def pairLogits (W : Fin d → Fin d → ℝ) (t1 t2 j : Fin d) : ℝ :=
  W j t1 + W j t2

/-- Logits of the three-token input `(t1, t2, t3)`: `W j t1 + W j t2 + W j t3`. -/
def tripleLogits (W : Fin d → Fin d → ℝ) (t1 t2 t3 j : Fin d) : ℝ :=
  W j t1 + W j t2 + W j t3

/-- Per-input loss of the max-of-2 task: label `max t1 t2`. -/
def pairLoss (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) : ℝ :=
  lossOf (pairLogits W t1 t2) (max t1 t2)

/-- Per-input loss of the max-of-3 task: label `max (max t1 t2) t3`. -/
def tripleLoss (W : Fin d → Fin d → ℝ) (t1 t2 t3 : Fin d) : ℝ :=
  lossOf (tripleLogits W t1 t2 t3) (max (max t1 t2) t3)

/-- Expected loss over the `d ^ 2` uniformly distributed two-token inputs. -/
def expectedLoss2 (W : Fin d → Fin d → ℝ) : ℝ :=
  (1 / (d : ℝ) ^ 2) * ∑ t1, ∑ t2, pairLoss W t1 t2

/-- Expected loss over the `d ^ 3` uniformly distributed three-token inputs. -/
def expectedLoss3 (W : Fin d → Fin d → ℝ) : ℝ :=
  (1 / (d : ℝ) ^ 3) * ∑ t1, ∑ t2, ∑ t3, tripleLoss W t1 t2 t3

/-- The two-token input `(t1, t2)` is classified correctly. -/
def pairCorrect (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) : Prop :=
  IsCorrect (pairLogits W t1 t2) (max t1 t2)

/-- The three-token input `(t1, t2, t3)` is classified correctly. -/
def tripleCorrect (W : Fin d → Fin d → ℝ) (t1 t2 t3 : Fin d) : Prop :=
  IsCorrect (tripleLogits W t1 t2 t3) (max (max t1 t2) t3)

/-- The logits of `(t1, t2)` are the average of the logits of `(t1, t1)` and `(t2, t2)`. -/
theorem pairLogits_eq_mid (W : Fin d → Fin d → ℝ) (t1 t2 j : Fin d) :
    pairLogits W t1 t2 j = (pairLogits W t1 t1 j + pairLogits W t2 t2 j) / 2 := by
  unfold pairLogits
  ring

/-- The logits of `(a, b, c)` are the average of the logits of `(a, a, c)` and
`(b, b, c)`. -/
theorem tripleLogits_eq_mid (W : Fin d → Fin d → ℝ) (a b c j : Fin d) :
    tripleLogits W a b c j = (tripleLogits W a a c j + tripleLogits W b b c j) / 2 := by
  unfold tripleLogits
  ring

/-- Factorisation: `∑ j, exp (W j t1 + W j t2) = ∑ j, exp (W j t1) * exp (W j t2)`. -/
theorem sum_exp_pair_factor (W : Fin d → Fin d → ℝ) (t1 t2 : Fin d) :
    ∑ j, Real.exp (pairLogits W t1 t2 j) = ∑ j, Real.exp (W j t1) * Real.exp (W j t2) :=
  sum_exp_add_eq_sum_mul (fun j => W j t1) (fun j => W j t2)

namespace Weights

variable {dm : ℕ}

/-- Logit `j` of a hidden-input vector `v`: `(U H v) j = ∑ i, U j i * ∑ k, H i k * v k`. -/
def logitsOfVec (M : Weights d dm) (v : Fin dm → ℝ) (j : Fin d) : ℝ :=
  ∑ i, M.U j i * ∑ k, M.H i k * v k

/-- Column table `W j t`: logit `j` of the single embedding column of token `t`. -/
def colTable (M : Weights d dm) (j t : Fin d) : ℝ :=
  M.logitsOfVec (fun k => M.E k t) j

/-- Logit `j` of the two-token input `(t1, t2)`, embedded as `E · t1 + E · t2`. -/
def logits2 (M : Weights d dm) (t1 t2 j : Fin d) : ℝ :=
  M.logitsOfVec (fun k => M.E k t1 + M.E k t2) j

/-- Logit `j` of the three-token input `(t1, t2, t3)`, embedded as
`E · t1 + E · t2 + E · t3`. -/
def logits3 (M : Weights d dm) (t1 t2 t3 j : Fin d) : ℝ :=
  M.logitsOfVec (fun k => M.E k t1 + M.E k t2 + M.E k t3) j

/-- Loss of the model on the two-token input `(t1, t2)` with label `max t1 t2`. -/
def loss2 (M : Weights d dm) (t1 t2 : Fin d) : ℝ :=
  lossOf (M.logits2 t1 t2) (max t1 t2)

/-- Loss of the model on `(t1, t2, t3)` with label `max (max t1 t2) t3`. -/
def loss3 (M : Weights d dm) (t1 t2 t3 : Fin d) : ℝ :=
  lossOf (M.logits3 t1 t2 t3) (max (max t1 t2) t3)

/-- The model classifies the two-token input `(t1, t2)` correctly. -/
def correct2 (M : Weights d dm) (t1 t2 : Fin d) : Prop :=
  IsCorrect (M.logits2 t1 t2) (max t1 t2)

/-- The model classifies the three-token input `(t1, t2, t3)` correctly. -/
def correct3 (M : Weights d dm) (t1 t2 t3 : Fin d) : Prop :=
  IsCorrect (M.logits3 t1 t2 t3) (max (max t1 t2) t3)

/-- Linearity: `z(t1,t2) j = W j t1 + W j t2`. -/
theorem logits2_eq (M : Weights d dm) (t1 t2 j : Fin d) :
    M.logits2 t1 t2 j = M.colTable j t1 + M.colTable j t2 := by
  simp only [logits2, colTable, logitsOfVec, mul_add, Finset.sum_add_distrib]

/-- Linearity: `z(t1,t2,t3) j = W j t1 + W j t2 + W j t3`. -/
theorem logits3_eq (M : Weights d dm) (t1 t2 t3 j : Fin d) :
    M.logits3 t1 t2 t3 j = M.colTable j t1 + M.colTable j t2 + M.colTable j t3 := by
  simp only [logits3, colTable, logitsOfVec, mul_add, Finset.sum_add_distrib]

/-- The model's two-token logits are the `pairLogits` of its column table. -/
theorem logits2_eq_pairLogits (M : Weights d dm) (t1 t2 : Fin d) :
    M.logits2 t1 t2 = pairLogits M.colTable t1 t2 := by
  funext j
  exact M.logits2_eq t1 t2 j

/-- The model's three-token logits are the `tripleLogits` of its column table. -/
theorem logits3_eq_tripleLogits (M : Weights d dm) (t1 t2 t3 : Fin d) :
    M.logits3 t1 t2 t3 = tripleLogits M.colTable t1 t2 t3 := by
  funext j
  exact M.logits3_eq t1 t2 t3 j

/-- The model's two-token loss is `pairLoss` of its column table. -/
theorem loss2_eq (M : Weights d dm) (t1 t2 : Fin d) :
    M.loss2 t1 t2 = pairLoss M.colTable t1 t2 := by
  unfold loss2 pairLoss
  rw [logits2_eq_pairLogits]

/-- The model's three-token loss is `tripleLoss` of its column table. -/
theorem loss3_eq (M : Weights d dm) (t1 t2 t3 : Fin d) :
    M.loss3 t1 t2 t3 = tripleLoss M.colTable t1 t2 t3 := by
  unfold loss3 tripleLoss
  rw [logits3_eq_tripleLogits]

/-- Model correctness is `pairCorrect` of its column table. -/
theorem correct2_iff (M : Weights d dm) (t1 t2 : Fin d) :
    M.correct2 t1 t2 ↔ pairCorrect M.colTable t1 t2 := by
  unfold correct2 pairCorrect
  rw [logits2_eq_pairLogits]

/-- Model correctness on three tokens is `tripleCorrect` of its column table. -/
theorem correct3_iff (M : Weights d dm) (t1 t2 t3 : Fin d) :
    M.correct3 t1 t2 t3 ↔ tripleCorrect M.colTable t1 t2 t3 := by
  unfold correct3 tripleCorrect
  rw [logits3_eq_tripleLogits]

/-- Factorisation for the model:
`∑ j, exp (z(t1,t2) j) = ∑ j, exp (W j t1) * exp (W j t2)`. -/
theorem sum_exp_logits2 (M : Weights d dm) (t1 t2 : Fin d) :
    ∑ j, Real.exp (M.logits2 t1 t2 j) =
      ∑ j, Real.exp (M.colTable j t1) * Real.exp (M.colTable j t2) := by
  rw [logits2_eq_pairLogits]
  exact sum_exp_pair_factor M.colTable t1 t2

end Weights

end

end PyExport
