(** * Accuracy.v -- correctness of an input, margins, and counting lemmas

    What it defines
    - [correct d z y : Prop := forall j, j < d -> j <> y -> z j < z y]
    - [correctb d z y : bool] (decided with [Rlt_dec]); [correctb_spec] says it
      reflects [correct].  [ind b] is the real indicator (1 or 0) of a boolean.
    - [margin d z y] : min over j < d, j <> y of [z y - z j]  (well defined as a
      real via [rmin_upto]; meaningful when d >= 2).
    - [correct2 p t1 t2], [correct2b], [num_correct2 p] (number of correct
      inputs, as a real), [accuracy2 p = 1 / d^2 * num_correct2 p];
      same for three tokens ([correct3], [correct3b], [num_correct3], [accuracy3]).
    - [pair_check2 p t1 t2], [triple_check3 p a b c] : boolean sufficient
      conditions using only the "doubled" inputs (t1,t1),(t2,t2) resp.
      (a,a,c),(b,b,c).

    Main statements
    - [margin_le], [le_margin_iff], [lt_margin_of], [correct_iff_margin_pos]
      (d >= 2), [margin_concave] / [margin_midpoint_ge] (margin is concave in z).
    - [correct2_of_margin_sum] : t1 <= t2 ->
        (forall j, j < d -> j <> t2 ->
           0 < (z11 t2 - z11 j) + (z22 t2 - z22 j)) -> correct2 p t1 t2
      where z11 = logits2 p t1 t1, z22 = logits2 p t2 t2;  [correct2_of_margins]
      is the same stated with [margin].
    - [correct3_of_margin_sum] : a <= c -> b <= c -> (same with (a,a,c),(b,b,c))
        -> correct3 p a b c.
    - [num_correct2_sym], [num_correct3_sym] : brute-force count = symmetric
      decomposition (as in Symmetry.v).
    - [num_correct2_ge], [num_correct3_ge] : any sound boolean check on strict
      pairs / triples gives a lower bound on the count;
      [num_correct2_ge_pair_check], [num_correct3_ge_triple_check],
      [accuracy2_ge_pair_check], [accuracy3_ge_triple_check] instantiate them. *)

From Coq Require Import Reals Lra Lia Bool.
From PyExport Require Import Sums Model Symmetry.
From PyExport Require Export Correct.
Open Scope R_scope.

(** ** The model: counting correct inputs *)

Section Counting.
Variable p : mlp.
Local Notation d := (mlp_d p).

Definition correct2 (t1 t2 : nat) : Prop := correct d (logits2 p t1 t2) (Nat.max t1 t2).
Definition correct2b (t1 t2 : nat) : bool := correctb d (logits2 p t1 t2) (Nat.max t1 t2).

Definition num_correct2 : R := rsum d (fun t1 => rsum d (fun t2 => ind (correct2b t1 t2))).
Definition accuracy2 : R := 1 / INR d ^ 2 * num_correct2.

Definition correct3 (a b c : nat) : Prop := correct d (logits3 p a b c) (max3 a b c).
Definition correct3b (a b c : nat) : bool := correctb d (logits3 p a b c) (max3 a b c).

Definition num_correct3 : R :=
  rsum d (fun a => rsum d (fun b => rsum d (fun c => ind (correct3b a b c)))).
Definition accuracy3 : R := 1 / INR d ^ 3 * num_correct3.

Lemma correct2b_spec (t1 t2 : nat) : correct2b t1 t2 = true <-> correct2 t1 t2.
Proof. apply correctb_spec. Qed.

Lemma correct3b_spec (a b c : nat) : correct3b a b c = true <-> correct3 a b c.
Proof. apply correctb_spec. Qed.

(** *** Symmetry of the counts *)

Lemma correct2b_comm (t1 t2 : nat) : correct2b t1 t2 = correct2b t2 t1.
Proof.
  unfold correct2b. rewrite Nat.max_comm. apply correctb_ext. apply logits2_comm.
Qed.

Lemma correct3b_swap12 (a b c : nat) : correct3b a b c = correct3b b a c.
Proof.
  unfold correct3b. rewrite max3_swap12. apply correctb_ext. apply logits3_swap12.
Qed.

Lemma correct3b_swap23 (a b c : nat) : correct3b a b c = correct3b a c b.
Proof.
  unfold correct3b. rewrite max3_swap23. apply correctb_ext. apply logits3_swap23.
