(** * Enclosure.v -- sound interval enclosures with primitive floats (Interval 4.6)

    What it defines
    - [Module I := FloatIntervalFull PrimitiveFloat] : the interval arithmetic of
      the Interval library over Coq's primitive binary64 floats, including the
      elementary functions [I.exp], [I.ln] (from [Interval.Interval.Float_full]).
    - [prec : I.precision] (= [53%Z]; [I.precision] is [Z] for primitive floats).
    - [encl xi x : Prop := contains (I.convert xi) (Xreal x)] : "interval xi
      encloses the real x".
    - [isum prec n Fi] : interval sum of [Fi 0], ..., [Fi (n-1)] (mirrors [rsum]).
    - [ile_check prec xi yi], [ilt_check prec xi yi] : boolean checks, computable
      by [vm_compute], certifying [x <= y] resp. [x < y] for any enclosed x, y.

    Main statements
    - [encl_fromZ], [encl_singleton] (primitive float constant [f] encloses
      [I.F.toR f]), [encl_add], [encl_sub], [encl_mul], [encl_div] (y <> 0),
      [encl_neg], [encl_exp], [encl_ln] (0 < x);
    - [encl_isum] : (forall i < n, encl (Fi i) (f i)) -> encl (isum prec n Fi) (rsum n f);
    - [encl_lse]  : 0 < d -> (forall j < d, encl (Zi j) (z j)) ->
                    encl (I.ln prec (isum prec d (fun j => I.exp prec (Zi j)))) (lse d z);
    - [encl_loss] : the same for [loss d z y] (subtracting [Zi y]);
    - [le_of_ile_check], [lt_of_ilt_check] : a successful check gives the real
      inequality;
    - tactic [float_toR] : turns [I.F.toR f] for a primitive float literal [f]
      into an explicit real [IZR m * 2^e] expression (then [lra]/[field]);
      demo [toR_demo : I.F.toR 0x1.5p-3%float = 21/128];
    - demo lemmas [exp_neg3_le] : exp (-3) <= 1/20 and
      [ln_exp1_exp2_le] : ln (exp 1 + exp 2) <= 232/100, [lse2_demo_lt], each
      proved by [vm_compute] of a boolean check.

    Notes
    - The API used (all from Interval 4.6.1, see README.md for the types):
      [I.convert], [contains], [Xreal], [I.fromZ_correct], [I.singleton_correct],
      [I.add_correct], [I.sub_correct], [I.mul_correct], [I.div_correct],
      [I.neg_correct], [I.exp_correct], [I.ln_correct], [I.sign_large_correct],
      [I.sign_strict_correct], [I.zero_correct].
    - Soundness of the floating-point computations is part of the Interval
      library's proofs.  [Print Assumptions] of the lemmas of this file lists,
      besides the usual axioms of [Reals], the standard-library declarations of
      the kernel primitives ([PrimFloat.*], [PrimInt63.*]) and their
      specifications ([FloatAxioms.*], [Uint63.*_spec], ...), as for any
      development computing with primitive floats; nothing else. *)

From Coq Require Import Reals Lra Lia ZArith Floats.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From PyExport Require Import Sums Loss.
Open Scope R_scope.

Module I := FloatIntervalFull PrimitiveFloat.

Definition prec : I.precision := 53%Z.

Definition encl (xi : I.type) (x : R) : Prop := contains (I.convert xi) (Xreal x).

(** ** Enclosure rules *)

Lemma encl_fromZ (pr : I.precision) (n : Z) : encl (I.fromZ pr n) (IZR n).
Proof. apply I.fromZ_correct. Qed.

Lemma encl_singleton (f : I.F.type) : encl (I.singleton f) (I.F.toR f).
Proof. apply I.singleton_correct. Qed.

Lemma encl_zero : encl I.zero 0.
Proof. unfold encl. rewrite I.zero_correct. simpl. lra. Qed.

Lemma encl_add (pr : I.precision) xi yi x y :
  encl xi x -> encl yi y -> encl (I.add pr xi yi) (x + y).
Proof. intros Hx Hy. exact (I.add_correct pr xi yi _ _ Hx Hy). Qed.

