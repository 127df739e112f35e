(** * CheckFloat3.v -- three-token checkers on the binary64 interval table

    The brute-force and symmetry checkers of [CheckLoss3]/[CheckAccuracy3] with the table of
    [FloatTable.float_table] and the exponentials of [FastExp], as [CheckFloat2] does for two
    tokens:
    - loss: f(t1, t2, t3) = LSE(z) - z_y <= K for z = W[:, t1] + W[:, t2] + W[:, t3] when
        sum_j exp(W[j,t1] - c1) exp(W[j,t2] - c2) exp(W[j,t3] - c3) * exp(c1 + c2 + c3 - z_y - K)
        <= 1
      ([CheckFloat2.below_one]). The upward-rounded product of the two outer tokens' exponential
      columns is formed once per pair, so each input costs one upward dot product, as for two
      tokens. Symmetry and brute force read K from the trace; for traces too long to read,
      brute force makes its own K per input ([triple_k]) and compares each row's sum with the
      certificate's row total ([CheckFloat2], "Brute force against row totals");
    - accuracy: input (t1, t2, t3) with label y is correct when, for every j <> y, the
      upward-rounded sum of the three columns' upper ends is below the lower end of the label's
      interval sum; the sum of the two outer columns is formed once per pair. The checkers test
      the inputs the trace marks; on row counts, brute force counts each row's inputs that pass
      and compares with the certificate's count.

    Checkers and theorems ([check c = true -> statement], as their exact twins):
    - [check_brute_force_loss3f], [check_brute_force_loss3r] (trace: row totals [t1][t2]),
      [check_symmetry_loss3f] :
        [expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c)];
    - [check_brute_force_accuracy3f], [check_brute_force_accuracy3r] (row counts [t1][t2]),
      [check_symmetry_accuracy3f] :
        [accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c)].
    Each is an opening of [CheckFloat2] ([with_expcols], [with_ups]), a strategy
    ([CheckLoss3.loss_triples], [CheckLoss3.loss_sorted_triples], [CheckAccuracy3.acc_triples],
    [CheckAccuracy3.acc_sorted_triples], and here [loss_rows3], [acc_rows3] on row totals) and
    a staged per-input test ([triple_okf_at], [triple_k_at], [correct3_f_at]). *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Interval Require Import Float.Primitive_ops Interval.Float_full Interval.Interval Real.Xreal.
From Interval Require Float.Basic.
From PyExport Require Import Sums Model Symmetry Accuracy Enclosure Data FloatTable FastExp
  CheckLoss CheckAccuracy CheckLoss3 CheckAccuracy3 CheckFloat2.
Import ListNotations.
Open Scope R_scope.

Local Notation toR := I.F.toR.
Local Notation le_upper := Basic.le_upper.

(** ** Elementwise upward products and sums of two columns *)

Fixpoint mul_up_list (a b : list float) : list float :=
  match a, b with
  | x :: a', y :: b' => I.F.mul_UP prec x y :: mul_up_list a' b'
  | _, _ => []
  end.

Lemma mul_up_list_spec a : forall b (u v : nat -> R),
  length a = length b ->
  (forall j, (j < length a)%nat -> ub_of (u j) (nth j a 0%float)) ->
  (forall j, (j < length a)%nat -> ub_of (v j) (nth j b 0%float)) ->
  length (mul_up_list a b) = length a /\
  forall j, (j < length a)%nat -> ub_of (u j * v j) (nth j (mul_up_list a b) 0%float).
