(** * CheckFloat2.v -- two-token checkers on the binary64 interval table

    The checkers of [CheckLoss]/[CheckAccuracy] compute the logit table exactly (big integers,
    d^2 d_model products) and bound [exp] in fixed point. Here the table comes from
    [FloatTable.float_table] (intervals, outward-rounded primitive floats) and exponentials
    from [FastExp] (upward-rounded binary64); the claim is compared exactly, on the table's
    lower bounds floored to a grid 2^-e ([flo]).

    What it defines
    - [flo x e] : floor(lower end of x * 2^e), an integer whose value times 2^-e is at most
      every real x encloses;
    - [diag_okf F col g l] : LSE(2 W[:, s]) <= l 2^-g, from column s ([FastExp.lse_below]);
    - [col_label col s e] : a grid lower bound of the label terms of column s;
    - [check_convexity_loss2f] : the convexity certificate of the expected loss, two tokens
      (same trace as [CheckLoss.check_convexity_loss2]: upper bounds of LSE(z(t,t)), which
      the prover leaves 2^-32 above the float value so the binary64 test can pass);
    - [check_convexity_accuracy2f] : the convexity certificate of the accuracy, two tokens
      (the trace's argmax per column; rivals enclosed by interval hulls, margins compared
      with 0 in interval arithmetic; the prover counts only margins clearing 2^-32);
    - [check_symmetry_loss2f], [check_symmetry_accuracy2f] : sorted inputs, one trace value
      (loss bound, verdict) per input;
    - [check_brute_force_loss2f], [check_brute_force_accuracy2f] : all inputs, one trace value
      per input;
    - [check_brute_force_loss2r], [check_brute_force_accuracy2r] : all inputs, one trace value
      per row of inputs (section "Brute force against row totals": the checker makes each
      input's bound itself and compares row sums), for traces too long to read.
    These six are an opening ([with_expcols]: table, exp columns; [with_ups]: table, upper
    ends), a strategy ([CheckLoss.loss_pairs], [CheckLoss.loss_sorted_pairs],
    [CheckAccuracy.acc_pairs], [CheckAccuracy.acc_sorted_pairs], and here [loss_rows2],
    [acc_rows2] on row totals) and a staged per-input test ([pair_okf_at], [correct2_f_at],
    [pair_k_at]); each soundness proof is the three specs joined.

    Main statements
    - [rsum_triangle_swap] : sum_{y<n} sum_{s<y} f s y = sum_{s<n} sum_{k<n-1-s} f s (s+1+k);
    - [check_convexity_loss2f_correct] : [check c = true ->
        expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c)];
    - [check_convexity_accuracy2f_correct] : [check c = true ->
        accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c)];
    - the same two statements for the brute-force and symmetry checkers. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From PyExport Require Import Sums Model Symmetry Convexity Accuracy Enclosure Data FloatTable FastExp CheckLoss
  CheckAccuracy.
Import ListNotations.
Open Scope R_scope.

Local Notation toR := I.F.toR.
Local Notation le_upper := Basic.le_upper.

(** ** Sums *)

Lemma rsum_triangle_swap (n : nat) (f : nat -> nat -> R) :
  rsum n (fun y => rsum y (fun s => f s y))
  = rsum n (fun s => rsum (n - S s) (fun k => f s (S s + k)%nat)).
Proof.
  induction n as [|n IH]; [reflexivity|].
  rewrite rsum_S, IH, (rsum_S n (fun s => rsum (S n - S s) _)).
  replace (S n - S n)%nat with 0%nat by lia. rewrite rsum_0, Rplus_0_r.
  rewrite <- rsum_plus. apply rsum_ext. intros s Hs.
  replace (S n - S s)%nat with (S (n - S s)) by lia. rewrite rsum_S.
  f_equal. f_equal. lia.
Qed.

(** [fold_left] of interval additions encloses the sum of what each element encloses. *)
Lemma encl_fold_add {A : Type} (F : A -> I.type) (l : list A) (dflt : A) (acc : I.type)
      (s : R) (g : nat -> R) :
  encl acc s -> (forall j, (j < length l)%nat -> encl (F (nth j l dflt)) (g j)) ->
  encl (fold_left (fun a x => I.add prec a (F x)) l acc) (s + rsum (length l) g).
Proof.
  revert acc s g. induction l as [|x l IH]; intros acc s g Hs Hg; cbn [fold_left length].
  - rewrite rsum_0. replace (s + 0) with s by ring. exact Hs.
  - rewrite rsum_S_l, <- Rplus_assoc. apply IH.
    + apply encl_add; [exact Hs|]. apply (Hg 0%nat). simpl. lia.
    + intros j Hj. apply (Hg (S j)). simpl. lia.
Qed.

(** ** Exact lower bounds of intervals on a grid *)

Definition flo (x : I.type) (e : Z) : option Z :=
  match x with
  | Float.Ibnd l _ =>
      if I.F.real l then
        match fdec l with
        | Some (m, ex) =>
            Some (if Z.leb 0 (ex + e) then Z.shiftl m (ex + e) else Z.shiftr m (- (ex + e)))
        | None => None
        end
      else None
  | Float.Inan => None
  end.

Lemma encl_lower (l u : float) (v : R) :
  I.F.real l = true -> encl (Float.Ibnd l u) v -> toR l <= v.
Proof.
  intros Rl H. unfold encl in H. simpl in H.
  destruct (I.F.valid_lb l && I.F.valid_ub u) eqn:V.
  - simpl in H. rewrite (real_toX l Rl) in H. tauto.
  - simpl in H. lra.
Qed.

Lemma flo_spec x v e z : encl x v -> flo x e = Some z -> IZR z * bpow radix2 (- e) <= v.
Proof.
  unfold flo. destruct x as [|l u]; [discriminate|].
  destruct (I.F.real l) eqn:Rl; [|discriminate].
  destruct (fdec l) as [[m ex]|] eqn:Hd; [|discriminate].
  intros Hx Hz. injection Hz as <-. apply (Rle_trans _ (toR l)); [|exact (encl_lower l u v Rl Hx)].
  rewrite (fdec_spec l m ex Hd).
  destruct (Z.leb_spec 0 (ex + e)) as [Hk|Hk].
  - rewrite IZR_shiftl_bpow by exact Hk.
    rewrite Rmult_assoc, <- bpow_plus. replace (ex + e + - e)%Z with ex by ring. lra.
  - set (k := (- (ex + e))%Z).
    assert (Hmd : (Z.shiftl (Z.shiftr m k) k <= m)%Z).
    { rewrite Z.shiftl_mul_pow2, Z.shiftr_div_pow2 by (unfold k; lia).
      rewrite Z.mul_comm. apply Z.mul_div_le. apply Z.pow_pos_nonneg; unfold k; lia. }
    apply IZR_le in Hmd. rewrite IZR_shiftl_bpow in Hmd by (unfold k; lia).
    replace (- e)%Z with (k + ex)%Z by (unfold k; ring). rewrite bpow_plus, <- Rmult_assoc.
    apply Rmult_le_compat_r; [apply bpow_ge_0|exact Hmd].
Qed.

Lemma nth_skipn' {A : Type} (n k : nat) (l : list A) (dflt : A) :
  nth k (skipn n l) dflt = nth (n + k) l dflt.
Proof. revert l. induction n as [|n IH]; intros [|x l]; simpl; auto. destruct k; reflexivity. Qed.

(** ** One column *)

(** LSE(z(s,s)) <= l 2^-g, for the trace value l (an integer float): z(s,s) = 2 W[:, s]. *)
Definition diag_okf (F : float -> float) (col : list I.type) (g : Z) (l : float) : bool :=
  match fz l with
  | Some lz =>
      is_pow2 (pow2f (- g)) (- g) &&
      lse_below F (map (fun x => I.add prec x x) col)
             (I.mul prec (I.fromZ prec lz) (I.singleton (pow2f (- g))))
  | None => false
  end.

Lemma diag_okf_spec F p s col g l :
  exp_up_fn = Some F ->
  (0 < mlp_d p)%nat -> length col = mlp_d p ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col I.zero) (W p j s)) ->
  diag_okf F col g l = true ->
  lse (mlp_d p) (logits2 p s s) <= IZR (fz0 l) * bpow radix2 (- g).
Proof.
  intros HF Hd Hl Hc. unfold diag_okf, fz0.
  destruct (fz l) as [lz|]; [|discriminate]. rewrite andb_true_iff. intros [Hp Hle].
  apply (lse_below_spec F (map (fun x => I.add prec x x) col)
           (I.mul prec (I.fromZ prec lz) (I.singleton (pow2f (- g)))) _ _ _ HF Hd
           ltac:(rewrite map_length; exact Hl)); [| |exact Hle].
  - intros j Hj. assert (Hjl : (j < length (map (fun x => I.add prec x x) col))%nat) by (rewrite map_length; exact (eq_ind_r (fun n => (j < n)%nat) Hj Hl)).
    rewrite (nth_indep _ I.zero (I.add prec I.zero I.zero) Hjl).
    rewrite (map_nth (fun x => I.add prec x x)), logits2_eq_W. apply encl_add; apply Hc; exact Hj.
  - rewrite <- (is_pow2_spec _ _ Hp). apply encl_mul; [apply encl_fromZ|apply encl_singleton].
