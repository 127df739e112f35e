(** * Correct.v -- correctness of a logit vector, margins, indicators, accuracy claims

    Shared by every model family: a logit vector [z : nat -> R] over d classes is correct for
    the label y when z y is strictly above every other entry.

    What it defines
    - [correct d z y : Prop := forall j, j < d -> j <> y -> z j < z y]; [correctb d z y : bool]
      reflects it ([correctb_spec]); [all_below n P] : P holds below n ([all_below_spec]).
    - [margin d z y] : min over j < d, j <> y of [z y - z j] (via [rmin_upto]).
    - [ind b] (the real indicator of a boolean), [zind b] (the integer one).
    - [row_count_ok n b r] : r is at most the number of passed tests b below n.
    - [acc_claim_ok C d p q], [acc_claim_okn n C d p q], [acc_claim_okz n C d p q] : C correct
      inputs out of d^2 / d^n make accuracy at least p/q (d^n computed in nat, resp. in Z).

    Main statements
    - [margin_le], [le_margin_iff], [lt_margin_of], [correct_iff_margin_pos] (d >= 2),
      [margin_concave] / [margin_midpoint_ge] (margin is concave in z);
    - [ind_le_of_imp], [ind_nonneg], [ind_zind], [ind_andb], [row_count_ok_spec];
    - [acc_claim_ok_spec], [acc_claim_okn_spec], [acc_claim_okz_okn]. *)

From Coq Require Import Reals Lra Lia Bool ZArith.
From PyExport Require Import Sums.
Open Scope R_scope.

(** ** Correctness of one logit vector *)

Definition correct (d : nat) (z : nat -> R) (y : nat) : Prop :=
  forall j, (j < d)%nat -> j <> y -> z j < z y.

Fixpoint all_below (n : nat) (P : nat -> bool) : bool :=
  match n with
  | O => true
  | S n' => all_below n' P && P n'
  end.

Lemma all_below_spec (n : nat) (P : nat -> bool) :
  all_below n P = true <-> (forall j, (j < n)%nat -> P j = true).
Proof.
  induction n as [|n IH]; simpl.
  - split; [intros _ j Hj; lia | reflexivity].
  - rewrite andb_true_iff, IH. split.
    + intros [H1 H2] j Hj. destruct (Nat.eq_dec j n) as [->|ne]; [exact H2|].
      apply H1; lia.
    + intros Hall. split; [intros j Hj; apply Hall; lia | apply Hall; lia].
Qed.

Definition Rltb (x y : R) : bool := if Rlt_dec x y then true else false.

Lemma Rltb_spec (x y : R) : Rltb x y = true <-> x < y.
Proof. unfold Rltb. destruct (Rlt_dec x y); split; intros; auto; discriminate. Qed.

Definition correctb (d : nat) (z : nat -> R) (y : nat) : bool :=
  all_below d (fun j => Nat.eqb j y || Rltb (z j) (z y)).

Lemma correctb_spec (d : nat) (z : nat -> R) (y : nat) :
  correctb d z y = true <-> correct d z y.
Proof.
  unfold correctb, correct. rewrite all_below_spec. split.
  - intros H j Hj Hne. specialize (H j Hj). apply orb_true_iff in H.
    destruct H as [H|H]; [apply Nat.eqb_eq in H; contradiction|].
    apply Rltb_spec; exact H.
  - intros H j Hj. apply orb_true_iff.
    destruct (Nat.eq_dec j y) as [->|ne]; [left; apply Nat.eqb_refl|].
    right. apply Rltb_spec. apply H; assumption.
Qed.

Lemma correct_ext (d : nat) (z1 z2 : nat -> R) (y : nat) :
  (forall j, z1 j = z2 j) -> correct d z1 y <-> correct d z2 y.
Proof.
  intros Hz. unfold correct. split; intros H j Hj Hne.
  - rewrite <- !Hz. auto.
  - rewrite !Hz. auto.
Qed.

Lemma correctb_ext (d : nat) (z1 z2 : nat -> R) (y : nat) :
  (forall j, z1 j = z2 j) -> correctb d z1 y = correctb d z2 y.
