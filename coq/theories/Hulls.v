(** * Hulls.v -- maxima over a list of indices, of reals and of intervals

    The Max-of-K checkers bound maxima (over wrong answers, positions, token prefixes) by the
    interval hull of enclosures; the proofs need the real maximum those hulls enclose.

    What it defines
    - [rmax_list f x0 l] : the largest f y over y in x0 :: l;
    - [ijoin_list F x0 l] : the hull (I.join) of the intervals F y over y in x0 :: l.

    Main statements
    - [rmax_list_ge] : every f y is below the maximum; [rmax_list_attained] : it is one of them;
    - [ijoin_list_encl] : the hull encloses every value one of its intervals encloses;
    - [hull_encl] : the hull of enclosures of f encloses the maximum of f. *)

From Coq Require Import Reals Lra List.
From PyExport Require Import Enclosure.
Import ListNotations.
Open Scope R_scope.

(** ** Maxima over x0 :: l, of reals and of intervals (hulls) *)

Fixpoint rmax_list (f : nat -> R) (x0 : nat) (l : list nat) : R :=
  match l with
  | [] => f x0
  | x :: l' => Rmax (f x) (rmax_list f x0 l')
  end.

Lemma rmax_list_ge f x0 l y : In y (x0 :: l) -> f y <= rmax_list f x0 l.
Proof.
  induction l as [| x l IH]; intros Hy.
  - destruct Hy as [<- | []]. simpl. lra.
  - simpl in Hy. simpl. destruct Hy as [<- | [<- | Hy]].
    + eapply Rle_trans; [apply IH; left; reflexivity | apply Rmax_r].
    + apply Rmax_l.
    + eapply Rle_trans; [apply IH; right; exact Hy | apply Rmax_r].
Qed.

Lemma rmax_list_attained f x0 l : exists y, In y (x0 :: l) /\ rmax_list f x0 l = f y.
Proof.
  induction l as [| x l IH].
  - exists x0. split; [left; reflexivity | reflexivity].
  - destruct IH as [y [Hy Hmax]]. simpl. unfold Rmax.
    destruct (Rle_dec (f x) (rmax_list f x0 l)).
    + exists y. split; [| exact Hmax]. destruct Hy as [<- | Hy]; [left | right; right]; auto.
    + exists x. split; [right; left; reflexivity | reflexivity].
Qed.

Fixpoint ijoin_list (F : nat -> I.type) (x0 : nat) (l : list nat) : I.type :=
  match l with
  | [] => F x0
  | x :: l' => I.join (F x) (ijoin_list F x0 l')
  end.

Lemma ijoin_list_encl F x0 l y v : In y (x0 :: l) -> encl (F y) v -> encl (ijoin_list F x0 l) v.
Proof.
  induction l as [| x l IH]; intros Hy Hv.
  - destruct Hy as [<- | []]. exact Hv.
  - simpl in Hy. simpl. apply I.join_correct. destruct Hy as [<- | [<- | Hy]].
    + right. apply IH; [left; reflexivity | exact Hv].
    + left. exact Hv.
    + right. apply IH; [right; exact Hy | exact Hv].
Qed.

Lemma hull_encl (F : nat -> I.type) (f : nat -> R) x0 l :
  (forall y, In y (x0 :: l) -> encl (F y) (f y)) -> encl (ijoin_list F x0 l) (rmax_list f x0 l).
Proof.
  intros HF. destruct (rmax_list_attained f x0 l) as [y [Hy ->]].
  apply (ijoin_list_encl _ _ _ y _ Hy), HF, Hy.
Qed.