Qed.

(** (s+1) W s s + sum_{y>s} W y s, as an interval sum floored on the grid 2^-e: the label
    terms of column s. *)
Definition col_label (col : list I.type) (s : nat) (e : Z) : option Z :=
  flo (fold_left (fun a x => I.add prec a x) (skipn (S s) col)
                 (I.mul prec (I.fromZ prec (Z.of_nat (S s))) (nth s col I.zero))) e.

Lemma col_label_spec p s col e z :
  (s < mlp_d p)%nat -> length col = mlp_d p ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col I.zero) (W p j s)) ->
  col_label col s e = Some z ->
  IZR z * bpow radix2 (- e)
  <= (INR s + 1) * W p s s + rsum (mlp_d p - S s) (fun k => W p (S s + k)%nat s).
Proof.
  intros Hs Hl Hc. unfold col_label. intros Hz. refine (flo_spec _ _ e z _ Hz).
  assert (Hlen : length (skipn (S s) col) = (mlp_d p - S s)%nat) by (rewrite skipn_length; lia).
  rewrite <- Hlen.
  apply (encl_fold_add (fun x => x) _ I.zero).
  - replace (INR s + 1) with (IZR (Z.of_nat (S s))) by (rewrite <- INR_IZR_INZ, S_INR; reflexivity).
    apply encl_mul; [apply encl_fromZ|apply Hc; exact Hs].
  - intros k Hk. rewrite nth_skipn'. apply Hc. lia.
Qed.

(** ** The convexity checker (expected loss, two tokens) *)

Fixpoint col_labels (cols : list (list I.type)) (s : nat) (e acc : Z) : option Z :=
  match cols with
  | [] => Some acc
  | col :: cols' =>
      match col_label col s e with
      | Some z => col_labels cols' (S s) e (acc + z)
      | None => None
      end
  end.

Lemma col_labels_spec cols s e acc z :
  col_labels cols s e acc = Some z ->
  exists zs : nat -> Z,
    (forall k, (k < length cols)%nat -> col_label (nth k cols []) (s + k) e = Some (zs k)) /\
    z = (acc + zsum (length cols) zs)%Z.
Proof.
  revert s acc. induction cols as [|col cols IH]; intros s acc Hz; simpl in Hz.
  - injection Hz as <-. exists (fun _ => 0%Z). split; [intros k Hk; simpl in Hk; lia|]. simpl. lia.
  - destruct (col_label col s e) as [zc|] eqn:Hc; [|discriminate].
    destruct (IH (S s) (acc + zc)%Z Hz) as [zs [Hk Heq]].
    exists (fun k => match k with O => zc | S k' => zs k' end). split.
    + intros [|k] Hlt; simpl; [rewrite Nat.add_0_r; exact Hc|].
      rewrite <- Nat.add_succ_comm. apply Hk. simpl in Hlt. lia.
    + rewrite Heq. cbn [length]. rewrite zsum_S_l.
      change (zsum (length cols) (fun i => match S i with O => zc | S k' => zs k' end))
        with (zsum (length cols) zs).
      rewrite Z.add_assoc. reflexivity.
Qed.

Definition check_convexity_loss2f (c : cdata (list float)) : bool :=
  let w := cd_weights c in
  let d := w_d w in
  let g := cd_grid c in
  let tr := cd_trace c in
  let e := Z.max g 64 in
  match float_table w, exp_up_fn with
  | Some cols, Some F =>
      Nat.ltb 0 d &&
      all_below d (fun s => diag_okf F (nth s cols []) g (nth s tr 0%float)) &&
      match col_labels cols 0 e 0 with
      | Some B =>
          loss_claim_ok (Z.of_nat d * Z.shiftl (zsum d (fun s => fz0 (nth s tr 0%float))) (e - g)
                         - 2 * B) (- e) d (cd_p c) (cd_q c)
      | None => false
      end
  | _, _ => false
  end.

Theorem check_convexity_loss2f_correct c :
  check_convexity_loss2f c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold check_convexity_loss2f.
  set (w := cd_weights c). set (g := cd_grid c). set (tr := cd_trace c).
  set (e := Z.max g 64). set (p := model_of w).
  destruct (float_table w) as [cols|] eqn:Ht; [|discriminate].
  destruct exp_up_fn as [F|] eqn:HF; [|discriminate].
  destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  destruct (col_labels cols 0 e 0) as [B|] eqn:HB; [|rewrite andb_false_r; discriminate].
  rewrite !andb_true_iff, Nat.ltb_lt, all_below_spec. intros ((Hd & Hdiag) & Hclaim).
  change (w_d w) with (mlp_d p) in *.
  set (d := mlp_d p) in *.
  (* the columns *)
  assert (Hcol : forall s, (s < d)%nat ->
            length (nth s cols []) = d /\
            forall j, (j < d)%nat -> encl (nth j (nth s cols []) I.zero) (W p j s)).
  { intros s Hs. split; [apply Lr; exact Hs|]. intros j Hj. apply V; assumption. }
  assert (Hlse : forall s, (s < d)%nat ->
            lse d (logits2 p s s) <= IZR (fz0 (nth s tr 0%float)) * bpow radix2 (- g)).
  { intros s Hs. destruct (Hcol s Hs) as [L1 V1].
    apply (diag_okf_spec F p s (nth s cols []) g); [exact HF|exact Hd|exact L1|exact V1|exact (Hdiag s Hs)]. }
  destruct (col_labels_spec cols 0 e 0 B HB) as [zs [Hzs HBz]].
  rewrite Lc in Hzs, HBz. simpl in HBz.
  assert (Hlab : forall s, (s < d)%nat ->
            IZR (zs s) * bpow radix2 (- e)
            <= (INR s + 1) * W p s s + rsum (d - S s) (fun k => W p (S s + k)%nat s)).
  { intros s Hs. destruct (Hcol s Hs) as [L1 V1].
    apply (col_label_spec p s (nth s cols []) e); [exact Hs|exact L1|exact V1|exact (Hzs s Hs)]. }
  set (a := fun s => IZR (fz0 (nth s tr 0%float)) * bpow radix2 (- g)).
  eapply Rle_trans; [apply expected_loss2_le|].
  apply (loss_claim_ok_spec _ _ _ _ _ _ Hclaim).
  (* bound2 <= d * sum a - 2 * sum of column labels *)
  unfold bound2. fold d.
  apply Rle_trans with
    (rsum d (fun t2 => rsum t2 (fun t1 => a t1 - 2 * W p t2 t1) + (INR t2 + 1) * (a t2 - 2 * W p t2 t2))).
  { apply rsum_le. intros t2 H2. apply Rplus_le_compat.
    - apply rsum_le. intros t1 H1. unfold loss. rewrite logits2_eq_W.
      pose proof (Hlse t1 ltac:(lia)). unfold a. lra.
    - apply Rmult_le_compat_l; [pose proof (pos_INR t2); lra|].
      unfold loss. rewrite logits2_eq_W. pose proof (Hlse t2 H2). unfold a. lra. }
  replace (rsum d (fun t2 => rsum t2 (fun t1 => a t1 - 2 * W p t2 t1)
                              + (INR t2 + 1) * (a t2 - 2 * W p t2 t2)))
    with (INR d * rsum d a
          - 2 * rsum d (fun s => (INR s + 1) * W p s s + rsum (d - S s) (fun k => W p (S s + k)%nat s))).
  2: { assert (Ha : rsum d (fun t2 => rsum t2 (fun t1 => a t1) + (INR t2 + 1) * a t2)
                    = INR d * rsum d a).
       { rewrite rsum_plus, rsum_triangle_const_l, <- rsum_plus, <- rsum_scal_l.
         apply rsum_ext. intros s _. ring. }
       assert (Hw : rsum d (fun t2 => rsum t2 (fun t1 => W p t2 t1))
                    = rsum d (fun s => rsum (d - S s) (fun k => W p (S s + k)%nat s)))
         by exact (rsum_triangle_swap d (fun s y => W p y s)).
       symmetry.
       transitivity (rsum d (fun t2 => rsum t2 (fun t1 => a t1) + (INR t2 + 1) * a t2)
                     - 2 * (rsum d (fun t2 => rsum t2 (fun t1 => W p t2 t1))
                            + rsum d (fun t2 => (INR t2 + 1) * W p t2 t2))).
       - rewrite <- rsum_plus, <- rsum_scal_l, <- rsum_minus. apply rsum_ext. intros t2 _.
         rewrite rsum_minus, rsum_scal_l.
         change (rsum t2 (fun t1 => a t1)) with (rsum t2 a).
         change (rsum t2 (fun t1 => W p t2 t1)) with (rsum t2 (W p t2)). ring.
       - rewrite Ha, Hw, (rsum_plus d (fun s => (INR s + 1) * W p s s)).
         rewrite (Rplus_comm (rsum d (fun s => rsum (d - S s) (fun k => W p (S s + k)%nat s)))).
         reflexivity. }
  (* the exact integer side *)
  rewrite minus_IZR, mult_IZR, <- INR_IZR_INZ, mult_IZR, HBz.
  assert (He : (0 <= e - g)%Z) by (unfold e; lia).
  rewrite (IZR_shiftl_bpow _ _ He), IZR_zsum, IZR_zsum.
  set (E := bpow radix2 (- e)).
  assert (Hg : bpow radix2 (e - g) * E = bpow radix2 (- g))
    by (unfold E; rewrite <- bpow_plus; f_equal; ring).
  assert (HA : (INR d * (rsum d (fun s => IZR (fz0 (nth s tr 0%float))) * bpow radix2 (e - g))) * E
               = INR d * rsum d a).
  { unfold a. rewrite rsum_scal_r, <- Hg. ring. }
  assert (HB' : rsum d (fun s => IZR (zs s)) * E
                <= rsum d (fun s => (INR s + 1) * W p s s + rsum (d - S s) (fun k => W p (S s + k)%nat s))).
  { rewrite <- rsum_scal_r. apply rsum_le. intros s Hs. apply Hlab. exact Hs. }
  fold E. lra.