Proof.
  induction a as [|x a IH]; intros [|y b] u v Hl Ha Hb; simpl in Hl; try discriminate.
  - split; [reflexivity|]. intros j Hj. simpl in Hj. lia.
  - destruct (IH b (fun i => u (S i)) (fun i => v (S i))) as [Ln Hn];
      [lia|intros j Hj; apply (Ha (S j)); simpl; lia|intros j Hj; apply (Hb (S j)); simpl; lia|].
    split; [simpl; rewrite Ln; reflexivity|].
    intros [|j] Hj; simpl.
    + destruct (Ha 0%nat ltac:(simpl; lia)) as (U0 & Vx & Lx).
      destruct (Hb 0%nat ltac:(simpl; lia)) as (V0 & Vy & Ly). simpl in Vx, Lx, Vy, Ly.
      destruct (mul_up_spec _ _ x y U0 V0 Vx Vy Lx Ly) as [Vm Lm].
      split; [apply Rmult_le_pos; assumption|]. split; assumption.
    + apply Hn. simpl in Hj. lia.
Qed.

Fixpoint add_up_list (a b : list float) : list float :=
  match a, b with
  | x :: a', y :: b' => I.F.add_UP prec x y :: add_up_list a' b'
  | _, _ => []
  end.

Lemma add_up_list_spec a : forall b (u v : nat -> R),
  length a = length b ->
  (forall k, (k < length a)%nat ->
     I.F.valid_ub (nth k a 0%float) = true /\ le_upper (Xreal (u k)) (I.F.toX (nth k a 0%float))) ->
  (forall k, (k < length a)%nat ->
     I.F.valid_ub (nth k b 0%float) = true /\ le_upper (Xreal (v k)) (I.F.toX (nth k b 0%float))) ->
  length (add_up_list a b) = length a /\
  forall k, (k < length a)%nat ->
    I.F.valid_ub (nth k (add_up_list a b) 0%float) = true /\
    le_upper (Xreal (u k + v k)) (I.F.toX (nth k (add_up_list a b) 0%float)).
Proof.
  induction a as [|x a IH]; intros [|y b] u v Hl Ha Hb; simpl in Hl; try discriminate.
  - split; [reflexivity|]. intros k Hk. simpl in Hk. lia.
  - destruct (IH b (fun i => u (S i)) (fun i => v (S i))) as [Ln Hn];
      [lia|intros k Hk; apply (Ha (S k)); simpl; lia|intros k Hk; apply (Hb (S k)); simpl; lia|].
    split; [simpl; rewrite Ln; reflexivity|].
    intros [|k] Hk; simpl.
    + destruct (Ha 0%nat ltac:(simpl; lia)) as [Vx Lx].
      destruct (Hb 0%nat ltac:(simpl; lia)) as [Vy Ly]. simpl in Vx, Lx, Vy, Ly.
      destruct (I.F.add_UP_correct prec x y Vx Vy) as [Vs Ls].
      split; [exact Vs|exact (le_upper_chain _ _ _ (le_upper_add _ _ _ _ Lx Ly) Ls)].
    + apply Hn. simpl in Hk. lia.
Qed.

(** ** Losses of inputs *)

(** f(t1, t2, t3) <= K for the expcols e1, e2, e3 of t1, t2, t3, the upward product [p12] of
    the first two, and y = max3 t1 t2 t3 (see the header). *)
Definition triple_okf (F : float -> float) (e1 e2 e3 : expcol) (p12 : list float) (y : nat)
    (K : I.type) : bool :=
  below_one F (dot_up I.F.zero p12 (ec_a e3))
    (I.sub prec (I.add prec (I.add prec (I.singleton (ec_c e1)) (I.singleton (ec_c e2)))
                            (I.singleton (ec_c e3)))
                (I.add prec (I.add prec (I.add prec (nth y (ec_w e1) I.zero) (nth y (ec_w e2) I.zero))
                                        (nth y (ec_w e3) I.zero)) K)).

Lemma triple_okf_spec F p col1 col2 col3 t1 t2 t3 K k :
  exp_up_fn = Some F -> (0 < mlp_d p)%nat ->
  (t1 < mlp_d p)%nat -> (t2 < mlp_d p)%nat -> (t3 < mlp_d p)%nat ->
  length col1 = mlp_d p -> length col2 = mlp_d p -> length col3 = mlp_d p ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col1 I.zero) (W p j t1)) ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col2 I.zero) (W p j t2)) ->
  (forall j, (j < mlp_d p)%nat -> encl (nth j col3 I.zero) (W p j t3)) ->
  encl K k ->
  triple_okf F (expcol_of F col1) (expcol_of F col2) (expcol_of F col3)
    (mul_up_list (ec_a (expcol_of F col1)) (ec_a (expcol_of F col2))) (max3 t1 t2 t3) K = true ->
  f3 p t1 t2 t3 <= k.