Lemma encl_sub (pr : I.precision) xi yi x y :
  encl xi x -> encl yi y -> encl (I.sub pr xi yi) (x - y).
Proof. intros Hx Hy. exact (I.sub_correct pr xi yi _ _ Hx Hy). Qed.

Lemma encl_mul (pr : I.precision) xi yi x y :
  encl xi x -> encl yi y -> encl (I.mul pr xi yi) (x * y).
Proof. intros Hx Hy. exact (I.mul_correct pr xi yi _ _ Hx Hy). Qed.

Lemma encl_neg xi x : encl xi x -> encl (I.neg xi) (- x).
Proof. intros Hx. exact (I.neg_correct xi _ Hx). Qed.

Lemma encl_div (pr : I.precision) xi yi x y :
  y <> 0 -> encl xi x -> encl yi y -> encl (I.div pr xi yi) (x / y).
Proof.
  intros Hy0 Hx Hy. pose proof (I.div_correct pr xi yi _ _ Hx Hy) as H.
  unfold encl. simpl in H. unfold Xdiv' in H. rewrite is_zero_false in H by exact Hy0.
  exact H.
Qed.

Lemma encl_exp (pr : I.precision) xi x : encl xi x -> encl (I.exp pr xi) (exp x).
Proof. intros Hx. exact (I.exp_correct pr xi _ Hx). Qed.

Lemma encl_sqrt (pr : I.precision) xi x : encl xi x -> encl (I.sqrt pr xi) (R_sqrt.sqrt x).
Proof. intros Hx. exact (I.sqrt_correct pr xi _ Hx). Qed.

Lemma encl_ln (pr : I.precision) xi x : 0 < x -> encl xi x -> encl (I.ln pr xi) (ln x).
Proof.
  intros Hpos Hx. pose proof (I.ln_correct pr xi _ Hx) as H.
  unfold encl. simpl in H. unfold Xln' in H. rewrite is_positive_true in H by exact Hpos.
  exact H.
Qed.

(** ** Interval sums *)

