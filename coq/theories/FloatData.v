(** * FloatData.v -- certificate data as primitive floats: exact decoding, shapes, big integers

    Shared by every model family's checkers: weights arrive as lists of rows of binary64
    literals (float32 weights are exact binary64 values).

    What it defines
    - [mget dflt M i j = nth j (nth i M []) dflt], [fget] for floats;
    - exact decoding of floats: [fdec x = Some (m, e)] with [toR x = m * 2^e] (m odd or 0),
      [fscaled emin x] (the integer x / 2^emin, if it is one), [fz x] (the integer x, if it is
      one), [is_pow2 f e]; matrices of floats as integer matrices with a common exponent
      ([mat_emin], [conv_mat]);
    - [shape_ok r c M]; exact matrix products with machine-word big integers ([matmulB]),
      [transpose], [to_big].

    Main statements
    - [fdec_spec], [fscaled_spec], [fz_spec], [is_pow2_spec], [conv_mat_spec], [shape_ok_spec],
      [matmulB_spec], [transpose_spec]. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Flocq Require Core.Defs.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Enclosure.
Import ListNotations.
Open Scope R_scope.

(** ** Matrix entries *)

Definition mget {A : Type} (dflt : A) (M : list (list A)) (i j : nat) : A :=
  nth j (nth i M []) dflt.

Definition fget (M : list (list float)) (i j : nat) : float := mget 0%float M i j.

Lemma nth_map_lt {A B : Type} (f : A -> B) (l : list A) (i : nat) (da : A) (db : B) :
  (i < length l)%nat -> nth i (map f l) db = f (nth i l da).
Proof. intros H. rewrite (nth_indep _ db (f da)) by (rewrite map_length; exact H). apply map_nth. Qed.

(** ** Exact decoding of primitive floats *)

Lemma toR_toF (x : float) :
  I.F.toR x = match PrimitiveFloat.toF x with
              | Basic.Float s m e => IZR (cond_Zopp s (Zpos m)) * bpow radix2 e
              | _ => 0
              end.
Proof.
  unfold I.F.toR, I.F.toX, PrimitiveFloat.toX.
  destruct (PrimitiveFloat.toF x) as [| |s m e]; simpl; try reflexivity.
  rewrite Basic.FtoR_split. reflexivity.
Qed.

(** Remove the trailing zero bits of a mantissa. *)
Fixpoint strip (m : positive) (e : Z) : positive * Z :=
  match m with
  | xO m' => strip m' (Z.succ e)
  | _ => (m, e)
  end.

Lemma strip_spec (s : bool) (m : positive) (e : Z) :
  IZR (cond_Zopp s (Zpos (fst (strip m e)))) * bpow radix2 (snd (strip m e))
  = IZR (cond_Zopp s (Zpos m)) * bpow radix2 e.
Proof.
  revert e. induction m as [m IH|m IH|]; intros e; simpl; try reflexivity.
  rewrite IH. unfold Z.succ. rewrite bpow_plus.
  assert (Hm : IZR (cond_Zopp s (Zpos m~0)) = IZR (cond_Zopp s (Zpos m)) * 2).
  { rewrite <- mult_IZR. f_equal. destruct s; simpl; lia. }
  rewrite Hm. change (bpow radix2 1) with 2. ring.
Qed.

(** [fdec x = Some (m, e)]: x = m * 2^e exactly (zero is (0, 0)); [None] for
    NaN and infinities. *)
Definition fdec (x : float) : option (Z * Z) :=
  match PrimitiveFloat.toF x with
  | Basic.Fzero => Some (0%Z, 0%Z)
  | Basic.Float s m e =>
      let me := strip m e in Some (cond_Zopp s (Zpos (fst me)), snd me)
  | Basic.Fnan => None
  end.

Lemma fdec_spec (x : float) (m e : Z) :
  fdec x = Some (m, e) -> I.F.toR x = IZR m * bpow radix2 e.
Proof.
  unfold fdec. rewrite toR_toF.
  destruct (PrimitiveFloat.toF x) as [| |s m' e']; intros H; try discriminate.
  - injection H as <- <-. ring.
  - injection H as <- <-. symmetry. apply strip_spec.
Qed.

Lemma IZR_shiftl (m k : Z) : (0 <= k)%Z -> IZR (Z.shiftl m k) = IZR m * bpow radix2 k.
Proof.
  intros Hk. rewrite Z.shiftl_mul_pow2 by exact Hk. rewrite mult_IZR.
  rewrite <- (IZR_Zpower radix2) by exact Hk. reflexivity.
Qed.

(** The integer [x / 2^emin], when [x] is a finite float with exponent >= emin. *)
Definition fscaled (emin : Z) (x : float) : option Z :=
  match fdec x with
  | Some (m, e) => if Z.leb emin e then Some (Z.shiftl m (e - emin)) else None
  | None => None
  end.

Lemma fscaled_spec (emin : Z) (x : float) (z : Z) :
  fscaled emin x = Some z -> I.F.toR x = IZR z * bpow radix2 emin.
Proof.
  unfold fscaled. destruct (fdec x) as [[m e]|] eqn:Hd; [|discriminate].
  destruct (Z.leb_spec emin e) as [Hle|]; [|discriminate]. intros H. injection H as <-.
  rewrite (fdec_spec x m e Hd), IZR_shiftl by lia.
  rewrite Rmult_assoc, <- bpow_plus. f_equal. f_equal. lia.
Qed.

(** The integer value of an integral float. *)
Definition fz (x : float) : option Z := fscaled 0 x.

Lemma fz_spec (x : float) (z : Z) : fz x = Some z -> I.F.toR x = IZR z.
Proof. intros H. rewrite (fscaled_spec 0 x z H). simpl. ring. Qed.

Definition fz0 (x : float) : Z := match fz x with Some z => z | None => 0%Z end.

(** A float known to be 2^e. *)
Definition pow2f (e : Z) : float := PrimitiveFloat.fromF (Basic.Float false 1 e).

Definition is_pow2 (f : float) (e : Z) : bool :=
  match fdec f with
  | Some (1%Z, e') => Z.eqb e e'
  | _ => false
  end.

Lemma is_pow2_spec (f : float) (e : Z) : is_pow2 f e = true -> I.F.toR f = bpow radix2 e.
Proof.
  unfold is_pow2. destruct (fdec f) as [[m e']|] eqn:Hd; [|discriminate].
  destruct m as [|[m|m|]|m]; try discriminate. intros H. apply Z.eqb_eq in H. subst e'.
  rewrite (fdec_spec f 1 e Hd). ring.
Qed.

Lemma toR_zero : I.F.toR 0%float = 0.
Proof. rewrite toR_toF. reflexivity. Qed.

(** ** Matrices of floats as integer matrices with a common exponent *)

Definition row_emin (r : list float) (acc : Z) : Z :=
  fold_left (fun a x => match fdec x with Some (_, e) => Z.min a e | None => a end) r acc.

Definition mat_emin (M : list (list float)) : Z := fold_left (fun a r => row_emin r a) M 0%Z.

Fixpoint conv_row (emin : Z) (r : list float) : option (list Z) :=
  match r with
  | [] => Some []
  | x :: r' => match fscaled emin x, conv_row emin r' with
               | Some z, Some l => Some (z :: l)
               | _, _ => None
               end
  end.

Fixpoint conv_mat (emin : Z) (M : list (list float)) : option (list (list Z)) :=
  match M with
  | [] => Some []
  | r :: M' => match conv_row emin r, conv_mat emin M' with
               | Some l, Some L => Some (l :: L)
               | _, _ => None
               end
  end.

Lemma conv_row_spec emin r l :
  conv_row emin r = Some l ->
  length l = length r /\
  forall j, I.F.toR (nth j r 0%float) = IZR (nth j l 0%Z) * bpow radix2 emin.
Proof.
  revert l. induction r as [|x r IH]; intros l H; simpl in H.
  - injection H as <-. split; [reflexivity|]. intros [|j]; simpl; rewrite toR_zero; ring.
  - destruct (fscaled emin x) as [z|] eqn:Hx; [|discriminate].
    destruct (conv_row emin r) as [l'|]; [|discriminate]. injection H as <-.
    destruct (IH l' eq_refl) as [Hl Hj]. split; [simpl; lia|].
    intros [|j]; simpl; [apply fscaled_spec; exact Hx| apply Hj].
Qed.

Lemma conv_mat_spec emin M L :
  conv_mat emin M = Some L ->
  length L = length M /\
  (forall i, length (nth i L []) = length (nth i M [])) /\
  forall i j, I.F.toR (fget M i j) = IZR (mget 0%Z L i j) * bpow radix2 emin.
Proof.
  unfold fget, mget. revert L. induction M as [|r M IH]; intros L H; simpl in H.
  - injection H as <-. split; [reflexivity|]. split; [intros [|i]; reflexivity|].
    intros [|i] [|j]; simpl; rewrite toR_zero; ring.
  - destruct (conv_row emin r) as [l|] eqn:Hr; [|discriminate].
    destruct (conv_mat emin M) as [L'|]; [|discriminate]. injection H as <-.
    destruct (IH L' eq_refl) as (HL & Hrow & Hij).
    destruct (conv_row_spec emin r l Hr) as [Hl Hj].
    split; [simpl; lia|]. split; [intros [|i]; simpl; auto|].
    intros [|i] j; simpl; auto.
Qed.

Definition shape_ok {A : Type} (nrows ncols : nat) (M : list (list A)) : bool :=
  Nat.eqb (length M) nrows && forallb (fun r => Nat.eqb (length r) ncols) M.

Lemma shape_ok_spec {A : Type} nrows ncols (M : list (list A)) :
  shape_ok nrows ncols M = true ->
  length M = nrows /\ forall i, (i < nrows)%nat -> length (nth i M []) = ncols.
Proof.
  unfold shape_ok. rewrite andb_true_iff, forallb_forall. intros [Hn Hr].
  apply Nat.eqb_eq in Hn. split; [exact Hn|]. intros i Hi.
  apply Nat.eqb_eq, Hr, nth_In. lia.
Qed.

(** ** Exact matrix products with machine-word big integers *)

Local Notation "[[ x ]]" := (BigZ.to_Z x).

Lemma big0 : [[0%bigZ]] = 0%Z.
Proof. reflexivity. Qed.

Fixpoint axpy (c : bigZ) (r acc : list bigZ) : list bigZ :=
  match r, acc with
  | x :: r', a :: acc' => (a + c * x)%bigZ :: axpy c r' acc'
  | _, _ => []
  end.

Fixpoint lincomb (coefs : list bigZ) (rows : list (list bigZ)) (acc : list bigZ) : list bigZ :=
  match coefs, rows with
  | c :: cs, r :: rs => lincomb cs rs (axpy c r acc)
  | _, _ => acc
  end.

(** Row i of [A B] is the combination of the rows of [B] with coefficients row i of [A]. *)
Definition matmulB (n : nat) (A B : list (list bigZ)) : list (list bigZ) :=
  map (fun row => lincomb row B (repeat 0%bigZ n)) A.

Lemma axpy_spec c r acc :
  length r = length acc ->
  length (axpy c r acc) = length acc /\
  forall t, [[nth t (axpy c r acc) 0%bigZ]] = ([[nth t acc 0%bigZ]] + [[c]] * [[nth t r 0%bigZ]])%Z.
Proof.
  revert acc. induction r as [|x r IH]; intros [|a acc] Hl; simpl in Hl; try discriminate.
  - split; [reflexivity|]. intros [|t]; cbn [nth axpy]; rewrite !big0; ring.
  - destruct (IH acc ltac:(lia)) as [H1 H2]. split; [simpl; lia|].
    intros [|t]; simpl; [rewrite BigZ.spec_add, BigZ.spec_mul; reflexivity| apply H2].
Qed.

Lemma lincomb_spec coefs rows acc :
  length rows = length coefs ->
  (forall k, (k < length coefs)%nat -> length (nth k rows []) = length acc) ->
  length (lincomb coefs rows acc) = length acc /\
  forall t, [[nth t (lincomb coefs rows acc) 0%bigZ]]
            = ([[nth t acc 0%bigZ]]
               + zsum (length coefs) (fun k => [[nth k coefs 0%bigZ]] * [[nth t (nth k rows []) 0%bigZ]]))%Z.
Proof.
  revert rows acc. induction coefs as [|c cs IH]; intros [|r rs] acc Hl Hr; simpl in Hl;
    try discriminate.
  - split; [reflexivity|]. intros t. simpl. lia.
  - cbn [lincomb length]. destruct (axpy_spec c r acc) as [Ha1 Ha2]; [apply (Hr 0%nat); simpl; lia|].
    destruct (IH rs (axpy c r acc)) as [H1 H2].
    + lia.
    + intros k Hk. rewrite Ha1. apply (Hr (S k)). simpl. lia.
    + split; [lia|]. intros t. rewrite H2, Ha2, zsum_S_l. cbn [nth]. ring.
Qed.

Lemma nth_repeat_0 n t : [[nth t (repeat 0%bigZ n) 0%bigZ]] = 0%Z.
Proof.
  revert t. induction n as [|n IH]; intros [|t]; simpl; try apply big0; apply IH.
Qed.

Lemma matmulB_spec n A B m :
  length B = m ->
  (forall k, (k < m)%nat -> length (nth k B []) = n) ->
  (forall i, (i < length A)%nat -> length (nth i A []) = m) ->
  length (matmulB n A B) = length A /\
  forall i, (i < length A)%nat ->
    length (nth i (matmulB n A B) []) = n /\
    forall t, [[mget 0%bigZ (matmulB n A B) i t]]
              = zsum m (fun k => [[mget 0%bigZ A i k]] * [[mget 0%bigZ B k t]])%Z.
Proof.
  intros HB HBr HA. unfold matmulB, mget. split; [apply map_length|]. intros i Hi.
  rewrite (nth_map_lt _ A i []) by exact Hi.
  destruct (lincomb_spec (nth i A []) B (repeat 0%bigZ n)) as [H1 H2].
  - rewrite HA; auto.
  - intros k Hk. rewrite repeat_length. apply HBr. rewrite HA in Hk; auto.
  - split; [rewrite H1; apply repeat_length|]. intros t. rewrite (nth_map_lt _ A i []) by exact Hi. rewrite H2, nth_repeat_0, HA by exact Hi.
    reflexivity.
Qed.

(** ** Transposition *)

Definition transpose {A : Type} (dflt : A) (n : nat) (M : list (list A)) : list (list A) :=
  map (fun t => map (fun r => nth t r dflt) M) (seq 0 n).

Lemma transpose_spec {A : Type} (dflt : A) n M :
  length (transpose dflt n M) = n /\
  forall t, (t < n)%nat ->
    length (nth t (transpose dflt n M) []) = length M /\
    forall j, (j < length M)%nat -> mget dflt (transpose dflt n M) t j = mget dflt M j t.
Proof.
  unfold transpose, mget. split; [rewrite map_length, seq_length; reflexivity|].
  intros t Ht.
  rewrite (nth_map_lt _ _ t 0%nat) by (rewrite seq_length; exact Ht).
  rewrite seq_nth by exact Ht. simpl.
  split; [apply map_length|]. intros j Hj.
  rewrite (nth_map_lt _ _ j []) by exact Hj. reflexivity.
Qed.

(** ** The exact logit table *)

Definition to_big (M : list (list Z)) : list (list bigZ) := map (map BigZ.of_Z) M.

Lemma mget_to_big M i j : [[mget 0%bigZ (to_big M) i j]] = mget 0%Z M i j.
Proof.
  unfold to_big, mget. revert i. induction M as [|r M IH]; intros [|i]; simpl.
  - destruct j; apply big0.
  - destruct j; apply big0.
  - clear IH. revert j. induction r as [|x r IHr]; intros [|j]; simpl;
      [apply big0|apply big0|apply BigZ.spec_of_Z|apply IHr].
  - apply IH.
Qed.

Lemma length_to_big_rows M : length (to_big M) = length M.
Proof. apply map_length. Qed.

Lemma length_to_big M i : length (nth i (to_big M) []) = length (nth i M []).
Proof.
  unfold to_big. revert i. induction M as [|r M IH]; intros [|i]; simpl; auto.
  apply map_length.
Qed.

(** [exact_table w = Some (S, cols)]: column t of W = U H E is [cols[t]], in units of 2^S. *)
