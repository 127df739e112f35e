(** * Sequences.v -- the d^L token sequences as lists, for kernel enumeration

    [Transformer.accuracy] sums over sequence numbers s < d^L decoded by [tokens_of] (base-d
    digits, first position most significant). A checker cannot afford that decoding at
    d^L = 64^4 (unary division per sequence); it enumerates token lists instead, first token
    outermost, in the same order. [rsum_tokens] says the two sums agree.

    What it defines
    - [rsum_lists d L G] : G summed over the d^L lists of L tokens below d;
    - [ts_of l] : the sequence of a list (position i holds [nth i l 0]).

    Main statements
    - [tokens_of_cons] : the digits of t d^L + s are t, then those of s;
    - [rsum_tokens] : rsum (d^L) (fun s => G (tokens_of d L s)) = rsum_lists d L (G o ts_of)
      for G reading positions below L only;
    - [rsum_lists_ext], [rsum_lists_le] : sums of equal / pointwise smaller terms. *)

From Coq Require Import Reals Lra Lia List.
From PyExport Require Import Sums Transformer.
Import ListNotations.
Open Scope R_scope.

Fixpoint rsum_lists (d L : nat) (G : list nat -> R) : R :=
  match L with
  | O => G []
  | S L' => rsum d (fun t => rsum_lists d L' (fun l => G (t :: l)))
  end.

Definition ts_of (l : list nat) (i : nat) : nat := nth i l 0%nat.

Lemma rsum_lists_ext d L F F' :
  (forall l, F l = F' l) -> rsum_lists d L F = rsum_lists d L F'.
Proof.
  revert F F'. induction L as [| L IH]; intros F F' H; simpl; [apply H |].
  apply rsum_ext. intros t _. apply IH. intros l. apply H.
Qed.

Lemma rsum_lists_le d L F F' :
  (forall l, length l = L -> Forall (fun t => (t < d)%nat) l -> F l <= F' l) ->
  rsum_lists d L F <= rsum_lists d L F'.
Proof.
  revert F F'. induction L as [| L IH]; intros F F' H; simpl.
  - apply H; [reflexivity | constructor].
  - apply rsum_le. intros t Ht. apply IH. intros l Hl Hall.
    apply H; [simpl; rewrite Hl; reflexivity | constructor; assumption].
Qed.

Lemma tokens_of_cons d L t s i : (t < d)%nat -> (s < d ^ L)%nat -> (i <= L)%nat ->
  tokens_of d (S L) (t * d ^ L + s) i = match i with O => t | S i' => tokens_of d L s i' end.
Proof.
  intros Ht Hs Hi. assert (Hd : d <> 0%nat) by lia. unfold tokens_of. destruct i as [| i].
  - replace (S L - 1 - 0)%nat with L by lia.
    rewrite Nat.div_add_l by (apply Nat.pow_nonzero; exact Hd).
    rewrite (Nat.div_small s) by exact Hs. rewrite Nat.add_0_r. apply Nat.mod_small, Ht.
  - replace (S L - 1 - S i)%nat with (L - 1 - i)%nat by lia.
    set (e := (L - 1 - i)%nat).
    assert (HL : (d ^ L = d * d ^ i * d ^ e)%nat)
      by (rewrite <- Nat.pow_succ_r', <- Nat.pow_add_r; f_equal; unfold e; lia).
    rewrite HL, Nat.mul_assoc.
    rewrite Nat.div_add_l by (apply Nat.pow_nonzero; exact Hd).
    replace (t * (d * d ^ i))%nat with (t * d ^ i * d)%nat by ring.
    rewrite Nat.add_comm, Nat.mod_add by exact Hd. reflexivity.
Qed.

Theorem rsum_tokens (d L : nat) (G : (nat -> nat) -> R) :
  (1 <= d)%nat ->
  (forall ts ts', (forall i, (i < L)%nat -> ts i = ts' i) -> G ts = G ts') ->
  rsum (d ^ L) (fun s => G (tokens_of d L s)) = rsum_lists d L (fun l => G (ts_of l)).
Proof.
  intros Hd. revert G. induction L as [| L IH]; intros G HG.
  - change (d ^ 0)%nat with 1%nat. rewrite rsum_1. simpl. apply HG. intros i Hi. lia.
  - rewrite Nat.pow_succ_r', rsum_blocks. simpl rsum_lists. apply rsum_ext. intros t Ht.
    set (G' := fun ts => G (fun i => match i with O => t | S i' => ts i' end)).
    rewrite (rsum_ext (d ^ L) _ (fun s => G' (tokens_of d L s))).
    + rewrite IH.
      * apply rsum_lists_ext. intros l. unfold G'. apply HG. intros [| i] _; reflexivity.
      * intros ts ts' H. unfold G'. apply HG. intros [| i] Hi; [reflexivity | apply H; lia].
    + intros s Hs. unfold G'. apply HG. intros i Hi.
      rewrite tokens_of_cons by lia. reflexivity.
Qed.
