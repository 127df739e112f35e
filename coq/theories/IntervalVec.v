(** * IntervalVec.v -- interval vectors and vector-matrix products, with enclosure lemmas

    Lists of intervals stand for real vectors indexed by nat; a matrix is a list of rows.
    These are the memoised building blocks of a kernel evaluation (each vector is computed
    once and read by position), where [Enclosure.isum] over functions would recompute.

    What it defines
    - [encl_vec xs x n] : [xs] has length n and its k-th entry encloses [x k] (k < n);
    - [encl_mat M A r c] : [M] has r rows, the k-th of which [encl_vec]-encloses [A k] over c;
    - [vadd], [vscale] (interval multiple), [vzero c], [vecmat x M c] (the vector x M).

    Main statements
    - [encl_vadd], [encl_vscale], [encl_vzero];
    - [encl_vecmat] : [encl_vec x xr r -> encl_mat M A r c ->
        encl_vec (vecmat x M c) (fun h => rsum r (fun k => xr k * A k h)) c]. *)

From Coq Require Import Reals Lra Lia List.
From PyExport Require Import Sums Enclosure.
Import ListNotations.
Open Scope R_scope.

Definition encl_vec (xs : list I.type) (x : nat -> R) (n : nat) : Prop :=
  length xs = n /\ forall k, (k < n)%nat -> encl (nth k xs I.zero) (x k).

Definition encl_mat (M : list (list I.type)) (A : nat -> nat -> R) (r c : nat) : Prop :=
  length M = r /\ forall k, (k < r)%nat -> encl_vec (nth k M []) (A k) c.

Lemma encl_vec_ext xs x y n :
  (forall k, (k < n)%nat -> x k = y k) -> encl_vec xs x n -> encl_vec xs y n.
Proof.
  intros Hxy [Hl Hx]. split; [exact Hl |]. intros k Hk. rewrite <- Hxy by exact Hk. auto.
Qed.

Lemma encl_vec_cons x xs f n :
  encl_vec (x :: xs) f (S n) <-> encl x (f 0%nat) /\ encl_vec xs (fun k => f (S k)) n.
Proof.
  unfold encl_vec. simpl. split.
  - intros [Hl H]. split; [apply (H 0%nat); lia |]. split; [lia |].
    intros k Hk. apply (H (S k)). lia.
  - intros [H0 [Hl H]]. split; [lia |]. intros [| k] Hk; [exact H0 |]. apply H. lia.
Qed.

Fixpoint vadd (a b : list I.type) : list I.type :=
  match a, b with
  | x :: a', y :: b' => I.add prec x y :: vadd a' b'
  | _, _ => []
  end.

Lemma encl_vadd a b fa fb n :
  encl_vec a fa n -> encl_vec b fb n -> encl_vec (vadd a b) (fun k => fa k + fb k) n.
Proof.
  revert a b fa fb. induction n as [| n IH]; intros a b fa fb Ha Hb.
  - destruct Ha as [Ha _]. destruct a; [| discriminate]. split; [reflexivity | lia].
  - destruct a as [| x a]; [destruct Ha as [Ha _]; discriminate |].
    destruct b as [| y b]; [destruct Hb as [Hb _]; discriminate |].
    apply encl_vec_cons in Ha as [Hx Ha]. apply encl_vec_cons in Hb as [Hy Hb].
    simpl. apply encl_vec_cons. split; [apply encl_add; assumption |].
    exact (IH a b _ _ Ha Hb).
Qed.

Definition vscale (s : I.type) (a : list I.type) : list I.type := map (I.mul prec s) a.

Lemma encl_vscale s sr a fa n :
  encl s sr -> encl_vec a fa n -> encl_vec (vscale s a) (fun k => sr * fa k) n.