Qed.

(** ** The convexity checker (accuracy, two tokens)

    Input (t1, t2), t1 <= t2, is counted correct when, for every j <> t2,
    (W[t2,t1] - W[j,t1]) + (W[t2,t2] - W[j,t2]) > 0 ([Accuracy.correct2_of_margin_sum]).
    The rival entries W[j,s], j <> y, are enclosed at once by a hull: of the column without
    the trace's argmax f when y = f, of the whole column otherwise. Any f is sound; the
    trace's argmax makes the margins tight. The trace's second index (the runner-up, which
    the exact checker needs) is not used. *)

(** The hull of acc and the entries of col, but the one at position g when [skip = Some g].
    The position is counted down along the list (no comparison of unary indices per entry). *)
Fixpoint hull_from (acc : I.type) (col : list I.type) (skip : option nat) : I.type :=
  match col, skip with
  | [], _ => acc
  | _ :: col', Some O => hull_from acc col' None
  | x :: col', Some (S g) => hull_from (I.join acc x) col' (Some g)
  | x :: col', None => hull_from (I.join acc x) col' None
  end.

Lemma hull_from_spec col : forall acc skip v,
  (encl acc v \/ exists k, (k < length col)%nat /\ skip <> Some k /\ encl (nth k col I.zero) v) ->
  encl (hull_from acc col skip) v.
