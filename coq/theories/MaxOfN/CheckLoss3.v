(** * CheckLoss3.v -- reflective checkers of expected-loss certificates (three tokens)

    Same method as [CheckLoss.v] (exact table, verified [exp] bounds, no
    logarithm):  lse (z(t1,t2,t3)) = ln (sum_j A_jt1 A_jt2 A_jt3) + c1 + c2 + c3
    with A_jt = exp (W j t - c_t), and a loss bound k 2^-g holds when
    sum_j A'_jt1 A'_jt2 A'_jt3 <= G 2^-P <= exp_lo_f (v) for the floating upper
    bounds A' of [exp_hi_f] and v = k 2^-g + W y t1 + W y t2 + W y t3 - c1 - c2 - c3.

    Checkers ([cdata _ -> bool]) and theorems:
    - [check_brute_force_loss3] / [check_brute_force_loss3_correct]:
      trace [list (list (list float))], entry [t1][t2][t3];
    - [check_symmetry_loss3] / [check_symmetry_loss3_correct]:
      trace entry [c][b][a] for the sorted input a <= b <= c (multiplicities
      6/3/1 = [mult3]);
    - [check_convexity_loss3] / [check_convexity_loss3_correct]:
      trace [list (list float)], entry [c][t] bounds f(t,t,c), t <= c; the
      claim is re-derived from
      d^3 E[f] <= sum_c ((6c+3)/2 sum_{t<c} f(t,t,c) + (3c+2)/2 f(c,c,c))
      ([rsum_f3_le_pairs], from [rsum_f3_le_bound3] and [f3_le_of_le]).
    All conclude [expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c)].
    Brute force and symmetry are the strategies [loss_triples], [loss_sorted_triples] (with
    their specs [loss_triples_spec], [loss_sorted_triples_spec], for a test that bounds every
    input's loss, [triple_bounds]) on the opening [CheckLoss.with_infos] and the staged test
    [triple_ok_at]; [CheckFloat3] shares the strategies. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Model Symmetry Convexity Accuracy Data ExpBounds CheckLoss.
Import ListNotations.
Open Scope R_scope.

Local Notation zB := BigZ.to_Z.

Lemma fval_mul' m1 e1 m2 e2 m3 e3 :
  IZR (zB (m1 * m2 * m3)%bigZ) * bpow radix2 (zB (e1 + e2 + e3)%bigZ)
  = fval (m1, e1) * fval (m2, e2) * fval (m3, e3).
Proof. unfold fval. simpl. rewrite !BigZ.spec_mul, !BigZ.spec_add, !mult_IZR, !bpow_plus. ring. Qed.

Definition fget3 (M : list (list (list float))) (i j k : nat) : float :=
  nth k (nth j (nth i M []) []) 0%float.

(** ** The three-factor partition function *)

(** [gsum3 P acc a b c]: an upper bound, in units 2^-P, of acc 2^-P + sum_j a_j b_j c_j. *)
Fixpoint gsum3 (P acc : bigZ) (a b c : list (bigZ * bigZ)) : bigZ :=
  match a, b, c with
  | (m1, e1) :: a', (m2, e2) :: b', (m3, e3) :: c' =>
      gsum3 P (acc + up_at P (m1 * m2 * m3) (e1 + e2 + e3))%bigZ a' b' c'
  | _, _, _ => acc
  end.

Lemma gsum3_spec P a b c acc :
  length a = length b -> length a = length c ->
  IZR (zB acc) * bpow radix2 (- zB P)
  + rsum (length a) (fun j => fval (nth j a (0, 0)%bigZ) * fval (nth j b (0, 0)%bigZ)
                              * fval (nth j c (0, 0)%bigZ))
  <= IZR (zB (gsum3 P acc a b c)) * bpow radix2 (- zB P).
Proof.
  revert b c acc. induction a as [|[m1 e1] a IH]; intros [|[m2 e2] b] [|[m3 e3] c] acc Hb Hc;
    simpl in Hb, Hc; try discriminate.
  - simpl. lra.
  - cbn [gsum3 length]. rewrite rsum_S_l. cbn [nth].
    eapply Rle_trans; [|apply IH; lia].
    rewrite BigZ.spec_add, plus_IZR, Rmult_plus_distr_r.
    pose proof (up_at_spec P (m1 * m2 * m3) (e1 + e2 + e3)) as Hu.
    rewrite fval_mul' in Hu. lra.
Qed.

Lemma lse_logits3_shift p t1 t2 t3 s1 s2 s3 :
  (0 < mlp_d p)%nat ->
  lse (mlp_d p) (logits3 p t1 t2 t3)
  = ln (rsum (mlp_d p) (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2) * exp (W p j t3 - s3)))
    + (s1 + s2 + s3).
