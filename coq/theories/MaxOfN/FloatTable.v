(** * FloatTable.v -- an interval enclosure of the logit table W = U H E in binary64

    The exact table of [Data.exact_table] costs d^2 d_model big-integer products (537 million
    at the tutorial's d_vocab 2048). This one computes every entry as an interval with the
    Interval library's outward-rounded primitive-float operations ([I.add], [I.mul], proved by
    [I.add_correct], [I.mul_correct]), so each product is a few machine operations: column t of
    W is sum_i h_t[i] U[:, i] with h_t = H E[:, t], accumulated left to right.

    What it defines
    - [idot acc a b] : acc + sum_k a_k b_k over two float lists, as an interval;
    - [iaxpy c v acc] : acc + c * v elementwise (c an interval, v floats);
    - [icomb cs rows acc] : acc + sum_i cs[i] * rows[i] elementwise;
    - [float_table w] : [Some cols], column t of W as a list of d intervals.

    Main statement
    - [float_table_spec] : [float_table w = Some cols ->] d columns of d intervals, and
      [encl (mget I.zero cols t j) (W (model_of w) j t)] for j, t < d. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From PyExport Require Import Sums Model Enclosure Data.
Import ListNotations.
Open Scope R_scope.

Local Notation toR := I.F.toR.
Local Notation le_lower := Basic.le_lower.
Local Notation le_upper := Basic.le_upper.

(** ** Interval linear algebra on float data *)

Fixpoint idot (acc : I.type) (a b : list float) : I.type :=
  match a, b with
  | x :: a', y :: b' => idot (I.add prec acc (I.mul prec (I.singleton x) (I.singleton y))) a' b'
  | _, _ => acc
  end.

Lemma idot_spec a b acc s :
  length a = length b -> encl acc s ->
  encl (idot acc a b)
       (s + rsum (length a) (fun k => toR (nth k a 0%float) * toR (nth k b 0%float))).
Proof.
  revert b acc s. induction a as [|x a IH]; intros [|y b] acc s Hl Hs; simpl in Hl; try discriminate.
  - simpl. replace (s + 0) with s by ring. exact Hs.
  - cbn [idot length]. rewrite rsum_S_l. cbn [nth].
    replace (s + (toR x * toR y + rsum (length a) (fun i => toR (nth i a 0%float)
                                                           * toR (nth i b 0%float))))
      with ((s + toR x * toR y) + rsum (length a) (fun i => toR (nth i a 0%float)
                                                           * toR (nth i b 0%float))) by ring.
    apply IH; [lia|]. apply encl_add; [exact Hs|].
    apply encl_mul; apply encl_singleton.
Qed.

(** ** Directed rounding on float bounds

    A pair (lo, hi) of floats bounds a real a when [bnd_ok (lo, hi) a]: lo may be -inf and hi
    +inf (then they bound nothing useful, but soundly), otherwise lo <= a <= hi. Products and
    sums are rounded outward by the Interval library's [mul_DN]/[mul_UP] and
    [add_DN]/[add_UP] ([next_down]/[next_up] of the nearest result), whose correctness lemmas
    [I.F.mul_UP_correct] etc. carry the proof. *)

Definition bnd_ok (b : float * float) (a : R) : Prop :=
  I.F.valid_lb (fst b) = true /\ I.F.valid_ub (snd b) = true /\
  le_lower (I.F.toX (fst b)) (Xreal a) /\ le_upper (Xreal a) (I.F.toX (snd b)).

Lemma real_toX (x : float) : I.F.real x = true -> I.F.toX x = Xreal (toR x).
Proof.
  rewrite I.F.real_correct. unfold toR, I.F.toR. destruct (I.F.toX x); [discriminate|reflexivity].
Qed.

Lemma real_valid (x : float) : I.F.real x = true -> I.F.valid_lb x = true /\ I.F.valid_ub x = true.
Proof.
  intros H. rewrite I.F.classify_correct in H.
  rewrite I.F.valid_lb_correct, I.F.valid_ub_correct.
  destruct (I.F.classify x); try discriminate. split; reflexivity.
Qed.

Lemma encl_bnd (b : float * float) (a : R) : bnd_ok b a -> encl (I.bnd (fst b) (snd b)) a.
Proof.
  intros (Hl & Hu & Ll & Lu). unfold encl. rewrite I.bnd_correct by assumption.
  simpl. unfold le_lower, le_upper in *. split.
  - destruct (I.F.toX (fst b)) as [|l]; [exact I|]. simpl in Ll. lra.
  - destruct (I.F.toX (snd b)) as [|u]; [exact I|]. exact Lu.
Qed.

Lemma le_upper_add (a1 a2 : R) (y1 y2 : ExtendedR) :
  le_upper (Xreal a1) y1 -> le_upper (Xreal a2) y2 -> le_upper (Xreal (a1 + a2)) (Xadd y1 y2).
Proof. destruct y1, y2; simpl; auto. intros. lra. Qed.

Lemma le_lower_add (a1 a2 : R) (y1 y2 : ExtendedR) :
  le_lower y1 (Xreal a1) -> le_lower y2 (Xreal a2) -> le_lower (Xadd y1 y2) (Xreal (a1 + a2)).
Proof. unfold le_lower. destruct y1, y2; simpl; auto. intros. lra. Qed.

Lemma le_upper_trans (a b : R) (y : ExtendedR) :
  a <= b -> le_upper (Xreal b) y -> le_upper (Xreal a) y.
Proof. destruct y; simpl; auto. intros. lra. Qed.

Lemma le_lower_trans (a b : R) (y : ExtendedR) :
  b <= a -> le_lower y (Xreal b) -> le_lower y (Xreal a).
Proof. unfold le_lower. destruct y; simpl; auto. intros. lra. Qed.

Lemma le_upper_chain (a : R) (y z : ExtendedR) :
  le_upper (Xreal a) y -> le_upper y z -> le_upper (Xreal a) z.
Proof. destruct y, z; simpl; auto; try tauto. intros. lra. Qed.

Lemma le_lower_chain (a : R) (x y : ExtendedR) :
  le_lower x y -> le_lower y (Xreal a) -> le_lower x (Xreal a).
Proof. unfold le_lower. destruct x, y; simpl; auto; try tauto. intros. lra. Qed.

(** Upper and lower bounds of u * h for h in [hl, hh]: the endpoint the sign of u selects. *)
Definition mul_hi (u hl hh : float) : float :=
  match I.F.cmp u I.F.zero with Xlt => I.F.mul_UP prec u hl | _ => I.F.mul_UP prec u hh end.

Definition mul_lo (u hl hh : float) : float :=
  match I.F.cmp u I.F.zero with Xlt => I.F.mul_DN prec u hh | _ => I.F.mul_DN prec u hl end.

(** The comparison of two real floats is the comparison of their values. *)
Lemma cmp_real (a b : float) : I.F.real a = true -> I.F.real b = true ->
  I.F.cmp a b = match Raux.Rcompare (toR a) (toR b) with Eq => Xeq | Lt => Xlt | Gt => Xgt end.
Proof.
  intros Ra Rb. rewrite I.F.cmp_correct.
  rewrite I.F.classify_correct in Ra, Rb.
  destruct (I.F.classify a) eqn:Ca; try discriminate. destruct (I.F.classify b) eqn:Cb; try discriminate.
  rewrite (real_toX a) by (rewrite I.F.classify_correct, Ca; reflexivity).
  rewrite (real_toX b) by (rewrite I.F.classify_correct, Cb; reflexivity). reflexivity.
Qed.

Lemma cmp_zero (u : float) : I.F.real u = true ->
  I.F.cmp u I.F.zero = match Raux.Rcompare (toR u) 0 with Eq => Xeq | Lt => Xlt | Gt => Xgt end.
Proof.
  intros Hu. rewrite (cmp_real u I.F.zero Hu) by reflexivity.
  replace (toR I.F.zero) with 0 by (unfold toR, I.F.toR; rewrite I.F.zero_correct; reflexivity).
  reflexivity.
Qed.

Lemma mul_bounds (u hl hh : float) (h : R) :
  I.F.real u = true -> I.F.real hl = true -> I.F.real hh = true ->
  toR hl <= h <= toR hh ->
  (I.F.valid_lb (mul_lo u hl hh) = true /\ le_lower (I.F.toX (mul_lo u hl hh)) (Xreal (toR u * h))) /\
  (I.F.valid_ub (mul_hi u hl hh) = true /\ le_upper (Xreal (toR u * h)) (I.F.toX (mul_hi u hl hh))).
Proof.
  intros Ru Rl Rh Hh. unfold mul_lo, mul_hi. rewrite (cmp_zero u Ru).
  destruct (real_valid u Ru) as [Vlu Vuu]. destruct (real_valid hl Rl) as [Vll Vul].
  destruct (real_valid hh Rh) as [Vlh Vuh].
  set (x := toR u) in *. set (l := toR hl) in *. set (k := toR hh) in *.
  destruct (Raux.Rcompare_spec x 0) as [Hx|Hx|Hx].
  (* u = 0 and u > 0 select the same endpoints; u >= 0 then gives both bounds *)
  2-3: split;
    [ destruct (I.F.mul_DN_correct prec u hl) as [V L];
      [ unfold I.F.is_non_neg, I.F.is_non_pos, I.F.is_non_neg_real, I.F.is_non_pos_real;
        rewrite (real_toX u Ru), (real_toX hl Rl); fold x l;
        destruct (Rle_or_lt 0 l) as [Hl|Hl]; [left|right; right; left];
          repeat split; auto; lra
      | split; [exact V|]; rewrite (real_toX u Ru), (real_toX hl Rl) in L; simpl in L;
        fold x l k in L; apply (le_lower_trans _ (x * l)); [|exact L];
        apply Rmult_le_compat_l; lra ]
    | destruct (I.F.mul_UP_correct prec u hh) as [V L];
      [ unfold I.F.is_non_neg, I.F.is_non_pos, I.F.is_non_neg_real, I.F.is_non_pos_real;
        rewrite (real_toX u Ru), (real_toX hh Rh); fold x k;
        destruct (Rle_or_lt 0 k) as [Hk|Hk]; [left|right; right; right];
          repeat split; auto; lra
      | split; [exact V|]; rewrite (real_toX u Ru), (real_toX hh Rh) in L; simpl in L;
        fold x l k in L; apply (le_upper_trans _ (x * k)); [|exact L];
        apply Rmult_le_compat_l; lra ] ].
  - (* u < 0: h >= hl gives u h <= u hl; h <= hh gives u h >= u hh *)
    split.
    + destruct (I.F.mul_DN_correct prec u hh) as [V L].
      { unfold I.F.is_non_neg, I.F.is_non_pos, I.F.is_non_neg_real, I.F.is_non_pos_real.
        rewrite (real_toX u Ru), (real_toX hh Rh). fold x k.
        destruct (Rle_or_lt 0 k) as [Hk|Hk]; [right; right; right|right; left];
          repeat split; auto; lra. }
      split; [exact V|]. rewrite (real_toX u Ru), (real_toX hh Rh) in L. simpl in L. fold x l k in L.
      apply (le_lower_trans _ (x * k)); [|exact L]. apply Rmult_le_compat_neg_l; lra.
    + destruct (I.F.mul_UP_correct prec u hl) as [V L].
      { unfold I.F.is_non_neg, I.F.is_non_pos, I.F.is_non_neg_real, I.F.is_non_pos_real.
        rewrite (real_toX u Ru), (real_toX hl Rl). fold x l.
        destruct (Rle_or_lt 0 l) as [Hl|Hl]; [right; right; left|right; left];
          repeat split; auto; lra. }
      split; [exact V|]. rewrite (real_toX u Ru), (real_toX hl Rl) in L. simpl in L. fold x l k in L.
      apply (le_upper_trans _ (x * l)); [|exact L]. apply Rmult_le_compat_neg_l; lra.
Qed.

(** acc + h * v elementwise, with h in [hl, hh] and v real floats; the sign of each entry is
    compared once and selects both bounds ([dstep] is [mul_lo]/[mul_hi] and the two sums,
    unfolded for speed under [vm_compute]). *)
Definition dstep (hl hh u : float) (b : float * float) : float * float :=
  match I.F.cmp u I.F.zero with
  | Xlt => (PrimFloat.next_down (fst b + PrimFloat.next_down (u * hh))%float,
            PrimFloat.next_up (snd b + PrimFloat.next_up (u * hl))%float)
  | _ => (PrimFloat.next_down (fst b + PrimFloat.next_down (u * hl))%float,
          PrimFloat.next_up (snd b + PrimFloat.next_up (u * hh))%float)
  end.

Lemma dstep_eq hl hh u b :
  dstep hl hh u b = (I.F.add_DN prec (fst b) (mul_lo u hl hh),
                     I.F.add_UP prec (snd b) (mul_hi u hl hh)).
Proof. unfold dstep, mul_lo, mul_hi. destruct (I.F.cmp u I.F.zero); reflexivity. Qed.

Fixpoint daxpy (hl hh : float) (v : list float) (acc : list (float * float)) :
    list (float * float) :=
  match v, acc with
  | u :: v', b :: acc' => dstep hl hh u b :: daxpy hl hh v' acc'
  | _, _ => []
  end.

Definition dflt_b : float * float := (I.F.zero, I.F.zero).

Lemma daxpy_spec hl hh h v acc (A : nat -> R) :
  I.F.real hl = true -> I.F.real hh = true -> toR hl <= h <= toR hh ->
  length v = length acc -> forallb I.F.real v = true ->
  (forall j, (j < length acc)%nat -> bnd_ok (nth j acc dflt_b) (A j)) ->
  length (daxpy hl hh v acc) = length acc /\
  forall j, (j < length acc)%nat ->
    bnd_ok (nth j (daxpy hl hh v acc) dflt_b) (A j + h * toR (nth j v 0%float)).
Proof.
  intros Rl Rh Hh. revert acc A.
  induction v as [|u v IH]; intros [|b acc] A Hl Rv HA; simpl in Hl; try discriminate.
  - split; [reflexivity|]. intros j Hj. simpl in Hj. lia.
  - simpl in Rv. apply andb_true_iff in Rv as [Ru Rv].
    destruct (IH acc (fun j => A (S j))) as [L V].
    { lia. }
    { exact Rv. }
    { intros j Hj. apply (HA (S j)). simpl. lia. }
    split; [simpl; rewrite L; reflexivity|].
    intros [|j] Hj; simpl.
    + rewrite dstep_eq.
      destruct (HA 0%nat) as (Vl & Vu & Ll & Lu); [simpl; lia|]. simpl in Vl, Vu, Ll, Lu.
      destruct (mul_bounds u hl hh h Ru Rl Rh Hh) as [[Vml Lml] [Vmu Lmu]].
      destruct (I.F.add_DN_correct prec (fst b) (mul_lo u hl hh) Vl Vml) as [Va La].
      destruct (I.F.add_UP_correct prec (snd b) (mul_hi u hl hh) Vu Vmu) as [Vb Lb].
      unfold bnd_ok. simpl. repeat split; [exact Va|exact Vb| |].
      * replace (A 0%nat + h * toR u) with (A 0%nat + toR u * h) by ring.
        exact (le_lower_chain _ _ _ La (le_lower_add _ _ _ _ Ll Lml)).
      * replace (A 0%nat + h * toR u) with (A 0%nat + toR u * h) by ring.
        exact (le_upper_chain _ _ _ (le_upper_add _ _ _ _ Lu Lmu) Lb).
    + apply V. simpl in Hj. lia.
Qed.

(** acc + sum_i cs[i] * rows[i], with each coefficient's interval reduced to its endpoints. *)
Definition ibnds (x : I.type) : option (float * float) :=
  match x with
  | Float.Ibnd l u => if I.F.real l && I.F.real u then Some (l, u) else None
  | _ => None
  end.

Lemma ibnds_spec x v l u :
  encl x v -> ibnds x = Some (l, u) ->
  I.F.real l = true /\ I.F.real u = true /\ toR l <= v <= toR u.
Proof.
  unfold encl, ibnds. destruct x as [|l' u']; [discriminate|].
  destruct (I.F.real l' && I.F.real u') eqn:R; [|discriminate].
  intros Hc Heq. injection Heq as <- <-. apply andb_true_iff in R as [Rl Ru].
  destruct (real_valid l' Rl) as [Vl _]. destruct (real_valid u' Ru) as [_ Vu].
  simpl in Hc. rewrite Vl, Vu in Hc. simpl in Hc.
  rewrite (real_toX l' Rl), (real_toX u' Ru) in Hc. tauto.
Qed.

Fixpoint dcomb (cs : list I.type) (rows : list (list float)) (acc : list (float * float)) :
    option (list (float * float)) :=
  match cs, rows with
  | c :: cs', r :: rows' =>
      match ibnds c with
      | Some (l, u) => dcomb cs' rows' (daxpy l u r acc)
      | None => None
      end
  | _, _ => Some acc
  end.

Lemma dcomb_spec n cs rows acc res (g A : nat -> R) :
  length cs = n -> length rows = n ->
  (forall i, (i < n)%nat -> length (nth i rows []) = length acc) ->
  (forall i, (i < n)%nat -> forallb I.F.real (nth i rows []) = true) ->
  (forall i, (i < n)%nat -> encl (nth i cs I.zero) (g i)) ->
  (forall j, (j < length acc)%nat -> bnd_ok (nth j acc dflt_b) (A j)) ->
  dcomb cs rows acc = Some res ->
  length res = length acc /\
  forall j, (j < length acc)%nat ->
    bnd_ok (nth j res dflt_b) (A j + rsum n (fun i => g i * toR (mget 0%float rows i j))).
Proof.
  revert n rows acc g A.
  induction cs as [|c cs IH]; intros n [|r rows] acc g A Hc Hr Hlen Hreal Hg HA Hres;
    simpl in Hc, Hr; subst n; try discriminate.
  - injection Hres as <-. split; [reflexivity|]. intros j Hj. simpl.
    replace (A j + 0) with (A j) by ring. auto.
  - injection Hr as Hr. cbn [dcomb] in Hres.
    destruct (ibnds c) as [[l u]|] eqn:Hb; [|discriminate].
    destruct (ibnds_spec c (g 0%nat) l u (Hg 0%nat ltac:(lia)) Hb) as (Rl & Ru & Hlu).
    destruct (daxpy_spec l u (g 0%nat) r acc A Rl Ru Hlu) as [L V].
    { apply (Hlen 0%nat). lia. }
    { apply (Hreal 0%nat). lia. }
    { exact HA. }
    destruct (IH (length cs) rows (daxpy l u r acc) (fun i => g (S i))
                 (fun j => A j + g 0%nat * toR (nth j r 0%float))) as [L' V'].
    { reflexivity. }
    { exact Hr. }
    { intros i Hi. rewrite L. apply (Hlen (S i)). lia. }
    { intros i Hi. apply (Hreal (S i)). lia. }
    { intros i Hi. apply (Hg (S i)). lia. }
    { rewrite L. exact V. }
    { exact Hres. }
    rewrite L in L'. split; [exact L'|].
    intros j Hj. rewrite L in V'. specialize (V' j Hj).
    rewrite rsum_S_l. unfold mget in *. cbn [nth] in *. rewrite <- Rplus_assoc. exact V'.