Proof.
  induction col as [|x col IH]; intros acc skip v H.
  - destruct H as [H|(k & Hk & _)]; [exact H|simpl in Hk; lia].
  - assert (Hj : encl acc v -> encl (I.join acc x) v)
      by (intros Ha; apply I.join_correct; left; exact Ha).
    assert (Hx : encl x v -> encl (I.join acc x) v)
      by (intros Hv; apply I.join_correct; right; exact Hv).
    (* the tail's positions are one less; the head joins the hull unless it is skipped *)
    destruct skip as [[|g]|]; cbn [hull_from]; apply IH;
      destruct H as [H|([|k] & Hk & Hs & Hv)]; try simpl in Hk.
    + left. exact H.
    + contradiction Hs. reflexivity.
    + right. exists k. split; [lia|]. split; [discriminate|exact Hv].
    + left. apply Hj. exact H.
    + left. apply Hx. exact Hv.
    + right. exists k. split; [lia|]. split; [|exact Hv].
      intros E. apply Hs. injection E as ->. reflexivity.
    + left. apply Hj. exact H.
    + left. apply Hx. exact Hv.
    + right. exists k. split; [lia|]. split; [discriminate|exact Hv].
Qed.

(** Encloses every entry of col other than the one at [skip]. *)
Definition hull_except (col : list I.type) (skip : nat) : I.type :=
  hull_from (nth (if Nat.eqb skip 0 then 1 else 0) col I.zero) col (Some skip).

Lemma hull_except_spec col skip j v :
  (j < length col)%nat -> j <> skip -> encl (nth j col I.zero) v -> encl (hull_except col skip) v.
Proof.
  intros Hj Hs Hv. apply hull_from_spec. right. exists j.
  split; [exact Hj|]. split; [intros E; injection E; lia|exact Hv].
Qed.

(** Encloses every entry of col. *)
Definition hull_all (col : list I.type) : I.type := hull_from (nth 0 col I.zero) col None.

Lemma hull_all_spec col j v :
  (j < length col)%nat -> encl (nth j col I.zero) v -> encl (hull_all col) v.
Proof.
  intros Hj Hv. apply hull_from_spec. right. exists j.
  split; [exact Hj|]. split; [discriminate|exact Hv].
Qed.

(** Per column: the trace's argmax f, the hull without f, the hull of all entries. *)
Record rivals := { rv_f : nat; rv_hull_f : I.type; rv_hull_all : I.type }.

(** The trace's argmax of the column, or [length col] (skip nothing) if the row is malformed. *)
Definition argmax_hint (col : list I.type) (row : list float) : nat :=
  match row with
  | xf :: _ => match fidx xf with Some f => f | None => length col end
  | [] => length col
  end.

Definition col_rivals (col : list I.type) (row : list float) : rivals :=
  let f := argmax_hint col row in
  {| rv_f := f; rv_hull_f := hull_except col f; rv_hull_all := hull_all col |}.

Definition rival_of (r : rivals) (y : nat) : I.type :=
  if Nat.eqb y (rv_f r) then rv_hull_f r else rv_hull_all r.

Lemma rival_of_spec col row y j v :
  (j < length col)%nat -> j <> y -> encl (nth j col I.zero) v ->
  encl (rival_of (col_rivals col row) y) v.
Proof.
  intros Hj Hjy Hv. unfold rival_of, col_rivals. cbn [rv_f rv_hull_f rv_hull_all].
  destruct (Nat.eqb_spec y (argmax_hint col row)) as [<-|_];
    [apply (hull_except_spec _ _ j)|apply (hull_all_spec _ j)]; auto.
Qed.

(** An enclosure of W[y,s] - (what W[j,s] may be, j <> y): the half margin of z(s,s). *)
Definition half_margin (col : list I.type) (r : rivals) (y : nat) : I.type :=
  I.sub prec (nth y col I.zero) (rival_of r y).

(** [skip = Some g]: the g-th entry from here is the label f (countdown, as in [hull_from]). *)
Definition at_skip (skip : option nat) (k : nat) : bool :=
  match skip with Some g => Nat.eqb g k | None => false end.

Definition gap_of (y f : nat) : option nat := if Nat.leb y f then Some (f - y)%nat else None.

Lemma at_skip_gap_of y f k : at_skip (gap_of y f) k = Nat.eqb (y + k)%nat f.
Proof.
  unfold at_skip, gap_of. destruct (Nat.leb_spec y f).
  - destruct (Nat.eqb_spec (f - y) k), (Nat.eqb_spec (y + k) f); auto; lia.
  - destruct (Nat.eqb_spec (y + k) f); auto; lia.
Qed.

(** Pairs (t1, y), y > t1, from column t1's tail and the diagonal half margins' tail. *)
Fixpoint count_pairs (r : rivals) (skip : option nat) (tail dtail : list I.type) : Z :=
  match tail, dtail with
  | x :: tail', dm :: dtail' =>
      let '(h, skip') := match skip with
                         | Some O => (rv_hull_f r, None)
                         | Some (S g) => (rv_hull_all r, Some g)
                         | None => (rv_hull_all r, None)
                         end in
      (zind (ilt_check prec I.zero (I.add prec (I.sub prec x h) dm))
       + count_pairs r skip' tail' dtail')%Z
  | _, _ => 0%Z
  end.

Lemma count_pairs_spec r skip tail dtail :
  length tail = length dtail ->
  count_pairs r skip tail dtail
  = zsum (length tail) (fun k => zind (ilt_check prec I.zero
        (I.add prec (I.sub prec (nth k tail I.zero)
                       (if at_skip skip k then rv_hull_f r else rv_hull_all r))
                    (nth k dtail I.zero)))).
Proof.
  revert skip dtail. induction tail as [|x tail IH]; intros skip [|dm dtail] Hl; simpl in Hl;
    cbn [count_pairs length]; try discriminate; [reflexivity|].
  rewrite zsum_S_l. destruct skip as [[|g]|]; rewrite IH by lia; f_equal; apply zsum_ext;
    intros k _; reflexivity.
Qed.

Definition check_convexity_accuracy2f (c : cdata (list (list float))) : bool :=
  let w := cd_weights c in
  let d := w_d w in
  let tr := cd_trace c in
  match float_table w with
  | Some cols =>
      let rs := map (fun s => col_rivals (nth s cols []) (nth s tr [])) (seq 0 d) in
      let diag := map (fun s => half_margin (nth s cols []) (nth s rs (col_rivals [] [])) s)
                      (seq 0 d) in
      let C := (zsum d (fun t => zind (ilt_check prec I.zero (nth t diag I.zero)))
                + 2 * zsum d (fun t1 =>
                        let r := nth t1 rs (col_rivals [] []) in
                        count_pairs r (gap_of (S t1) (rv_f r))
                                    (skipn (S t1) (nth t1 cols [])) (skipn (S t1) diag)))%Z in
      Nat.eqb (length tr) d && acc_claim_ok C d (cd_p c) (cd_q c)
  | None => false
  end.

Theorem check_convexity_accuracy2f_correct c :
  check_convexity_accuracy2f c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold check_convexity_accuracy2f.
  set (w := cd_weights c). set (tr := cd_trace c). set (p := model_of w).
  destruct (float_table w) as [cols|] eqn:Ht; [|discriminate].
  destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  change (w_d w) with (mlp_d p) in *. set (d := mlp_d p) in *.
  set (rs := map (fun s => col_rivals (nth s cols []) (nth s tr [])) (seq 0 d)).
  set (diag := map (fun s => half_margin (nth s cols []) (nth s rs (col_rivals [] [])) s) (seq 0 d)).
  rewrite andb_true_iff. intros [_ Hclaim].
  (* what the lists hold *)
  assert (Hrs : forall s, (s < d)%nat ->
            nth s rs (col_rivals [] []) = col_rivals (nth s cols []) (nth s tr [])).
  { intros s Hs. unfold rs. rewrite (nth_map_lt _ _ s 0%nat) by (rewrite seq_length; exact Hs).
    rewrite seq_nth by exact Hs. reflexivity. }
  assert (Hdiag : forall s, (s < d)%nat ->
            nth s diag I.zero = half_margin (nth s cols []) (nth s rs (col_rivals [] [])) s).
  { intros s Hs. unfold diag. rewrite (nth_map_lt _ _ s 0%nat) by (rewrite seq_length; exact Hs).
    rewrite seq_nth by exact Hs. reflexivity. }
  assert (Ldiag : length diag = d) by (unfold diag; rewrite map_length, seq_length; reflexivity).
  (* a half margin encloses W[y,s] - W[j,s] for every j <> y *)
  assert (Hhm : forall s y j, (s < d)%nat -> (y < d)%nat -> (j < d)%nat -> j <> y ->
            encl (half_margin (nth s cols []) (nth s rs (col_rivals [] [])) y) (W p y s - W p j s)).
  { intros s y j Hs Hy Hj Hjy. rewrite (Hrs s Hs). unfold half_margin.
    apply encl_sub; [apply V; assumption|].
    apply (rival_of_spec _ _ _ j); [rewrite Lr; assumption|exact Hjy|apply V; assumption]. }
  set (pair_ok := fun t1 t2 => ilt_check prec I.zero
         (I.add prec (half_margin (nth t1 cols []) (nth t1 rs (col_rivals [] [])) t2)
                     (nth t2 diag I.zero))).
  assert (Hpair : forall t1 t2, (t1 <= t2)%nat -> (t2 < d)%nat -> pair_ok t1 t2 = true ->
            correct2 p t1 t2).
  { intros t1 t2 Hle H2 Hok. apply correct2_of_margin_sum; [exact Hle|]. intros j Hj Hjt.
    rewrite !logits2_eq_W.
    assert (Hs : encl (I.add prec (half_margin (nth t1 cols []) (nth t1 rs (col_rivals [] [])) t2)
                                  (nth t2 diag I.zero))
                      ((W p t2 t1 - W p j t1) + (W p t2 t2 - W p j t2))).
    { apply encl_add; [apply Hhm; auto; lia|]. rewrite (Hdiag t2 H2). apply Hhm; auto. }
    pose proof (lt_of_ilt_check prec _ _ _ _ encl_zero Hs Hok). lra. }
  (* the pair sum, column by column, as a sum over (t1 < t2) *)
  assert (Hrow : forall t1, (t1 < d)%nat ->
            count_pairs (nth t1 rs (col_rivals [] [])) (gap_of (S t1) (rv_f (nth t1 rs (col_rivals [] []))))
                        (skipn (S t1) (nth t1 cols [])) (skipn (S t1) diag)
            = zsum (d - S t1) (fun k => zind (pair_ok t1 (S t1 + k)%nat))).
  { intros t1 H1. rewrite count_pairs_spec by (rewrite !skipn_length, Lr, Ldiag; auto).
    rewrite skipn_length, Lr by exact H1. apply zsum_ext. intros k Hk.
    rewrite !nth_skipn', at_skip_gap_of. unfold pair_ok, half_margin, rival_of. reflexivity. }
  apply Rle_ge. unfold accuracy2. apply (acc_claim_ok_spec _ _ _ _ _ Hclaim).
  eapply Rle_trans; [|apply (num_correct2_ge p pair_ok)].
  - rewrite plus_IZR, mult_IZR, IZR_zsum, IZR_zsum. simpl (IZR 2).
    change (mlp_d p) with d.
    rewrite (rsum_ext d (fun i => IZR (count_pairs (nth i rs (col_rivals [] []))
                                         (gap_of (S i) (rv_f (nth i rs (col_rivals [] []))))
                                         (skipn (S i) (nth i cols [])) (skipn (S i) diag)))
                        (fun t1 => rsum (d - S t1) (fun k => ind (pair_ok t1 (S t1 + k)%nat))))
      by (intros t1 H1; rewrite Hrow by exact H1; rewrite IZR_zsum;
          apply rsum_ext; intros; rewrite ind_zind; reflexivity).
    rewrite <- (rsum_triangle_swap d (fun t1 t2 => ind (pair_ok t1 t2))).
    cut (rsum d (fun t => IZR (zind (ilt_check prec I.zero (nth t diag I.zero))))
         <= rsum d (fun t => ind (correct2b p t t))); [lra|].
    apply rsum_le. intros t Htd. rewrite <- ind_zind. apply ind_le_of_imp. intros Hm.
    apply correct2b_spec. apply correct2_of_margin_sum; [lia|]. intros j Hj Hjt.
    rewrite !logits2_eq_W. rewrite (Hdiag t Htd) in Hm.
    pose proof (lt_of_ilt_check prec _ _ _ _ encl_zero (Hhm t t j Htd Htd Hj Hjt) Hm). lra.
  - intros t1 t2 Hlt H2 Hok. apply Hpair; [lia|exact H2|exact Hok].
Qed.

(** ** Pair losses: the brute-force and symmetry checkers (two tokens)

    f(t1, t2) = LSE(z) - z_y <= K for z = W[:, t1] + W[:, t2] holds when
      sum_j exp(W[j,t1] - c1) exp(W[j,t2] - c2) * exp(c1 + c2 - z_y - K) <= 1
    for any reals c1, c2 ([FastExp.lse_le_of_sum]). Per column t the checker takes c_t the
    upper end of the column's hull (so the exponentials are at most about 1) and the
    upper bounds a_j >= exp(W[j,t] - c_t); per pair it is one upward-rounded dot product of
    two such columns, one [exp_big] (c1 + c2 - z_y - K may well exceed 8) and one comparison
    with 1. *)

Record expcol := { ec_w : list I.type; ec_c : float; ec_a : list float }.

Definition expcol_of (F : float -> float) (col : list I.type) : expcol :=
  let c := ub (hull_all col) in
  {| ec_w := col; ec_c := c; ec_a := map (fun x => exp_big F (I.sub prec x (I.singleton c))) col |}.

Definition dflt_expcol : expcol := {| ec_w := []; ec_c := 0%float; ec_a := [] |}.

(** The opening of the binary64 loss checkers that read exp columns: the interval table and the
    exp function built, d > 0 and the grid a power of two; [body F cols es] is the rest, with
    [es] the exp columns of the table [cols]. *)
Definition with_expcols {T : Type} (c : cdata T)
    (body : (float -> float) -> list (list I.type) -> list expcol -> bool) : bool :=
  match float_table (cd_weights c), exp_up_fn with
  | Some cols, Some F =>
      Nat.ltb 0 (w_d (cd_weights c)) && is_pow2 (pow2f (- cd_grid c)) (- cd_grid c)
      && body F cols (map (expcol_of F) cols)
  | _, _ => false
  end.

Lemma with_expcols_spec {T : Type} (c : cdata T) body : with_expcols c body = true ->
  exists F cols, exp_up_fn = Some F /\ float_table (cd_weights c) = Some cols /\
    (0 < w_d (cd_weights c))%nat /\ is_pow2 (pow2f (- cd_grid c)) (- cd_grid c) = true /\
    body F cols (map (expcol_of F) cols) = true.
Proof.
  unfold with_expcols. destruct (float_table (cd_weights c)) as [cols|]; [| discriminate].
  destruct exp_up_fn as [F|]; [| discriminate].
  rewrite !andb_true_iff, Nat.ltb_lt. intros [[Hd Hp] Hb]. exists F, cols. auto.
Qed.

Lemma mul_up_spec (a b : R) (x y : float) :
  0 <= a -> 0 <= b -> I.F.valid_ub x = true -> I.F.valid_ub y = true ->
  le_upper (Xreal a) (I.F.toX x) -> le_upper (Xreal b) (I.F.toX y) ->
  I.F.valid_ub (I.F.mul_UP prec x y) = true /\
  le_upper (Xreal (a * b)) (I.F.toX (I.F.mul_UP prec x y)).
Proof.
  intros Ha Hb Vx Vy Lx Ly.
  assert (Nx : I.F.is_non_neg x).
  { split; [exact Vx|]. destruct (I.F.toX x) as [|v]; [exact I|]. simpl in Lx |- *. lra. }
  assert (Ny : I.F.is_non_neg y).
  { split; [exact Vy|]. destruct (I.F.toX y) as [|v]; [exact I|]. simpl in Ly |- *. lra. }
  destruct (I.F.mul_UP_correct prec x y (or_introl (conj Nx Ny))) as [Vm Lm].
  split; [exact Vm|].
  destruct (I.F.toX x) as [|u] eqn:Ex; [|destruct (I.F.toX y) as [|v] eqn:Ey].
  - simpl in Lm. destruct (I.F.toX (I.F.mul_UP prec x y)); [exact I|contradiction].
  - simpl in Lm. destruct (I.F.toX (I.F.mul_UP prec x y)); [exact I|contradiction].
  - simpl in Lx, Ly. apply (le_upper_chain _ (Xreal (u * v))); [|exact Lm].
    simpl. apply Rmult_le_compat; lra.
Qed.

(** Upward-rounded acc + sum_j a_j b_j, left to right. *)
Fixpoint dot_up (acc : float) (a b : list float) : float :=
  match a, b with
  | x :: a', y :: b' => dot_up (I.F.add_UP prec acc (I.F.mul_UP prec x y)) a' b'
  | _, _ => acc
  end.

Definition ub_of (u : R) (x : float) : Prop :=
  0 <= u /\ I.F.valid_ub x = true /\ le_upper (Xreal u) (I.F.toX x).

Lemma dot_up_spec a : forall b (u v : nat -> R) acc s,
  length a = length b ->
  (forall j, (j < length a)%nat -> ub_of (u j) (nth j a 0%float)) ->
  (forall j, (j < length a)%nat -> ub_of (v j) (nth j b 0%float)) ->
  ub_of s acc ->
  ub_of (s + rsum (length a) (fun j => u j * v j)) (dot_up acc a b).
Proof.
  induction a as [|x a IH]; intros [|y b] u v acc s Hl Ha Hb Hs; simpl in Hl; try discriminate.
  - simpl. rewrite Rplus_0_r. exact Hs.
  - cbn [dot_up length]. rewrite rsum_S_l, <- Rplus_assoc.
    destruct (Ha 0%nat ltac:(simpl; lia)) as (U0 & Vx & Lx).
    destruct (Hb 0%nat ltac:(simpl; lia)) as (V0 & Vy & Ly). simpl in Vx, Lx, Vy, Ly.
    destruct (mul_up_spec _ _ x y U0 V0 Vx Vy Lx Ly) as [Vm Lm].
    destruct Hs as (S0 & Va & La).
    destruct (I.F.add_UP_correct prec acc (I.F.mul_UP prec x y) Va Vm) as [Vs Ls].
    apply IH; [lia|intros j Hj; apply (Ha (S j)); simpl; lia
               |intros j Hj; apply (Hb (S j)); simpl; lia|].
    split; [pose proof (Rmult_le_pos _ _ U0 V0); lra|]. split; [exact Vs|].
    exact (le_upper_chain _ _ _ (le_upper_add _ _ _ _ La Lm) Ls).
Qed.

(** G exp(v) <= 1, from an upper bound s of G >= 0 and an enclosure x of v: the last step of
    every loss test (x may well exceed 8, hence [exp_big]). *)
Definition below_one (F : float -> float) (s : float) (x : I.type) : bool :=
  let m := I.F.mul_UP prec s (exp_big F x) in
  I.F.real m && fle m 1.

Lemma below_one_spec F s x G v :
  exp_up_fn = Some F -> ub_of G s -> encl x v -> below_one F s x = true -> G * exp v <= 1.
Proof.
  intros HF (G0 & Vs & Ls) Hx. unfold below_one. rewrite andb_true_iff. intros [Rm Hm].
  destruct (exp_big_spec F x _ HF Hx) as [Ve Le].
  destruct (mul_up_spec _ _ s (exp_big F x) G0 (Rlt_le _ _ (exp_pos _)) Vs Ve Ls Le) as [_ Lm].
  rewrite (real_toX _ Rm) in Lm. simpl in Lm.
  pose proof (fle_spec _ 1%float Rm eq_refl Hm) as Hm1.
  assert (H1f : toR 1%float = 1) by (float_toR; lra). lra.
Qed.

(** f(t1, t2) <= K for the columns e1, e2 of t1, t2 and y = max t1 t2 (see above). *)
Definition pair_okf (F : float -> float) (e1 e2 : expcol) (y : nat) (K : I.type) : bool :=
  below_one F (dot_up I.F.zero (ec_a e1) (ec_a e2))
    (I.sub prec (I.add prec (I.singleton (ec_c e1)) (I.singleton (ec_c e2)))
                (I.add prec (I.add prec (nth y (ec_w e1) I.zero) (nth y (ec_w e2) I.zero)) K)).

(** What [expcol_of] gives for a column enclosing W[:, t]. *)
Lemma expcol_spec F p col t :
  exp_up_fn = Some F -> length col = mlp_d p ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col I.zero) (W p j t)) ->
  length (ec_a (expcol_of F col)) = mlp_d p /\
  forall j, (j < mlp_d p)%nat ->
    encl (nth j (ec_w (expcol_of F col)) I.zero) (W p j t) /\
    ub_of (exp (W p j t - toR (ec_c (expcol_of F col)))) (nth j (ec_a (expcol_of F col)) 0%float).
Proof.
  intros HF Hl Hc. cbn [ec_a ec_w ec_c expcol_of]. rewrite map_length. split; [exact Hl|].
  intros j Hj. split; [apply Hc; exact Hj|].
  set (c := ub (hull_all col)).
  rewrite (nth_indep _ 0%float (exp_big F (I.sub prec I.zero (I.singleton c)))).
  2: { rewrite map_length. exact (eq_ind_r (fun n => (j < n)%nat) Hj Hl). }
  rewrite (map_nth (fun x => exp_big F (I.sub prec x (I.singleton c)))).
  destruct (exp_big_spec F (I.sub prec (nth j col I.zero) (I.singleton c)) (W p j t - toR c) HF)
    as [V L].
  { apply encl_sub; [apply Hc; exact Hj|apply encl_singleton]. }
  split; [left; apply exp_pos|]. split; [exact V|exact L].
Qed.

Lemma pair_okf_spec F p col1 col2 t1 t2 K k :
  exp_up_fn = Some F -> (0 < mlp_d p)%nat -> (t1 < mlp_d p)%nat -> (t2 < mlp_d p)%nat ->
  length col1 = mlp_d p -> length col2 = mlp_d p ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col1 I.zero) (W p j t1)) ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col2 I.zero) (W p j t2)) ->
  encl K k ->
  pair_okf F (expcol_of F col1) (expcol_of F col2) (Nat.max t1 t2) K = true ->
  f2 p t1 t2 <= k.
