(** * Data.v -- the max-of-n MLP's certificate data, the model it denotes, its exact logit table

    What it defines
    - [weights] : record [MkWeights d dm E H U] of a certificate's model, the
      three matrices as lists of rows of primitive floats
      ([E] : dm rows of d entries, [H] : dm x dm, [U] : d rows of dm entries,
      the PyTorch layouts of [embedding.weight], [linear.weight],
      [unembedding.weight]).
    - [model_of w : mlp], the model whose real weights are the exact real values [I.F.toR] of
      the float entries (float32 weights are exact binary64 values).
    - [cdata T] : record [MkCert w trace grid_bits p q] : the weights, a
      strategy-specific trace of type [T], the grid exponent (trace integers k
      mean k / 2^grid_bits) and the claimed bound [p / q].
    - the exact logit table: [exact_table w = Some (S, cols)] where [cols] is
      the list of columns t of W = U H E as big integers:
      W j t = [bcol cols t j] * 2^S.  Computed with [BigZ] (machine-word big
      integers; [Z] is ~40x slower under [vm_compute]).
    - walking a trace: [all_pairs], [sorted_pairs], [all_triples], [sorted_triples] (and
      [all_row]) test every input, resp. every sorted input, against its trace entry, with a
      test staged outer token first; the loops of the MLP checkers over their traces
      (brute force, symmetry, row totals, the exact convexity loss checkers).
    The decoding of floats, shapes and big-integer products it uses are in [FloatData].

    Main statements
    - [exact_table_spec] : [exact_table w = Some (S, cols) ->] the table has
      d columns of length d and, for j, t < d,
      [W (model_of w) j t = IZR [bcol cols t j] * bpow radix2 S];
    - [all_pairs_spec], [sorted_pairs_spec], [all_triples_spec], [sorted_triples_spec]: the
      test holds at every (sorted) input, with its entry. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Flocq Require Core.Defs.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Model Accuracy Enclosure.
From PyExport Require Export FloatData.
Import ListNotations.
Open Scope R_scope.

Local Notation "[[ x ]]" := (BigZ.to_Z x).

(** ** The data *)

Record weights : Type := MkWeights {
  w_d  : nat;                    (** d_vocab *)
  w_dm : nat;                    (** d_model *)
  w_E  : list (list float);      (** dm rows of d entries *)
  w_H  : list (list float);      (** dm rows of dm entries *)
  w_U  : list (list float)       (** d rows of dm entries *)
}.

Definition model_of (w : weights) : mlp :=
  MkMLP (w_d w) (w_dm w)
        (fun i t => I.F.toR (fget (w_E w) i t))
        (fun i k => I.F.toR (fget (w_H w) i k))
        (fun j i => I.F.toR (fget (w_U w) j i)).

Record cdata (T : Type) : Type := MkCert {
  cd_weights : weights;
  cd_trace : T;
  cd_grid : Z;                   (** grid_bits: trace integers k stand for k / 2^grid *)
  cd_p : Z;                      (** claim: bound p / q *)
  cd_q : Z
}.
Arguments MkCert {T}.
Arguments cd_weights {T}.
Arguments cd_trace {T}.
Arguments cd_grid {T}.
Arguments cd_p {T}.
Arguments cd_q {T}.

Definition exact_table (w : weights) : option (Z * list (list bigZ)) :=
  let d := w_d w in
  let dm := w_dm w in
  let eE := mat_emin (w_E w) in
  let eH := mat_emin (w_H w) in
  let eU := mat_emin (w_U w) in
  match conv_mat eE (w_E w), conv_mat eH (w_H w), conv_mat eU (w_U w) with
  | Some E', Some H', Some U' =>
      if shape_ok dm d E' && shape_ok dm dm H' && shape_ok d dm U' then
        let HE := matmulB d (to_big H') (to_big E') in
        let Wr := matmulB d (to_big U') HE in
        Some ((eU + eH + eE)%Z, transpose 0%bigZ d Wr)
      else None
  | _, _, _ => None
  end.

(** Entry j of column t, i.e. W j t in units 2^S. *)
Definition bcol (cols : list (list bigZ)) (t j : nat) : bigZ := mget 0%bigZ cols t j.

Lemma W_model_of w j t :
  W (model_of w) j t
  = rsum (w_dm w) (fun i => I.F.toR (fget (w_U w) j i)
                            * rsum (w_dm w) (fun k => I.F.toR (fget (w_H w) i k)
                                                      * I.F.toR (fget (w_E w) k t))).
Proof. reflexivity. Qed.

Theorem exact_table_spec w S cols :
  exact_table w = Some (S, cols) ->
  length cols = w_d w /\
  (forall t, (t < w_d w)%nat -> length (nth t cols []) = w_d w) /\
  forall j t, (j < w_d w)%nat -> (t < w_d w)%nat ->
    W (model_of w) j t = IZR [[bcol cols t j]] * bpow radix2 S.
Proof.
  unfold exact_table.
  set (d := w_d w). set (dm := w_dm w).
  destruct (conv_mat _ (w_E w)) as [E'|] eqn:HE; [|discriminate].
  destruct (conv_mat _ (w_H w)) as [H'|] eqn:HH; [|discriminate].
  destruct (conv_mat _ (w_U w)) as [U'|] eqn:HU; [|discriminate].
  destruct (shape_ok dm d E') eqn:SE; [|discriminate].
  destruct (shape_ok dm dm H') eqn:SH; [|discriminate].
  destruct (shape_ok d dm U') eqn:SU; [|discriminate]. simpl.
  intros Heq. injection Heq as <- <-.
  apply shape_ok_spec in SE, SH, SU.
  destruct SE as [LE RE], SH as [LH RH], SU as [LU RU].
  destruct (conv_mat_spec _ _ _ HE) as (_ & _ & VE).
  destruct (conv_mat_spec _ _ _ HH) as (_ & _ & VH).
  destruct (conv_mat_spec _ _ _ HU) as (_ & _ & VU).
  (* H E *)
  destruct (matmulB_spec d (to_big H') (to_big E') dm) as [LHE VHE].
  { unfold to_big. rewrite map_length. exact LE. }
  { intros k Hk. rewrite length_to_big. apply RE. exact Hk. }
  { intros i Hi. rewrite length_to_big. apply RH. unfold to_big in Hi.
    rewrite map_length in Hi. lia. }
  rewrite length_to_big_rows, LH in LHE.
  destruct (matmulB_spec d (to_big U') (matmulB d (to_big H') (to_big E')) dm) as [LW VW].
  { exact LHE. }
  { intros k Hk. apply VHE. unfold to_big. rewrite map_length. lia. }
  { intros i Hi. rewrite length_to_big. apply RU. unfold to_big in Hi.
    rewrite map_length in Hi. lia. }
  rewrite length_to_big_rows, LU in LW.
  set (Wr := matmulB d (to_big U') (matmulB d (to_big H') (to_big E'))) in *.
  destruct (transpose_spec 0%bigZ d Wr) as [LT VT].
  split; [exact LT|]. split.
  { intros t Ht. destruct (VT t Ht) as [H1 _]. transitivity (length Wr); [exact H1|exact LW]. }
  intros j t Hj Ht. unfold bcol. destruct (VT t Ht) as [_ H2].
  assert (HjW : (j < length Wr)%nat) by (rewrite LW; exact Hj).
  rewrite H2 by exact HjW.
  destruct (VW j) as [_ VWj]; [unfold to_big; rewrite map_length; lia|].
  rewrite VWj. rewrite W_model_of.
  rewrite IZR_zsum, <- rsum_scal_r.
  apply rsum_ext. intros i Hi. rewrite mget_to_big.
  destruct (VHE i) as [_ VHEi]; [unfold to_big; rewrite map_length; lia|].
  rewrite mult_IZR, VHEi, IZR_zsum, VU.
  rewrite !bpow_plus.
  rewrite (rsum_ext dm _ (fun k => (IZR (mget 0%Z H' i k) * IZR (mget 0%Z E' k t))
                                   * (bpow radix2 (mat_emin (w_H w)) * bpow radix2 (mat_emin (w_E w))))).
  2: { intros k _. rewrite VH, VE. ring. }
  rewrite rsum_scal_r.
  rewrite (rsum_ext dm (fun k => IZR ([[mget 0%bigZ (to_big H') i k]] * [[mget 0%bigZ (to_big E') k t]])%Z)
             (fun k => IZR (mget 0%Z H' i k) * IZR (mget 0%Z E' k t))).
  2: { intros k _. rewrite !mget_to_big, mult_IZR. reflexivity. }
  ring.
Qed.

(** ** Walking a trace

    The brute-force and symmetry checkers test each input against its trace entry: all pairs
    (t1, t2) at entry [t1][t2], resp. the sorted pairs t1 <= t2 at entry [t2][t1], and the
    same for triples; [all_row] walks one row (row totals, per-token traces). The test [ok] is
    staged, outer token first: [ok t1] is computed once per row (under [vm_compute], arguments
    are values), so it can hold what the row's inputs share (a column, a product of two
    columns); [ok t1 t2 x] tests input (t1, t2) with its entry x. *)

Definition all_row {A : Type} (n : nat) (row : list A) (a0 : A) (ok : nat -> A -> bool) : bool :=
  all_below n (fun t => ok t (nth t row a0)).

Definition all_pairs {A : Type} (d : nat) (tr : list (list A)) (a0 : A)
    (ok : nat -> nat -> A -> bool) : bool :=
  all_below d (fun t1 => all_row d (nth t1 tr []) a0 (ok t1)).

Definition sorted_pairs {A : Type} (d : nat) (tr : list (list A)) (a0 : A)
    (ok : nat -> nat -> A -> bool) : bool :=
  all_below d (fun t2 => all_row (S t2) (nth t2 tr []) a0 (ok t2)).

Definition all_triples {A : Type} (d : nat) (tr : list (list (list A))) (a0 : A)
    (ok : nat -> nat -> nat -> A -> bool) : bool :=
  all_below d (fun t1 => all_pairs d (nth t1 tr []) a0 (ok t1)).

(** Sorted triples t1 <= t2 <= t3 at entry [t3][t2][t1]; [ok t3 t2 t1 x]. *)
Definition sorted_triples {A : Type} (d : nat) (tr : list (list (list A))) (a0 : A)
    (ok : nat -> nat -> nat -> A -> bool) : bool :=
  all_below d (fun t3 => sorted_pairs (S t3) (nth t3 tr []) a0 (ok t3)).

Lemma all_row_spec {A : Type} n (row : list A) a0 ok : all_row n row a0 ok = true ->
  forall t, (t < n)%nat -> ok t (nth t row a0) = true.
Proof. unfold all_row. rewrite all_below_spec. auto. Qed.

Lemma all_pairs_spec {A : Type} d (tr : list (list A)) a0 ok : all_pairs d tr a0 ok = true ->
  forall t1 t2, (t1 < d)%nat -> (t2 < d)%nat -> ok t1 t2 (mget a0 tr t1 t2) = true.
Proof.
  unfold all_pairs. rewrite all_below_spec. intros H t1 t2 H1 H2.
  exact (all_row_spec _ _ _ _ (H t1 H1) t2 H2).
Qed.

Lemma sorted_pairs_spec {A : Type} d (tr : list (list A)) a0 ok : sorted_pairs d tr a0 ok = true ->
  forall t2 t1, (t2 < d)%nat -> (t1 <= t2)%nat -> ok t2 t1 (mget a0 tr t2 t1) = true.
Proof.
  unfold sorted_pairs. rewrite all_below_spec. intros H t2 t1 H2 H1.
  exact (all_row_spec _ _ _ _ (H t2 H2) t1 (le_n_S _ _ H1)).
Qed.

Lemma all_triples_spec {A : Type} d (tr : list (list (list A))) a0 ok :
  all_triples d tr a0 ok = true -> forall t1 t2 t3, (t1 < d)%nat -> (t2 < d)%nat -> (t3 < d)%nat ->
  ok t1 t2 t3 (nth t3 (nth t2 (nth t1 tr []) []) a0) = true.
Proof.
  unfold all_triples. rewrite all_below_spec. intros H t1 t2 t3 H1 H2 H3.
  exact (all_pairs_spec _ _ _ _ (H t1 H1) t2 t3 H2 H3).
Qed.

Lemma sorted_triples_spec {A : Type} d (tr : list (list (list A))) a0 ok :
  sorted_triples d tr a0 ok = true -> forall t3 t2 t1, (t3 < d)%nat -> (t2 <= t3)%nat ->
  (t1 <= t2)%nat -> ok t3 t2 t1 (nth t1 (nth t2 (nth t3 tr []) []) a0) = true.
Proof.
  unfold sorted_triples. rewrite all_below_spec. intros H t3 t2 t1 H3 H2 H1.
  exact (sorted_pairs_spec _ _ _ _ (H t3 H3) t2 t1 (le_n_S _ _ H2) H1).
Qed.
