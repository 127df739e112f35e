(** * Audit.v -- axiom audit of the main theorems

    What it does
    - Bundles the main theorems of each file into one tuple ([audit_Sums], ...,
      [audit_Enclosure]) and runs [Print Assumptions] on each bundle; the axioms
      of a bundle are the union of the axioms of its members.  The headline
      theorems are also audited one by one.  (One [Print Assumptions] costs
      about 1 s because it walks the whole [Reals] library, hence the bundles.)

    Expected output
    - Sums / Model / Symmetry / Convexity / Accuracy: only
      [ClassicalDedekindReals.sig_forall_dec], [ClassicalDedekindReals.sig_not_dec],
      [Classical_Prop.classic], [FunctionalExtensionality.functional_extensionality_dep]
      (the axioms of the standard-library reals).
    - Enclosure: the same, plus the standard-library primitive-float and
      primitive-integer declarations and specifications ([PrimFloat.*],
      [PrimInt63.*], [FloatAxioms.*], [Uint63.*]).
    - Checkers ([audit_Checkers]): the axioms of the reals, the primitive-float
      declarations and specifications (the data are primitive floats) and the
      primitive-integer ones ([BigZ] computes with 63-bit machine words).
    - Binary64 checkers ([audit_FloatCheckers]: [FloatTable], [FastExp], [CheckFloat2],
      [CheckFloat3]):
      the same as the checkers.
    - Transformer ([audit_Transformer]: [Transformer], [TransformerPaths], [IntervalVec],
      [TransformerEval], [CheckTransformer], [Sequences], [Hulls], the cubic and subcubic
      steps and checkers): the same as the checkers.
    - Nothing declared by pyexport.  [make -C coq audit] checks this mechanically
      (allow-list in [audit_allowlist.txt]). *)

From PyExport Require Import Sums Model Symmetry Convexity Accuracy Enclosure.
From PyExport Require Import Data Taylor ExpBounds CheckLoss CheckAccuracy CheckLoss3 CheckAccuracy3.
From PyExport Require Import FloatTable FastExp CheckFloat2 CheckFloat3.
From PyExport Require Import Transformer Sequences TransformerPaths TransformerCubic IntervalVec
  TransformerEval CheckTransformer Hulls CheckCubic TransformerSubcubic EqkeRank1 CheckSubcubic.

Definition audit_Sums :=
  (rsum_swap, rsum_square_split, rsum_square_sym, rsum_square_sym_mult,
   rsum_cube_sym, rsum_cube_sym_mult, rsum_triangle_const_l).

Definition audit_Model :=
  (logits2_eq_W, logits3_eq_W, rsum_exp_W2, rsum_exp_logits2, rsum_exp_logits3,
   lse_shift, f2_eq_W, f3_eq_W).

Definition audit_Symmetry :=
  (f2_comm, f3_swap12, f3_swap23, f3_swap13, rsum_f2_sym, rsum_f2_sym_mult,
   rsum_f3_sym, rsum_f3_sym_mult, expected_loss2_sym, expected_loss3_sym).

Definition audit_Convexity :=
  (rsum_exp_midpoint_sq_le, lse_midpoint_le, loss_midpoint_le, f2_le_of_le,
   rsum_f2_le, rsum_f2_le_bound2, expected_loss2_le, f3_le_of_le,
   rsum_f3_le_sorted, rsum_f3_le_bound3, expected_loss3_le).

Definition audit_Accuracy :=
  (correctb_spec, correct_iff_margin_pos, margin_concave, margin_midpoint_ge,
   correct2_of_margin_sum, correct2_of_margins, correct3_of_margin_sum,
   num_correct2_sym, num_correct3_sym, num_correct2_ge, num_correct3_ge,
   accuracy2_ge_pair_check, accuracy3_ge_triple_check).

Definition audit_Enclosure :=
  (encl_isum, encl_lse, encl_loss, le_of_ile_check, lt_of_ilt_check,
   toR_demo, exp_neg3_le, ln_exp1_exp2_le, lse2_demo_lt).

(** The certificate checkers (Data, Taylor, ExpBounds, CheckLoss, CheckAccuracy,
    CheckLoss3, CheckAccuracy3). *)