Proof.
  intros HF Hd H1 H2 L1 L2 C1 C2 HK. unfold pair_okf.
  set (e1 := expcol_of F col1). set (e2 := expcol_of F col2).
  destruct (expcol_spec F p col1 t1 HF L1 C1) as [La1 E1]. fold e1 in La1, E1.
  destruct (expcol_spec F p col2 t2 HF L2 C2) as [La2 E2]. fold e2 in La2, E2.
  set (y := Nat.max t1 t2).
  assert (Hy : (y < mlp_d p)%nat) by (apply Nat.max_lub_lt; assumption).
  set (c1 := toR (ec_c e1)). set (c2 := toR (ec_c e2)).
  set (zy := W p y t1 + W p y t2).
  set (s := dot_up I.F.zero (ec_a e1) (ec_a e2)).
  assert (Hs : ub_of (0 + rsum (mlp_d p) (fun j => exp (W p j t1 - c1) * exp (W p j t2 - c2))) s).
  { unfold s. rewrite <- La1. apply dot_up_spec; [lia| | |].
    - intros j Hj. rewrite La1 in Hj. apply E1. exact Hj.
    - intros j Hj. rewrite La1 in Hj. apply E2. exact Hj.
    - split; [lra|]. split; [apply real_valid; reflexivity|].
      rewrite I.F.zero_correct. simpl. lra. }
  intros Hok.
  assert (Hx : encl (I.sub prec (I.add prec (I.singleton (ec_c e1)) (I.singleton (ec_c e2)))
                  (I.add prec (I.add prec (nth y (ec_w e1) I.zero) (nth y (ec_w e2) I.zero)) K))
                (c1 + c2 - (zy + k))).
  { apply encl_sub; [apply encl_add; apply encl_singleton|].
    apply encl_add; [|exact HK]. apply encl_add; [apply E1|apply E2]; exact Hy. }
  pose proof (below_one_spec F _ _ _ _ HF Hs Hx Hok) as Hm1.
  unfold f2, loss. fold y.
  cut (lse (mlp_d p) (logits2 p t1 t2) <= zy + k); [rewrite logits2_eq_W; unfold zy; lra|].
  apply lse_le_of_sum; [exact Hd|].
  eapply Rle_trans; [|exact Hm1]. rewrite Rplus_0_l.
  rewrite <- rsum_scal_r. right. apply rsum_ext. intros j Hj.
  rewrite logits2_eq_W, <- !exp_plus. f_equal. ring.
