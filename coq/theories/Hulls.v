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

From Coq Require Import Reals Lra Lia List.
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

(** ** Prefix hulls, all at once *)

(** [scan_join F acc k len] : acc, then acc joined with F (k+1), then with F (k+2), ...
    ([len] entries); from [F 0] at [k = 0], entry j is the hull of [F 0 .. F j], so a table of
    all prefix hulls costs one join per entry. *)
Fixpoint scan_join (F : nat -> I.type) (acc : I.type) (k len : nat) : list I.type :=
  match len with
  | O => []
  | S len' => acc :: scan_join F (I.join acc (F (S k))) (S k) len'
  end.

Lemma scan_join_encl F len : forall k acc i x,
  (i < len)%nat ->
  ((encl acc x) \/ (exists y, (k < y <= k + i)%nat /\ encl (F y) x)) ->
  encl (nth i (scan_join F acc k len) I.zero) x.
Proof.
  induction len as [| len IH]; intros k acc i x Hi Hx; [lia |].
  destruct i as [| i]; simpl.
  - destruct Hx as [Hx | [y [Hy _]]]; [exact Hx | lia].
  - apply IH; [lia |]. destruct Hx as [Hx | [y [Hy Hfy]]].
    + left. apply I.join_correct. left. exact Hx.
    + destruct (Nat.eq_dec y (S k)) as [-> | Hne].
      * left. apply I.join_correct. right. exact Hfy.
      * right. exists y. split; [lia | exact Hfy].
Qed.

(** Entry j of the prefix table of F encloses the maximum of f over 0 .. j. *)
Lemma prefix_hull_encl (F : nat -> I.type) (f : nat -> R) (len j : nat) :
  (j < len)%nat -> (forall y, (y <= j)%nat -> encl (F y) (f y)) ->
  encl (nth j (scan_join F (F 0%nat) 0 len) I.zero) (rmax_list f 0 (seq 0 (S j))).
Proof.
  intros Hj HF. destruct (rmax_list_attained f 0 (seq 0 (S j))) as [y [Hy ->]].
  assert (Hyj : (y <= j)%nat) by (destruct Hy as [<- | Hy]; [lia | apply in_seq in Hy; lia]).
  apply scan_join_encl; [exact Hj |].
  destruct (Nat.eq_dec y 0) as [-> | Hne]; [left; apply HF; lia |].
  right. exists y. split; [lia | apply HF, Hyj].
Qed.