Proof.
  intros HF Hd H1 H2 H3 L1 L2 L3 C1 C2 C3 HK. unfold triple_okf.
  set (e1 := expcol_of F col1). set (e2 := expcol_of F col2). set (e3 := expcol_of F col3).
  destruct (expcol_spec F p col1 t1 HF L1 C1) as [La1 E1]. fold e1 in La1, E1.
  destruct (expcol_spec F p col2 t2 HF L2 C2) as [La2 E2]. fold e2 in La2, E2.
  destruct (expcol_spec F p col3 t3 HF L3 C3) as [La3 E3]. fold e3 in La3, E3.
  set (y := max3 t1 t2 t3).
  assert (Hy : (y < mlp_d p)%nat) by (unfold y, max3; repeat apply Nat.max_lub_lt; assumption).
  set (c1 := toR (ec_c e1)). set (c2 := toR (ec_c e2)). set (c3 := toR (ec_c e3)).
  set (zy := W p y t1 + W p y t2 + W p y t3).
  destruct (mul_up_list_spec (ec_a e1) (ec_a e2) (fun j => exp (W p j t1 - c1))
              (fun j => exp (W p j t2 - c2))) as [Lp Hp];
    [lia|intros j Hj; rewrite La1 in Hj; apply E1; exact Hj
        |intros j Hj; rewrite La1 in Hj; apply E2; exact Hj|].
  assert (Hs : ub_of (0 + rsum (mlp_d p) (fun j => exp (W p j t1 - c1) * exp (W p j t2 - c2)
                                                   * exp (W p j t3 - c3)))
                     (dot_up I.F.zero (mul_up_list (ec_a e1) (ec_a e2)) (ec_a e3))).
  { rewrite <- La1, <- Lp.
    apply (dot_up_spec _ _ (fun j => exp (W p j t1 - c1) * exp (W p j t2 - c2))
             (fun j => exp (W p j t3 - c3))); [lia| | |].
    - intros j Hj. rewrite Lp in Hj. apply Hp. exact Hj.
    - intros j Hj. rewrite Lp, La1 in Hj. apply E3. exact Hj.
    - split; [lra|]. split; [apply real_valid; reflexivity|].
      rewrite I.F.zero_correct. simpl. lra. }
  intros Hok.
  assert (Hx : encl (I.sub prec (I.add prec (I.add prec (I.singleton (ec_c e1))
                                                        (I.singleton (ec_c e2)))
                                            (I.singleton (ec_c e3)))
                       (I.add prec (I.add prec (I.add prec (nth y (ec_w e1) I.zero)
                                                           (nth y (ec_w e2) I.zero))
                                               (nth y (ec_w e3) I.zero)) K))
                (c1 + c2 + c3 - (zy + k))).
  { apply encl_sub; [apply encl_add; [apply encl_add|]; apply encl_singleton|].
    apply encl_add; [|exact HK].
    apply encl_add; [apply encl_add; [apply E1|apply E2]|apply E3]; exact Hy. }
  pose proof (below_one_spec F _ _ _ _ HF Hs Hx Hok) as Hm1.
  unfold f3, loss. fold y.
  cut (lse (mlp_d p) (logits3 p t1 t2 t3) <= zy + k); [rewrite logits3_eq_W; unfold zy; lra|].
  apply lse_le_of_sum; [exact Hd|].
  eapply Rle_trans; [|exact Hm1]. rewrite Rplus_0_l.
  rewrite <- rsum_scal_r. right. apply rsum_ext. intros j Hj.
  rewrite logits3_eq_W, <- !exp_plus. f_equal. ring.