Qed.

Theorem num_correct2_sym :
  num_correct2 = 2 * rsum d (fun t2 => rsum t2 (fun t1 => ind (correct2b t1 t2)))
                 + rsum d (fun t => ind (correct2b t t)).
Proof. unfold num_correct2. apply rsum_square_sym. intros. rewrite correct2b_comm. reflexivity. Qed.

Theorem num_correct3_sym :
  num_correct3 = rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => ind (correct3b a b c)))
                                  + 3 * rsum c (fun a => ind (correct3b a a c))
                                  + 3 * rsum c (fun a => ind (correct3b a c c))
                                  + ind (correct3b c c c)).
Proof.
  unfold num_correct3.
  apply (rsum_cube_sym (fun a b c => ind (correct3b a b c))).
  - intros. rewrite correct3b_swap12. reflexivity.
  - intros. rewrite correct3b_swap23. reflexivity.
Qed.

(** *** Sufficient conditions from the doubled inputs *)

Theorem correct2_of_margin_sum (t1 t2 : nat) :
  (t1 <= t2)%nat ->
  (forall j, (j < d)%nat -> j <> t2 ->
     0 < (logits2 p t1 t1 t2 - logits2 p t1 t1 j) + (logits2 p t2 t2 t2 - logits2 p t2 t2 j)) ->
  correct2 t1 t2.
Proof.
  intros Hle H. unfold correct2. rewrite Nat.max_r by exact Hle.
  apply (correct_ext d (fun j => (logits2 p t1 t1 j + logits2 p t2 t2 j) / 2)).
  - intros j. symmetry. rewrite !logits2_eq_W. field.
  - apply correct_midpoint_of_sum. exact H.
Qed.

Theorem correct2_of_margins (t1 t2 : nat) :
  (2 <= d)%nat -> (t1 <= t2)%nat ->
  0 < margin d (logits2 p t1 t1) t2 + margin d (logits2 p t2 t2) t2 ->
  correct2 t1 t2.
Proof.
  intros Hd Hle Hm. apply correct2_of_margin_sum; [exact Hle|]. intros j Hj Hne.
  pose proof (margin_le d (logits2 p t1 t1) t2 j Hj Hne).
  pose proof (margin_le d (logits2 p t2 t2) t2 j Hj Hne). lra.
Qed.

Theorem correct3_of_margin_sum (a b c : nat) :
  (a <= c)%nat -> (b <= c)%nat ->
  (forall j, (j < d)%nat -> j <> c ->
     0 < (logits3 p a a c c - logits3 p a a c j) + (logits3 p b b c c - logits3 p b b c j)) ->
  correct3 a b c.
Proof.
  intros Hac Hbc H. unfold correct3.
  replace (max3 a b c) with c by (unfold max3; lia).
  apply (correct_ext d (fun j => (logits3 p a a c j + logits3 p b b c j) / 2)).
  - intros j. symmetry. rewrite !logits3_eq_W. field.
  - apply correct_midpoint_of_sum. exact H.
Qed.

(** Boolean versions of the sufficient conditions. *)
Definition pair_check2 (t1 t2 : nat) : bool :=
  all_below d (fun j => Nat.eqb j t2 ||
    Rltb 0 ((logits2 p t1 t1 t2 - logits2 p t1 t1 j) + (logits2 p t2 t2 t2 - logits2 p t2 t2 j))).

Definition triple_check3 (a b c : nat) : bool :=
  all_below d (fun j => Nat.eqb j c ||
    Rltb 0 ((logits3 p a a c c - logits3 p a a c j) + (logits3 p b b c c - logits3 p b b c j))).

Lemma pair_check2_sound (t1 t2 : nat) :
  (t1 <= t2)%nat -> pair_check2 t1 t2 = true -> correct2 t1 t2.
Proof.
  intros Hle Hc. apply correct2_of_margin_sum; [exact Hle|]. intros j Hj Hne.
  unfold pair_check2 in Hc. rewrite all_below_spec in Hc. specialize (Hc j Hj).
  apply orb_true_iff in Hc. destruct Hc as [Hc|Hc].
  - apply Nat.eqb_eq in Hc. contradiction.
  - apply Rltb_spec. exact Hc.
Qed.

