(** * FastExp.v -- a fast, tight upper bound of exp in binary64, for millions of calls

    The Interval library's [I.exp] is sound but slow under [vm_compute] (tens of microseconds
    a call) and loose at 53 bits. [exp_up_with cs rem c x] bounds exp x from above to about
    1e-13 relative in under 2 us, with no integer arithmetic: for -40 < x <= 8,
      exp x = (exp h * exp(-5/8))^64,   h = x/64 + 5/8 in [0, 3/4],
    where exp h is bounded by the Taylor polynomial of degree [N] (Horner's rule, upward
    rounding) plus its Lagrange remainder, c >= exp(-5/8), and the 64th power is six upward
    squarings. For x <= -40 it returns c^64 >= exp(-40) >= exp x; otherwise +inf.
    The constants (coefficients, remainder, c) are computed once per check by the Interval
    library's proved [I.div] and stay inside the kernel's trust base.

    What it defines
    - [taylor N h = sum_{m <= N} h^m / m!], [horner_up] (upward-rounded Horner);
    - [exp_coefs] (upper bounds of 1/m!, m <= N), [exp_rem] (an upper bound of the
      remainder), [exp_m58_encl] (an enclosure of exp(-5/8));
    - [exp_up_fn] : [Some (exp_up_with ...)] once the constants are computed;
    - [lse_below F zs L] : a test that LSE(z) <= L, by sum_j exp_up(z_j - L) <= 1.

    Main statements
    - [exp_taylor] : [0 <= h <= 3/4 -> taylor N h <= exp h <= taylor N h
                      + (3/4)^(N+1) / (N+1)! * 3]  (Coquelicot's [Taylor_Lagrange]);
    - [horner_up_spec] : upward Horner bounds the real polynomial of smaller coefficients at a
      smaller nonnegative point;
    - [exp_up_fn_spec] : [exp_up_fn = Some F -> le_upper (Xreal (exp (toR x))) (toX (F x))];
    - [lse_below_spec] : [lse_below F zs L = true -> lse n z <= c] when zs and L enclose
      z and c. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
Set Warnings "-ambiguous-paths".
From Coquelicot Require Import Derive ElemFct.
Set Warnings "ambiguous-paths".
From PyExport Require Import Sums Model Enclosure Data Taylor FloatTable.
Import ListNotations.
Open Scope R_scope.

Local Notation toR := I.F.toR.
Local Notation le_upper := Basic.le_upper.

(** The degree of the Taylor polynomial: the remainder on [0, 3/4] is below 2^-58. *)
Definition N : nat := 17.

(** ** The Taylor bound *)

Definition taylor (n : nat) (h : R) : R := sum_f_R0 (fun m => h ^ m / INR (fact m)) n.

Lemma exp_taylor (n : nat) (h : R) :
  0 <= h <= 3 / 4 ->
  taylor n h <= exp h <= taylor n h + (3 / 4) ^ S n / INR (fact (S n)) * 3.
Proof.
  intros [H0 H1].
  assert (Hf : 0 < INR (fact (S n))) by (apply lt_0_INR, lt_O_fact).
  assert (Hrem : 0 <= (3 / 4) ^ S n / INR (fact (S n)) * 3)
    by (apply Rmult_le_pos; [apply Rle_mult_inv_pos; [apply pow_le; lra|exact Hf]|lra]).
  destruct (Req_dec h 0) as [->|Hne].
  - rewrite exp_0. unfold taylor.
    assert (Hs : forall k, sum_f_R0 (fun m => 0 ^ m / INR (fact m)) k = 1).
    { induction k as [|k IH]; [simpl; field|]. rewrite tech5, IH, pow_i by lia.
      unfold Rdiv. ring. }
    rewrite Hs. lra.
  - assert (Hpos : 0 < h) by lra.
    destruct (Taylor_Lagrange exp n 0 h Hpos (fun t _ k _ => ex_derive_n_exp k t))
      as [z [[Hz0 Hz1] Heq]].
    rewrite (sum_eq _ (fun m => h ^ m / INR (fact m))) in Heq
      by (intros; rewrite Derive_n_exp, exp_0; replace (h - 0) with h by ring; field;
          apply not_0_INR, fact_neq_0).
    rewrite Derive_n_exp in Heq. replace (h - 0) with h in Heq by ring.
    fold (taylor n h) in Heq. rewrite Heq.
    assert (Hez : 0 < exp z <= 3).
    { split; [apply exp_pos|]. apply Rle_trans with (exp 1); [|apply exp_le_3].
      left. apply exp_increasing. lra. }
    assert (Hh : 0 <= h ^ S n <= (3 / 4) ^ S n) by (split; [apply pow_le|apply pow_incr]; lra).
    assert (0 <= h ^ S n / INR (fact (S n)) * exp z)
      by (apply Rmult_le_pos; [apply Rle_mult_inv_pos; lra|lra]).
    assert (h ^ S n / INR (fact (S n)) * exp z <= (3 / 4) ^ S n / INR (fact (S n)) * 3).
    { apply Rmult_le_compat; try lra; [apply Rle_mult_inv_pos; lra|].
      unfold Rdiv. apply Rmult_le_compat_r; [left; apply Rinv_0_lt_compat; exact Hf|lra]. }
    lra.
Qed.

(** ** Horner's rule *)

Definition hornerR (cs : list R) (x : R) : R := fold_right (fun c acc => c + x * acc) 0 cs.

Lemma hornerR_seq (f : nat -> R) (s n : nat) (x : R) :
  hornerR (map f (seq s n)) x = rsum n (fun j => f (s + j)%nat * x ^ j).
Proof.
  revert s. induction n as [|n IH]; intros s; [reflexivity|].
  cbn [seq map hornerR fold_right]. fold (hornerR (map f (seq (S s) n)) x). rewrite IH.
  rewrite rsum_S_l. rewrite Nat.add_0_r. simpl (x ^ 0). rewrite <- rsum_scal_l.
  f_equal; [ring|]. apply rsum_ext. intros j _. rewrite <- plus_n_Sm. simpl. ring.
Qed.

Lemma sum_f_R0_rsum (f : nat -> R) (n : nat) : sum_f_R0 f n = rsum (S n) f.
Proof. induction n as [|n IH]; [simpl; ring|]. rewrite tech5, IH. reflexivity. Qed.

Lemma hornerR_taylor (n : nat) (x : R) :
  hornerR (map (fun m => / INR (fact m)) (seq 0 (S n))) x = taylor n x.
Proof.
  rewrite hornerR_seq. unfold taylor. rewrite sum_f_R0_rsum. apply rsum_ext. intros j _.
  simpl. unfold Rdiv. ring.
Qed.

Lemma hornerR_nonneg (cs : list R) (x : R) :
  Forall (fun c => 0 <= c) cs -> 0 <= x -> 0 <= hornerR cs x.
Proof.
  intros Hc Hx. induction Hc as [|c cs Hc0 _ IH]; simpl; [lra|].
  apply Rplus_le_le_0_compat; [exact Hc0|]. apply Rmult_le_pos; assumption.
Qed.

Definition horner_up (cs : list float) (h : float) : float :=
  fold_right (fun c acc => I.F.add_UP prec c (I.F.mul_UP prec h acc)) I.F.zero cs.

Lemma horner_up_spec (cs : list float) (rs : list R) (h : float) (x : R) :
  Forall2 (fun c r => I.F.real c = true /\ 0 <= r <= toR c) cs rs ->
  I.F.real h = true -> 0 <= x <= toR h ->
  I.F.valid_ub (horner_up cs h) = true /\ le_upper (Xreal (hornerR rs x)) (I.F.toX (horner_up cs h)).
Proof.
  intros Hc Rh Hx. induction Hc as [|c r cs rs [Rc Hr] Hcs IH]; simpl.
  - split; [apply real_valid; rewrite I.F.real_correct, I.F.zero_correct; reflexivity|].
    simpl. lra.
  - destruct IH as [Vacc Lacc]. fold (horner_up cs h). fold (hornerR rs x).
    set (acc := horner_up cs h) in *.
    assert (Hnn : 0 <= hornerR rs x).
    { apply hornerR_nonneg; [|lra]. clear -Hcs. induction Hcs as [|c' r' cs' rs' [_ Hr'] _ IH];
        constructor; [lra|exact IH]. }
    destruct (I.F.mul_UP_correct prec h acc) as [Vm Lm].
    { left. split.
      - split; [apply real_valid; exact Rh|]. rewrite (real_toX h Rh). lra.
      - split; [exact Vacc|]. destruct (I.F.toX acc) as [|a]; [exact I|]. simpl in Lacc. lra. }
    assert (Lm' : le_upper (Xreal (x * hornerR rs x)) (I.F.toX (I.F.mul_UP prec h acc))).
    { rewrite (real_toX h Rh) in Lm. destruct (I.F.toX acc) as [|a] eqn:Ea.
      - simpl in Lm. destruct (I.F.toX (I.F.mul_UP prec h acc)); [exact I|contradiction].
      - simpl in Lm, Lacc. apply (le_upper_chain _ (Xreal (toR h * a))); [|exact Lm].
        simpl. apply Rmult_le_compat; lra. }
    destruct (I.F.add_UP_correct prec c (I.F.mul_UP prec h acc)) as [Va La];
      [apply real_valid; exact Rc|exact Vm|].
    split; [exact Va|].
    rewrite (real_toX c Rc) in La.
    exact (le_upper_chain _ _ _ (le_upper_add r _ (Xreal (toR c)) _ ltac:(simpl; lra) Lm') La).
Qed.

(** ** The constants *)

Fixpoint fact_z (n : nat) : Z := match n with O => 1%Z | S m => (Z.of_nat n * fact_z m)%Z end.

Lemma fact_z_INR (n : nat) : IZR (fact_z n) = INR (fact n).
Proof.
  induction n as [|n IH]; [reflexivity|].
  cbn [fact_z fact]. rewrite mult_IZR, IH, mult_INR, <- INR_IZR_INZ. reflexivity.
Qed.

(** Upper endpoints of enclosures of 1/m!, m <= N (computed at check time; [None] if an
    endpoint is not a real number). *)
Definition upper (x : I.type) : option float :=
  match x with Float.Ibnd _ u => if I.F.real u then Some u else None | _ => None end.

Lemma upper_spec x v u : encl x v -> upper x = Some u -> I.F.real u = true /\ v <= toR u.
Proof.
  unfold upper, encl. destruct x as [|l u']; [discriminate|].
  destruct (I.F.real u') eqn:Ru; [|discriminate]. intros Hc Heq. injection Heq as <-.
  split; [exact Ru|]. simpl in Hc. destruct (I.F.valid_lb l && I.F.valid_ub u') eqn:V.
  - simpl in Hc. rewrite (real_toX u' Ru) in Hc. tauto.
  - simpl in Hc. lra.
Qed.

Fixpoint all_upper (xs : list I.type) : option (list float) :=
  match xs with
  | [] => Some []
  | x :: xs' => match upper x, all_upper xs' with Some u, Some us => Some (u :: us) | _, _ => None end
  end.

Definition coef_encl (m : nat) : I.type := I.div prec (I.fromZ prec 1) (I.fromZ prec (fact_z m)).

Lemma coef_encl_spec m : encl (coef_encl m) (/ INR (fact m)).
Proof.
  unfold coef_encl. replace (/ INR (fact m)) with (IZR 1 / IZR (fact_z m))
    by (rewrite fact_z_INR; simpl; field; apply not_0_INR, fact_neq_0).
  apply encl_div; [rewrite fact_z_INR; apply not_0_INR, fact_neq_0|apply encl_fromZ|
                   apply encl_fromZ].
Qed.

Definition exp_coefs : option (list float) := all_upper (map coef_encl (seq 0 (S N))).

Lemma exp_coefs_spec cs :
  exp_coefs = Some cs ->
  Forall2 (fun c r => I.F.real c = true /\ 0 <= r <= toR c) cs
          (map (fun m => / INR (fact m)) (seq 0 (S N))).
Proof.
  unfold exp_coefs. generalize (seq 0 (S N)) as ms. intros ms. revert cs.
  induction ms as [|m ms IH]; intros cs Hc; simpl in Hc.
  - injection Hc as <-. constructor.
  - destruct (upper (coef_encl m)) as [u|] eqn:Hu; [|discriminate].
    destruct (all_upper (map coef_encl ms)) as [us|] eqn:Hus; [|discriminate].
    injection Hc as <-. simpl. constructor; [|apply IH; reflexivity].
    destruct (upper_spec _ _ _ (coef_encl_spec m) Hu) as [Ru Hle]. split; [exact Ru|]. split; [|exact Hle].
    left. apply Rinv_0_lt_compat, lt_0_INR, lt_O_fact.
Qed.

(** An upper bound of the remainder (3/4)^(N+1)/(N+1)! * 3. *)
Definition exp_rem : option float :=
  upper (I.div prec (I.fromZ prec (3 ^ Z.of_nat (S N) * 3))
               (I.fromZ prec (4 ^ Z.of_nat (S N) * fact_z (S N)))).

Lemma rem_eq (n : nat) :
  (3 / 4) ^ S n / INR (fact (S n)) * 3
  = IZR (3 ^ Z.of_nat (S n) * 3) / IZR (4 ^ Z.of_nat (S n) * fact_z (S n)).
Proof.
  rewrite !mult_IZR, fact_z_INR, <- !pow_IZR.
  assert (INR (fact (S n)) <> 0) by apply not_0_INR, fact_neq_0.
  assert (4 ^ S n <> 0) by (apply pow_nonzero; lra).
  unfold Rdiv. rewrite Rpow_mult_distr, pow_inv. field. split; assumption.
Qed.

Lemma exp_rem_spec r :
  exp_rem = Some r -> I.F.real r = true /\ (3 / 4) ^ S N / INR (fact (S N)) * 3 <= toR r.
Proof.
  unfold exp_rem. intros H.
  assert (Hnz : IZR (4 ^ Z.of_nat (S N) * fact_z (S N)) <> 0).
  { rewrite mult_IZR, fact_z_INR. apply Rmult_integral_contrapositive.
    split; [apply IZR_neq; apply Z.pow_nonzero; lia|apply not_0_INR, fact_neq_0]. }
  pose proof (encl_div prec _ _ _ _ Hnz (encl_fromZ prec (3 ^ Z.of_nat (S N) * 3))
                (encl_fromZ prec (4 ^ Z.of_nat (S N) * fact_z (S N)))) as He.
  destruct (upper_spec _ _ _ He H) as [Hr Hle]. split; [exact Hr|]. eapply Rle_trans; [|exact Hle].
  right. apply rem_eq.
Qed.

(** ** Comparisons and the infinities *)

Definition fle (a b : float) : bool :=
  match I.F.cmp a b with Xlt | Xeq => true | _ => false end.

Lemma fle_spec a b : I.F.real a = true -> I.F.real b = true -> fle a b = true -> toR a <= toR b.
Proof.
  intros Ra Rb. unfold fle. rewrite (cmp_real a b Ra Rb).
  destruct (Raux.Rcompare_spec (toR a) (toR b)); intros Hcmp; try discriminate; lra.
Qed.

Definition flt (a b : float) : bool := match I.F.cmp a b with Xlt => true | _ => false end.

Lemma flt_spec a b : I.F.real a = true -> I.F.real b = true -> flt a b = true -> toR a < toR b.
Proof.
  intros Ra Rb. unfold flt. rewrite (cmp_real a b Ra Rb).
  destruct (Raux.Rcompare_spec (toR a) (toR b)); intros Hcmp; try discriminate; lra.
Qed.

Lemma toX_infinity : I.F.toX PrimFloat.infinity = Xnan.
Proof. reflexivity. Qed.

(** ** exp_up *)

(** The upper end of an interval (+inf for the empty/NaN one). *)
Definition ub (x : I.type) : float :=
  match x with Float.Ibnd _ u => u | Float.Inan => PrimFloat.infinity end.

Lemma ub_spec x v : encl x v -> le_upper (Xreal v) (I.F.toX (ub x)).
Proof.
  unfold encl, ub. destruct x as [|l u]; [intros; rewrite toX_infinity; exact I|].
  simpl. destruct (I.F.valid_lb l && I.F.valid_ub u); simpl; [|lra].
  destruct (I.F.toX u); simpl; tauto.
Qed.

(** Horner's rule in interval arithmetic (for the constant below, computed once). *)
Fixpoint ihorner (cs : list I.type) (h : I.type) : I.type :=
  match cs with [] => I.zero | c :: cs' => I.add prec c (I.mul prec h (ihorner cs' h)) end.

Lemma ihorner_spec cs rs h x :
  Forall2 encl cs rs -> encl h x -> encl (ihorner cs h) (hornerR rs x).
Proof.
  intros Hc Hh. induction Hc as [|c r cs rs Hcr _ IH]; simpl; [apply encl_zero|].
  apply encl_add; [exact Hcr|]. apply encl_mul; assumption.
Qed.

(** An upper bound of exp(-5/8) = 1 / exp(5/8) <= 1 / taylor N (5/8), as an interval's upper
    end. *)
Definition exp_m58_encl : I.type :=
  I.div prec (I.fromZ prec 1) (ihorner (map coef_encl (seq 0 (S N))) (I.singleton 0.625%float)).

Lemma exp_m58_bound : le_upper (Xreal (exp (- (5 / 8)))) (I.F.toX (ub exp_m58_encl)).
Proof.
  assert (Hq : toR 0.625%float = 5 / 8) by (float_toR; lra).
  assert (HT : encl (ihorner (map coef_encl (seq 0 (S N))) (I.singleton 0.625%float))
                    (taylor N (5 / 8))).
  { rewrite <- hornerR_taylor, <- Hq. apply ihorner_spec; [|apply encl_singleton].
    generalize (seq 0 (S N)). intros ms. induction ms as [|m ms IH]; cbn [map]; constructor;
      [apply coef_encl_spec|exact IH]. }
  destruct (exp_taylor N (5 / 8) ltac:(lra)) as [Hlo _].
  assert (Hpos : 0 < taylor N (5 / 8)).
  { clear. unfold taylor. generalize N. intros n. induction n as [|n IH].
    - cbn [sum_f_R0 pow fact INR]. lra.
    - rewrite tech5. assert (0 <= (5 / 8) ^ S n / INR (fact (S n))); [|lra].
      apply Rle_mult_inv_pos; [apply pow_le; lra|apply lt_0_INR, lt_O_fact]. }
  pose proof (ub_spec _ _ (encl_div prec _ _ _ _ (Rgt_not_eq _ _ Hpos) (encl_fromZ prec 1) HT))
    as Hu.
  apply (le_upper_trans _ (IZR 1 / taylor N (5 / 8))); [|exact Hu].
  rewrite exp_Ropp. unfold Rdiv. rewrite Rmult_1_l. apply Rinv_le_contravar; assumption.
Qed.

(** Upward squaring: a^2 <= (mul_UP p p) when 0 <= a <= p. *)
Definition sq_up (p : float) : float := I.F.mul_UP prec p p.

Lemma sq_up_spec (a : R) (p : float) :
  0 <= a -> I.F.valid_ub p = true -> le_upper (Xreal a) (I.F.toX p) ->
  I.F.valid_ub (sq_up p) = true /\ le_upper (Xreal (a * a)) (I.F.toX (sq_up p)).
Proof.
  intros Ha Vp Lp. unfold sq_up.
  assert (Nn : I.F.is_non_neg p).
  { split; [exact Vp|]. destruct (I.F.toX p) as [|v]; [exact I|]. simpl in Lp |- *. lra. }
  destruct (I.F.mul_UP_correct prec p p (or_introl (conj Nn Nn))) as [Vm Lm].
  split; [exact Vm|]. destruct (I.F.toX p) as [|v] eqn:Ep.
  - simpl in Lm. destruct (I.F.toX (I.F.mul_UP prec p p)); [exact I|contradiction].
  - simpl in Lp. apply (le_upper_chain _ (Xreal (v * v))); [|exact Lm].
    simpl. apply Rmult_le_compat; lra.
Qed.

Fixpoint sq_up_iter (n : nat) (p : float) : float :=
  match n with O => p | S n' => sq_up_iter n' (sq_up p) end.

Lemma sq_up_iter_spec (n : nat) (a : R) (p : float) :
  0 <= a -> I.F.valid_ub p = true -> le_upper (Xreal a) (I.F.toX p) ->
  I.F.valid_ub (sq_up_iter n p) = true /\
  le_upper (Xreal (a ^ (2 ^ n))) (I.F.toX (sq_up_iter n p)).
Proof.
  revert a p. induction n as [|n IH]; intros a p Ha Vp Lp.
  - simpl. rewrite Rmult_1_r. split; [exact Vp|exact Lp].
  - (* a^(2^(n+1)) = (a^2)^(2^n): square first, then iterate *)
    rewrite Nat.pow_succ_r', pow_mult.
    cbn [sq_up_iter].
    destruct (sq_up_spec a p Ha Vp Lp) as [Vs Ls].
    apply IH; [apply pow2_ge_0|exact Vs|]. simpl. replace (a * (a * 1)) with (a * a) by ring.
    exact Ls.
Qed.

Lemma exp_pow_INR (n : nat) (t : R) : exp t ^ n = exp (INR n * t).
Proof.
  induction n as [|n IH]; [simpl; rewrite Rmult_0_l, exp_0; reflexivity|].
  rewrite <- tech_pow_Rmult, IH, <- exp_plus, S_INR. f_equal. ring.
Qed.

(** exp x <= exp_up_with cs rem c x, for c >= exp(-5/8). For x <= -40, c^64 >= exp(-40);
    otherwise exp x = (exp (x/64 + 5/8) exp(-5/8))^64 with x/64 + 5/8 in [0, 3/4] bounded by the
    Taylor polynomial, its remainder and six upward squarings (relative error below 1e-12 in
    binary64). Out of range (x > 8, x not finite), +inf: sound, and the check then fails. *)
Definition exp_up_with (cs : list float) (rem c : float) (x : float) : float :=
  if I.F.real x then
    if fle x (-40)%float then sq_up_iter 6 c
    else
      let h := I.F.add_UP prec (mul_hi 0x1p-6%float x x) 0.625%float in
      if I.F.real h && fle 0%float h && fle h 0.75%float then
        sq_up_iter 6 (I.F.mul_UP prec (I.F.add_UP prec (horner_up cs h) rem) c)
      else PrimFloat.infinity
  else PrimFloat.infinity.

Lemma exp_up_with_spec cs rem c x :
  Forall2 (fun c r => I.F.real c = true /\ 0 <= r <= toR c) cs
          (map (fun m => / INR (fact m)) (seq 0 (S N))) ->
  I.F.real rem = true -> (3 / 4) ^ S N / INR (fact (S N)) * 3 <= toR rem ->
  I.F.real c = true -> exp (- (5 / 8)) <= toR c ->
  I.F.valid_ub (exp_up_with cs rem c x) = true /\
  le_upper (Xreal (exp (toR x))) (I.F.toX (exp_up_with cs rem c x)).
Proof.
  intros Hcs Rrem Hrem Rc Hc58. unfold exp_up_with.
  destruct (I.F.real x) eqn:Rx; [|rewrite toX_infinity; split; [reflexivity|exact I]].
  destruct (fle x (-40)) eqn:Hm40.
  { destruct (sq_up_iter_spec 6 (exp (- (5 / 8))) c (Rlt_le _ _ (exp_pos _))
                (proj2 (real_valid c Rc)) ltac:(rewrite (real_toX c Rc); exact Hc58)) as [Vs Ls].
    split; [exact Vs|]. apply (le_upper_trans _ (exp (- (5 / 8)) ^ (2 ^ 6))); [|exact Ls].
    rewrite exp_pow_INR.
    assert (toR x <= toR (-40)%float) by (apply fle_spec; [exact Rx|reflexivity|exact Hm40]).
    assert (toR (-40)%float = -40) by (float_toR; lra).
    apply exp_le. simpl. lra. }
  set (m := mul_hi 0x1p-6%float x x).
  set (h := I.F.add_UP prec m 0.625%float).
  destruct (I.F.real h && fle 0 h && fle h 0.75) eqn:Hc;
    [|rewrite toX_infinity; split; [reflexivity|exact I]].
  rewrite !andb_true_iff in Hc. destruct Hc as [[Rh H0] H1].
  assert (Hu : toR 0x1p-6%float = / 64) by (float_toR; lra).
  assert (Hq : toR 0.625%float = 5 / 8) by (float_toR; lra).
  (* y = x/64 + 5/8 <= h *)
  destruct (mul_bounds 0x1p-6%float x x (toR x) ltac:(reflexivity) Rx Rx ltac:(lra)) as [_ [Vm Lm]].
  fold m in Vm, Lm. rewrite Hu in Lm.
  destruct (I.F.add_UP_correct prec m 0.625%float Vm ltac:(reflexivity)) as [_ Lh].
  fold h in Lh. rewrite (real_toX h Rh), (real_toX 0.625%float ltac:(reflexivity)), Hq in Lh.
  set (y := / 64 * toR x + 5 / 8).
  assert (Hy : y <= toR h).
  { unfold y. destruct (I.F.toX m) as [|vm]; [contradiction|]. simpl in Lm, Lh. lra. }
  assert (Hh0 : 0 <= toR h).
  { replace 0 with (toR 0%float) by (float_toR; reflexivity).
    apply fle_spec; [reflexivity|exact Rh|exact H0]. }
  assert (Hh1 : toR h <= 3 / 4).
  { replace (3 / 4) with (toR 0.75%float) by (float_toR; lra).
    apply fle_spec; [exact Rh|reflexivity|exact H1]. }
  set (y' := Rmax y 0).
  assert (Hy' : 0 <= y' <= toR h) by (unfold y'; split; [apply Rmax_r|apply Rmax_lub; lra]).
  (* exp y' <= horner + rem *)
  destruct (exp_taylor N y' ltac:(lra)) as [_ Ht].
  destruct (horner_up_spec cs _ h y' Hcs Rh Hy') as [Vh Lh'].
  rewrite hornerR_taylor in Lh'.
  destruct (I.F.add_UP_correct prec (horner_up cs h) rem Vh (proj2 (real_valid rem Rrem)))
    as [Va La].
  set (a := I.F.add_UP prec (horner_up cs h) rem) in *.
  assert (La' : le_upper (Xreal (exp y')) (I.F.toX a)).
  { rewrite (real_toX rem Rrem) in La.
    apply (le_upper_trans _ (taylor N y' + (3 / 4) ^ S N / INR (fact (S N)) * 3)); [exact Ht|].
    apply (le_upper_chain _ _ _ (le_upper_add _ _ _ (Xreal (toR rem)) Lh' Hrem) La). }
  (* exp(x/64) <= exp y' * exp(-5/8) <= a * c *)
  assert (Em58 : I.F.is_non_neg c).
  { split; [exact (proj2 (real_valid c Rc))|]. rewrite (real_toX c Rc). simpl.
    pose proof (exp_pos (- (5 / 8))). lra. }
  assert (Ea : I.F.is_non_neg a).
  { split; [exact Va|]. destruct (I.F.toX a) as [|va]; [exact I|]. simpl in La' |- *.
    pose proof (exp_pos y'). lra. }
  destruct (I.F.mul_UP_correct prec a c (or_introl (conj Ea Em58))) as [Vp Lp].
  set (p := I.F.mul_UP prec a c) in *.
  assert (Lp' : le_upper (Xreal (exp (toR x / 64))) (I.F.toX p)).
  { rewrite (real_toX c Rc) in Lp.
    destruct (I.F.toX a) as [|va] eqn:Eva.
    - simpl in Lp. destruct (I.F.toX p); [exact I|contradiction].
    - simpl in La'. apply (le_upper_chain _ (Xreal (va * toR c))); [|exact Lp].
      simpl. replace (toR x / 64) with (y + - (5 / 8)) by (unfold y; field).
      rewrite exp_plus. pose proof (exp_pos (- (5 / 8))).
      apply Rmult_le_compat; try lra; [left; apply exp_pos|].
      apply (Rle_trans _ (exp y')); [|exact La']. unfold y'.
      destruct (Rle_dec y 0); [rewrite Rmax_right by lra|rewrite Rmax_left by lra]; [|lra].
      apply exp_le. lra. }
  (* six squarings *)
  destruct (sq_up_iter_spec 6 (exp (toR x / 64)) p (Rlt_le _ _ (exp_pos _)) Vp Lp') as [Vs Hs].
  replace (exp (toR x / 64) ^ (2 ^ 6)) with (exp (toR x)) in Hs;
    [|rewrite exp_pow_INR; f_equal; simpl; field].
  split; [exact Vs|exact Hs].
Qed.

(** With the constants computed at check time: [exp_up] is [exp_up_with] on them, or +inf. *)
Definition exp_up_fn : option (float -> float) :=
  let c := ub exp_m58_encl in
  match exp_coefs, exp_rem, I.F.real c with
  | Some cs, Some rem, true => Some (exp_up_with cs rem c)
  | _, _, _ => None
  end.

Theorem exp_up_fn_spec F x :
  exp_up_fn = Some F ->
  I.F.valid_ub (F x) = true /\ le_upper (Xreal (exp (toR x))) (I.F.toX (F x)).
Proof.
  (* Abstract the computed constants first, so no tactic below tries to evaluate them. *)
  unfold exp_up_fn. cbv zeta.
  generalize exp_coefs_spec exp_rem_spec exp_m58_bound.
  generalize exp_coefs exp_rem (ub exp_m58_encl).
  intros oc orem c Hcs Hrs H58.
  destruct oc as [cs|]; [|intros H; discriminate H].
  destruct orem as [rem|]; [|intros H; discriminate H].
  destruct (I.F.real c) eqn:Rc; [|intros H; discriminate H].
  intros H. injection H as <-.
  destruct (Hrs rem eq_refl) as [Rr Hle].
  rewrite (real_toX _ Rc) in H58.
  apply exp_up_with_spec; [apply Hcs; reflexivity|exact Rr|exact Hle|exact Rc|exact H58].
Qed.

Lemma exp_up_fn_not_real F x :
  exp_up_fn = Some F -> I.F.real x = false -> I.F.toX (F x) = Xnan.
Proof.
  unfold exp_up_fn. cbv zeta.
  generalize exp_coefs exp_rem (ub exp_m58_encl). intros oc orem c.
  destruct oc as [cs|]; [|intros H; discriminate H].
  destruct orem as [rem|]; [|intros H; discriminate H].
  destruct (I.F.real c); [|intros H; discriminate H].
  intros H Rx. injection H as <-. unfold exp_up_with. rewrite Rx. apply toX_infinity.
Qed.

(** ** Upper bounds of log-sum-exp

    LSE(z) <= L iff sum_j exp(z_j - L) <= 1. [lse_below F zs L] sums upper bounds of
    exp(z_j - L) with upward rounding and compares the sum with 1: one [exp_up] and one
    addition per entry, and no logarithm. It needs L to clear LSE(z) by more than the
    rounding error (relative 1e-12 at the sizes we check); provers leave that slack. *)

(** exp v <= F (ub x) when x encloses v. *)
Lemma exp_ub_spec F x v :
  exp_up_fn = Some F -> encl x v ->
  I.F.valid_ub (F (ub x)) = true /\ le_upper (Xreal (exp v)) (I.F.toX (F (ub x))).
Proof.
  intros HF Hx. destruct (exp_up_fn_spec F (ub x) HF) as [V L]. split; [exact V|].
  pose proof (ub_spec x v Hx) as Hu. destruct (I.F.toX (ub x)) as [|u] eqn:Eu.
  - (* ub x is +inf or NaN: not real, so F returns +inf *)
    rewrite (exp_up_fn_not_real F (ub x) HF) by (rewrite I.F.real_correct, Eu; reflexivity).
    exact I.
  - simpl in Hu. apply (le_upper_trans _ (exp u)); [apply exp_le; exact Hu|].
    unfold toR, I.F.toR in L. rewrite Eu in L. exact L.
Qed.

(** exp v from above for any v an interval x encloses, with [exp_up]'s accuracy over a wider
    range: [exp_up] directly for -40 < v <= 8 (its reduced range), otherwise exp(v/64)^64 by
    six upward squarings (-2560 < v <= 512; relative error 64 times larger, about 1e-11).
    Pair sums of products of exponentials need the small values too, not just exp(-40). *)
Definition exp_big (F : float -> float) (x : I.type) : float :=
  let u := ub x in
  if fle u 8 && negb (fle u (-40)) then F u
  else sq_up_iter 6 (F (ub (I.mul prec x (I.singleton 0x1p-6%float)))).

Lemma exp_big_spec F x v :
  exp_up_fn = Some F -> encl x v ->
  I.F.valid_ub (exp_big F x) = true /\ le_upper (Xreal (exp v)) (I.F.toX (exp_big F x)).
Proof.
  intros HF Hx. unfold exp_big.
  destruct (fle (ub x) 8 && negb (fle (ub x) (-40))); [exact (exp_ub_spec F x v HF Hx)|].
  assert (H64 : I.F.toR 0x1p-6%float = / 64) by (float_toR; lra).
  assert (Hm : encl (I.mul prec x (I.singleton 0x1p-6%float)) (v * / 64))
    by (rewrite <- H64; apply encl_mul; [exact Hx|apply encl_singleton]).
  destruct (exp_ub_spec F _ _ HF Hm) as [V L].
  destruct (sq_up_iter_spec 6 _ _ (Rlt_le _ _ (exp_pos _)) V L) as [V' L'].
  split; [exact V'|]. rewrite exp_pow_INR in L'.
  replace (INR (2 ^ 6) * (v * / 64)) with v in L' by (rewrite pow_INR; simpl; field).
  exact L'.
Qed.

(** Sum of upward-rounded terms, left to right. *)
Definition sum_up {A : Type} (G : A -> float) (l : list A) : float :=
  fold_left (fun acc a => I.F.add_UP prec acc (G a)) l I.F.zero.

Lemma sum_up_spec {A : Type} (G : A -> float) (l : list A) (dflt : A) (v : nat -> R) :
  (forall j, (j < length l)%nat ->
     I.F.valid_ub (G (nth j l dflt)) = true /\ le_upper (Xreal (v j)) (I.F.toX (G (nth j l dflt)))) ->
  le_upper (Xreal (rsum (length l) v)) (I.F.toX (sum_up G l)).
Proof.
  intros Hv. unfold sum_up.
  assert (Gen : forall acc s (g : nat -> R) l',
             I.F.valid_ub acc = true -> le_upper (Xreal s) (I.F.toX acc) ->
             (forall j, (j < length l')%nat -> I.F.valid_ub (G (nth j l' dflt)) = true /\
                                            le_upper (Xreal (g j)) (I.F.toX (G (nth j l' dflt)))) ->
             le_upper (Xreal (s + rsum (length l') g))
                      (I.F.toX (fold_left (fun acc a => I.F.add_UP prec acc (G a)) l' acc))).
  { intros acc s g l'. revert acc s g. induction l' as [|a l' IH]; intros acc s g Va La Hg.
    - simpl. rewrite Rplus_0_r. exact La.
    - cbn [fold_left length]. rewrite rsum_S_l, <- Rplus_assoc.
      destruct (Hg 0%nat ltac:(simpl; lia)) as [Vg Lg]. simpl in Vg, Lg.
      destruct (I.F.add_UP_correct prec acc (G a) Va Vg) as [Vs Ls].
      apply IH; [exact Vs| |intros j Hj; apply (Hg (S j)); simpl; lia].
      exact (le_upper_chain _ _ _ (le_upper_add _ _ _ _ La Lg) Ls). }
  replace (rsum (length l) v) with (0 + rsum (length l) v) by ring.
  apply Gen; [apply real_valid; reflexivity|rewrite I.F.zero_correct; simpl; lra|exact Hv].
Qed.

Definition lse_below (F : float -> float) (zs : list I.type) (L : I.type) : bool :=
  let s := sum_up (fun z => F (ub (I.sub prec z L))) zs in
  I.F.real s && fle s 1.

Lemma lse_le_of_sum (n : nat) (z : nat -> R) (c : R) :
  (0 < n)%nat -> rsum n (fun j => exp (z j - c)) <= 1 -> lse n z <= c.
Proof.
  intros Hn Hs. unfold lse. rewrite (lse_shift n z c Hn).
  assert (0 < rsum n (fun j => exp (z j - c))) by (apply rsum_exp_pos; exact Hn).
  assert (ln (rsum n (fun j => exp (z j - c))) <= 0); [|lra].
  rewrite <- ln_1. destruct Hs as [Hs|Hs]; [left; apply ln_increasing; assumption|].
  rewrite Hs. right. reflexivity.
Qed.

Theorem lse_below_spec F zs L n (z : nat -> R) c :
  exp_up_fn = Some F -> (0 < n)%nat -> length zs = n ->
  (forall j, (j < n)%nat -> encl (nth j zs I.zero) (z j)) -> encl L c ->
  lse_below F zs L = true -> lse n z <= c.
Proof.
  intros HF Hn Hl Hz Hc. unfold lse_below. rewrite andb_true_iff. intros [Rs Hs].
  apply lse_le_of_sum; [exact Hn|].
  set (s := sum_up (fun zi => F (ub (I.sub prec zi L))) zs) in *.
  assert (Hsum : le_upper (Xreal (rsum (length zs) (fun j => exp (z j - c)))) (I.F.toX s)).
  { apply sum_up_spec with (dflt := I.zero). intros j Hj. apply exp_ub_spec; [exact HF|].
    apply encl_sub; [apply Hz; lia|exact Hc]. }
  rewrite Hl, (real_toX s Rs) in Hsum. simpl in Hsum.
  apply (Rle_trans _ (toR s)); [exact Hsum|].
  apply (Rle_trans _ (toR 1%float)); [apply fle_spec; [exact Rs|reflexivity|exact Hs]|].
  float_toR. lra.
Qed.