Proof.
  intros Hd. unfold lse. rewrite rsum_exp_logits3.
  rewrite (rsum_ext _ (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2) * exp (W p j t3 - s3))
             (fun j => exp (W p j t1) * exp (W p j t2) * exp (W p j t3)
                       * (exp (- s1) * exp (- s2) * exp (- s3)))).
  2: { intros j _. unfold Rminus. rewrite !exp_plus. ring. }
  rewrite rsum_scal_r.
  assert (0 < rsum (mlp_d p) (fun j => exp (W p j t1) * exp (W p j t2) * exp (W p j t3))).
  { apply rsum_pos; [exact Hd|]. intros.
    repeat apply Rmult_lt_0_compat; apply exp_pos. }
  assert (0 < exp (- s1) * exp (- s2)) by (apply Rmult_lt_0_compat; apply exp_pos).
  rewrite ln_mult by (try repeat apply Rmult_lt_0_compat; try apply exp_pos; assumption).
  rewrite ln_mult, ln_mult, !ln_exp by (try apply Rmult_lt_0_compat; try apply exp_pos; assumption).
  ring.
Qed.

Definition lse3_le (c1 c2 c3 : colinfo) (r : nat) (V ev : bigZ) : bool :=
  ci_ok c1 && ci_ok c2 && ci_ok c3 &&
  let x1 := nth r (ci_a c1) (0, 0)%bigZ in
  let x2 := nth r (ci_a c2) (0, 0)%bigZ in
  let x3 := nth r (ci_a c3) (0, 0)%bigZ in
  let P := (nbB + 8 - (snd x1 + snd x2 + snd x3 + BigZ.log2 (fst x1 * fst x2 * fst x3)))%bigZ in
  let L := exp_lo_f V ev in
  dyB_le (gsum3 P 0 (ci_a c1) (ci_a c2) (ci_a c3)) (- P) (fst L) (snd L).

Lemma lse3_le_spec p S c1 c2 c3 t1 t2 t3 r V ev :
  (0 < mlp_d p)%nat ->
  (ci_ok c1 = true -> col_ok p S c1 t1) -> (ci_ok c2 = true -> col_ok p S c2 t2) ->
  (ci_ok c3 = true -> col_ok p S c3 t3) ->
  lse3_le c1 c2 c3 r V ev = true ->
  lse (mlp_d p) (logits3 p t1 t2 t3)
  <= IZR (zB V) * bpow radix2 (zB ev)
     + (IZR (zB (ci_c c1)) * bpow radix2 S + IZR (zB (ci_c c2)) * bpow radix2 S
        + IZR (zB (ci_c c3)) * bpow radix2 S).
