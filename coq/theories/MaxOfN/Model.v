(** * Model.v -- the "max-of-k MLP" and its loss

    What it defines
    - [lse d z = ln (rsum d (fun j => exp (z j)))]        (log-sum-exp)
    - [loss d z y = lse d z - z y]                         (the loss "L z y")
    - [mlp] : record of the parameters [mlp_d] (vocabulary size d), [mlp_dm]
      (hidden width dm) and the weights, all plain functions [nat -> nat -> R]:
        [mlp_E i t]  (dm x d, embedding),
        [mlp_H i k]  (dm x dm, hidden matrix),
        [mlp_U j i]  (d x dm, unembedding).
    - [logits p v j = sum_{i<dm} U j i * sum_{k<dm} H i k * v k]   (z = U H v)
    - [W p j t = logits p (E column t) j]                          (W = U H E)
    - [embed2 p t1 t2 k = E k t1 + E k t2], [embed3] likewise;
      [logits2 p t1 t2 = logits p (embed2 p t1 t2)], [logits3].
    - labels [Nat.max t1 t2] and [max3 t1 t2 t3 = Nat.max t1 (Nat.max t2 t3)].
    - per-input losses [f2 p t1 t2], [f3 p t1 t2 t3] and expected losses
      [expected_loss2 p = 1 / d^2 * sum_{t1,t2<d} f2 p t1 t2],
      [expected_loss3 p = 1 / d^3 * sum_{t1,t2,t3<d} f3 p t1 t2 t3].

    Main statements
    - linearity of logits: [logits_plus], [logits_scal], [logits_ext],
      [logits_midpoint];
    - [logits2_eq_W : logits2 p t1 t2 j = W p j t1 + W p j t2],
      [logits3_eq_W : logits3 p t1 t2 t3 j = W p j t1 + W p j t2 + W p j t3];
    - evaluator factorisation:
      [rsum_exp_W2 : rsum d (fun j => exp (W j t1 + W j t2))
                     = rsum d (fun j => exp (W j t1) * exp (W j t2))],
      [rsum_exp_logits2] (same with [logits2]), [rsum_exp_logits3];
    - shift invariance of lse (d >= 1):
      [lse_shift : ln (rsum d (fun j => exp (z j)))
                   = c + ln (rsum d (fun j => exp (z j - c)))];
    - congruences [lse_ext], [loss_ext].

    Notes
    - [loss] is the "L" of the specification; [lse d z] is kept as a separate
      definition but unfolds to the [ln (rsum ...)] expression.
    - The record lets a certificate instantiate all weights at once:
      [Definition p := MkMLP 64 32 E_data H_data U_data]. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums.
From PyExport Require Export Loss.
Open Scope R_scope.

(** ** The model *)

Record mlp : Type := MkMLP {
  mlp_d  : nat;                 (** vocabulary size d *)
  mlp_dm : nat;                 (** hidden width dm *)
  mlp_E  : nat -> nat -> R;     (** [mlp_E i t], dm x d *)
  mlp_H  : nat -> nat -> R;     (** [mlp_H i k], dm x dm *)
  mlp_U  : nat -> nat -> R      (** [mlp_U j i], d x dm *)
}.

Definition max3 (t1 t2 t3 : nat) : nat := Nat.max t1 (Nat.max t2 t3).

Section Model.
Variable p : mlp.
Local Notation d := (mlp_d p).
Local Notation dm := (mlp_dm p).
Local Notation E := (mlp_E p).
Local Notation H := (mlp_H p).
Local Notation U := (mlp_U p).

(** z = U H v *)
Definition logits (v : nat -> R) (j : nat) : R :=
  rsum dm (fun i => U j i * rsum dm (fun k => H i k * v k)).

(** Column table: logits of the one-hot embedding column of token [t]. *)
Definition W (j t : nat) : R := logits (fun k => E k t) j.

Definition embed2 (t1 t2 : nat) (k : nat) : R := E k t1 + E k t2.
Definition embed3 (t1 t2 t3 : nat) (k : nat) : R := E k t1 + E k t2 + E k t3.

Definition logits2 (t1 t2 : nat) : nat -> R := logits (embed2 t1 t2).
Definition logits3 (t1 t2 t3 : nat) : nat -> R := logits (embed3 t1 t2 t3).

Definition f2 (t1 t2 : nat) : R := loss d (logits2 t1 t2) (Nat.max t1 t2).
Definition f3 (t1 t2 t3 : nat) : R := loss d (logits3 t1 t2 t3) (max3 t1 t2 t3).

Definition expected_loss2 : R :=
  1 / INR d ^ 2 * rsum d (fun t1 => rsum d (fun t2 => f2 t1 t2)).

Definition expected_loss3 : R :=
  1 / INR d ^ 3 * rsum d (fun t1 => rsum d (fun t2 => rsum d (fun t3 => f3 t1 t2 t3))).

(** *** Linearity of the logits *)

Lemma logits_ext (v w : nat -> R) (j : nat) :
  (forall k, (k < dm)%nat -> v k = w k) -> logits v j = logits w j.
Proof.
  intros Hvw. unfold logits. apply rsum_ext. intros i _. f_equal.
  apply rsum_ext. intros k Hk. rewrite Hvw; auto.
Qed.

Lemma logits_plus (v w : nat -> R) (j : nat) :
  logits (fun k => v k + w k) j = logits v j + logits w j.
Proof.
  unfold logits. rewrite <- rsum_plus. apply rsum_ext. intros i _.
  rewrite <- Rmult_plus_distr_l, <- rsum_plus. f_equal.
  apply rsum_ext. intros k _. ring.
Qed.

Lemma logits_scal (c : R) (v : nat -> R) (j : nat) :
  logits (fun k => c * v k) j = c * logits v j.
Proof.
  unfold logits. rewrite <- rsum_scal_l. apply rsum_ext. intros i _.
  rewrite <- (rsum_ext dm (fun k => c * (H i k * v k))) by (intros; ring).
  rewrite rsum_scal_l. ring.
Qed.

Lemma logits_midpoint (v w : nat -> R) (j : nat) :
  logits (fun k => (v k + w k) / 2) j = (logits v j + logits w j) / 2.
Proof.
  rewrite (logits_ext _ (fun k => / 2 * (v k + w k))) by (intros; unfold Rdiv; ring).
  rewrite logits_scal, logits_plus. unfold Rdiv. ring.
Qed.

Lemma logits2_eq_W (t1 t2 j : nat) : logits2 t1 t2 j = W j t1 + W j t2.
Proof. unfold logits2, embed2, W. apply logits_plus. Qed.

Lemma logits3_eq_W (t1 t2 t3 j : nat) :
  logits3 t1 t2 t3 j = W j t1 + W j t2 + W j t3.
Proof.
  unfold logits3, embed3, W.
  rewrite logits_plus, logits_plus. reflexivity.
Qed.

(** *** Factorisation of the partition function used by the evaluators *)

Lemma rsum_exp_W2 (t1 t2 : nat) :
  rsum d (fun j => exp (W j t1 + W j t2)) = rsum d (fun j => exp (W j t1) * exp (W j t2)).
Proof. apply rsum_ext. intros j _. apply exp_plus. Qed.

Lemma rsum_exp_logits2 (t1 t2 : nat) :
  rsum d (fun j => exp (logits2 t1 t2 j)) = rsum d (fun j => exp (W j t1) * exp (W j t2)).
Proof. apply rsum_ext. intros j _. rewrite logits2_eq_W. apply exp_plus. Qed.

Lemma rsum_exp_logits3 (t1 t2 t3 : nat) :
  rsum d (fun j => exp (logits3 t1 t2 t3 j))
  = rsum d (fun j => exp (W j t1) * exp (W j t2) * exp (W j t3)).
Proof. apply rsum_ext. intros j _. rewrite logits3_eq_W, !exp_plus. reflexivity. Qed.

(** [f2] written with the column table only. *)
Lemma f2_eq_W (t1 t2 : nat) :
  f2 t1 t2 = ln (rsum d (fun j => exp (W j t1) * exp (W j t2)))
             - (W (Nat.max t1 t2) t1 + W (Nat.max t1 t2) t2).
Proof.
  unfold f2, loss, lse. rewrite rsum_exp_logits2, logits2_eq_W. reflexivity.
Qed.

Lemma f3_eq_W (t1 t2 t3 : nat) :
  f3 t1 t2 t3 = ln (rsum d (fun j => exp (W j t1) * exp (W j t2) * exp (W j t3)))
                - (W (max3 t1 t2 t3) t1 + W (max3 t1 t2 t3) t2 + W (max3 t1 t2 t3) t3).
Proof.
  unfold f3, loss, lse. rewrite rsum_exp_logits3, logits3_eq_W. reflexivity.
Qed.

End Model.