Proof.
  intros Hz. apply eq_true_iff_eq. rewrite !correctb_spec. apply correct_ext. exact Hz.
Qed.

Definition ind (b : bool) : R := if b then 1 else 0.

Lemma ind_le_of_imp (b1 b2 : bool) : (b1 = true -> b2 = true) -> ind b1 <= ind b2.
Proof. destruct b1, b2; simpl; intros H; try lra. Qed.

Lemma ind_nonneg (b : bool) : 0 <= ind b.
Proof. destruct b; simpl; lra. Qed.

(** ** Margin *)

Fixpoint rmin_upto (n : nat) (f : nat -> R) (m0 : R) : R :=
  match n with
  | O => m0
  | S n' => Rmin (rmin_upto n' f m0) (f n')
  end.

Lemma rmin_upto_le (n : nat) (f : nat -> R) (m0 : R) (i : nat) :
  (i < n)%nat -> rmin_upto n f m0 <= f i.
Proof.
  induction n as [|n IH]; intros Hi; simpl; [lia|].
  destruct (Nat.eq_dec i n) as [->|ne]; [apply Rmin_r|].
  eapply Rle_trans; [apply Rmin_l| apply IH; lia].
Qed.

Lemma le_rmin_upto (n : nat) (f : nat -> R) (m0 m : R) :
  m <= m0 -> (forall i, (i < n)%nat -> m <= f i) -> m <= rmin_upto n f m0.
Proof.
  induction n as [|n IH]; intros H0 Hf; simpl; [exact H0|].
  apply Rmin_glb; [apply IH; [exact H0|intros i Hi; apply Hf; lia] | apply Hf; lia].
Qed.

Lemma lt_rmin_upto (n : nat) (f : nat -> R) (m0 m : R) :
  m < m0 -> (forall i, (i < n)%nat -> m < f i) -> m < rmin_upto n f m0.
Proof.
  induction n as [|n IH]; intros H0 Hf; simpl; [exact H0|].
  apply Rmin_glb_lt; [apply IH; [exact H0|intros i Hi; apply Hf; lia] | apply Hf; lia].
Qed.

(** A fixed competitor of [y] (0 or 1), used as the neutral seed of the min. *)
Definition competitor0 (y : nat) : nat := if Nat.eqb y 0 then 1%nat else 0%nat.

Lemma competitor0_ne (y : nat) : competitor0 y <> y.
Proof. unfold competitor0. destruct (Nat.eqb_spec y 0); lia. Qed.

Lemma competitor0_lt (d y : nat) : (2 <= d)%nat -> (competitor0 y < d)%nat.
Proof. unfold competitor0. destruct (Nat.eqb y 0); lia. Qed.

Definition margin (d : nat) (z : nat -> R) (y : nat) : R :=
  rmin_upto d (fun j => if Nat.eqb j y then z y - z (competitor0 y) else z y - z j)
            (z y - z (competitor0 y)).

Lemma margin_le (d : nat) (z : nat -> R) (y j : nat) :
  (j < d)%nat -> j <> y -> margin d z y <= z y - z j.
Proof.
  intros Hj Hne. unfold margin.
  eapply Rle_trans; [apply (rmin_upto_le _ _ _ j Hj)|].
  destruct (Nat.eqb_spec j y); [contradiction|lra].
Qed.

Lemma le_margin_iff (d : nat) (z : nat -> R) (y : nat) (m : R) :
  (2 <= d)%nat ->
  m <= margin d z y <-> (forall j, (j < d)%nat -> j <> y -> m <= z y - z j).
Proof.
  intros Hd. split.
  - intros Hm j Hj Hne. eapply Rle_trans; [exact Hm| apply margin_le; assumption].
  - intros H. unfold margin.
    assert (H0 : m <= z y - z (competitor0 y))
      by (apply H; [apply competitor0_lt; exact Hd | apply competitor0_ne]).
    apply le_rmin_upto; [exact H0|]. intros i Hi.
    destruct (Nat.eqb_spec i y); [exact H0 | apply H; assumption].
Qed.

Lemma lt_margin_of (d : nat) (z : nat -> R) (y : nat) (m : R) :
  (2 <= d)%nat ->
  (forall j, (j < d)%nat -> j <> y -> m < z y - z j) -> m < margin d z y.
Proof.
  intros Hd H. unfold margin.
  assert (H0 : m < z y - z (competitor0 y))
    by (apply H; [apply competitor0_lt; exact Hd | apply competitor0_ne]).
  apply lt_rmin_upto; [exact H0|]. intros i Hi.
  destruct (Nat.eqb_spec i y); [exact H0 | apply H; assumption].
Qed.

Theorem correct_iff_margin_pos (d : nat) (z : nat -> R) (y : nat) :
  (2 <= d)%nat -> correct d z y <-> 0 < margin d z y.
Proof.
  intros Hd. split.
  - intros Hc. apply lt_margin_of; [exact Hd|]. intros j Hj Hne.
    specialize (Hc j Hj Hne). lra.
  - intros Hm j Hj Hne. pose proof (margin_le d z y j Hj Hne). lra.
Qed.

(** Concavity of the margin in the logits. *)
Theorem margin_concave (d : nat) (z1 z2 : nat -> R) (y : nat) (lam : R) :
  (2 <= d)%nat -> 0 <= lam <= 1 ->
  lam * margin d z1 y + (1 - lam) * margin d z2 y
  <= margin d (fun j => lam * z1 j + (1 - lam) * z2 j) y.
Proof.
  intros Hd Hl. apply le_margin_iff; [exact Hd|]. intros j Hj Hne.
  pose proof (margin_le d z1 y j Hj Hne) as H1.
  pose proof (margin_le d z2 y j Hj Hne) as H2.
  assert (lam * margin d z1 y <= lam * (z1 y - z1 j))
    by (apply Rmult_le_compat_l; lra).
  assert ((1 - lam) * margin d z2 y <= (1 - lam) * (z2 y - z2 j))
    by (apply Rmult_le_compat_l; lra).
  lra.
Qed.

Theorem margin_midpoint_ge (d : nat) (z1 z2 : nat -> R) (y : nat) :
  (2 <= d)%nat ->
  (margin d z1 y + margin d z2 y) / 2 <= margin d (fun j => (z1 j + z2 j) / 2) y.
Proof.
  intros Hd. apply le_margin_iff; [exact Hd|]. intros j Hj Hne.
  pose proof (margin_le d z1 y j Hj Hne).
  pose proof (margin_le d z2 y j Hj Hne). lra.
Qed.

(** Pointwise sufficient condition for correctness of a midpoint. *)
Lemma correct_midpoint_of_sum (d : nat) (z1 z2 : nat -> R) (y : nat) :
  (forall j, (j < d)%nat -> j <> y -> 0 < (z1 y - z1 j) + (z2 y - z2 j)) ->
  correct d (fun j => (z1 j + z2 j) / 2) y.
Proof. intros H j Hj Hne. specialize (H j Hj Hne). lra. Qed.

Lemma scale_nonneg (n k : nat) : 0 <= 1 / INR n ^ k.
Proof.
  destruct n as [|n].
  - destruct k as [|k]; simpl; [lra|].
    rewrite Rmult_0_l. unfold Rdiv. rewrite Rinv_0. lra.
  - left. apply Rdiv_lt_0_compat; [lra|]. apply pow_lt. apply lt_0_INR. lia.
Qed.

Lemma ind_andb a b : ind (a && b) = ind a * ind b.
Proof. destruct a, b; unfold ind; simpl; ring. Qed.

(** ** Counts and accuracy claims *)

Definition zind (b : bool) : Z := if b then 1%Z else 0%Z.

Lemma ind_zind b : ind b = IZR (zind b).
Proof. destruct b; reflexivity. Qed.

(** A row of inputs whose count of passed tests b reaches the certificate's count r holds at
    least r inputs with P, when b implies P (the brute-force checkers on row counts). *)
Definition row_count_ok (n : nat) (b : nat -> bool) (r : Z) : bool :=
  Z.leb r (zsum n (fun t => zind (b t))).

Lemma row_count_ok_spec n b (P : nat -> bool) r :
  (forall t, (t < n)%nat -> b t = true -> P t = true) -> row_count_ok n b r = true ->
  IZR r <= rsum n (fun t => ind (P t)).
Proof.
  intros Hb. unfold row_count_ok. rewrite Z.leb_le. intros Hle.
  apply Rle_trans with (IZR (zsum n (fun t => zind (b t)))); [apply IZR_le; exact Hle|].
  rewrite IZR_zsum. apply rsum_le. intros t Ht. rewrite <- ind_zind.
  apply ind_le_of_imp. apply Hb. exact Ht.
Qed.

(** ** The claim *)

Definition acc_claim_ok (C : Z) (d : nat) (p q : Z) : bool :=
  Z.ltb 0 q && Nat.ltb 0 d && Z.leb (p * Z.of_nat (d * d)) (C * q).

Lemma acc_claim_ok_spec C d p q X :
  acc_claim_ok C d p q = true -> IZR C <= X -> IZR p / IZR q <= 1 / INR d ^ 2 * X.
Proof.
  unfold acc_claim_ok. rewrite !andb_true_iff, Z.ltb_lt, Nat.ltb_lt, Z.leb_le.
  intros [[Hq Hd] Hc] HX. apply IZR_le in Hc.
  rewrite !mult_IZR, Nat2Z.inj_mul, mult_IZR, <- INR_IZR_INZ in Hc.
  apply IZR_lt in Hq. assert (HdR : 0 < INR d) by (apply lt_0_INR; exact Hd).
  apply Rle_trans with (1 / INR d ^ 2 * IZR C).
  - apply Rmult_le_reg_r with (IZR q * INR d ^ 2); [apply Rmult_lt_0_compat; [lra|apply pow_lt; lra]|].
    replace (IZR p / IZR q * (IZR q * INR d ^ 2)) with (IZR p * (INR d * INR d)) by (field; lra).
    replace (1 / INR d ^ 2 * IZR C * (IZR q * INR d ^ 2)) with (IZR C * IZR q) by (field; lra).
    exact Hc.
  - apply Rmult_le_compat_l; [apply scale_nonneg|exact HX].
Qed.

Definition acc_claim_okn (n : nat) (C : Z) (d : nat) (p q : Z) : bool :=
  Z.ltb 0 q && Nat.ltb 0 d && Z.leb (p * Z.of_nat (d ^ n)) (C * q).

Lemma acc_claim_okn_spec n C d p q X :
  acc_claim_okn n C d p q = true -> IZR C <= X -> IZR p / IZR q <= 1 / INR d ^ n * X.
Proof.
  unfold acc_claim_okn. rewrite !andb_true_iff, Z.ltb_lt, Nat.ltb_lt, Z.leb_le.
  intros [[Hq Hd] Hc] HX. apply IZR_le in Hc.
  rewrite !mult_IZR, <- INR_IZR_INZ, pow_INR in Hc.
  apply IZR_lt in Hq. assert (HdR : 0 < INR d) by (apply lt_0_INR; exact Hd).
  assert (Hdn : 0 < INR d ^ n) by (apply pow_lt; exact HdR).
  apply Rle_trans with (1 / INR d ^ n * IZR C).
  - apply Rmult_le_reg_r with (IZR q * INR d ^ n); [apply Rmult_lt_0_compat; lra|].
    replace (IZR p / IZR q * (IZR q * INR d ^ n)) with (IZR p * INR d ^ n) by (field; lra).
    replace (1 / INR d ^ n * IZR C * (IZR q * INR d ^ n)) with (IZR C * IZR q) by (field; lra).
    exact Hc.
  - apply Rmult_le_compat_l; [apply scale_nonneg|exact HX].
Qed.

(** [acc_claim_okn] with d^n computed in Z (d^n in unary would be 16.7 million at 64^4). *)
Definition acc_claim_okz (n : nat) (C : Z) (d : nat) (p q : Z) : bool :=
  Z.ltb 0 q && Nat.ltb 0 d && Z.leb (p * Z.of_nat d ^ Z.of_nat n) (C * q).

Lemma acc_claim_okz_okn n C d p q : acc_claim_okz n C d p q = acc_claim_okn n C d p q.
Proof. unfold acc_claim_okz, acc_claim_okn. rewrite Nat2Z.inj_pow. reflexivity. Qed.