Qed.

Definition kbound (g : Z) (k : float) : I.type :=
  I.mul prec (I.fromZ prec (fz0 k)) (I.singleton (pow2f (- g))).

Lemma kbound_spec g k : is_pow2 (pow2f (- g)) (- g) = true ->
  encl (kbound g k) (IZR (fz0 k) * bpow radix2 (- g)).
Proof.
  intros Hp. unfold kbound. rewrite <- (is_pow2_spec _ _ Hp).
  apply encl_mul; [apply encl_fromZ|apply encl_singleton].
Qed.

(** The columns of the float table as [expcol]s, and what they enclose. *)
Lemma expcols_spec F w cols t :
  exp_up_fn = Some F -> float_table w = Some cols -> (t < w_d w)%nat ->
  nth t (map (expcol_of F) cols) dflt_expcol = expcol_of F (nth t cols []) /\
  length (nth t cols []) = mlp_d (model_of w) /\
  forall j, (j < mlp_d (model_of w))%nat -> encl (nth j (nth t cols []) I.zero) (W (model_of w) j t).
Proof.
  intros HF Ht Hlt. destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  split; [apply nth_map_lt; lia|]. split; [apply Lr; exact Hlt|].
  intros j Hj. apply V; assumption.
Qed.

(** [pair_okf_spec] on the expcols of the float table's columns: a trace value k of input
    (t1, t2) checked by [pair_okf] bounds its loss. *)