Fixpoint isum (pr : I.precision) (n : nat) (Fi : nat -> I.type) : I.type :=
  match n with
  | O => I.zero
  | S n' => I.add pr (isum pr n' Fi) (Fi n')
  end.

Lemma encl_isum (pr : I.precision) (n : nat) (Fi : nat -> I.type) (f : nat -> R) :
  (forall i, (i < n)%nat -> encl (Fi i) (f i)) -> encl (isum pr n Fi) (rsum n f).
Proof.
  induction n as [|n IH]; intros Hf; simpl.
  - apply encl_zero.
  - apply encl_add; [apply IH; intros i Hi; apply Hf; lia | apply Hf; lia].
Qed.

Lemma encl_lse (pr : I.precision) (d : nat) (Zi : nat -> I.type) (z : nat -> R) :
  (0 < d)%nat -> (forall j, (j < d)%nat -> encl (Zi j) (z j)) ->
  encl (I.ln pr (isum pr d (fun j => I.exp pr (Zi j)))) (lse d z).
Proof.
  intros Hd Hz. unfold lse. apply encl_ln; [apply rsum_exp_pos; exact Hd|].
  apply encl_isum. intros j Hj. apply encl_exp. apply Hz; exact Hj.
Qed.

Lemma encl_loss (pr : I.precision) (d : nat) (Zi : nat -> I.type) (z : nat -> R) (y : nat) :
  (0 < d)%nat -> (forall j, (j < d)%nat -> encl (Zi j) (z j)) -> encl (Zi y) (z y) ->
  encl (I.sub pr (I.ln pr (isum pr d (fun j => I.exp pr (Zi j)))) (Zi y)) (loss d z y).
Proof. intros Hd Hz Hy. unfold loss. apply encl_sub; [apply encl_lse|]; assumption. Qed.

(** ** Decision of real inequalities from enclosures *)

Definition ile_check (pr : I.precision) (xi yi : I.type) : bool :=
  match I.sign_large (I.sub pr yi xi) with
  | Xgt | Xeq => true
  | _ => false
  end.

Definition ilt_check (pr : I.precision) (xi yi : I.type) : bool :=
  match I.sign_strict (I.sub pr yi xi) with
  | Xgt => true
  | _ => false
  end.

Lemma le_of_ile_check (pr : I.precision) xi yi x y :
  encl xi x -> encl yi y -> ile_check pr xi yi = true -> x <= y.
Proof.
  intros Hx Hy Hc. pose proof (encl_sub pr yi xi y x Hy Hx) as Hs.
  unfold ile_check in Hc. pose proof (I.sign_large_correct (I.sub pr yi xi)) as Hsg.
  destruct (I.sign_large (I.sub pr yi xi)); try discriminate.
  - specialize (Hsg _ Hs). injection Hsg. lra.
  - destruct (Hsg _ Hs) as [_ H]. simpl in H. lra.
Qed.

Lemma lt_of_ilt_check (pr : I.precision) xi yi x y :
  encl xi x -> encl yi y -> ilt_check pr xi yi = true -> x < y.
Proof.
  intros Hx Hy Hc. pose proof (encl_sub pr yi xi y x Hy Hx) as Hs.
  unfold ilt_check in Hc. pose proof (I.sign_strict_correct (I.sub pr yi xi)) as Hsg.
  destruct (I.sign_strict (I.sub pr yi xi)); try discriminate.
  destruct (Hsg _ Hs) as [_ H]. simpl in H. lra.
Qed.

(** ** Real value of a primitive float literal *)

Ltac float_toR :=
  unfold I.F.toR, I.F.toX;
  repeat match goal with
  | |- context [PrimitiveFloat.toF ?f] =>
      let v := eval vm_compute in (PrimitiveFloat.toF f) in
      change (PrimitiveFloat.toF f) with v
  end;
  simpl; unfold Basic.FtoR; simpl.

Lemma toR_demo : I.F.toR 0x1.5p-3%float = 21 / 128.
Proof. float_toR. lra. Qed.

(** ** Demo lemmas: a [vm_compute]d check implies a real inequality *)

Lemma exp_neg3_le : exp (-3) <= 1 / 20.
Proof.
  apply (le_of_ile_check prec (I.exp prec (I.fromZ prec (-3)))
                              (I.div prec (I.fromZ prec 1) (I.fromZ prec 20))).
  - apply encl_exp, encl_fromZ.
  - apply encl_div; [lra | apply encl_fromZ | apply encl_fromZ].
  - vm_compute. reflexivity.
Qed.

Lemma ln_exp1_exp2_le : ln (exp 1 + exp 2) <= 232 / 100.
Proof.
  apply (le_of_ile_check prec
           (I.ln prec (I.add prec (I.exp prec (I.fromZ prec 1)) (I.exp prec (I.fromZ prec 2))))
           (I.div prec (I.fromZ prec 232) (I.fromZ prec 100))).
  - apply encl_ln; [pose proof (exp_pos 1); pose proof (exp_pos 2); lra|].
    apply encl_add; apply encl_exp, encl_fromZ.
  - apply encl_div; [lra | apply encl_fromZ | apply encl_fromZ].
  - vm_compute. reflexivity.
Qed.

(** A log-sum-exp over a (tiny) concrete vocabulary, through [encl_lse]. *)
Definition demo_z (j : nat) : R := IZR (Z.of_nat j) / 4.
Definition demo_zi (j : nat) : I.type := I.div prec (I.fromZ prec (Z.of_nat j)) (I.fromZ prec 4).

Lemma lse2_demo_lt : lse 3 demo_z < 1.6.
Proof.
  apply (lt_of_ilt_check prec (I.ln prec (isum prec 3 (fun j => I.exp prec (demo_zi j))))
                              (I.div prec (I.fromZ prec 16) (I.fromZ prec 10))).
  - apply encl_lse; [lia|]. intros j _. unfold demo_zi, demo_z.
    apply encl_div; [lra | apply encl_fromZ | apply encl_fromZ].
  - replace 1.6 with (IZR 16 / IZR 10) by lra.
    apply encl_div; [lra | apply encl_fromZ | apply encl_fromZ].
  - vm_compute. reflexivity.
Qed.