Lemma triple_check3_sound (a b c : nat) :
  (a <= c)%nat -> (b <= c)%nat -> triple_check3 a b c = true -> correct3 a b c.
Proof.
  intros Hac Hbc Hc. apply correct3_of_margin_sum; [exact Hac|exact Hbc|]. intros j Hj Hne.
  unfold triple_check3 in Hc. rewrite all_below_spec in Hc. specialize (Hc j Hj).
  apply orb_true_iff in Hc. destruct Hc as [Hc|Hc].
  - apply Nat.eqb_eq in Hc. contradiction.
  - apply Rltb_spec. exact Hc.
Qed.

(** *** Counting lower bounds *)

Theorem num_correct2_ge (chk : nat -> nat -> bool) :
  (forall t1 t2, (t1 < t2)%nat -> (t2 < d)%nat -> chk t1 t2 = true -> correct2 t1 t2) ->
  2 * rsum d (fun t2 => rsum t2 (fun t1 => ind (chk t1 t2)))
  + rsum d (fun t => ind (correct2b t t))
  <= num_correct2.
Proof.
  intros Hchk. rewrite num_correct2_sym.
  assert (rsum d (fun t2 => rsum t2 (fun t1 => ind (chk t1 t2)))
          <= rsum d (fun t2 => rsum t2 (fun t1 => ind (correct2b t1 t2)))).
  { apply rsum_le. intros t2 Ht2. apply rsum_le. intros t1 Ht1.
    apply ind_le_of_imp. intros Hc. apply correct2b_spec. apply Hchk; assumption. }
  lra.
Qed.

Corollary num_correct2_ge_pair_check :
  2 * rsum d (fun t2 => rsum t2 (fun t1 => ind (pair_check2 t1 t2)))
  + rsum d (fun t => ind (correct2b t t))
  <= num_correct2.
Proof.
  apply num_correct2_ge. intros t1 t2 Hlt _ Hc. apply pair_check2_sound; [lia|exact Hc].
Qed.

Corollary accuracy2_ge_pair_check :
  1 / INR d ^ 2 * (2 * rsum d (fun t2 => rsum t2 (fun t1 => ind (pair_check2 t1 t2)))
                   + rsum d (fun t => ind (correct2b t t)))
  <= accuracy2.
Proof.
  unfold accuracy2. apply Rmult_le_compat_l; [apply scale_nonneg|].
  apply num_correct2_ge_pair_check.
Qed.

Theorem num_correct3_ge (chk : nat -> nat -> nat -> bool) :
  (forall a b c, (a < b)%nat -> (b < c)%nat -> (c < d)%nat ->
     chk a b c = true -> correct3 a b c) ->
  rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => ind (chk a b c)))
                   + 3 * rsum c (fun a => ind (correct3b a a c))
                   + 3 * rsum c (fun a => ind (correct3b a c c))
                   + ind (correct3b c c c))
  <= num_correct3.
Proof.
  intros Hchk. rewrite num_correct3_sym. apply rsum_le. intros c Hc.
  assert (rsum c (fun b => rsum b (fun a => ind (chk a b c)))
          <= rsum c (fun b => rsum b (fun a => ind (correct3b a b c)))).
  { apply rsum_le. intros b Hb. apply rsum_le. intros a Ha.
    apply ind_le_of_imp. intros Hk. apply correct3b_spec. apply Hchk; assumption. }
  lra.
Qed.

Corollary num_correct3_ge_triple_check :
  rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => ind (triple_check3 a b c)))
                   + 3 * rsum c (fun a => ind (correct3b a a c))
                   + 3 * rsum c (fun a => ind (correct3b a c c))
                   + ind (correct3b c c c))
  <= num_correct3.
Proof.
  apply num_correct3_ge. intros a b c Hab Hbc _ Hk.
  apply triple_check3_sound; [lia|lia|exact Hk].
Qed.

Corollary accuracy3_ge_triple_check :
  1 / INR d ^ 3 *
  rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => ind (triple_check3 a b c)))
                   + 3 * rsum c (fun a => ind (correct3b a a c))
                   + 3 * rsum c (fun a => ind (correct3b a c c))
                   + ind (correct3b c c c))
  <= accuracy3.
Proof.
  unfold accuracy3. apply Rmult_le_compat_l; [apply scale_nonneg|].
  apply num_correct3_ge_triple_check.
Qed.

End Counting.