Qed.

(** [triple_okf_spec] on the expcols of the float table's columns: a trace value k of input
    (t1, t2, t3) checked by [triple_okf] bounds its loss. *)
Lemma triple_okf_table F w cols t1 t2 t3 g k :
  exp_up_fn = Some F -> float_table w = Some cols -> (0 < w_d w)%nat ->
  (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> (t3 < w_d w)%nat -> is_pow2 (pow2f (- g)) (- g) = true ->
  triple_okf F (nth t1 (map (expcol_of F) cols) dflt_expcol)
    (nth t2 (map (expcol_of F) cols) dflt_expcol) (nth t3 (map (expcol_of F) cols) dflt_expcol)
    (mul_up_list (ec_a (nth t1 (map (expcol_of F) cols) dflt_expcol))
                 (ec_a (nth t2 (map (expcol_of F) cols) dflt_expcol)))
    (max3 t1 t2 t3) (kbound g k) = true ->
  f3 (model_of w) t1 t2 t3 <= IZR (fz0 k) * bpow radix2 (- g).
Proof.
  intros HF Ht Hd H1 H2 H3 Hp Hok.
  destruct (expcols_spec F _ cols t1 HF Ht H1) as (N1 & L1 & C1).
  destruct (expcols_spec F _ cols t2 HF Ht H2) as (N2 & L2 & C2).
  destruct (expcols_spec F _ cols t3 HF Ht H3) as (N3 & L3 & C3).
  rewrite N1, N2, N3 in Hok.
  exact (triple_okf_spec F (model_of w) _ _ _ t1 t2 t3 _ _ HF Hd H1 H2 H3
                         L1 L2 L3 C1 C2 C3 (kbound_spec _ _ Hp) Hok).
Qed.

(** The loss bound of input (t1, t2, t3), y = max3 t1 t2 t3: [triple_okf] with K = [k], the
    dot product computed once ([CheckFloat2.pair_k] for three tokens). *)
Definition triple_k (F : float -> float) (e1 e2 e3 : expcol) (p12 : list float) (y : nat) : float :=
  let s := dot_up I.F.zero p12 (ec_a e3) in
  let c := I.add prec (I.add prec (I.singleton (ec_c e1)) (I.singleton (ec_c e2)))
                 (I.singleton (ec_c e3)) in
  let zy := I.add prec (I.add prec (nth y (ec_w e1) I.zero) (nth y (ec_w e2) I.zero))
                  (nth y (ec_w e3) I.zero) in
  let k := loss_guess s (ub (I.sub prec c zy)) in
  checked (below_one F s (I.sub prec c (I.add prec zy (I.singleton k)))) k.

Lemma triple_k_table F w cols t1 t2 t3 :
  exp_up_fn = Some F -> float_table w = Some cols -> (0 < w_d w)%nat ->
  (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> (t3 < w_d w)%nat ->
  let es := map (expcol_of F) cols in
  let k := triple_k F (nth t1 es dflt_expcol) (nth t2 es dflt_expcol) (nth t3 es dflt_expcol)
             (mul_up_list (ec_a (nth t1 es dflt_expcol)) (ec_a (nth t2 es dflt_expcol)))
             (max3 t1 t2 t3) in
  I.F.valid_ub k = true /\ le_upper (Xreal (f3 (model_of w) t1 t2 t3)) (I.F.toX k).
Proof.
  intros HF Ht Hd H1 H2 H3 es k. unfold k, es.
  destruct (expcols_spec F _ cols t1 HF Ht H1) as (N1 & L1 & C1).
  destruct (expcols_spec F _ cols t2 HF Ht H2) as (N2 & L2 & C2).
  destruct (expcols_spec F _ cols t3 HF Ht H3) as (N3 & L3 & C3).
  rewrite N1, N2, N3. unfold triple_k. cbv zeta. apply checked_spec. intros Hok _.
  exact (triple_okf_spec F (model_of w) _ _ _ t1 t2 t3 _ _ HF Hd H1 H2 H3
                         L1 L2 L3 C1 C2 C3 (encl_singleton _) Hok).
Qed.

(** The tests and bounds of input (t1, t2, t3), staged ([Data.all_triples]: the exp columns of
    t1 once per plane, those of t2 and the product [p12] once per row). *)
Definition triple_okf_at (F : float -> float) (g : Z) (es : list expcol) (t1 : nat)
    : nat -> nat -> float -> bool :=
  let e1 := nth t1 es dflt_expcol in fun t2 =>
  let e2 := nth t2 es dflt_expcol in
  let p12 := mul_up_list (ec_a e1) (ec_a e2) in fun t3 k =>
  triple_okf F e1 e2 (nth t3 es dflt_expcol) p12 (max3 t1 t2 t3) (kbound g k).

Definition triple_k_at (F : float -> float) (es : list expcol) (t1 : nat) : nat -> nat -> float :=
  let e1 := nth t1 es dflt_expcol in fun t2 =>
  let e2 := nth t2 es dflt_expcol in
  let p12 := mul_up_list (ec_a e1) (ec_a e2) in fun t3 =>
  triple_k F e1 e2 (nth t3 es dflt_expcol) p12 (max3 t1 t2 t3).

(** [loss_rows3 c bnd] : per row (t1, t2), the upward sum of the bounds [bnd t1 t2 t3] is at
    most the certificate's row total [t1][t2] (units 2^-g), and the totals' sum makes the claim
    ([CheckFloat2.loss_rows2] for three tokens). *)
Definition loss_rows3 (c : cdata (list (list Z))) (bnd : nat -> nat -> nat -> float) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_pairs d tr 0%Z (fun t1 => let b1 := bnd t1 in fun t2 => let b12 := b1 t2 in
                      fun r => row_le (cd_grid c) (sum_up b12 (seq 0 d)) r) &&
  loss_claim_okn 3 (zsum d (fun t1 => zsum d (fun t2 => nth t2 (nth t1 tr []) 0%Z)))
                 (- cd_grid c) d (cd_p c) (cd_q c).

Lemma loss_rows3_spec c bnd : loss_rows3 c bnd = true ->
  is_pow2 (pow2f (- cd_grid c)) (- cd_grid c) = true ->
  (forall t1 t2 t3, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
     (t3 < w_d (cd_weights c))%nat ->
     I.F.valid_ub (bnd t1 t2 t3) = true /\
     le_upper (Xreal (f3 (model_of (cd_weights c)) t1 t2 t3)) (I.F.toX (bnd t1 t2 t3))) ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_rows3. rewrite andb_true_iff. intros [Hall Hclaim] Hp Hb.
  apply (loss_claim_okn_spec _ _ _ _ _ _ _ Hclaim).
  apply rsum_rows_le. intros t1 H1. apply rsum_rows_le. intros t2 H2.
  refine (row_le_spec _ _ _ _ Hp _ (all_pairs_spec _ _ _ _ Hall t1 t2 H1 H2)).
  apply sum_up_seq. intros t3 H3. exact (Hb t1 t2 t3 H1 H2 H3).
Qed.

(** The trace: row totals [t1][t2], the sum over t3 of the bounds of the inputs (t1, t2, t3)
    ([CheckFloat2], "Brute force against row totals"). *)
Definition check_brute_force_loss3r (c : cdata (list (list Z))) : bool :=
  with_expcols c (fun F cols es => loss_rows3 c (triple_k_at F es)).

Theorem check_brute_force_loss3r_correct c :
  check_brute_force_loss3r c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_rows3_spec _ _ Hb Hp (fun t1 t2 t3 => triple_k_table F _ cols t1 t2 t3 HF Ht Hd)).
Qed.

(** Per-input trace values [t1][t2][t3] (small data; row totals above for large). *)
Definition check_brute_force_loss3f (c : cdata (list (list (list float)))) : bool :=
  with_expcols c (fun F cols es => loss_triples c (triple_okf_at F (cd_grid c) es)).

Theorem check_brute_force_loss3f_correct c :
  check_brute_force_loss3f c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_triples_spec _ _ Hb
           (fun t1 t2 t3 k H1 H2 H3 => triple_okf_table F _ cols t1 t2 t3 _ k HF Ht Hd H1 H2 H3 Hp)).
