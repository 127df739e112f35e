(** * TransformerEncl.v -- interval evaluation of the Max-of-K transformer

    The logits of one sequence, evaluated with the Interval library's outward-rounded
    operations, enclose the real logits of [Transformer.logits]: the step a brute-force
    kernel checker of the transformer stands on (pyexport issue 7). The weights are given as
    intervals enclosing the real weights (for exact binary64 weights, point intervals); the
    scale 1/sqrt(d_head) is enclosed by [I.sqrt] of the exact integer d_head, so the statement
    stays about the real scale whatever d_head is.

    What it defines
    - [iweights m] : interval weights enclosing those of [m] ([iweights_encl]);
    - [ilogits] (and [iresid0], [iproject], [iscore], [iattn], [iresid]) of a sequence.

    Main statements
    - [encl_sqrt] : [I.sqrt] encloses [sqrt];
    - [ilogits_encl] : with d_head >= 1 and n_ctx >= 1,
        [encl (ilogits W ts j) (logits m ts j)] for every j. *)

From Coq Require Import Reals Lra Lia ZArith.
From PyExport Require Import Sums Enclosure Transformer.
Open Scope R_scope.

Lemma encl_sqrt (pr : I.precision) xi x : encl xi x -> encl (I.sqrt pr xi) (sqrt x).
Proof. intros Hx. exact (I.sqrt_correct pr xi _ Hx). Qed.

(** Interval weights, named as in [transformer]. *)
Record iweights : Type := MkIWeights {
  iW_E : nat -> nat -> I.type;
  iW_pos : nat -> nat -> I.type;
  iW_Q : nat -> nat -> I.type;
  iW_K : nat -> nat -> I.type;
  iW_V : nat -> nat -> I.type;
  iW_O : nat -> nat -> I.type;
  ib_Q : nat -> I.type;
  ib_K : nat -> I.type;
  ib_V : nat -> I.type;
  ib_O : nat -> I.type;
  iW_U : nat -> nat -> I.type;
  ib_U : nat -> I.type
}.

(** [W] encloses every weight of [m], at every index. *)
Definition iweights_encl (W : iweights) (m : transformer) : Prop :=
  (forall a b, encl (iW_E W a b) (W_E m a b)) /\ (forall a b, encl (iW_pos W a b) (W_pos m a b)) /\
  (forall a b, encl (iW_Q W a b) (W_Q m a b)) /\ (forall a b, encl (iW_K W a b) (W_K m a b)) /\
  (forall a b, encl (iW_V W a b) (W_V m a b)) /\ (forall a b, encl (iW_O W a b) (W_O m a b)) /\
  (forall a, encl (ib_Q W a) (b_Q m a)) /\ (forall a, encl (ib_K W a) (b_K m a)) /\
  (forall a, encl (ib_V W a) (b_V m a)) /\ (forall a, encl (ib_O W a) (b_O m a)) /\
  (forall a b, encl (iW_U W a b) (W_U m a b)) /\ (forall a, encl (ib_U W a) (b_U m a)).

Section Evaluation.
Variable m : transformer.
Variable W : iweights.
Variable ts : nat -> nat.
Local Notation n := (n_ctx m).
Local Notation last := (Nat.pred (n_ctx m)).

Definition iresid0 (i k : nat) : I.type := I.add prec (iW_E W (ts i) k) (iW_pos W i k).

Definition iproject (iW : nat -> nat -> I.type) (ib : nat -> I.type) (i h : nat) : I.type :=
  I.add prec (isum prec (d_model m) (fun k => I.mul prec (iresid0 i k) (iW k h))) (ib h).

Definition iscore (i : nat) : I.type :=
  I.div prec
    (isum prec (d_head m) (fun h =>
       I.mul prec (iproject (iW_Q W) (ib_Q W) last h) (iproject (iW_K W) (ib_K W) i h)))
    (I.sqrt prec (I.fromZ prec (Z.of_nat (d_head m)))).

Definition iattn (i : nat) : I.type :=
  I.div prec (I.exp prec (iscore i)) (isum prec n (fun j => I.exp prec (iscore j))).

Definition iresid (k : nat) : I.type :=
  I.add prec
    (I.add prec (iresid0 last k)
       (isum prec (d_head m) (fun h =>
          I.mul prec
            (isum prec n (fun i => I.mul prec (iattn i) (iproject (iW_V W) (ib_V W) i h)))
            (iW_O W h k))))
    (ib_O W k).

Definition ilogits (j : nat) : I.type :=
  I.add prec (isum prec (d_model m) (fun k => I.mul prec (iresid k) (iW_U W k j))) (ib_U W j).

Hypothesis Hencl : iweights_encl W m.
Hypothesis Hhead : (1 <= d_head m)%nat.
Hypothesis Hctx : (1 <= n)%nat.

Lemma iproject_encl iW ib Wr br i h :
  (forall a b, encl (iW a b) (Wr a b)) -> (forall a, encl (ib a) (br a)) ->
  encl (iproject iW ib i h) (project m ts Wr br i h).
Proof.
  destruct Hencl as (HE & Hpos & _).
  intros HW Hb. unfold iproject, project.
  apply encl_add; [apply encl_isum; intros k _ | apply Hb].
  apply encl_mul; [unfold iresid0, resid0; apply encl_add; [apply HE | apply Hpos] | apply HW].
Qed.

Lemma iscore_encl (i : nat) : encl (iscore i) (score m ts i).
Proof.
  destruct Hencl as (_ & _ & HQ & HK & _ & _ & HbQ & HbK & _).
  unfold iscore, score, query, key.
  apply encl_div.
  - apply Rgt_not_eq, sqrt_lt_R0. apply lt_0_INR. lia.
  - apply encl_isum. intros h _.
    apply encl_mul; apply iproject_encl; assumption.
  - apply encl_sqrt. rewrite INR_IZR_INZ. apply encl_fromZ.
Qed.

Lemma iattn_encl (i : nat) : encl (iattn i) (attn m ts i).
Proof.
  unfold iattn, attn.
  apply encl_div.
  - apply Rgt_not_eq, rsum_pos; [lia | intros; apply exp_pos].
  - apply encl_exp, iscore_encl.
  - apply encl_isum. intros j _. apply encl_exp, iscore_encl.
Qed.

Theorem ilogits_encl (j : nat) : encl (ilogits j) (logits m ts j).
Proof.
  pose proof Hencl as (HE & Hpos & _ & _ & HV & HO & _ & _ & HbV & HbO & HU & HbU).
  unfold ilogits, logits.
  apply encl_add; [apply encl_isum; intros k _ | apply HbU].
  apply encl_mul; [| apply HU].
  unfold iresid, resid.
  apply encl_add; [apply encl_add | apply HbO].
  - unfold iresid0, resid0. apply encl_add; [apply HE | apply Hpos].
  - apply encl_isum. intros h _. apply encl_mul; [| apply HO].
    apply encl_isum. intros i _. apply encl_mul; [apply iattn_encl |].
    unfold value. apply iproject_encl; assumption.
Qed.

End Evaluation.