Lemma pair_okf_table F w cols t1 t2 g k :
  exp_up_fn = Some F -> float_table w = Some cols -> (0 < w_d w)%nat ->
  (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> is_pow2 (pow2f (- g)) (- g) = true ->
  pair_okf F (nth t1 (map (expcol_of F) cols) dflt_expcol)
    (nth t2 (map (expcol_of F) cols) dflt_expcol) (Nat.max t1 t2) (kbound g k) = true ->
  f2 (model_of w) t1 t2 <= IZR (fz0 k) * bpow radix2 (- g).
Proof.
  intros HF Ht Hd H1 H2 Hp Hok.
  destruct (expcols_spec F _ cols t1 HF Ht H1) as (N1 & L1 & C1).
  destruct (expcols_spec F _ cols t2 HF Ht H2) as (N2 & L2 & C2).
  rewrite N1, N2 in Hok.
  exact (pair_okf_spec F (model_of w) _ _ t1 t2 _ _ HF Hd H1 H2 L1 L2 C1 C2
                       (kbound_spec _ _ Hp) Hok).
Qed.

(** The test of input (t1, t2) against its trace value k: [pair_okf] on the exp columns, staged
    ([Data.all_pairs]: column t1's once per row). *)
Definition pair_okf_at (F : float -> float) (g : Z) (es : list expcol) (t1 : nat) : nat -> float -> bool :=
  let e1 := nth t1 es dflt_expcol in
  fun t2 k => pair_okf F e1 (nth t2 es dflt_expcol) (Nat.max t1 t2) (kbound g k).

(** Per-input trace values [t1][t2] (used where the data is small enough to read: see
    "Brute force against row totals" for large ones). *)
Definition check_brute_force_loss2f (c : cdata (list (list float))) : bool :=
  with_expcols c (fun F cols es => loss_pairs c (pair_okf_at F (cd_grid c) es)).

Theorem check_brute_force_loss2f_correct c :
  check_brute_force_loss2f c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_pairs_spec _ _ Hb (fun t1 t2 k H1 H2 => pair_okf_table F _ cols t1 t2 _ k HF Ht Hd H1 H2 Hp)).
Qed.

(** Sorted inputs, trace entry [t2][t1] (tested as (t2, t1)). *)
Definition check_symmetry_loss2f (c : cdata (list (list float))) : bool :=
  with_expcols c (fun F cols es => loss_sorted_pairs c (pair_okf_at F (cd_grid c) es)).

Theorem check_symmetry_loss2f_correct c :
  check_symmetry_loss2f c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_sorted_pairs_spec _ _ Hb
           (fun t1 t2 k H1 H2 => pair_okf_table F _ cols t1 t2 _ k HF Ht Hd H1 H2 Hp)).
Qed.

(** ** Verdicts per input: the brute-force and symmetry accuracy checkers (two tokens)

    Input (t1, t2) with label y = max t1 t2 is correct when, for every j <> y,
    W[j,t1] + W[j,t2] < W[y,t1] + W[y,t2]. The checker compares the upward-rounded sum of the
    two columns' upper ends with the lower end of the label's interval sum: one addition and
    one comparison per entry. The prover marks an input correct only when its margin clears
    2^-32, far above the table's rounding error, so the float test settles every marked input. *)

(** The lower end of an interval (-inf for NaN, which fails [I.F.real]). *)
Definition lb (x : I.type) : float :=
  match x with Float.Ibnd l _ => l | Float.Inan => PrimFloat.neg_infinity end.

Lemma lb_spec x v : encl x v -> I.F.real (lb x) = true -> toR (lb x) <= v.
Proof.
  destruct x as [|l u]; [intros _ H; discriminate H|]. intros Hx Rl.
  exact (encl_lower l u v Rl Hx).
Qed.

Lemma ub_valid x v : encl x v -> I.F.valid_ub (ub x) = true.
Proof.
  destruct x as [|l u]; [reflexivity|]. unfold encl. simpl.
  destruct (I.F.valid_lb l && I.F.valid_ub u) eqn:V; simpl; [|lra].
  intros _. apply andb_prop in V. tauto.
Qed.

(** Every j other than [skip] (countdown): a_j + b_j, rounded up, is below lo. *)
Fixpoint below_all (lo : float) (a b : list float) (skip : option nat) : bool :=
  match a, b with
  | x :: a', y :: b' =>
      match skip with
      | Some O => below_all lo a' b' None
      | Some (S g) => let s := I.F.add_UP prec x y in
                      I.F.real s && flt s lo && below_all lo a' b' (Some g)
      | None => let s := I.F.add_UP prec x y in
                I.F.real s && flt s lo && below_all lo a' b' None
      end
  | _, _ => true
  end.

Lemma below_all_spec lo a : forall b skip (u v : nat -> R),
  I.F.real lo = true -> length a = length b ->
  (forall k, (k < length a)%nat ->
     I.F.valid_ub (nth k a 0%float) = true /\ le_upper (Xreal (u k)) (I.F.toX (nth k a 0%float))) ->
  (forall k, (k < length a)%nat ->
     I.F.valid_ub (nth k b 0%float) = true /\ le_upper (Xreal (v k)) (I.F.toX (nth k b 0%float))) ->
  below_all lo a b skip = true ->
  forall k, (k < length a)%nat -> skip <> Some k -> u k + v k < toR lo.
Proof.
  induction a as [|x a IH]; intros [|y b] skip u v Rlo Hl Ha Hb Hall k Hk Hs;
    simpl in Hl, Hk; try lia.
  assert (Hhead : I.F.real (I.F.add_UP prec x y) && flt (I.F.add_UP prec x y) lo = true ->
                  u 0%nat + v 0%nat < toR lo).
  { rewrite andb_true_iff. intros [Rs Hf].
    destruct (Ha 0%nat ltac:(simpl; lia)) as [Vx Lx]. destruct (Hb 0%nat ltac:(simpl; lia)) as [Vy Ly].
    simpl in Vx, Lx, Vy, Ly.
    destruct (I.F.add_UP_correct prec x y Vx Vy) as [_ Ls].
    pose proof (le_upper_chain _ _ _ (le_upper_add _ _ _ _ Lx Ly) Ls) as L.
    rewrite (real_toX _ Rs) in L. simpl in L. pose proof (flt_spec _ _ Rs Rlo Hf). lra. }
  assert (Htail : forall skip', below_all lo a b skip' = true -> forall k', (k' < length a)%nat ->
                    skip' <> Some k' -> u (S k') + v (S k') < toR lo).
  { intros skip' H k' Hk' Hs'. apply (IH b skip' (fun i => u (S i)) (fun i => v (S i)) Rlo);
      auto; [intros i Hi; apply (Ha (S i)); simpl; lia|intros i Hi; apply (Hb (S i)); simpl; lia]. }
  cbn [below_all] in Hall. destruct skip as [[|g]|].
  - destruct k as [|k]; [exfalso; apply Hs; reflexivity|].
    apply (Htail None Hall k); [lia|discriminate].
  - rewrite !andb_true_iff in Hall. destruct Hall as [[Rs Hf] Hall].
    destruct k as [|k]; [apply Hhead; rewrite Rs, Hf; reflexivity|].
    apply (Htail (Some g) Hall k); [lia|]. intros E; apply Hs; injection E as ->; reflexivity.
  - rewrite !andb_true_iff in Hall. destruct Hall as [[Rs Hf] Hall].
    destruct k as [|k]; [apply Hhead; rewrite Rs, Hf; reflexivity|].
    apply (Htail None Hall k); [lia|discriminate].
Qed.

(** Input (t1, t2) with label y is correct, from columns c1, c2 and their upper ends u1, u2. *)
Definition correct2_f (c1 c2 : list I.type) (u1 u2 : list float) (y : nat) : bool :=
  let lo := lb (I.add prec (nth y c1 I.zero) (nth y c2 I.zero)) in
  I.F.real lo && below_all lo u1 u2 (Some y).

(** The upper ends of column t of the float table bound W[:, t]. *)
Lemma ups_spec w cols t :
  float_table w = Some cols -> (t < w_d w)%nat ->
  length (nth t (map (map ub) cols) []) = w_d w /\
  forall k, (k < w_d w)%nat ->
    I.F.valid_ub (nth k (nth t (map (map ub) cols) []) 0%float) = true /\
    le_upper (Xreal (W (model_of w) k t)) (I.F.toX (nth k (nth t (map (map ub) cols) []) 0%float)).
Proof.
  intros Ht Hlt. destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  rewrite (nth_map_lt _ cols _ []) by lia.
  split; [rewrite map_length; apply Lr; exact Hlt|].
  intros k Hk. rewrite (nth_map_lt _ _ k I.zero) by (rewrite Lr; auto).
  pose proof (V k t Hk Hlt) as E. unfold mget in E.
  split; [exact (ub_valid _ _ E)|exact (ub_spec _ _ E)].
Qed.

Lemma correct2_f_spec w cols t1 t2 :
  float_table w = Some cols -> (t1 < w_d w)%nat -> (t2 < w_d w)%nat ->
  correct2_f (nth t1 cols []) (nth t2 cols []) (nth t1 (map (map ub) cols) [])
             (nth t2 (map (map ub) cols) []) (Nat.max t1 t2) = true ->
  correct2b (model_of w) t1 t2 = true.
Proof.
  intros Ht H1 H2. destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  destruct (ups_spec w cols t1 Ht H1) as [Lu1 U1]. destruct (ups_spec w cols t2 Ht H2) as [Lu2 U2].
  set (y := Nat.max t1 t2). assert (Hy : (y < w_d w)%nat) by (apply Nat.max_lub_lt; auto).
  unfold correct2_f. rewrite andb_true_iff. intros [Rlo Hall].
  apply correct2b_spec. unfold correct2, correct. fold y. intros j Hj Hne.
  rewrite !logits2_eq_W. change (mlp_d (model_of w)) with (w_d w) in Hj.
  assert (Hlo : toR (lb (I.add prec (nth y (nth t1 cols []) I.zero) (nth y (nth t2 cols []) I.zero)))
                <= W (model_of w) y t1 + W (model_of w) y t2).
  { apply lb_spec; [|exact Rlo]. apply encl_add; apply V; auto. }
  assert (Hs : Some y <> Some j) by (intros E; injection E; lia).
  pose proof (below_all_spec _ _ _ _ (fun k => W (model_of w) k t1) (fun k => W (model_of w) k t2)
                Rlo (eq_trans Lu1 (eq_sym Lu2)) ltac:(rewrite Lu1; exact U1)
                ltac:(rewrite Lu1; exact U2) Hall j ltac:(rewrite Lu1; exact Hj) Hs) as Hj'.
  simpl in Hj'. lra.
Qed.

(** The opening of the binary64 accuracy checkers: the interval table built; [body cols ups] is
    the rest, with [ups] the columns' upper ends. *)
Definition with_ups {T : Type} (c : cdata T)
    (body : list (list I.type) -> list (list float) -> bool) : bool :=
  match float_table (cd_weights c) with
  | Some cols => body cols (map (map ub) cols)
  | None => false
  end.

Lemma with_ups_spec {T : Type} (c : cdata T) body : with_ups c body = true ->
  exists cols, float_table (cd_weights c) = Some cols /\ body cols (map (map ub) cols) = true.
Proof.
  unfold with_ups. destruct (float_table (cd_weights c)) as [cols|]; [|discriminate].
  intros Hb. exists cols. auto.
Qed.

(** The test of input (t1, t2): [correct2_f], staged ([Data.all_pairs]: column t1 and its upper
    ends once per row). *)
Definition correct2_f_at (cols : list (list I.type)) (ups : list (list float)) (t1 : nat) : nat -> bool :=
  let c1 := nth t1 cols [] in
  let u1 := nth t1 ups [] in
  fun t2 => correct2_f c1 (nth t2 cols []) u1 (nth t2 ups []) (Nat.max t1 t2).

(** Per-input verdicts [t1][t2] (small data; row counts below for large). *)
Definition check_brute_force_accuracy2f (c : cdata (list (list bool))) : bool :=
  with_ups c (fun cols ups => acc_pairs c (correct2_f_at cols ups)).

Theorem check_brute_force_accuracy2f_correct c :
  check_brute_force_accuracy2f c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_pairs_spec _ _ Hb (fun t1 t2 => correct2_f_spec _ cols t1 t2 Ht)).
Qed.

(** Sorted inputs, trace entry [t2][t1] (tested as (t2, t1)). *)
Definition check_symmetry_accuracy2f (c : cdata (list (list bool))) : bool :=
  with_ups c (fun cols ups => acc_sorted_pairs c (correct2_f_at cols ups)).

Theorem check_symmetry_accuracy2f_correct c :
  check_symmetry_accuracy2f c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_sorted_pairs_spec _ _ Hb (fun t1 t2 => correct2_f_spec _ cols t1 t2 Ht)).
Qed.

(** ** Brute force against row totals

    A row is the inputs that share every token but the last. Large brute-force certificates
    give Coq one number per row, not one per input (checkers with suffix r): reading a literal
    costs Coq 10-40 us, more than checking an input. The row's number is the sum of the certificate's per-input loss bounds
    (an integer of grid units 2^-g), resp. its count of inputs marked correct, as a [Z].
    - loss: per input the checker makes its own bound k ([loss_guess]: about C - z_y + ln S,
      from the upward sum S = sum_j exp(z_j - C) it computes anyway, plus a margin) and proves
      f <= k with the test a trace value gets ([below_one]); an input whose test fails counts as
      +inf ([checked]). The upward-rounded sum of the row's bounds must be at most the row
      total. The prover's bounds stand 2^-32 above the float values, the checker's about
      2^-34, so an honest row passes.
    - accuracy: the row's count of inputs the float test proves correct ([correct2_f]) must
      reach the row's count. *)

(** An approximation of ln s for s > 0. Nothing rests on its accuracy: every bound made with
    it is tested. s = m 2^e, m in [sqrt(1/2), sqrt 2), ln m = 2 atanh t, t = (m - 1) / (m + 1),
    by the series to t^21 (|t| < 0.172: the next term is below 2^-55). *)
Definition ln_guess (s : float) : float :=
  let (m0, e0) := PrimFloat.frshiftexp s in
  let low := PrimFloat.ltb m0 0x1.6a09e667f3bcdp-1 in
  let m := if low then (2 * m0)%float else m0 in
  let e := (PrimFloat.of_uint63 e0 - (if low then 2102 else 2101))%float in
  let t := ((m - 1) / (m + 1))%float in
  let t2 := (t * t)%float in
  let p := (0x1.5555555555555p-2 + t2 * (0x1.999999999999ap-3 + t2 * (0x1.2492492492492p-3
           + t2 * (0x1.c71c71c71c71cp-4 + t2 * (0x1.745d1745d1746p-4 + t2 * (0x1.3b13b13b13b14p-4
           + t2 * (0x1.1111111111111p-4 + t2 * (0x1.e1e1e1e1e1e1ep-5 + t2 * (0x1.af286bca1af28p-5
           + t2 * 0x1.8618618618618p-5)))))))))%float in
  (e * 0x1.62e42fefa39efp-1 + 2 * t * (1 + t2 * p))%float.

(** A loss bound to test: u + ln s, u an upper bound of C - z_y, plus a margin above the
    upward bias of the test and its rounding: 2^-34, and 2^-44 of the magnitudes. (The bias
    is that of its exponentials, [exp_big] of the column entries inside s and of the last
    step: together 2^-36.9 relative on an input of [max2-d64], which a 2^-38 margin failed.) *)
Definition loss_guess (s u : float) : float :=
  let l := ln_guess s in
  (u + l + (0x1p-34 + 0x1p-44 * (PrimFloat.abs u + PrimFloat.abs l)))%float.

(** k if its test passed and it is a real, else +inf: an upper bound either way. *)
Definition checked (ok : bool) (k : float) : float :=
  if ok && I.F.real k then k else PrimFloat.infinity.

Lemma checked_spec ok k u :
  (ok = true -> I.F.real k = true -> u <= toR k) ->
  I.F.valid_ub (checked ok k) = true /\ le_upper (Xreal u) (I.F.toX (checked ok k)).
Proof.
  intros H. unfold checked. destruct (ok && I.F.real k) eqn:E.
  - apply andb_prop in E. destruct E as [Ok Rk].
    split; [exact (proj2 (real_valid _ Rk))|]. rewrite (real_toX _ Rk). exact (H Ok Rk).
  - split; [reflexivity|exact I].
Qed.

(** [FastExp.sum_up] over 0, ..., n - 1. *)
Lemma sum_up_seq n (G : nat -> float) (u : nat -> R) :
  (forall t, (t < n)%nat -> I.F.valid_ub (G t) = true /\ le_upper (Xreal (u t)) (I.F.toX (G t))) ->
  le_upper (Xreal (rsum n u)) (I.F.toX (sum_up G (seq 0 n))).
Proof.
  intros H. pose proof (sum_up_spec G (seq 0 n) 0%nat u) as S. rewrite seq_length in S.
  apply S. intros j Hj. rewrite seq_nth by exact Hj. apply H. exact Hj.
Qed.

(** s is at most the row total r 2^-g. *)
Definition row_le (g : Z) (s : float) (r : Z) : bool :=
  let lo := lb (I.mul prec (I.fromZ prec r) (I.singleton (pow2f (- g)))) in
  I.F.real s && I.F.real lo && fle s lo.

Lemma row_le_spec g s r u :
  is_pow2 (pow2f (- g)) (- g) = true -> le_upper (Xreal u) (I.F.toX s) -> row_le g s r = true ->
  u <= IZR r * bpow radix2 (- g).
Proof.
  intros Hp Ls. unfold row_le. rewrite !andb_true_iff. intros [[Rs Rlo] Hle].
  rewrite (real_toX _ Rs) in Ls. simpl in Ls.
  pose proof (fle_spec _ _ Rs Rlo Hle).
  assert (E : encl (I.mul prec (I.fromZ prec r) (I.singleton (pow2f (- g))))
                   (IZR r * bpow radix2 (- g))).
  { rewrite <- (is_pow2_spec _ _ Hp). apply encl_mul; [apply encl_fromZ|apply encl_singleton]. }
  pose proof (lb_spec _ _ E Rlo). lra.
Qed.

Lemma rsum_rows_le n (u : nat -> R) (r : nat -> Z) (g : Z) :
  (forall t, (t < n)%nat -> u t <= IZR (r t) * bpow radix2 (- g)) ->
  rsum n u <= IZR (zsum n r) * bpow radix2 (- g).
Proof. intros H. rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. exact H. Qed.

(** The loss bound of input (t1, t2), y = max t1 t2, from the columns e1, e2: [pair_okf] with
    K = [k], the dot product computed once. *)
Definition pair_k (F : float -> float) (e1 e2 : expcol) (y : nat) : float :=
  let s := dot_up I.F.zero (ec_a e1) (ec_a e2) in
  let c := I.add prec (I.singleton (ec_c e1)) (I.singleton (ec_c e2)) in
  let zy := I.add prec (nth y (ec_w e1) I.zero) (nth y (ec_w e2) I.zero) in
  let k := loss_guess s (ub (I.sub prec c zy)) in
  checked (below_one F s (I.sub prec c (I.add prec zy (I.singleton k)))) k.

Lemma pair_k_table F w cols t1 t2 :
  exp_up_fn = Some F -> float_table w = Some cols -> (0 < w_d w)%nat ->
  (t1 < w_d w)%nat -> (t2 < w_d w)%nat ->
  I.F.valid_ub (pair_k F (nth t1 (map (expcol_of F) cols) dflt_expcol)
                         (nth t2 (map (expcol_of F) cols) dflt_expcol) (Nat.max t1 t2)) = true /\
  le_upper (Xreal (f2 (model_of w) t1 t2))
    (I.F.toX (pair_k F (nth t1 (map (expcol_of F) cols) dflt_expcol)
                       (nth t2 (map (expcol_of F) cols) dflt_expcol) (Nat.max t1 t2))).
Proof.
  intros HF Ht Hd H1 H2.
  destruct (expcols_spec F _ cols t1 HF Ht H1) as (N1 & L1 & C1).
  destruct (expcols_spec F _ cols t2 HF Ht H2) as (N2 & L2 & C2).
  rewrite N1, N2. unfold pair_k. cbv zeta. apply checked_spec. intros Hok _.
  exact (pair_okf_spec F (model_of w) _ _ t1 t2 _ _ HF Hd H1 H2 L1 L2 C1 C2
                       (encl_singleton _) Hok).
Qed.

(** [loss_rows2 c bnd] : the upward sum of the row's bounds [bnd t1 t2] is at most the
    certificate's row total [t1] (units 2^-g), and the totals' sum makes the claim;
    [acc_rows2 c ok] : the row's count of inputs that pass [ok t1 t2] reaches the certificate's
    row count [t1], and the counts' sum makes the claim. Both staged ([bnd t1], [ok t1] once per
    row). *)
Definition loss_rows2 (c : cdata (list Z)) (bnd : nat -> nat -> float) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_row d tr 0%Z (fun t1 => let b1 := bnd t1 in fun r => row_le (cd_grid c) (sum_up b1 (seq 0 d)) r) &&
  loss_claim_ok (zsum d (fun t1 => nth t1 tr 0%Z)) (- cd_grid c) d (cd_p c) (cd_q c).

Lemma loss_rows2_spec c bnd : loss_rows2 c bnd = true ->
  is_pow2 (pow2f (- cd_grid c)) (- cd_grid c) = true ->
  (forall t1 t2, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
     I.F.valid_ub (bnd t1 t2) = true /\
     le_upper (Xreal (f2 (model_of (cd_weights c)) t1 t2)) (I.F.toX (bnd t1 t2))) ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_rows2. rewrite andb_true_iff. intros [Hall Hclaim] Hp Hb.
  apply (loss_claim_ok_spec _ _ _ _ _ _ Hclaim).
  apply rsum_rows_le. intros t1 H1.
  refine (row_le_spec _ _ _ _ Hp _ (all_row_spec _ _ _ _ Hall t1 H1)).
  apply sum_up_seq. intros t2 H2. exact (Hb t1 t2 H1 H2).
Qed.

Definition acc_rows2 (c : cdata (list Z)) (ok : nat -> nat -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_row d tr 0%Z (fun t1 => let ok1 := ok t1 in fun r => row_count_ok d ok1 r) &&
  acc_claim_ok (zsum d (fun t1 => nth t1 tr 0%Z)) d (cd_p c) (cd_q c).

Lemma acc_rows2_spec c ok : acc_rows2 c ok = true -> pairs_correct c ok ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_rows2. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy2. apply (acc_claim_ok_spec _ _ _ _ _ Hclaim).
  unfold num_correct2. rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  refine (row_count_ok_spec _ _ _ _ _ (all_row_spec _ _ _ _ Hall t1 H1)).
  intros t2 H2. exact (Hok t1 t2 H1 H2).
Qed.

(** The bound of input (t1, t2): [pair_k], staged (column t1's exp column once per row). *)
Definition pair_k_at (F : float -> float) (es : list expcol) (t1 : nat) : nat -> float :=
  let e1 := nth t1 es dflt_expcol in
  fun t2 => pair_k F e1 (nth t2 es dflt_expcol) (Nat.max t1 t2).

(** The trace: row totals [t1], the sum over t2 of the bounds of the inputs (t1, t2). *)
Definition check_brute_force_loss2r (c : cdata (list Z)) : bool :=
  with_expcols c (fun F cols es => loss_rows2 c (pair_k_at F es)).

Theorem check_brute_force_loss2r_correct c :
  check_brute_force_loss2r c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_rows2_spec _ _ Hb Hp (fun t1 t2 => pair_k_table F _ cols t1 t2 HF Ht Hd)).
Qed.

(** The trace: row counts [t1], the number of inputs (t1, t2) marked correct. *)
Definition check_brute_force_accuracy2r (c : cdata (list Z)) : bool :=
  with_ups c (fun cols ups => acc_rows2 c (correct2_f_at cols ups)).

Theorem check_brute_force_accuracy2r_correct c :
  check_brute_force_accuracy2r c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_rows2_spec _ _ Hb (fun t1 t2 => correct2_f_spec _ cols t1 t2 Ht)).
Qed.