Qed.

(** ** The table *)

(** Column t of W: h = H E[:, t] (intervals), then sum_i h[i] U[:, i] with directed rounding. *)
Definition wcol (ET H UT : list (list float)) (d t : nat) : option (list I.type) :=
  let et := nth t ET [] in
  match dcomb (map (fun hrow => idot I.zero hrow et) H) UT (repeat dflt_b d) with
  | Some res => Some (map (fun b => I.bnd (fst b) (snd b)) res)
  | None => None
  end.

Fixpoint all_some {A : Type} (l : list (option A)) : option (list A) :=
  match l with
  | [] => Some []
  | Some x :: l' => match all_some l' with Some r => Some (x :: r) | None => None end
  | None :: _ => None
  end.

Lemma all_some_spec {A : Type} (l : list (option A)) r (dflt : A) :
  all_some l = Some r -> length r = length l /\
  forall i, (i < length l)%nat -> nth i l None = Some (nth i r dflt).
Proof.
  revert r. induction l as [|[x|] l IH]; intros r H; simpl in H; try discriminate.
  - injection H as <-. split; [reflexivity|]. intros i Hi. simpl in Hi. lia.
  - destruct (all_some l) as [r'|] eqn:Hr; [|discriminate]. injection H as <-.
    destruct (IH r' eq_refl) as [L V]. split; [simpl; rewrite L; reflexivity|].
    intros [|i] Hi; [reflexivity|]. simpl. apply V. simpl in Hi. lia.
Qed.

Definition float_table (w : weights) : option (list (list I.type)) :=
  let d := w_d w in
  let dm := w_dm w in
  if shape_ok dm d (w_E w) && shape_ok dm dm (w_H w) && shape_ok d dm (w_U w) &&
     forallb (forallb I.F.real) (w_U w) then
    let ET := transpose 0%float d (w_E w) in
    let UT := transpose 0%float dm (w_U w) in
    all_some (map (wcol ET (w_H w) UT d) (seq 0 d))
  else None.

Lemma bnd_ok_zero : bnd_ok dflt_b 0.
Proof.
  unfold bnd_ok, dflt_b. simpl. rewrite I.F.zero_correct.
  destruct (real_valid I.F.zero) as [Vl Vu].
  { rewrite I.F.real_correct, I.F.zero_correct. reflexivity. }
  repeat split; auto; unfold Basic.le_lower, Basic.le_upper; simpl; lra.
Qed.

Lemma nth_repeat_b n j : nth j (repeat dflt_b n) dflt_b = dflt_b.
Proof. revert j. induction n as [|n IH]; intros [|j]; simpl; auto. Qed.

Theorem float_table_spec w cols :
  float_table w = Some cols ->
  length cols = w_d w /\
  (forall t, (t < w_d w)%nat -> length (nth t cols []) = w_d w) /\
  forall j t, (j < w_d w)%nat -> (t < w_d w)%nat ->
    encl (mget I.zero cols t j) (W (model_of w) j t).
Proof.
  unfold float_table.
  set (d := w_d w). set (dm := w_dm w).
  destruct (shape_ok dm d (w_E w)) eqn:SE; [|discriminate].
  destruct (shape_ok dm dm (w_H w)) eqn:SH; [|discriminate].
  destruct (shape_ok d dm (w_U w)) eqn:SU; [|discriminate].
  destruct (forallb (forallb I.F.real) (w_U w)) eqn:RU; [|discriminate]. simpl.
  intros Hall.
  apply shape_ok_spec in SE, SH, SU.
  destruct SE as [LE RE], SH as [LH RH], SU as [LU RU'].
  rewrite forallb_forall in RU.
  destruct (transpose_spec 0%float d (w_E w)) as [LET VET].
  destruct (transpose_spec 0%float dm (w_U w)) as [LUT VUT].
  set (ET := transpose 0%float d (w_E w)) in *. set (UT := transpose 0%float dm (w_U w)) in *.
  (* the column of a given t *)
  assert (Hcol : forall t col, (t < d)%nat -> wcol ET (w_H w) UT d t = Some col ->
            length col = d /\
            forall j, (j < d)%nat -> encl (nth j col I.zero) (W (model_of w) j t)).
  { intros t col Ht Hw. destruct (VET t Ht) as [LETt VETt].
    unfold wcol in Hw.
    set (h := map (fun hrow => idot I.zero hrow (nth t ET [])) (w_H w)) in Hw.
    set (g := fun i => rsum dm (fun k => toR (fget (w_H w) i k) * toR (fget (w_E w) k t))).
    assert (Hh : forall i, (i < dm)%nat -> encl (nth i h I.zero) (g i)).
    { intros i Hi. unfold h. rewrite (nth_map_lt _ _ i []) by lia.
      replace (g i) with (0 + rsum (length (nth i (w_H w) []))
                                 (fun k => toR (nth k (nth i (w_H w) []) 0%float)
                                           * toR (nth k (nth t ET []) 0%float))).
      - apply idot_spec; [rewrite (RH i Hi), LETt, LE; reflexivity|apply encl_zero].
      - rewrite (RH i Hi). unfold g. rewrite Rplus_0_l. apply rsum_ext. intros k Hk.
        unfold fget. f_equal. f_equal. rewrite <- (VETt k) by lia. reflexivity. }
    destruct (dcomb h UT (repeat dflt_b d)) as [res|] eqn:Hd; [|discriminate].
    injection Hw as <-.
    destruct (dcomb_spec dm h UT (repeat dflt_b d) res g (fun _ => 0)) as [L V].
    { unfold h. rewrite map_length. exact LH. }
    { exact LUT. }
    { intros i Hi. rewrite repeat_length. destruct (VUT i Hi) as [H1 _]. exact (eq_trans H1 LU). }
    { intros i Hi. apply forallb_forall. intros x Hx.
      destruct (In_nth _ _ 0%float Hx) as [j [Hj Hxj]].
      destruct (VUT i Hi) as [H1 H2].
      assert (Hj' : (j < length (w_U w))%nat) by (rewrite <- H1; exact Hj).
      pose proof (H2 j Hj') as E2. unfold mget in E2.
      assert (Hrow : In (nth j (w_U w) []) (w_U w)) by (apply nth_In; exact Hj').
      specialize (RU _ Hrow). rewrite forallb_forall in RU.
      change (I.F.real x = true). rewrite <- Hxj. change (nth j (nth i UT []) 0%float) with
        (nth j (nth i UT []) 0%float). rewrite E2. apply RU, nth_In.
      rewrite (RU' j) by lia. exact Hi. }
    { exact Hh. }
    { intros j _. rewrite nth_repeat_b. exact bnd_ok_zero. }
    { exact Hd. }
    rewrite repeat_length in L, V. split; [rewrite map_length; exact L|].
    intros j Hj. specialize (V j Hj). rewrite Rplus_0_l in V.
    rewrite (nth_map_lt _ res j dflt_b) by lia.
    rewrite W_model_of. fold dm.
    replace (rsum dm (fun i => toR (fget (w_U w) j i)
                               * rsum dm (fun k => toR (fget (w_H w) i k) * toR (fget (w_E w) k t))))
      with (rsum dm (fun i => g i * toR (mget 0%float UT i j))); [apply encl_bnd; exact V|].
    apply rsum_ext. intros i Hi. destruct (VUT i Hi) as [_ V2]. rewrite V2 by lia.
    unfold g, fget. ring. }
  destruct (all_some_spec _ cols [] Hall) as [L V].
  rewrite map_length, seq_length in L.
  assert (Ht : forall t, (t < d)%nat -> wcol ET (w_H w) UT d t = Some (nth t cols [])).
  { intros t Ht. rewrite <- (V t) by (rewrite map_length, seq_length; exact Ht).
    rewrite (nth_map_lt _ _ t 0%nat) by (rewrite seq_length; exact Ht).
    rewrite seq_nth by exact Ht. reflexivity. }
  split; [exact L|]. split.
  - intros t Hlt. apply (Hcol t _ Hlt (Ht t Hlt)).
  - intros j t Hj Hlt. unfold mget. apply (Hcol t _ Hlt (Ht t Hlt)). exact Hj.
Qed.
