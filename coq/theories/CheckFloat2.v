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
      the prover leaves 2^-32 above the float value so the binary64 test can pass).

    Main statements
    - [rsum_triangle_swap] : sum_{y<n} sum_{s<y} f s y = sum_{s<n} sum_{k<n-1-s} f s (s+1+k);
    - [check_convexity_loss2f_correct] : [check c = true ->
        expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c)]. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From PyExport Require Import Sums Model Convexity Accuracy Enclosure Data FloatTable FastExp CheckLoss.
Import ListNotations.
Open Scope R_scope.

Local Notation toR := I.F.toR.

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