Proof.
  intros Hd H1 H2 H3 Hc. unfold lse3_le in Hc. rewrite !andb_true_iff in Hc.
  destruct Hc as [[[Ok1 Ok2] Ok3] Hle].
  destruct (H1 Ok1) as (L1w & L1a & V1). destruct (H2 Ok2) as (L2w & L2a & V2).
  destruct (H3 Ok3) as (L3w & L3a & V3).
  set (s1 := IZR (zB (ci_c c1)) * bpow radix2 S). set (s2 := IZR (zB (ci_c c2)) * bpow radix2 S).
  set (s3 := IZR (zB (ci_c c3)) * bpow radix2 S).
  rewrite (lse_logits3_shift p t1 t2 t3 s1 s2 s3 Hd). apply Rplus_le_compat_r.
  set (G := rsum (mlp_d p) (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2) * exp (W p j t3 - s3))).
  assert (HG : 0 < G).
  { apply rsum_pos; [exact Hd|]. intros. repeat apply Rmult_lt_0_compat; apply exp_pos. }
  cbv zeta in Hle. set (P := (nbB + 8 - _)%bigZ) in Hle.
  pose proof (gsum3_spec P (ci_a c1) (ci_a c2) (ci_a c3) 0%bigZ (eq_trans L1a (eq_sym L2a))
                (eq_trans L1a (eq_sym L3a))) as Hs.
  rewrite bz0', Rmult_0_l, Rplus_0_l in Hs.
  assert (HGb : G <= IZR (zB (gsum3 P 0 (ci_a c1) (ci_a c2) (ci_a c3))) * bpow radix2 (- zB P)).
  { eapply Rle_trans; [|exact Hs]. change BigZ.t with BigZ.t_ in *. rewrite L1a.
    apply rsum_le. intros j Hj.
    destruct (V1 j Hj) as [_ E1]. destruct (V2 j Hj) as [_ E2]. destruct (V3 j Hj) as [_ E3].
    apply Rmult_le_compat; try assumption.
    - apply Rmult_le_pos; left; apply exp_pos.
    - left; apply exp_pos.
    - apply Rmult_le_compat; try (left; apply exp_pos); assumption. }
  apply dyB_le_spec in Hle. rewrite BigZ.spec_opp in Hle.
  pose proof (exp_lo_f_spec V ev) as HE.
  assert (HGe : G <= exp (IZR (zB V) * bpow radix2 (zB ev))) by lra.
  rewrite <- (ln_exp (IZR (zB V) * bpow radix2 (zB ev))).
  destruct HGe as [Hlt|Heq]; [left; apply ln_increasing; assumption|right; rewrite Heq; reflexivity].
Qed.

(** The loss of input (t1, t2, t3), label y, is at most k 2^-g. *)
Definition triple_ok (c1 c2 c3 : colinfo) (y : nat) (g sc : Z) (k : float) : bool :=
  match fz k with
  | Some kz =>
      let vy := (nth y (ci_w c1) 0 - ci_c c1 + nth y (ci_w c2) 0 - ci_c c2
                 + nth y (ci_w c3) 0 - ci_c c3)%bigZ in
      let v := dyadd (BigZ.of_Z kz) (BigZ.of_Z (- g)) vy (BigZ.of_Z sc) in
      lse3_le c1 c2 c3 y (fst v) (snd v)
  | None => false
  end.

