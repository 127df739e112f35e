(** * EqkeRank1.v -- the rank-one approximation of EQKE and its error term

    The subcubic strategy's rank-one variant (strategies/subcubic.py, step 1) never forms the
    d x d table EQKE = A B^T (A the queries of the d last tokens, B the keys of the d tokens,
    both d x d_head). For any direction a (a.a > 0) it splits

      EQKE[q, k] = u_q v_k + R[q, k],   u = A a,  v = B a / (a.a),
      R[q, k] = sum_h A'[q, h] B'[k, h],  A' = A (I - P),  B' = B (I - P),  P = a a^T / (a.a)

    ([rank1_split]: (I - P) is a projection, so A (I - P) B^T = A' B'^T), and bounds the error
    of every row difference by a number per query ([rank1_error]):

      R[q, k1] - R[q, k2] <= eps_q = sum_h |A'[q, h]| (hi_h - lo_h)

    for any lo_h <= B'[k, h] <= hi_h over the keys. Hence [rank1_gap]: the score gap
    EQKE[q, m] - EQKE[q, k] is at least u_q (v_m - v_k) - eps_q, which is what the strategy's
    delta bounds from below. [EQKE_rank1_gap] states it for the transformer's EQKE
    ([TransformerPaths]).

    [CheckSubcubic] does not need this: it re-derives the score gaps from the exact EQKE (d^2
    d_head products at the paper's size), which are at least as large; this file proves the
    strategy's own step, as [TransformerCubic.affine_neg] does for the cubic orderings. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Transformer TransformerPaths.
Open Scope R_scope.

Section Rank1.
Variable H : nat.                  (** d_head *)
Variables A B : nat -> nat -> R.   (** A q h, B k h *)
Variable a : nat -> R.             (** the direction *)

Definition aa : R := rsum H (fun h => a h * a h).
Definition u (q : nat) : R := rsum H (fun h => A q h * a h).
Definition v (k : nat) : R := rsum H (fun h => B k h * a h) / aa.
Definition A' (q h : nat) : R := A q h - u q * a h / aa.
Definition B' (k h : nat) : R := B k h - v k * a h.

Hypothesis Haa : 0 < aa.

Lemma rank1_split q k :
  rsum H (fun h => A q h * B k h) = u q * v k + rsum H (fun h => A' q h * B' k h).
Proof.
  assert (Hne : aa <> 0) by lra.
  unfold A', B'.
  rewrite (rsum_ext H (fun h => (A q h - u q * a h / aa) * (B k h - v k * a h))
                     (fun h => A q h * B k h - (v k * (A q h * a h))
                                 - (u q / aa * (a h * B k h))
                                 + (u q / aa * v k * (a h * a h))))
    by (intros; field; exact Hne).
  rewrite rsum_plus, !rsum_minus, !rsum_scal_l. fold (u q) aa.
  assert (Hvb : rsum H (fun h => a h * B k h) = v k * aa).
  { unfold v. rewrite (rsum_ext H _ (fun h => B k h * a h)) by (intros; ring). field. exact Hne. }
  rewrite Hvb. field. exact Hne.
Qed.

Lemma rank1_error q k1 k2 (lo hi : nat -> R) :
  (forall h, (h < H)%nat -> lo h <= B' k1 h <= hi h /\ lo h <= B' k2 h <= hi h) ->
  rsum H (fun h => A' q h * B' k1 h) - rsum H (fun h => A' q h * B' k2 h)
  <= rsum H (fun h => Rabs (A' q h) * (hi h - lo h)).
Proof.
  intros Hb. rewrite <- rsum_minus. apply rsum_le. intros h Hh.
  destruct (Hb h Hh) as [[H1 H2] [H3 H4]].
  rewrite <- Rmult_minus_distr_l.
  eapply Rle_trans; [apply Rle_abs |]. rewrite Rabs_mult.
  apply Rmult_le_compat_l; [apply Rabs_pos |]. apply Rabs_le. lra.
Qed.

(** The strategy's score-gap bound: EQKE[q, m] - EQKE[q, k] >= u_q (v_m - v_k) - eps_q. *)
Theorem rank1_gap q m k (lo hi : nat -> R) :
  (forall t h, (t = m \/ t = k) -> (h < H)%nat -> lo h <= B' t h <= hi h) ->
  u q * (v m - v k) - rsum H (fun h => Rabs (A' q h) * (hi h - lo h))
  <= rsum H (fun h => A q h * B m h) - rsum H (fun h => A q h * B k h).
Proof.
  intros Hb. rewrite !rank1_split.
  assert (Herr : rsum H (fun h => A' q h * B' k h) - rsum H (fun h => A' q h * B' m h)
                 <= rsum H (fun h => Rabs (A' q h) * (hi h - lo h))).
  { apply rank1_error. intros h Hh. split; apply Hb; auto. }
  lra.
Qed.

End Rank1.

(** The transformer's EQKE through its query and key tables. *)
Theorem EQKE_rank1_gap (m : transformer) (a lo hi : nat -> R) (q mx k : nat) :
  let Aq := fun t h => qvec m t h in
  let Bk := fun t h => rsum (d_model m) (fun j => W_E m t j * W_K m j h) in
  0 < aa (d_head m) a ->
  (forall t h, (t = mx \/ t = k) -> (h < d_head m)%nat ->
     lo h <= B' (d_head m) Bk a t h <= hi h) ->
  u (d_head m) Aq a q * (v (d_head m) Bk a mx - v (d_head m) Bk a k)
  - rsum (d_head m) (fun h => Rabs (A' (d_head m) Aq a q h) * (hi h - lo h))
  <= EQKE m q mx - EQKE m q k.
Proof. intros Aq Bk Haa Hb. apply (rank1_gap _ Aq Bk a Haa q mx k lo hi Hb). Qed.
