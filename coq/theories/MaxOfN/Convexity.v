(** * Convexity.v -- midpoint convexity of log-sum-exp and the convexity bounds

    What it proves
    - [rsum_exp_midpoint_sq_le] (Cauchy-Schwarz for exponentials):
        (sum_j exp ((a j + b j)/2))^2 <= (sum_j exp (a j)) * (sum_j exp (b j)),
      proved with two-term AM-GM only: for lam > 0,
        2 lam exp((a+b)/2) <= lam^2 exp a + exp b, summed, with lam = T / SA.
    - [lse_midpoint_le] : ln (sum_j exp ((a j + b j)/2))
                          <= (ln (sum_j exp (a j)) + ln (sum_j exp (b j))) / 2
      (no hypothesis on d: for d = 0 both sides are [ln 0]).
    - [loss_midpoint_le] : loss d (fun j => (z1 j + z2 j)/2) y
                           <= (loss d z1 y + loss d z2 y) / 2.
    - Two tokens:
      [f2_le_of_le] : t1 <= t2 -> f2 p t1 t2 <= (loss d (logits2 p t1 t1) t2
                                                + loss d (logits2 p t2 t2) t2) / 2,
      [rsum_f2_le]  : sum_{t1,t2<d} f2 p t1 t2
                      <= sum_{t<d} loss d (logits2 p t t) t
                         + sum_{t1<t2<d} (loss d (logits2 p t1 t1) t2 + loss d (logits2 p t2 t2) t2),
      [rsum_f2_le_bound2] / [expected_loss2_le] : the same with the O(d^2) closed
      form [bound2 p] (below), and [expected_loss2 p <= 1 / d^2 * bound2 p].
    - Three tokens:
      [f3_le_of_le] : a <= c -> b <= c -> f3 p a b c <= (f3 p a a c + f3 p b b c) / 2,
      [rsum_f3_le_sorted] : the cube sum bounded by the sorted-triple sum with
        multiplicities 6/3/3/1 in which every strict triple a<b<c is replaced by
        (f3 a a c + f3 b b c)/2,
      [rsum_f3_le_bound3] / [expected_loss3_le] : the same with the O(d^2) closed
      form [bound3 p].

    Definitions
    - [bound2 p = sum_{t2<d} (sum_{t1<t2} loss d (logits2 p t1 t1) t2
                              + (t2 + 1) * loss d (logits2 p t2 t2) t2)]
    - [bound3 p = sum_{c<d} (3 c * sum_{a<c} f3 p a a c + 3 * sum_{a<c} f3 p a c c + f3 p c c c)]

    Notes
    - [loss d (logits2 p t t) t = f2 p t t] (lemma [f2_diag]). *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Model Symmetry.
Open Scope R_scope.

(** ** Log-sum-exp is midpoint convex *)

Lemma amgm_lambda (lam A B C : R) :
  0 < lam -> 0 < A -> C * C = A * B -> 2 * lam * C <= lam * lam * A + B.
Proof.
  intros Hl HA HC.
  assert (Hsq : A * (lam * lam * A + B - 2 * lam * C) = (lam * A - C) * (lam * A - C)).
  { replace (A * B) with (C * C) by exact HC.
    transitivity (lam * lam * A * A + A * B - 2 * lam * A * C); [ring|].
    rewrite <- HC. ring. }
  assert (0 <= A * (lam * lam * A + B - 2 * lam * C)).
  { rewrite Hsq. apply Rle_0_sqr. }
  assert (0 <= lam * lam * A + B - 2 * lam * C).
  { destruct (Rle_or_lt 0 (lam * lam * A + B - 2 * lam * C)) as [h|h]; [exact h|].
    exfalso. assert (A * (lam * lam * A + B - 2 * lam * C) < 0).
    { assert (0 < A * - (lam * lam * A + B - 2 * lam * C))
        by (apply Rmult_lt_0_compat; lra).
      lra. }
    lra. }
  lra.
Qed.

Lemma exp_midpoint_sq (x y : R) : exp ((x + y) / 2) * exp ((x + y) / 2) = exp x * exp y.
Proof. rewrite <- !exp_plus. f_equal. field. Qed.

Lemma rsum_exp_midpoint_sq_le (d : nat) (a b : nat -> R) :
  rsum d (fun j => exp ((a j + b j) / 2)) * rsum d (fun j => exp ((a j + b j) / 2))
  <= rsum d (fun j => exp (a j)) * rsum d (fun j => exp (b j)).
Proof.
  destruct d as [|d']; [simpl; lra|].
  set (n := S d').
  set (SA := rsum n (fun j => exp (a j))).
  set (SB := rsum n (fun j => exp (b j))).
  set (T := rsum n (fun j => exp ((a j + b j) / 2))).
  assert (HSA : 0 < SA) by (apply rsum_exp_pos; unfold n; lia).
  assert (HT : 0 < T) by (apply rsum_exp_pos; unfold n; lia).
  set (lam := T / SA).
  assert (Hlam : 0 < lam) by (unfold lam; apply Rdiv_lt_0_compat; assumption).
  (* summed AM-GM *)
  assert (Hsum : 2 * lam * T <= lam * lam * SA + SB).
  { unfold T, SA, SB.
    rewrite <- rsum_scal_l, <- rsum_scal_l, <- rsum_plus.
    apply rsum_le. intros j _.
    apply amgm_lambda; [exact Hlam | apply exp_pos | apply exp_midpoint_sq]. }
  (* with lam = T / SA: 2 T^2/SA <= T^2/SA + SB *)
  assert (Hk : lam * SA = T) by (unfold lam; field; lra).
  assert (H2 : T * T <= SB * SA).
  { assert (Hm : 2 * lam * T * SA <= (lam * lam * SA + SB) * SA)
      by (apply Rmult_le_compat_r; lra).
    replace (2 * lam * T * SA) with (2 * T * (lam * SA)) in Hm by ring.
    replace ((lam * lam * SA + SB) * SA) with ((lam * SA) * (lam * SA) + SB * SA) in Hm by ring.
    rewrite Hk in Hm. lra. }
  lra.
Qed.

Theorem lse_midpoint_le (d : nat) (a b : nat -> R) :
  ln (rsum d (fun j => exp ((a j + b j) / 2)))
  <= (ln (rsum d (fun j => exp (a j))) + ln (rsum d (fun j => exp (b j)))) / 2.
Proof.
  destruct d as [|d']; [simpl; lra|].
  set (n := S d').
  assert (Hn : (0 < n)%nat) by (unfold n; lia).
  pose proof (rsum_exp_pos n a Hn) as HA.
  pose proof (rsum_exp_pos n b Hn) as HB.
  pose proof (rsum_exp_pos n (fun j => (a j + b j) / 2) Hn) as HT.
  pose proof (rsum_exp_midpoint_sq_le n a b) as Hsq.
  set (T := rsum n (fun j => exp ((a j + b j) / 2))) in *.
  set (SA := rsum n (fun j => exp (a j))) in *.
  set (SB := rsum n (fun j => exp (b j))) in *.
  assert (Hl : ln (T * T) <= ln (SA * SB)).
  { destruct Hsq as [Hlt|Heq].
    - left. apply ln_increasing; [apply Rmult_lt_0_compat; assumption | exact Hlt].
    - right. rewrite Heq. reflexivity. }
  rewrite !ln_mult in Hl by assumption.
  lra.
Qed.

Corollary lse_midpoint_le' (d : nat) (a b : nat -> R) :
  lse d (fun j => (a j + b j) / 2) <= (lse d a + lse d b) / 2.
Proof. unfold lse. apply lse_midpoint_le. Qed.

Theorem loss_midpoint_le (d : nat) (z1 z2 : nat -> R) (y : nat) :
  loss d (fun j => (z1 j + z2 j) / 2) y <= (loss d z1 y + loss d z2 y) / 2.
Proof.
  unfold loss. pose proof (lse_midpoint_le' d z1 z2). lra.
Qed.

Section Bounds.
Variable p : mlp.
Local Notation d := (mlp_d p).

Lemma scale_mult_le (k : nat) (x y : R) :
  (d = 0%nat -> x = y) -> x <= y -> 1 / INR d ^ k * x <= 1 / INR d ^ k * y.
Proof.
  intros H0 Hxy. destruct (Nat.eq_dec d 0) as [e|ne].
  - rewrite (H0 e). lra.
  - apply Rmult_le_compat_l; [|exact Hxy].
    assert (0 < INR d) by (apply lt_0_INR; lia).
    left. apply Rdiv_lt_0_compat; [lra|]. apply pow_lt. assumption.
Qed.

(** ** Two tokens *)

Lemma f2_diag (t : nat) : f2 p t t = loss d (logits2 p t t) t.
Proof. unfold f2. rewrite Nat.max_id. reflexivity. Qed.

Lemma logits2_midpoint (t1 t2 j : nat) :
  logits2 p t1 t2 j = (logits2 p t1 t1 j + logits2 p t2 t2 j) / 2.
Proof. rewrite !logits2_eq_W. field. Qed.

Theorem f2_le_of_le (t1 t2 : nat) :
  (t1 <= t2)%nat ->
  f2 p t1 t2 <= (loss d (logits2 p t1 t1) t2 + loss d (logits2 p t2 t2) t2) / 2.
Proof.
  intros Hle. unfold f2. rewrite Nat.max_r by exact Hle.
  rewrite (loss_ext d (logits2 p t1 t2)
             (fun j => (logits2 p t1 t1 j + logits2 p t2 t2 j) / 2))
    by (intros; apply logits2_midpoint).
  apply loss_midpoint_le.
Qed.

Theorem rsum_f2_le :
  rsum d (fun t1 => rsum d (fun t2 => f2 p t1 t2))
  <= rsum d (fun t => loss d (logits2 p t t) t)
     + rsum d (fun t2 => rsum t2 (fun t1 => loss d (logits2 p t1 t1) t2
                                             + loss d (logits2 p t2 t2) t2)).
Proof.
  rewrite rsum_f2_sym.
  rewrite (rsum_ext d (fun t => f2 p t t) (fun t => loss d (logits2 p t t) t))
    by (intros; apply f2_diag).
  rewrite <- rsum_scal_l.
  assert (rsum d (fun t2 => 2 * rsum t2 (fun t1 => f2 p t1 t2))
          <= rsum d (fun t2 => rsum t2 (fun t1 => loss d (logits2 p t1 t1) t2
                                                 + loss d (logits2 p t2 t2) t2))).
  { apply rsum_le. intros t2 _. rewrite <- rsum_scal_l. apply rsum_le. intros t1 Ht1.
    pose proof (f2_le_of_le t1 t2 ltac:(lia)). lra. }
  lra.
Qed.

Definition bound2 : R :=
  rsum d (fun t2 => rsum t2 (fun t1 => loss d (logits2 p t1 t1) t2)
                    + (INR t2 + 1) * loss d (logits2 p t2 t2) t2).

Lemma bound2_eq :
  bound2 = rsum d (fun t => loss d (logits2 p t t) t)
           + rsum d (fun t2 => rsum t2 (fun t1 => loss d (logits2 p t1 t1) t2
                                                   + loss d (logits2 p t2 t2) t2)).
Proof.
  unfold bound2. rewrite <- rsum_plus. apply rsum_ext. intros t2 _.
  rewrite rsum_plus, rsum_const. ring.
Qed.

Theorem rsum_f2_le_bound2 :
  rsum d (fun t1 => rsum d (fun t2 => f2 p t1 t2)) <= bound2.
Proof. rewrite bound2_eq. apply rsum_f2_le. Qed.

Theorem expected_loss2_le : expected_loss2 p <= 1 / INR d ^ 2 * bound2.
Proof.
  unfold expected_loss2. apply scale_mult_le; [|apply rsum_f2_le_bound2].
  intros e. unfold bound2. rewrite e. reflexivity.
Qed.

(** ** Three tokens *)

Lemma logits3_midpoint (a b c j : nat) :
  logits3 p a b c j = (logits3 p a a c j + logits3 p b b c j) / 2.
Proof. rewrite !logits3_eq_W. field. Qed.

Theorem f3_le_of_le (a b c : nat) :
  (a <= c)%nat -> (b <= c)%nat ->
  f3 p a b c <= (f3 p a a c + f3 p b b c) / 2.
Proof.
  intros Hac Hbc. unfold f3.
  replace (max3 a b c) with c by (unfold max3; lia).
  replace (max3 a a c) with c by (unfold max3; lia).
  replace (max3 b b c) with c by (unfold max3; lia).
  rewrite (loss_ext d (logits3 p a b c)
             (fun j => (logits3 p a a c j + logits3 p b b c j) / 2))
    by (intros; apply logits3_midpoint).
  apply loss_midpoint_le.
Qed.

Theorem rsum_f3_le_sorted :
  rsum d (fun a => rsum d (fun b => rsum d (fun c => f3 p a b c)))
  <= rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => (f3 p a a c + f3 p b b c) / 2))
                     + 3 * rsum c (fun a => f3 p a a c)
                     + 3 * rsum c (fun a => f3 p a c c)
                     + f3 p c c c).
Proof.
  rewrite rsum_f3_sym. apply rsum_le. intros c _.
  assert (rsum c (fun b => rsum b (fun a => f3 p a b c))
          <= rsum c (fun b => rsum b (fun a => (f3 p a a c + f3 p b b c) / 2))).
  { apply rsum_le. intros b Hb. apply rsum_le. intros a Ha.
    apply f3_le_of_le; lia. }
  lra.
Qed.

Definition bound3 : R :=
  rsum d (fun c => 3 * INR c * rsum c (fun a => f3 p a a c)
                   + 3 * rsum c (fun a => f3 p a c c)
                   + f3 p c c c).

Lemma sorted_strict_closed_form (c : nat) :
  6 * rsum c (fun b => rsum b (fun a => (f3 p a a c + f3 p b b c) / 2))
  = 3 * (INR c - 1) * rsum c (fun a => f3 p a a c).
Proof.
  rewrite (rsum_ext c _ (fun b => / 2 * rsum b (fun a => f3 p a a c)
                                  + / 2 * (INR b * f3 p b b c))).
  2: { intros b _. rewrite <- rsum_scal_l.
       rewrite (rsum_ext b _ (fun a => / 2 * f3 p a a c + / 2 * f3 p b b c))
         by (intros; unfold Rdiv; ring).
       rewrite rsum_plus, rsum_const, !rsum_scal_l. ring. }
  rewrite rsum_plus, !rsum_scal_l.
  rewrite (rsum_triangle_const_l c (fun a => f3 p a a c)).
  rewrite <- Rmult_plus_distr_l, <- rsum_plus.
  rewrite (rsum_ext c _ (fun a => (INR c - 1) * f3 p a a c)) by (intros; ring).
  rewrite rsum_scal_l. field.
Qed.

Theorem rsum_f3_le_bound3 :
  rsum d (fun a => rsum d (fun b => rsum d (fun c => f3 p a b c))) <= bound3.
Proof.
  eapply Rle_trans; [apply rsum_f3_le_sorted|].
  unfold bound3. right. apply rsum_ext. intros c _.
  rewrite sorted_strict_closed_form. ring.
Qed.

Theorem expected_loss3_le : expected_loss3 p <= 1 / INR d ^ 3 * bound3.
Proof.
  unfold expected_loss3. apply scale_mult_le; [|apply rsum_f3_le_bound3].
  intros e. unfold bound3. rewrite e. reflexivity.
Qed.

End Bounds.