Definition audit_Checkers :=
  (fdec_spec, fz_spec, exact_table_spec, exp_taylor6, exp_lo_spec, exp_hi_spec,
   check_brute_force_loss2_correct, check_symmetry_loss2_correct,
   check_convexity_loss2_correct, check_brute_force_accuracy2_correct,
   check_symmetry_accuracy2_correct, check_convexity_accuracy2_correct,
   exp_lo_f_spec, exp_hi_f_spec, rsum_f3_le_pairs,
   check_brute_force_loss3_correct, check_symmetry_loss3_correct,
   check_convexity_loss3_correct, check_brute_force_accuracy3_correct,
   check_symmetry_accuracy3_correct, check_convexity_accuracy3_correct).

(** The checkers on the binary64 interval table (FloatTable, FastExp, CheckFloat2,
    CheckFloat3). *)
Definition audit_FloatCheckers :=
  (float_table_spec, exp_taylor, exp_up_fn_spec, exp_big_spec, lse_below_spec,
   rsum_triangle_swap, flo_spec, check_convexity_loss2f_correct,
   check_convexity_accuracy2f_correct, check_brute_force_loss2f_correct,
   check_symmetry_loss2f_correct, check_brute_force_accuracy2f_correct,
   check_symmetry_accuracy2f_correct, check_brute_force_loss3f_correct,
   check_symmetry_loss3f_correct, check_brute_force_accuracy3f_correct,
   check_symmetry_accuracy3f_correct, check_brute_force_loss2r_correct,
   check_brute_force_accuracy2r_correct, check_brute_force_loss3r_correct,
   check_brute_force_accuracy3r_correct).

(** The Max-of-K transformer: semantics, its paths, the cubic and subcubic proofs' steps,
    interval evaluation, the brute-force, cubic and subcubic accuracy checkers. *)
Definition audit_Transformer :=
  (attn_pos, attn_sum, attn_value, resid_value_bias, tokens_of_lt, label_lt,
   logits_paths, score_paths, attn_shift, attn_paths, rsum_weighted_neg, convex_sign,
   affine_neg, rsum_pos_one, mixed_of_pure, exp_score_split, logit_gap_paths,
   attn_weighted_neg, logit_lt_of_sign, correct_of_sign, correct_of_pure_cases, encl_sqrt,
   encl_vecmat, encl_dotv, encl_sumv, eval_logits_encl, imodel_of_encl, correct_of_seq_ok,
   check_tbf_accuracy_correct, tokens_of_cons, rsum_tokens, rsum_lists_le, rmax_list_ge,
   rmax_list_attained, ijoin_list_encl, hull_encl, all_bools_in, E_int_encl, V_int_encl, case_lhs_encl,
   CheckCubic.covered_correct, count_seq_bits, cubic_count_spec, cubic_match_label,
   cubic_covered_split, cubic_covered_count, accuracy_ge_of_covered, check_cubic_accuracy_correct, rsum2_unique, count_by_cases,
   label_attained, chord_neg, logit_gap_bound, attn_max_lower, correct_of_subcubic,
   correct_of_all_max, rsum_lists_snoc, rsum_lists_rsum, count_fits, case_count_spec,
   covered_split, covered_count, CheckSubcubic.covered_correct,
   check_subcubic_accuracy_correct, rank1_split, rank1_error, rank1_gap, EQKE_rank1_gap).

Print Assumptions audit_Sums.
Print Assumptions audit_Model.
Print Assumptions audit_Symmetry.
Print Assumptions audit_Convexity.
Print Assumptions audit_Accuracy.
Print Assumptions audit_Enclosure.

(** Headline theorems, one by one. *)
Print Assumptions lse_midpoint_le.
Print Assumptions rsum_f2_le.
Print Assumptions rsum_f3_le_bound3.
Print Assumptions num_correct2_ge.
Print Assumptions num_correct3_ge.
Print Assumptions exp_neg3_le.
Print Assumptions audit_Checkers.
Print Assumptions audit_FloatCheckers.
Print Assumptions audit_Transformer.