Qed.

(** Sorted inputs t1 <= t2 <= t3, trace entry [t3][t2][t1] (tested as (t3, t2, t1)). *)
Definition check_symmetry_loss3f (c : cdata (list (list (list float)))) : bool :=
  with_expcols c (fun F cols es => loss_sorted_triples c (triple_okf_at F (cd_grid c) es)).

Theorem check_symmetry_loss3f_correct c :
  check_symmetry_loss3f c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_expcols_spec _ _ H) as (F & cols & HF & Ht & Hd & Hp & Hb).
  exact (loss_sorted_triples_spec _ _ Hb
           (fun t1 t2 t3 k H1 H2 H3 => triple_okf_table F _ cols t1 t2 t3 _ k HF Ht Hd H1 H2 H3 Hp)).
Qed.

(** ** Verdicts of inputs *)

(** Input (t1, t2, t3) with label y is correct, from columns c1, c2, c3, the upward sum [u12]
    of the first two columns' upper ends and the upper ends [u3] of the third. *)
Definition correct3_f (c1 c2 c3 : list I.type) (u12 u3 : list float) (y : nat) : bool :=
  let lo := lb (I.add prec (I.add prec (nth y c1 I.zero) (nth y c2 I.zero)) (nth y c3 I.zero)) in
  I.F.real lo && below_all lo u12 u3 (Some y).

Lemma correct3_f_spec w cols t1 t2 t3 :
  float_table w = Some cols -> (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> (t3 < w_d w)%nat ->
  correct3_f (nth t1 cols []) (nth t2 cols []) (nth t3 cols [])
    (add_up_list (nth t1 (map (map ub) cols) []) (nth t2 (map (map ub) cols) []))
    (nth t3 (map (map ub) cols) []) (max3 t1 t2 t3) = true ->
  correct3b (model_of w) t1 t2 t3 = true.
Proof.
  intros Ht H1 H2 H3. destruct (float_table_spec w cols Ht) as (Lc & Lr & V).
  destruct (ups_spec w cols t1 Ht H1) as [Lu1 U1].
  destruct (ups_spec w cols t2 Ht H2) as [Lu2 U2].
  destruct (ups_spec w cols t3 Ht H3) as [Lu3 U3].
  destruct (add_up_list_spec _ _ (fun k => W (model_of w) k t1) (fun k => W (model_of w) k t2)
              (eq_trans Lu1 (eq_sym Lu2))) as [L12 U12];
    [rewrite Lu1; exact U1|rewrite Lu1; exact U2|].
  set (y := max3 t1 t2 t3).
  assert (Hy : (y < w_d w)%nat) by (unfold y, max3; repeat apply Nat.max_lub_lt; auto).
  unfold correct3_f. rewrite andb_true_iff. intros [Rlo Hall].
  apply correct3b_spec. unfold correct3, correct. fold y. intros j Hj Hne.
  rewrite !logits3_eq_W. change (mlp_d (model_of w)) with (w_d w) in Hj.
  assert (Hlo : toR (lb (I.add prec (I.add prec (nth y (nth t1 cols []) I.zero)
                                                (nth y (nth t2 cols []) I.zero))
                                    (nth y (nth t3 cols []) I.zero)))
                <= W (model_of w) y t1 + W (model_of w) y t2 + W (model_of w) y t3).
  { apply lb_spec; [|exact Rlo]. apply encl_add; [apply encl_add|]; apply V; auto. }
  assert (Hs : Some y <> Some j) by (intros E; injection E; lia).
  pose proof (below_all_spec _ _ _ _ (fun k => W (model_of w) k t1 + W (model_of w) k t2)
                (fun k => W (model_of w) k t3) Rlo (eq_trans L12 (eq_trans Lu1 (eq_sym Lu3)))
                ltac:(rewrite L12; exact U12) ltac:(rewrite L12, Lu1; exact U3) Hall j
                ltac:(rewrite L12, Lu1; exact Hj) Hs) as Hj'.
  simpl in Hj'. lra.
Qed.

(** The test of input (t1, t2, t3): [correct3_f], staged ([Data.all_triples]: column t1 and its
    upper ends once per plane, column t2 and the upward sum [u12] once per row). *)
Definition correct3_f_at (cols : list (list I.type)) (ups : list (list float)) (t1 : nat)
    : nat -> nat -> bool :=
  let c1 := nth t1 cols [] in
  let u1 := nth t1 ups [] in fun t2 =>
  let c2 := nth t2 cols [] in
  let u12 := add_up_list u1 (nth t2 ups []) in fun t3 =>
  correct3_f c1 c2 (nth t3 cols []) u12 (nth t3 ups []) (max3 t1 t2 t3).

(** [acc_rows3 c ok] : per row (t1, t2), the count of inputs that pass [ok t1 t2 t3] reaches the
    certificate's row count [t1][t2], and the counts' sum makes the claim
    ([CheckFloat2.acc_rows2] for three tokens). *)
Definition acc_rows3 (c : cdata (list (list Z))) (ok : nat -> nat -> nat -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_pairs d tr 0%Z (fun t1 => let ok1 := ok t1 in fun t2 => let ok12 := ok1 t2 in
                      fun r => row_count_ok d ok12 r) &&
  acc_claim_okn 3 (zsum d (fun t1 => zsum d (fun t2 => nth t2 (nth t1 tr []) 0%Z))) d (cd_p c) (cd_q c).

Lemma acc_rows3_spec c ok : acc_rows3 c ok = true -> triples_correct c ok ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_rows3. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy3. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  unfold num_correct3. rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  rewrite IZR_zsum. apply rsum_le. intros t2 H2.
  refine (row_count_ok_spec _ _ _ _ _ (all_pairs_spec _ _ _ _ Hall t1 t2 H1 H2)).
  intros t3 H3. exact (Hok t1 t2 t3 H1 H2 H3).
Qed.

(** The trace: row counts [t1][t2], the number of inputs (t1, t2, t3) marked correct. *)
Definition check_brute_force_accuracy3r (c : cdata (list (list Z))) : bool :=
  with_ups c (fun cols ups => acc_rows3 c (correct3_f_at cols ups)).

Theorem check_brute_force_accuracy3r_correct c :
  check_brute_force_accuracy3r c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_rows3_spec _ _ Hb (fun t1 t2 t3 => correct3_f_spec _ cols t1 t2 t3 Ht)).
Qed.

(** Per-input verdicts [t1][t2][t3] (small data; row counts above for large). *)
Definition check_brute_force_accuracy3f (c : cdata (list (list (list bool)))) : bool :=
  with_ups c (fun cols ups => acc_triples c (correct3_f_at cols ups)).

Theorem check_brute_force_accuracy3f_correct c :
  check_brute_force_accuracy3f c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_triples_spec _ _ Hb (fun t1 t2 t3 => correct3_f_spec _ cols t1 t2 t3 Ht)).
Qed.

(** Sorted inputs, trace entry [t3][t2][t1] (tested as (t3, t2, t1)). *)
Definition check_symmetry_accuracy3f (c : cdata (list (list (list bool)))) : bool :=
  with_ups c (fun cols ups => acc_sorted_triples c (correct3_f_at cols ups)).

Theorem check_symmetry_accuracy3f_correct c :
  check_symmetry_accuracy3f c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_ups_spec _ _ H) as (cols & Ht & Hb).
  exact (acc_sorted_triples_spec _ _ Hb (fun t1 t2 t3 => correct3_f_spec _ cols t1 t2 t3 Ht)).
Qed.
