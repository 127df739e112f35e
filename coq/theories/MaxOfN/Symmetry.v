(** * Symmetry.v -- permutation invariance of the per-input loss

    What it proves
    - Two tokens: [f2_comm : f2 p t1 t2 = f2 p t2 t1] (and [logits2_comm]).
    - Three tokens: invariance of [f3] under the generating swaps
      [f3_swap12 : f3 p a b c = f3 p b a c], [f3_swap23 : f3 p a b c = f3 p a c b],
      and the derived [f3_swap13].
    - Sum decompositions of the total loss:
      [rsum_f2_sym : sum_{t1,t2<d} f2 t1 t2
                     = 2 * sum_{t1<t2<d} f2 t1 t2 + sum_{t<d} f2 t t]
        (strict triangle written [rsum d (fun t2 => rsum t2 (fun t1 => f2 p t1 t2))]),
      [rsum_f2_sym_mult] (sorted pairs weighted by [mult2]),
      [rsum_f3_sym : sum over the cube = sum_c (6 * sum_{a<b<c} f3 a b c
                      + 3 * sum_{a<c} f3 a a c + 3 * sum_{a<c} f3 a c c + f3 c c c)],
      [rsum_f3_sym_mult] (sorted triples weighted by [mult3]),
      and the corresponding [expected_loss2_sym], [expected_loss3_sym].

    Notes
    - The generic decomposition lemmas live in [Sums.v]; this file only checks
      their symmetry hypotheses for the model. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Model.
Open Scope R_scope.

Section Symmetry.
Variable p : mlp.
Local Notation d := (mlp_d p).

(** ** Two tokens *)

Lemma logits2_comm (t1 t2 j : nat) : logits2 p t1 t2 j = logits2 p t2 t1 j.
Proof. rewrite !logits2_eq_W. ring. Qed.

Lemma f2_comm (t1 t2 : nat) : f2 p t1 t2 = f2 p t2 t1.
Proof.
  unfold f2. rewrite Nat.max_comm. apply loss_ext. apply logits2_comm.
Qed.

Lemma rsum_f2_sym :
  rsum d (fun t1 => rsum d (fun t2 => f2 p t1 t2))
  = 2 * rsum d (fun t2 => rsum t2 (fun t1 => f2 p t1 t2)) + rsum d (fun t => f2 p t t).
Proof. apply rsum_square_sym. intros; apply f2_comm. Qed.

Lemma rsum_f2_sym_mult :
  rsum d (fun t1 => rsum d (fun t2 => f2 p t1 t2))
  = rsum d (fun t2 => rsum (S t2) (fun t1 => mult2 t1 t2 * f2 p t1 t2)).
Proof. apply rsum_square_sym_mult. intros; apply f2_comm. Qed.

Lemma expected_loss2_sym :
  expected_loss2 p
  = 1 / INR d ^ 2 * (2 * rsum d (fun t2 => rsum t2 (fun t1 => f2 p t1 t2))
                     + rsum d (fun t => f2 p t t)).
Proof. unfold expected_loss2. rewrite rsum_f2_sym. reflexivity. Qed.

(** ** Three tokens *)

Lemma max3_swap12 (a b c : nat) : max3 a b c = max3 b a c.
Proof. unfold max3. lia. Qed.

Lemma max3_swap23 (a b c : nat) : max3 a b c = max3 a c b.
Proof. unfold max3. lia. Qed.

Lemma logits3_swap12 (a b c j : nat) : logits3 p a b c j = logits3 p b a c j.
Proof. rewrite !logits3_eq_W. ring. Qed.

Lemma logits3_swap23 (a b c j : nat) : logits3 p a b c j = logits3 p a c b j.
Proof. rewrite !logits3_eq_W. ring. Qed.

Lemma f3_swap12 (a b c : nat) : f3 p a b c = f3 p b a c.
Proof.
  unfold f3. rewrite max3_swap12. apply loss_ext. intros; apply logits3_swap12.
Qed.

Lemma f3_swap23 (a b c : nat) : f3 p a b c = f3 p a c b.
Proof.
  unfold f3. rewrite max3_swap23. apply loss_ext. intros; apply logits3_swap23.
Qed.

Lemma f3_swap13 (a b c : nat) : f3 p a b c = f3 p c b a.
Proof. rewrite f3_swap12, f3_swap23, f3_swap12. reflexivity. Qed.

Lemma rsum_f3_sym :
  rsum d (fun a => rsum d (fun b => rsum d (fun c => f3 p a b c)))
  = rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => f3 p a b c))
                     + 3 * rsum c (fun a => f3 p a a c)
                     + 3 * rsum c (fun a => f3 p a c c)
                     + f3 p c c c).
Proof. apply (rsum_cube_sym (f3 p) f3_swap12 f3_swap23). Qed.

Lemma rsum_f3_sym_mult :
  rsum d (fun a => rsum d (fun b => rsum d (fun c => f3 p a b c)))
  = rsum d (fun c => rsum (S c) (fun b => rsum (S b) (fun a => mult3 a b c * f3 p a b c))).
Proof. apply (rsum_cube_sym_mult (f3 p) f3_swap12 f3_swap23). Qed.

Lemma expected_loss3_sym :
  expected_loss3 p
  = 1 / INR d ^ 3 * rsum d (fun c => 6 * rsum c (fun b => rsum b (fun a => f3 p a b c))
                                    + 3 * rsum c (fun a => f3 p a a c)
                                    + 3 * rsum c (fun a => f3 p a c c)
                                    + f3 p c c c).
Proof. unfold expected_loss3. rewrite rsum_f3_sym. reflexivity. Qed.

End Symmetry.
