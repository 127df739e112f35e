/-
Copyright (c) 2025 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.Sums
import PyExport.Loss
import PyExport.Correct
import PyExport.ListData
import PyExport.Counting
import PyExport.MaxOfN.SumsThree
import PyExport.MaxOfN.Model
import PyExport.MaxOfN.Symmetry
import PyExport.MaxOfN.Convexity
import PyExport.MaxOfN.Accuracy
import PyExport.MaxOfN.Data
import PyExport.ExpBound
import PyExport.MaxOfN.Check
import PyExport.MaxOfN.Check3
import PyExport.MaxOfN.CheckLoss
import PyExport.TermSize
import PyExport.MaxOfK.Transformer
import PyExport.MaxOfK.TransformerPaths
import PyExport.MaxOfK.TransformerCubic
import PyExport.MaxOfK.TransformerSubcubic
import PyExport.MaxOfK.EqkeRank1
import PyExport.MaxOfK.TransformerEval
import PyExport.MaxOfK.CheckTransformer
import PyExport.MaxOfK.CheckCubic
import PyExport.MaxOfK.CheckSubcubic

/-!
# pyexport: Lean lemma library for max-of-n MLP and Max-of-K transformer certificates

Root module; imports every file of the library.

## Main statements

See `README.md` for the full theorem table. The headline results are
`PyExport.pairLoss_comm` (symmetry), `PyExport.sum_sum_eq_two_mul_upper_add_diag`
(pair decomposition), `PyExport.lse_midpoint` (midpoint convexity of log-sum-exp),
`PyExport.sum_pairLoss_le` (summed convexity bound), `PyExport.sum_sum_sum_eq_sorted`
(sorted-triple decomposition), `PyExport.tripleLoss_le_of_le`
(three-token convexity bound) and `PyExport.pairCorrect_of_margin` (accuracy from
margins). The certificate checkers (two tokens) and their soundness theorems are
`PyExport.checkBruteForceAccuracy_sound`, `PyExport.checkSymmetryAccuracy_sound`,
`PyExport.checkConvexityAccuracy_sound` (`PyExport/MaxOfN/Check.lean`) and
`PyExport.checkBruteForceLoss_sound`, `PyExport.checkSymmetryLoss_sound`,
`PyExport.checkConvexityLoss_sound` (`PyExport/MaxOfN/CheckLoss.lean`); for three tokens
`PyExport.checkBruteForceAccuracy3_sound`, `PyExport.checkSymmetryAccuracy3_sound`,
`PyExport.checkConvexityAccuracy3_sound` (`PyExport/MaxOfN/Check3.lean`); the Max-of-K
transformer's accuracy checkers are `PyExport.checkTbfAccuracy_sound` (brute force,
`PyExport/MaxOfK/CheckTransformer.lean`), `PyExport.checkCubicAccuracy_sound` (cubic,
`PyExport/MaxOfK/CheckCubic.lean`) and `PyExport.checkSubcubicAccuracy_sound` (subcubic, both
variants, `PyExport/MaxOfK/CheckSubcubic.lean`); `#term_size` is defined in `PyExport/TermSize.lean`.

## Implementation notes

These files were written without access to a Lean toolchain and have not been compiled;
see `README.md`.
-/
