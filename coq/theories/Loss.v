(** * Loss.v -- log-sum-exp and the cross-entropy loss of a logit vector

    Shared by every model family: a logit vector is a function [z : nat -> R] over d classes.

    What it defines
    - [lse d z = ln (sum_j exp (z j))], [loss d z y = lse d z - z y].

    Main statements
    - [rsum_exp_pos], [lse_ext], [loss_ext];
    - [lse_shift], [lse_shift'], [loss_shift] : invariance under a common shift of the
      logits (what evaluators use for stability). *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums.
Open Scope R_scope.

(** ** Log-sum-exp and loss (generic in the vocabulary size [d]) *)

Definition lse (d : nat) (z : nat -> R) : R := ln (rsum d (fun j => exp (z j))).

Definition loss (d : nat) (z : nat -> R) (y : nat) : R := lse d z - z y.

Lemma rsum_exp_pos (d : nat) (z : nat -> R) :
  (0 < d)%nat -> 0 < rsum d (fun j => exp (z j)).
Proof. intros Hd. apply rsum_pos; [exact Hd|]. intros; apply exp_pos. Qed.

Lemma lse_ext (d : nat) (z1 z2 : nat -> R) :
  (forall j, (j < d)%nat -> z1 j = z2 j) -> lse d z1 = lse d z2.
Proof. intros Hz. unfold lse. f_equal. apply rsum_ext. intros j Hj. rewrite Hz; auto. Qed.

Lemma loss_ext (d : nat) (z1 z2 : nat -> R) (y : nat) :
  (forall j, z1 j = z2 j) -> loss d z1 y = loss d z2 y.
Proof. intros Hz. unfold loss. rewrite (lse_ext d z1 z2) by auto. rewrite Hz. reflexivity. Qed.

(** Shift invariance of log-sum-exp (used by the evaluators for stability). *)
Lemma lse_shift (d : nat) (z : nat -> R) (c : R) :
  (0 < d)%nat ->
  ln (rsum d (fun j => exp (z j))) = c + ln (rsum d (fun j => exp (z j - c))).
Proof.
  intros Hd.
  assert (Hs : rsum d (fun j => exp (z j - c)) = exp (- c) * rsum d (fun j => exp (z j))).
  { rewrite <- rsum_scal_l. apply rsum_ext. intros j _.
    unfold Rminus. rewrite exp_plus. ring. }
  rewrite Hs, ln_mult by (apply exp_pos || apply rsum_exp_pos; exact Hd).
  rewrite ln_exp. ring.
Qed.

Lemma lse_shift' (d : nat) (z : nat -> R) (c : R) :
  (0 < d)%nat -> lse d z = c + lse d (fun j => z j - c).
Proof. intros Hd. unfold lse. apply lse_shift; exact Hd. Qed.

Lemma loss_shift (d : nat) (z : nat -> R) (y : nat) (c : R) :
  (0 < d)%nat -> loss d z y = loss d (fun j => z j - c) y.
Proof. intros Hd. unfold loss. rewrite (lse_shift' d z c Hd). ring. Qed.