Lemma triple_ok_spec w sc cols t1 t2 t3 g k :
  exact_table w = Some (sc, cols) -> (0 < w_d w)%nat ->
  (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> (t3 < w_d w)%nat ->
  triple_ok (nth t1 (infos sc cols) dflt_col) (nth t2 (infos sc cols) dflt_col)
            (nth t3 (infos sc cols) dflt_col) (max3 t1 t2 t3) g sc k = true ->
  f3 (model_of w) t1 t2 t3 <= IZR (fz0 k) * bpow radix2 (- g).
Proof.
  intros Hx Hd H1 H2 H3 Hc. unfold triple_ok, fz0 in *.
  destruct (fz k) as [kz|]; [|discriminate].
  set (c1 := nth t1 (infos sc cols) dflt_col) in *. set (c2 := nth t2 (infos sc cols) dflt_col) in *.
  set (c3 := nth t3 (infos sc cols) dflt_col) in *.
  assert (Hy : (max3 t1 t2 t3 < w_d w)%nat) by (unfold max3; repeat apply Nat.max_lub_lt; assumption).
  pose proof (lse3_le_spec (model_of w) sc c1 c2 c3 t1 t2 t3 _ _ _ Hd
                (infos_spec w sc cols t1 Hx H1) (infos_spec w sc cols t2 Hx H2)
                (infos_spec w sc cols t3 Hx H3) Hc) as HL.
  rewrite dyadd_spec in HL.
  assert (Ok : ci_ok c1 = true /\ ci_ok c2 = true /\ ci_ok c3 = true).
  { unfold lse3_le in Hc. rewrite !andb_true_iff in Hc. tauto. }
  destruct Ok as (Ok1 & Ok2 & Ok3).
  destruct (infos_spec w sc cols t1 Hx H1 Ok1) as (_ & _ & V1).
  destruct (infos_spec w sc cols t2 Hx H2 Ok2) as (_ & _ & V2).
  destruct (infos_spec w sc cols t3 Hx H3 Ok3) as (_ & _ & V3).
  fold c1 in V1. fold c2 in V2. fold c3 in V3.
  unfold f3, loss. rewrite logits3_eq_W.
  rewrite (proj1 (V1 _ Hy)), (proj1 (V2 _ Hy)), (proj1 (V3 _ Hy)).
  repeat rewrite ?BigZ.spec_of_Z, ?BigZ.spec_add, ?BigZ.spec_sub in HL.
  repeat rewrite ?plus_IZR, ?minus_IZR in HL.
  change (mlp_d (model_of w)) with (w_d w) in *. lra.
Qed.

(** ** The claim, for any power of d *)

Definition loss_claim_okn (n : nat) (K e : Z) (d : nat) (p q : Z) : bool :=
  Z.ltb 0 q && Nat.ltb 0 d && dy_le (K * q) e (p * Z.of_nat (d ^ n)) 0.

Lemma loss_claim_okn_spec n K e d p q X :
  loss_claim_okn n K e d p q = true -> X <= IZR K * bpow radix2 e ->
  1 / INR d ^ n * X <= IZR p / IZR q.
Proof.
  unfold loss_claim_okn. rewrite !andb_true_iff, Z.ltb_lt, Nat.ltb_lt.
  intros [[Hq Hd] Hc] HX. apply dy_le_spec in Hc. simpl (bpow radix2 0) in Hc.
  rewrite !mult_IZR, <- INR_IZR_INZ, pow_INR in Hc.
  apply IZR_lt in Hq. assert (HdR : 0 < INR d) by (apply lt_0_INR; exact Hd).
  assert (Hdn : 0 < INR d ^ n) by (apply pow_lt; exact HdR).
  apply Rle_trans with (1 / INR d ^ n * (IZR K * bpow radix2 e)).
  - apply Rmult_le_compat_l; [apply scale_nonneg|exact HX].
  - apply Rmult_le_reg_r with (IZR q * INR d ^ n); [apply Rmult_lt_0_compat; lra|].
    replace (1 / INR d ^ n * (IZR K * bpow radix2 e) * (IZR q * INR d ^ n))
      with (IZR K * IZR q * bpow radix2 e) by (field; lra).
    replace (IZR p / IZR q * (IZR q * INR d ^ n)) with (IZR p * INR d ^ n * 1)
      by (field; lra).
    exact Hc.
Qed.

(** ** Brute force and symmetry: the tests and the claim

    [loss_triples c ok] : every input (t1, t2, t3) passes [ok t1 t2 t3 k] with its trace entry
    k ([Data.all_triples]: [ok t1], [ok t1 t2] once per plane, per row), a bound in units 2^-g,
    and the entries' sum makes the claim. [loss_sorted_triples c ok] : the same on the sorted
    inputs t1 <= t2 <= t3, entry [t3][t2][t1], tested as [ok t3 t2 t1 k] (the loss is
    symmetric), counted with their multiplicities 6/3/1. Shared by the exact checkers here and the binary64 ones of
    [CheckFloat3]. *)

Definition mult3z (a b c : nat) : Z :=
  if Nat.eqb a b then (if Nat.eqb b c then 1%Z else 3%Z)
  else (if Nat.eqb b c then 3%Z else 6%Z).

Lemma mult3_IZR a b c : mult3 a b c = IZR (mult3z a b c).
Proof. unfold mult3, mult3z. destruct (Nat.eqb a b), (Nat.eqb b c); reflexivity. Qed.

Lemma mult3z_pos a b c : (0 <= mult3z a b c)%Z.
Proof. unfold mult3z. destruct (Nat.eqb a b), (Nat.eqb b c); lia. Qed.

Definition loss_triples (c : cdata (list (list (list float)))) (ok : nat -> nat -> nat -> float -> bool)
    : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_triples d tr 0%float ok &&
  loss_claim_okn 3 (zsum d (fun t1 => zsum d (fun t2 => zsum d (fun t3 => fz0 (fget3 tr t1 t2 t3)))))
                 (- cd_grid c) d (cd_p c) (cd_q c).

Definition loss_sorted_triples (c : cdata (list (list (list float))))
    (ok : nat -> nat -> nat -> float -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  sorted_triples d tr 0%float ok &&
  loss_claim_okn 3 (zsum d (fun t3 => zsum (S t3) (fun t2 => zsum (S t2) (fun t1 =>
                          mult3z t1 t2 t3 * fz0 (fget3 tr t3 t2 t1))%Z)))
                 (- cd_grid c) d (cd_p c) (cd_q c).

(** What the specs ask of a test: it bounds the loss of every input it passes by the entry. *)
Definition triple_bounds (c : cdata (list (list (list float)))) (ok : nat -> nat -> nat -> float -> bool)
    : Prop :=
  forall t1 t2 t3 k, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
    (t3 < w_d (cd_weights c))%nat -> ok t1 t2 t3 k = true ->
    f3 (model_of (cd_weights c)) t1 t2 t3 <= IZR (fz0 k) * bpow radix2 (- cd_grid c).

Lemma loss_triples_spec c ok : loss_triples c ok = true -> triple_bounds c ok ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_triples. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply (loss_claim_okn_spec _ _ _ _ _ _ _ Hclaim).
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t1 H1.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t3 H3.
  exact (Hok t1 t2 t3 _ H1 H2 H3 (all_triples_spec _ _ _ _ Hall t1 t2 t3 H1 H2 H3)).
Qed.

Lemma loss_sorted_triples_spec c ok : loss_sorted_triples c ok = true -> triple_bounds c ok ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_sorted_triples. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply (loss_claim_okn_spec _ _ _ _ _ _ _ Hclaim). rewrite rsum_f3_sym_mult.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t3 H3.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t1 H1.
  rewrite mult_IZR, mult3_IZR, Rmult_assoc.
  apply Rmult_le_compat_l; [apply IZR_le, mult3z_pos|]. rewrite f3_swap13.
  exact (Hok t3 t2 t1 _ H3 ltac:(lia) ltac:(lia)
             (sorted_triples_spec _ _ _ _ Hall t3 t2 t1 H3 ltac:(lia) ltac:(lia))).
Qed.

(** ** Brute force and symmetry: the checkers

    Both test input (t1, t2, t3) by [triple_ok] ([triple_ok_at], staged: the summaries of
    columns t1, t2 once per plane, per row); symmetry tests the sorted input (t1, t2, t3) as
    (t3, t2, t1). *)

Definition triple_ok_at (g sc : Z) (inf : list colinfo) (t1 : nat) : nat -> nat -> float -> bool :=
  let c1 := nth t1 inf dflt_col in fun t2 =>
  let c2 := nth t2 inf dflt_col in fun t3 k =>
  triple_ok c1 c2 (nth t3 inf dflt_col) (max3 t1 t2 t3) g sc k.

Definition check_brute_force_loss3 (c : cdata (list (list (list float)))) : bool :=
  with_infos c (fun sc cols inf => loss_triples c (triple_ok_at (cd_grid c) sc inf)).

Theorem check_brute_force_loss3_correct c :
  check_brute_force_loss3 c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  exact (loss_triples_spec _ _ Hb (fun t1 t2 t3 k => triple_ok_spec _ sc cols t1 t2 t3 _ k Hx Hd)).
Qed.

Definition check_symmetry_loss3 (c : cdata (list (list (list float)))) : bool :=
  with_infos c (fun sc cols inf => loss_sorted_triples c (triple_ok_at (cd_grid c) sc inf)).

Theorem check_symmetry_loss3_correct c :
  check_symmetry_loss3 c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  exact (loss_sorted_triples_spec _ _ Hb (fun t1 t2 t3 k => triple_ok_spec _ sc cols t1 t2 t3 _ k Hx Hd)).
Qed.

(** ** Convexity *)

Lemma bpow_pred (e : Z) : bpow radix2 (e - 1) = bpow radix2 e / 2.
Proof.
  replace e with ((e - 1) + 1)%Z at 2 by ring. rewrite bpow_plus.
  change (bpow radix2 1) with 2. field.
Qed.

(** d^3 E[f] <= sum_c ((6c+3)/2 sum_{t<c} f(t,t,c) + (3c+2)/2 f(c,c,c)). *)
Theorem rsum_f3_le_pairs (p : mlp) :
  rsum (mlp_d p) (fun a => rsum (mlp_d p) (fun b => rsum (mlp_d p) (fun c => f3 p a b c)))
  <= rsum (mlp_d p) (fun c => (6 * INR c + 3) / 2 * rsum c (fun t => f3 p t t c)
                              + (3 * INR c + 2) / 2 * f3 p c c c).
Proof.
  eapply Rle_trans; [apply rsum_f3_le_bound3|]. unfold bound3. apply rsum_le. intros c _.
  assert (H : rsum c (fun a => f3 p a c c)
              <= rsum c (fun a => (f3 p a a c + f3 p c c c) / 2)).
  { apply rsum_le. intros a Ha. apply f3_le_of_le; lia. }
  rewrite (rsum_ext c (fun a => (f3 p a a c + f3 p c c c) / 2)
             (fun a => / 2 * f3 p a a c + / 2 * f3 p c c c)) in H by (intros; field).
  rewrite rsum_plus, rsum_scal_l, rsum_const in H. lra.
Qed.

Definition conv3_total (tr : list (list float)) (d : nat) : Z :=
  zsum d (fun c => (6 * Z.of_nat c + 3) * zsum c (fun t => fz0 (fget tr c t))
                   + (3 * Z.of_nat c + 2) * fz0 (fget tr c c))%Z.

(** The trace is walked as the sorted pairs (t, t3), t <= t3 ([Data.sorted_pairs]). *)
Definition check_convexity_loss3 (c : cdata (list (list float))) : bool :=
  let d := w_d (cd_weights c) in
  let g := cd_grid c in
  let tr := cd_trace c in
  with_infos c (fun sc cols inf =>
      sorted_pairs d tr 0%float (fun t3 =>
        let c3 := nth t3 inf dflt_col in
        fun t k => let ct := nth t inf dflt_col in triple_ok ct ct c3 t3 g sc k) &&
      loss_claim_okn 3 (conv3_total tr d) (- g - 1) d (cd_p c) (cd_q c)).

Theorem check_convexity_loss3_correct c :
  check_convexity_loss3 c = true ->
  expected_loss3 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  apply andb_true_iff in Hb as [Hall Hclaim].
  set (w := cd_weights c) in *. set (g := cd_grid c) in *. set (tr := cd_trace c) in *.
  assert (Hb : forall t c3, (t <= c3)%nat -> (c3 < w_d w)%nat ->
            f3 (model_of w) t t c3 <= IZR (fz0 (fget tr c3 t)) * bpow radix2 (- g)).
  { intros t c3 Ht H3. apply (triple_ok_spec w sc cols); auto; try lia.
    replace (max3 t t c3) with c3 by (unfold max3; lia).
    exact (sorted_pairs_spec _ _ _ _ Hall c3 t H3 Ht). }
  unfold expected_loss3. apply (loss_claim_okn_spec _ _ _ _ _ _ _ Hclaim).
  eapply Rle_trans; [apply rsum_f3_le_pairs|].
  unfold conv3_total. rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros c3 H3.
  change (mlp_d (model_of w)) with (w_d w) in H3.
  rewrite plus_IZR, !mult_IZR, IZR_zsum, !plus_IZR, !mult_IZR, <- !INR_IZR_INZ.
  replace (bpow radix2 (- g - 1)) with (bpow radix2 (- g) / 2) by (symmetry; apply bpow_pred).
  assert (Hs : rsum c3 (fun t => f3 (model_of w) t t c3)
               <= rsum c3 (fun t => IZR (fz0 (fget tr c3 t)) * bpow radix2 (- g))).
  { apply rsum_le. intros t Ht. apply Hb; lia. }
  rewrite rsum_scal_r in Hs.
  pose proof (Hb c3 c3 (le_n _) H3) as Hcc.
  pose proof (pos_INR c3).
  assert (HA : 0 <= (6 * INR c3 + 3) / 2) by lra.
  assert (HB : 0 <= (3 * INR c3 + 2) / 2) by lra.
  simpl (IZR 6). simpl (IZR 3). simpl (IZR 2).
  apply Rle_trans with ((6 * INR c3 + 3) / 2 * (rsum c3 (fun t => IZR (fz0 (fget tr c3 t))) * bpow radix2 (- g))
                        + (3 * INR c3 + 2) / 2 * (IZR (fz0 (fget tr c3 c3)) * bpow radix2 (- g))).
  - apply Rplus_le_compat; apply Rmult_le_compat_l; assumption.
  - right. field.
Qed.