Proof.
  intros Hs [Hl Ha]. split; [unfold vscale; rewrite map_length; exact Hl |].
  intros k Hk. unfold vscale.
  assert (Hk' : (k < length (map (I.mul prec s) a))%nat).
  { assert (E : length (map (I.mul prec s) a) = n) by (rewrite map_length; exact Hl). lia. }
  rewrite (nth_indep _ _ (I.mul prec s I.zero) Hk').
  rewrite map_nth. apply encl_mul; [exact Hs | apply Ha; exact Hk].
Qed.

Definition vzero (c : nat) : list I.type := repeat I.zero c.

Lemma encl_vzero c : encl_vec (vzero c) (fun _ => 0) c.
Proof.
  split; [apply repeat_length |]. intros k Hk. unfold vzero.
  rewrite nth_repeat. apply encl_zero.
Qed.

(** acc + sum_k x_k M_k, the rows taken in order. *)
Fixpoint vecmat_acc (x : list I.type) (M : list (list I.type)) (acc : list I.type) :
    list I.type :=
  match x, M with
  | xk :: x', row :: M' => vecmat_acc x' M' (vadd acc (vscale xk row))
  | _, _ => acc
  end.

Definition vecmat (x : list I.type) (M : list (list I.type)) (c : nat) : list I.type :=
  vecmat_acc x M (vzero c).

Lemma encl_vecmat_acc x M acc xr A a r c :
  encl_vec x xr r -> encl_mat M A r c -> encl_vec acc a c ->
  encl_vec (vecmat_acc x M acc) (fun h => a h + rsum r (fun k => xr k * A k h)) c.
Proof.
  revert x M acc xr A a. induction r as [| r IH]; intros x M acc xr A a Hx HM Hacc.
  - destruct Hx as [Hx _]. destruct x; [| discriminate]. simpl.
    apply (encl_vec_ext acc a); [intros; ring | exact Hacc].
  - destruct x as [| xk x]; [destruct Hx as [Hx _]; discriminate |].
    destruct M as [| row M]; [destruct HM as [HM _]; discriminate |].
    apply encl_vec_cons in Hx as [Hxk Hx].
    destruct HM as [HMl HM].
    assert (Hrow : encl_vec row (A 0%nat) c) by (apply (HM 0%nat); lia).
    assert (HM' : encl_mat M (fun k => A (S k)) r c).
    { split; [simpl in HMl; lia |]. intros k Hk. apply (HM (S k)). lia. }
    change (vecmat_acc (xk :: x) (row :: M) acc) with (vecmat_acc x M (vadd acc (vscale xk row))).
    pose proof (IH x M _ _ _ _ Hx HM' (encl_vadd _ _ _ _ _ Hacc (encl_vscale _ _ _ _ _ Hxk Hrow)))
      as H.
    eapply encl_vec_ext; [| exact H].
    intros h _. cbv beta. rewrite (rsum_S_l r (fun k => xr k * A k h)). ring.
Qed.

Lemma encl_vecmat x M xr A r c :
  encl_vec x xr r -> encl_mat M A r c ->
  encl_vec (vecmat x M c) (fun h => rsum r (fun k => xr k * A k h)) c.
Proof.
  intros Hx HM. unfold vecmat.
  apply (encl_vec_ext _ (fun h => 0 + rsum r (fun k => xr k * A k h))); [intros; ring |].
  exact (encl_vecmat_acc x M (vzero c) xr A (fun _ => 0) r c Hx HM (encl_vzero c)).
Qed.

(** Entries of a list mapped from positions 0 .. n-1. *)
Lemma nth_map_seq {B : Type} (f : nat -> B) (n k : nat) (db : B) :
  (k < n)%nat -> nth k (map f (seq 0 n)) db = f k.
Proof.
  intros Hk.
  assert (Hl : (k < length (map f (seq 0 n)))%nat) by (rewrite map_length, seq_length; exact Hk).
  rewrite (nth_indep _ db (f 0%nat) Hl), map_nth, seq_nth by exact Hk. reflexivity.
Qed.

Lemma encl_vec_seq (f : nat -> I.type) (g : nat -> R) (n : nat) :
  (forall k, (k < n)%nat -> encl (f k) (g k)) -> encl_vec (map f (seq 0 n)) g n.
Proof.
  intros H. split; [rewrite map_length, seq_length; reflexivity |].
  intros k Hk. rewrite nth_map_seq by exact Hk. auto.
Qed.

Lemma encl_mat_seq (F : nat -> list I.type) (A : nat -> nat -> R) (r c : nat) :
  (forall k, (k < r)%nat -> encl_vec (F k) (A k) c) -> encl_mat (map F (seq 0 r)) A r c.
Proof.
  intros H. split; [rewrite map_length, seq_length; reflexivity |].
  intros k Hk. rewrite nth_map_seq by exact Hk. auto.
Qed.

(** x_0 y_0 + (x_1 y_1 + ...) *)
Fixpoint dotv (a b : list I.type) : I.type :=
  match a, b with
  | x :: a', y :: b' => I.add prec (I.mul prec x y) (dotv a' b')
  | _, _ => I.zero
  end.

Lemma encl_dotv a b fa fb n :
  encl_vec a fa n -> encl_vec b fb n -> encl (dotv a b) (rsum n (fun k => fa k * fb k)).
Proof.
  revert a b fa fb. induction n as [| n IH]; intros a b fa fb Ha Hb.
  - destruct Ha as [Ha _]. destruct a; [| discriminate]. apply encl_zero.
  - destruct a as [| x a]; [destruct Ha as [Ha _]; discriminate |].
    destruct b as [| y b]; [destruct Hb as [Hb _]; discriminate |].
    apply encl_vec_cons in Ha as [Hx Ha]. apply encl_vec_cons in Hb as [Hy Hb].
    rewrite rsum_S_l. simpl. apply encl_add; [apply encl_mul; assumption |].
    exact (IH a b _ _ Ha Hb).
Qed.

(** x_0 + (x_1 + ...) *)
Fixpoint sumv (a : list I.type) : I.type :=
  match a with
  | x :: a' => I.add prec x (sumv a')
  | [] => I.zero
  end.

Lemma encl_sumv a fa n : encl_vec a fa n -> encl (sumv a) (rsum n fa).
Proof.
  revert a fa. induction n as [| n IH]; intros a fa Ha.
  - destruct Ha as [Ha _]. destruct a; [| discriminate]. apply encl_zero.
  - destruct a as [| x a]; [destruct Ha as [Ha _]; discriminate |].
    apply encl_vec_cons in Ha as [Hx Ha].
    rewrite rsum_S_l. simpl. apply encl_add; [exact Hx | exact (IH a _ Ha)].
Qed.

Lemma nth_map_lt' {A B : Type} (f : A -> B) (l : list A) (k : nat) (da : A) (db : B) :
  (k < length l)%nat -> nth k (map f l) db = f (nth k l da).
Proof.
  intros Hk. assert (Hl : (k < length (map f l))%nat) by (rewrite map_length; exact Hk).
  rewrite (nth_indep _ db (f da) Hl). apply map_nth.
Qed.

(** A vector computed entrywise from the rows of an enclosed matrix. *)
Lemma encl_vec_map_rows (f : list I.type -> I.type) M A r c (g : nat -> R) :
  encl_mat M A r c -> (forall k, (k < r)%nat -> encl (f (nth k M [])) (g k)) ->
  encl_vec (map f M) g r.
Proof.
  intros [Hl HM] H. split; [rewrite map_length; exact Hl |].
  intros k Hk. rewrite (nth_map_lt' f M k []) by lia. auto.
Qed.

(** A vector computed entrywise from an enclosed vector. *)
Lemma encl_vec_map (f : I.type -> I.type) v fv (g : nat -> R) n :
  encl_vec v fv n -> (forall k x, (k < n)%nat -> encl x (fv k) -> encl (f x) (g k)) ->
  encl_vec (map f v) g n.
Proof.
  intros [Hl Hv] H. split; [rewrite map_length; exact Hl |].
  intros k Hk. rewrite (nth_map_lt' f v k I.zero) by lia. apply H; auto.
Qed.
