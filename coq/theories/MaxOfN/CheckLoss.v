(** * CheckLoss.v -- reflective checkers of expected-loss certificates (two tokens)

    Everything is exact big-integer arithmetic except [exp], which is bounded
    by [ExpBounds] (relative error about 2^-75): W = U H E is the exact table
    of [Data.exact_table] (W j t = w_jt 2^S), and

      lse (z(t1,t2)) = ln (sum_j exp (W j t1 - c1) exp (W j t2 - c2)) + c1 + c2

    for shifts c_t = max_j W j t ([lse_logits2_shift]).  With floating upper
    bounds A_jt = m 2^e >= exp (W j t - c_t) ([exp_hi_f]), [lse (z(t1,t2)) <= v + c1 + c2]
    follows from the exact comparison  sum_j A_jt1 A_jt2 <= G 2^-P <= exp_lo_f (v) <= exp v,
    where G is the sum rounded upwards on a grid 2^-P set by the label term.
    No logarithm is evaluated.

    What it defines
    - [col_info S col] : the column, its shift, the bounds A_jt and a flag
      (all bounds found); [lse_le c1 c2 r V ev] decides the sufficient condition
      above for v = V 2^ev;
    - [pair_ok] (loss of input (t1,t2) <= k 2^-grid) and [diag_ok]
      (LSE(z(t,t)) <= l 2^-grid);
    - [dy_le], [loss_claim_ok K e d p q] : exact comparison of
      1/d^2 * K * 2^e with the claim p / q (q > 0, d > 0);
    - [with_infos c body] : the opening of the exact loss checkers (table, summaries, d > 0);
      [loss_pairs c ok], [loss_sorted_pairs c ok] : the brute-force and symmetry strategies
      (every input's test against its entry, and the claim on the entries' sum), shared with
      [CheckFloat2]; [pair_ok_at] : [pair_ok], staged for them;
    - the checkers [check_brute_force_loss2], [check_symmetry_loss2],
      [check_convexity_loss2] (all [cdata _ -> bool], run by [vm_compute]).

    Main statements
    - [with_infos_spec], [loss_pairs_spec], [loss_sorted_pairs_spec] (a test that bounds every
      input's loss, [pair_bounds], and a passed strategy make the claim);
    - [check_brute_force_loss2_correct], [check_symmetry_loss2_correct],
      [check_convexity_loss2_correct] : [check c = true ->
        expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c)].

    Trace layouts (see [templates/coq/certificate.v.j2]):
    - brute force: [list (list float)], row t1 holds the upper bounds of the
      inputs (t1, 0..d-1), as integers k meaning k / 2^grid;
    - symmetry: [list (list float)], row c holds the bounds of the sorted
      inputs (0, c), ..., (c, c) (multiplicity 2 off the diagonal);
    - convexity: [list float], the upper bounds of LSE(z(t,t)), t < d. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Model Symmetry Convexity Accuracy Data ExpBounds.
Import ListNotations.
Open Scope R_scope.

Local Notation zB := BigZ.to_Z.

Lemma bz0' : zB 0%bigZ = 0%Z. Proof. reflexivity. Qed.

(** ** Exact dyadic helpers *)

(** [a 2^ea + b 2^eb] as [(m, e)] with [e = min ea eb]. *)
Definition dyadd (a ea b eb : bigZ) : bigZ * bigZ :=
  let e := BigZ.min ea eb in
  ((BigZ.shiftl a (ea - e) + BigZ.shiftl b (eb - e))%bigZ, e).

Lemma IZR_shiftl_bpow (m k : Z) : (0 <= k)%Z -> IZR (Z.shiftl m k) = IZR m * bpow radix2 k.
Proof.
  intros Hk. rewrite Z.shiftl_mul_pow2 by exact Hk. rewrite mult_IZR.
  rewrite <- (IZR_Zpower radix2) by exact Hk. reflexivity.
Qed.

Lemma dyadd_spec a ea b eb :
  IZR (zB (fst (dyadd a ea b eb))) * bpow radix2 (zB (snd (dyadd a ea b eb)))
  = IZR (zB a) * bpow radix2 (zB ea) + IZR (zB b) * bpow radix2 (zB eb).
Proof.
  unfold dyadd. simpl. rewrite BigZ.spec_add, !BigZ.spec_shiftl, !BigZ.spec_sub, BigZ.spec_min.
  set (e := Z.min (zB ea) (zB eb)).
  rewrite plus_IZR, !IZR_shiftl_bpow by (unfold e; lia).
  rewrite Rmult_plus_distr_r, !Rmult_assoc, <- !bpow_plus.
  replace (zB ea - e + e)%Z with (zB ea) by ring. replace (zB eb - e + e)%Z with (zB eb) by ring.
  reflexivity.
Qed.

(** ** Columns *)

Definition col_max (col : list bigZ) : bigZ :=
  match col with [] => 0%bigZ | x :: r => fold_left BigZ.max r x end.

Record colinfo : Type := MkCol {
  ci_w : list bigZ;            (** W j t, units 2^S *)
  ci_c : bigZ;                 (** the shift c_t, units 2^S *)
  ci_a : list (bigZ * bigZ);   (** (m, e) with exp (W j t - c_t) <= m 2^e *)
  ci_ok : bool                 (** every bound was found *)
}.

Definition dflt_col : colinfo := MkCol [] 0%bigZ [] false.

Definition isSomeb {A : Type} (o : option A) : bool := match o with Some _ => true | None => false end.
Definition getP (o : option (bigZ * bigZ)) : bigZ * bigZ :=
  match o with Some u => u | None => (0, 0)%bigZ end.

(** Real value of a floating pair. *)
Definition fval (x : bigZ * bigZ) : R := IZR (zB (fst x)) * bpow radix2 (zB (snd x)).

Definition col_info (es : bigZ) (col : list bigZ) : colinfo :=
  let c := col_max col in
  let a := map (fun x => exp_hi_f (x - c) es) col in
  MkCol col c (map getP a) (forallb isSomeb a).

Definition infos (sc : Z) (cols : list (list bigZ)) : list colinfo :=
  let es := BigZ.of_Z sc in map (col_info es) cols.

(** The opening of the exact loss checkers: the exact logit table built and d > 0;
    [body sc cols inf] is the rest, with [inf] the columns' summaries. *)
Definition with_infos {T : Type} (c : cdata T)
    (body : Z -> list (list bigZ) -> list colinfo -> bool) : bool :=
  match exact_table (cd_weights c) with
  | None => false
  | Some (sc, cols) => Nat.ltb 0 (w_d (cd_weights c)) && body sc cols (infos sc cols)
  end.

Lemma with_infos_spec {T : Type} (c : cdata T) body : with_infos c body = true ->
  exists sc cols, exact_table (cd_weights c) = Some (sc, cols) /\
    (0 < w_d (cd_weights c))%nat /\ body sc cols (infos sc cols) = true.
Proof.
  unfold with_infos. destruct (exact_table (cd_weights c)) as [[sc cols]|]; [| discriminate].
  rewrite andb_true_iff, Nat.ltb_lt. intros [Hd Hb]. exists sc, cols. auto.
Qed.

Definition col_ok (p : mlp) (sc : Z) (ci : colinfo) (t : nat) : Prop :=
  length (ci_w ci) = mlp_d p /\ length (ci_a ci) = mlp_d p /\
  forall j, (j < mlp_d p)%nat ->
    W p j t = IZR (zB (nth j (ci_w ci) 0%bigZ)) * bpow radix2 sc /\
    exp (W p j t - IZR (zB (ci_c ci)) * bpow radix2 sc) <= fval (nth j (ci_a ci) (0, 0)%bigZ).

Lemma infos_spec w sc cols t :
  exact_table w = Some (sc, cols) -> (t < w_d w)%nat ->
  ci_ok (nth t (infos sc cols) dflt_col) = true ->
  col_ok (model_of w) sc (nth t (infos sc cols) dflt_col) t.
Proof.
  intros Hx Ht. destruct (exact_table_spec w sc cols Hx) as (Lc & Lr & V).
  unfold infos. rewrite (nth_map_lt _ cols t []) by lia.
  specialize (Lr t Ht). unfold col_info, col_ok. simpl. intros Hok.
  rewrite forallb_forall in Hok. rewrite !map_length.
  split; [exact Lr|]. split; [exact Lr|]. intros j Hj. simpl in Hj.
  assert (HW : W (model_of w) j t = IZR (zB (nth j (nth t cols []) 0%bigZ)) * bpow radix2 sc)
    by (rewrite (V j t Hj Ht); reflexivity).
  split; [exact HW|].
  set (col := nth t cols []) in *. set (c := col_max col).
  assert (Lcol : length col = w_d w) by exact Lr.
  set (a := map (fun x => exp_hi_f (x - c) (BigZ.of_Z sc)) col).
  assert (Hjc : (j < length col)%nat)
    by (apply (Nat.lt_le_trans _ _ _ Hj); apply Nat.eq_le_incl; symmetry; exact Lcol).
  assert (Hin : In (nth j a None) a) by (apply nth_In; unfold a; rewrite map_length; exact Hjc).
  specialize (Hok _ Hin).
  assert (Ha : nth j a None = exp_hi_f (nth j col 0%bigZ - c) (BigZ.of_Z sc))
    by (unfold a; rewrite (nth_map_lt _ col j 0%bigZ) by exact Hjc; reflexivity).
  rewrite Ha in Hok. destruct (exp_hi_f (nth j col 0%bigZ - c) (BigZ.of_Z sc)) as [[u e]|] eqn:Hu;
    [|discriminate].
  rewrite (nth_map_lt getP a j None) by (unfold a; rewrite map_length; exact Hjc).
  rewrite Ha. unfold fval. simpl.
  pose proof (exp_hi_f_spec _ _ _ _ Hu) as He.
  rewrite BigZ.spec_sub, BigZ.spec_of_Z, minus_IZR in He.
  rewrite HW. replace (IZR (zB (nth j col 0%bigZ)) * bpow radix2 sc - IZR (zB c) * bpow radix2 sc)
    with ((IZR (zB (nth j col 0%bigZ)) - IZR (zB c)) * bpow radix2 sc) by ring.
  exact He.
Qed.

(** ** The sufficient condition for an LSE bound *)

(** [gsum2 P acc a b]: an upper bound, in units 2^-P, of acc 2^-P + sum_j a_j b_j. *)
Fixpoint gsum2 (P acc : bigZ) (a b : list (bigZ * bigZ)) : bigZ :=
  match a, b with
  | (m1, e1) :: a', (m2, e2) :: b' => gsum2 P (acc + up_at P (m1 * m2) (e1 + e2))%bigZ a' b'
  | _, _ => acc
  end.

Lemma fval_mul m1 e1 m2 e2 :
  IZR (zB (m1 * m2)%bigZ) * bpow radix2 (zB (e1 + e2)%bigZ) = fval (m1, e1) * fval (m2, e2).
Proof. unfold fval. simpl. rewrite BigZ.spec_mul, BigZ.spec_add, mult_IZR, bpow_plus. ring. Qed.

Lemma gsum2_spec P a b acc :
  length a = length b ->
  IZR (zB acc) * bpow radix2 (- zB P)
  + rsum (length a) (fun j => fval (nth j a (0, 0)%bigZ) * fval (nth j b (0, 0)%bigZ))
  <= IZR (zB (gsum2 P acc a b)) * bpow radix2 (- zB P).
Proof.
  revert b acc. induction a as [|[m1 e1] a IH]; intros [|[m2 e2] b] acc Hl; simpl in Hl; try discriminate.
  - simpl. lra.
  - cbn [gsum2 length]. rewrite rsum_S_l. cbn [nth].
    eapply Rle_trans; [|apply IH; lia].
    rewrite BigZ.spec_add, plus_IZR, Rmult_plus_distr_r.
    pose proof (up_at_spec P (m1 * m2) (e1 + e2)) as Hu. rewrite fval_mul in Hu. lra.
Qed.

Lemma lse_logits2_shift p t1 t2 s1 s2 :
  (0 < mlp_d p)%nat ->
  lse (mlp_d p) (logits2 p t1 t2)
  = ln (rsum (mlp_d p) (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2))) + (s1 + s2).
Proof.
  intros Hd. unfold lse. rewrite rsum_exp_logits2.
  rewrite (rsum_ext _ (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2))
                      (fun j => exp (W p j t1) * exp (W p j t2) * (exp (- s1) * exp (- s2)))).
  2: { intros j _. unfold Rminus. rewrite !exp_plus. ring. }
  rewrite rsum_scal_r.
  assert (0 < rsum (mlp_d p) (fun j => exp (W p j t1) * exp (W p j t2))).
  { apply rsum_pos; [exact Hd|]. intros. apply Rmult_lt_0_compat; apply exp_pos. }
  rewrite ln_mult, ln_mult, !ln_exp by (try apply Rmult_lt_0_compat; try apply exp_pos; assumption).
  ring.
Qed.

(** Decide [lse (z(t1,t2)) <= V 2^ev + c1 + c2]; [r] picks the term that fixes the
    working precision 2^-P (any choice is sound). *)
Definition lse_le (c1 c2 : colinfo) (r : nat) (V ev : bigZ) : bool :=
  ci_ok c1 && ci_ok c2 &&
  let x1 := nth r (ci_a c1) (0, 0)%bigZ in
  let x2 := nth r (ci_a c2) (0, 0)%bigZ in
  let P := (nbB + 8 - (snd x1 + snd x2 + BigZ.log2 (fst x1 * fst x2)))%bigZ in
  let L := exp_lo_f V ev in
  dyB_le (gsum2 P 0 (ci_a c1) (ci_a c2)) (- P) (fst L) (snd L).

Lemma lse_le_spec p sc c1 c2 t1 t2 r V ev :
  (0 < mlp_d p)%nat -> (ci_ok c1 = true -> col_ok p sc c1 t1) -> (ci_ok c2 = true -> col_ok p sc c2 t2) ->
  lse_le c1 c2 r V ev = true ->
  lse (mlp_d p) (logits2 p t1 t2)
  <= IZR (zB V) * bpow radix2 (zB ev)
     + (IZR (zB (ci_c c1)) * bpow radix2 sc + IZR (zB (ci_c c2)) * bpow radix2 sc).
Proof.
  intros Hd H1 H2 Hc. unfold lse_le in Hc. rewrite !andb_true_iff in Hc.
  destruct Hc as [[Ok1 Ok2] Hle].
  destruct (H1 Ok1) as (L1w & L1a & V1). destruct (H2 Ok2) as (L2w & L2a & V2).
  set (s1 := IZR (zB (ci_c c1)) * bpow radix2 sc). set (s2 := IZR (zB (ci_c c2)) * bpow radix2 sc).
  rewrite (lse_logits2_shift p t1 t2 s1 s2 Hd). apply Rplus_le_compat_r.
  set (G := rsum (mlp_d p) (fun j => exp (W p j t1 - s1) * exp (W p j t2 - s2))).
  assert (HG : 0 < G) by (apply rsum_pos; [exact Hd|]; intros; apply Rmult_lt_0_compat; apply exp_pos).
  cbv zeta in Hle. set (P := (nbB + 8 - _)%bigZ) in Hle.
  pose proof (gsum2_spec P (ci_a c1) (ci_a c2) 0%bigZ (eq_trans L1a (eq_sym L2a))) as Hs.
  rewrite bz0', Rmult_0_l, Rplus_0_l in Hs.
  assert (HGb : G <= IZR (zB (gsum2 P 0 (ci_a c1) (ci_a c2))) * bpow radix2 (- zB P)).
  { eapply Rle_trans; [|exact Hs]. change BigZ.t with BigZ.t_ in *. rewrite L1a. apply rsum_le. intros j Hj.
    destruct (V1 j Hj) as [_ E1]. destruct (V2 j Hj) as [_ E2].
    apply Rmult_le_compat; try (left; apply exp_pos); assumption. }
  apply dyB_le_spec in Hle. rewrite BigZ.spec_opp in Hle.
  pose proof (exp_lo_f_spec V ev) as HE.
  assert (HGe : G <= exp (IZR (zB V) * bpow radix2 (zB ev))) by lra.
  rewrite <- (ln_exp (IZR (zB V) * bpow radix2 (zB ev))).
  destruct HGe as [Hlt|Heq]; [left; apply ln_increasing; assumption|right; rewrite Heq; reflexivity].
Qed.

(** ** Trace values *)

(** The loss of input (t1, t2), label y, is at most k 2^-g. *)
Definition pair_ok (c1 c2 : colinfo) (y : nat) (g sc : Z) (k : float) : bool :=
  match fz k with
  | Some kz =>
      let vy := (nth y (ci_w c1) 0 - ci_c c1 + nth y (ci_w c2) 0 - ci_c c2)%bigZ in
      let v := dyadd (BigZ.of_Z kz) (BigZ.of_Z (- g)) vy (BigZ.of_Z sc) in
      lse_le c1 c2 y (fst v) (snd v)
  | None => false
  end.

Lemma pair_ok_spec w sc cols t1 t2 g k :
  exact_table w = Some (sc, cols) -> (0 < w_d w)%nat -> (t1 < w_d w)%nat -> (t2 < w_d w)%nat ->
  pair_ok (nth t1 (infos sc cols) dflt_col) (nth t2 (infos sc cols) dflt_col) (Nat.max t1 t2) g sc k
  = true ->
  f2 (model_of w) t1 t2 <= IZR (fz0 k) * bpow radix2 (- g).
Proof.
  intros Hx Hd H1 H2 Hc. unfold pair_ok, fz0 in *.
  destruct (fz k) as [kz|]; [|discriminate].
  set (c1 := nth t1 (infos sc cols) dflt_col) in *. set (c2 := nth t2 (infos sc cols) dflt_col) in *.
  assert (Hy : (Nat.max t1 t2 < w_d w)%nat) by (apply Nat.max_lub_lt; assumption).
  pose proof (lse_le_spec (model_of w) sc c1 c2 t1 t2 _ _ _ Hd
                (infos_spec w sc cols t1 Hx H1) (infos_spec w sc cols t2 Hx H2) Hc) as HL.
  rewrite dyadd_spec in HL.
  assert (Ok : ci_ok c1 = true /\ ci_ok c2 = true).
  { unfold lse_le in Hc. rewrite !andb_true_iff in Hc. tauto. }
  destruct (infos_spec w sc cols t1 Hx H1 (proj1 Ok)) as (_ & _ & V1).
  destruct (infos_spec w sc cols t2 Hx H2 (proj2 Ok)) as (_ & _ & V2).
  fold c1 in V1. fold c2 in V2.
  unfold f2, loss. rewrite logits2_eq_W.
  rewrite (proj1 (V1 _ Hy)), (proj1 (V2 _ Hy)).
  rewrite !BigZ.spec_of_Z, !BigZ.spec_sub, !BigZ.spec_add, !BigZ.spec_sub in HL.
  rewrite !minus_IZR, !plus_IZR, !minus_IZR in HL.
  change (mlp_d (model_of w)) with (w_d w) in *. lra.
Qed.

(** LSE(z(t,t)) is at most l 2^-g. *)
Definition diag_ok (c : colinfo) (t : nat) (g sc : Z) (l : float) : bool :=
  match fz l with
  | Some lz =>
      let v := dyadd (BigZ.of_Z lz) (BigZ.of_Z (- g)) (- (ci_c c + ci_c c))%bigZ (BigZ.of_Z sc) in
      lse_le c c t (fst v) (snd v)
  | None => false
  end.

Lemma diag_ok_spec w sc cols t g l :
  exact_table w = Some (sc, cols) -> (0 < w_d w)%nat -> (t < w_d w)%nat ->
  diag_ok (nth t (infos sc cols) dflt_col) t g sc l = true ->
  lse (w_d w) (logits2 (model_of w) t t) <= IZR (fz0 l) * bpow radix2 (- g).
Proof.
  intros Hx Hd Ht Hc. unfold diag_ok, fz0 in *.
  destruct (fz l) as [lz|]; [|discriminate].
  set (c := nth t (infos sc cols) dflt_col) in *.
  pose proof (lse_le_spec (model_of w) sc c c t t _ _ _ Hd
                (infos_spec w sc cols t Hx Ht) (infos_spec w sc cols t Hx Ht) Hc) as HL.
  rewrite dyadd_spec in HL.
  rewrite !BigZ.spec_of_Z, BigZ.spec_opp, BigZ.spec_add, opp_IZR, plus_IZR in HL.
  simpl (mlp_d (model_of w)) in HL. lra.
Qed.

(** ** Exact comparison with the claim *)

Definition dy_le (m1 e1 m2 e2 : Z) : bool :=
  let e := Z.min e1 e2 in Z.leb (Z.shiftl m1 (e1 - e)) (Z.shiftl m2 (e2 - e)).

Lemma dy_le_spec m1 e1 m2 e2 :
  dy_le m1 e1 m2 e2 = true -> IZR m1 * bpow radix2 e1 <= IZR m2 * bpow radix2 e2.
Proof.
  unfold dy_le. intros H. apply Z.leb_le, IZR_le in H.
  rewrite !IZR_shiftl_bpow in H by lia.
  set (e := Z.min e1 e2) in *.
  replace e1 with ((e1 - e) + e)%Z by lia. replace e2 with ((e2 - e) + e)%Z by lia.
  rewrite !bpow_plus, <- !Rmult_assoc.
  apply Rmult_le_compat_r; [apply bpow_ge_0|exact H].
Qed.

Definition loss_claim_ok (K e : Z) (d : nat) (p q : Z) : bool :=
  Z.ltb 0 q && Nat.ltb 0 d && dy_le (K * q) e (p * Z.of_nat (d * d)) 0.

Lemma loss_claim_ok_spec K e d p q X :
  loss_claim_ok K e d p q = true -> X <= IZR K * bpow radix2 e ->
  1 / INR d ^ 2 * X <= IZR p / IZR q.
Proof.
  unfold loss_claim_ok. rewrite !andb_true_iff, Z.ltb_lt, Nat.ltb_lt.
  intros [[Hq Hd] Hc] HX. apply dy_le_spec in Hc. simpl (bpow radix2 0) in Hc.
  rewrite !mult_IZR, Nat2Z.inj_mul, mult_IZR, <- !INR_IZR_INZ in Hc.
  apply IZR_lt in Hq. assert (HdR : 0 < INR d) by (apply lt_0_INR; exact Hd).
  apply Rle_trans with (1 / INR d ^ 2 * (IZR K * bpow radix2 e)).
  - apply Rmult_le_compat_l; [apply scale_nonneg|exact HX].
  - apply Rmult_le_reg_r with (IZR q * INR d ^ 2); [apply Rmult_lt_0_compat; [lra|apply pow_lt; lra]|].
    replace (1 / INR d ^ 2 * (IZR K * bpow radix2 e) * (IZR q * INR d ^ 2))
      with (IZR K * IZR q * bpow radix2 e) by (field; lra).
    replace (IZR p / IZR q * (IZR q * INR d ^ 2)) with (IZR p * (INR d * INR d) * 1)
      by (field; lra).
    exact Hc.
Qed.

(** ** Brute force and symmetry: the tests and the claim

    [loss_pairs c ok] : every input (t1, t2) passes [ok t1 t2 k] with its trace entry k
    ([Data.all_pairs]: [ok] staged, [ok t1] once per row), a bound in units 2^-g, and the
    entries' sum makes the claim. [loss_sorted_pairs c ok] : the same on the sorted inputs
    t1 <= t2, entry [t2][t1], tested as [ok t2 t1 k] (the loss is symmetric), counted with
    their multiplicities. Shared by the exact checkers here and the binary64 ones of
    [CheckFloat2]. *)

Definition mult2z (a b : nat) : Z := if Nat.eqb a b then 1%Z else 2%Z.

Lemma mult2_IZR a b : mult2 a b = IZR (mult2z a b).
Proof. unfold mult2, mult2z. destruct (Nat.eqb a b); reflexivity. Qed.

Definition loss_pairs (c : cdata (list (list float))) (ok : nat -> nat -> float -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_pairs d tr 0%float ok &&
  loss_claim_ok (zsum d (fun t1 => zsum d (fun t2 => fz0 (fget tr t1 t2))))
                (- cd_grid c) d (cd_p c) (cd_q c).

Definition loss_sorted_pairs (c : cdata (list (list float))) (ok : nat -> nat -> float -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  sorted_pairs d tr 0%float ok &&
  loss_claim_ok (zsum d (fun t2 => zsum (S t2) (fun t1 => mult2z t1 t2 * fz0 (fget tr t2 t1))%Z))
                (- cd_grid c) d (cd_p c) (cd_q c).

(** What the specs ask of a test: it bounds the loss of every input it passes by the entry. *)
Definition pair_bounds (c : cdata (list (list float))) (ok : nat -> nat -> float -> bool) : Prop :=
  forall t1 t2 k, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
    ok t1 t2 k = true -> f2 (model_of (cd_weights c)) t1 t2 <= IZR (fz0 k) * bpow radix2 (- cd_grid c).

Lemma loss_pairs_spec c ok : loss_pairs c ok = true -> pair_bounds c ok ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_pairs. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply (loss_claim_ok_spec _ _ _ _ _ _ Hclaim).
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t1 H1.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t2 H2.
  exact (Hok t1 t2 _ H1 H2 (all_pairs_spec _ _ _ _ Hall t1 t2 H1 H2)).
Qed.

Lemma loss_sorted_pairs_spec c ok : loss_sorted_pairs c ok = true -> pair_bounds c ok ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold loss_sorted_pairs. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply (loss_claim_ok_spec _ _ _ _ _ _ Hclaim). rewrite rsum_f2_sym_mult.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t1 H1.
  rewrite mult_IZR, mult2_IZR, Rmult_assoc.
  apply Rmult_le_compat_l; [unfold mult2z; destruct (Nat.eqb t1 t2); lra|].
  rewrite f2_comm. exact (Hok t2 t1 _ H2 ltac:(lia) (sorted_pairs_spec _ _ _ _ Hall t2 t1 H2 ltac:(lia))).
Qed.

(** ** Brute force and symmetry: the checkers

    Both test input (t1, t2) by [pair_ok] ([pair_ok_at], staged: column t1's summary once per
    row); symmetry tests the sorted input (t1, t2), t1 <= t2, as (t2, t1). *)

Definition pair_ok_at (g sc : Z) (inf : list colinfo) (t1 : nat) : nat -> float -> bool :=
  let c1 := nth t1 inf dflt_col in
  fun t2 k => pair_ok c1 (nth t2 inf dflt_col) (Nat.max t1 t2) g sc k.

Definition check_brute_force_loss2 (c : cdata (list (list float))) : bool :=
  with_infos c (fun sc cols inf => loss_pairs c (pair_ok_at (cd_grid c) sc inf)).

Theorem check_brute_force_loss2_correct c :
  check_brute_force_loss2 c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  exact (loss_pairs_spec _ _ Hb (fun t1 t2 k => pair_ok_spec _ sc cols t1 t2 _ k Hx Hd)).
Qed.

Definition check_symmetry_loss2 (c : cdata (list (list float))) : bool :=
  with_infos c (fun sc cols inf => loss_sorted_pairs c (pair_ok_at (cd_grid c) sc inf)).

Theorem check_symmetry_loss2_correct c :
  check_symmetry_loss2 c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  exact (loss_sorted_pairs_spec _ _ Hb (fun t1 t2 k => pair_ok_spec _ sc cols t1 t2 _ k Hx Hd)).
Qed.

(** ** Convexity *)

(** The exact integer (in units 2^e0, e0 = min(-g, sc)) of the upper bound
    [l_s * 2^-g - 2 W y s] of [loss d (logits2 p s s) y]. *)
Definition conv_term (tr : list float) (cols : list (list bigZ)) (g sc e0 : Z) (s y : nat) : Z :=
  (Z.shiftl (fz0 (nth s tr 0%float)) (- g - e0) - Z.shiftl (2 * zB (bcol cols s y)) (sc - e0))%Z.

Definition conv_total (tr : list float) (cols : list (list bigZ)) (g sc e0 : Z) (d : nat) : Z :=
  zsum d (fun t2 => zsum t2 (fun t1 => conv_term tr cols g sc e0 t1 t2)
                    + (Z.of_nat t2 + 1) * conv_term tr cols g sc e0 t2 t2)%Z.

Definition check_convexity_loss2 (c : cdata (list float)) : bool :=
  let d := w_d (cd_weights c) in
  let g := cd_grid c in
  let tr := cd_trace c in
  with_infos c (fun sc cols inf =>
      let e0 := Z.min (- g) sc in
      all_row d tr 0%float (fun s l => diag_ok (nth s inf dflt_col) s g sc l) &&
      loss_claim_ok (conv_total tr cols g sc e0 d) e0 d (cd_p c) (cd_q c)).

Lemma conv_term_spec w sc cols tr g s y :
  exact_table w = Some (sc, cols) -> (s < w_d w)%nat -> (y < w_d w)%nat ->
  lse (w_d w) (logits2 (model_of w) s s) <= IZR (fz0 (nth s tr 0%float)) * bpow radix2 (- g) ->
  loss (w_d w) (logits2 (model_of w) s s) y
  <= IZR (conv_term tr cols g sc (Z.min (- g) sc) s y) * bpow radix2 (Z.min (- g) sc).
Proof.
  intros Hx Hs Hy Hl. destruct (exact_table_spec w sc cols Hx) as (_ & _ & V).
  unfold loss, conv_term. rewrite logits2_eq_W, (V y s Hy Hs).
  rewrite minus_IZR, !IZR_shiftl_bpow by lia. rewrite mult_IZR.
  set (e0 := Z.min (- g) sc).
  replace (bpow radix2 (- g)) with (bpow radix2 (- g - e0) * bpow radix2 e0) in Hl
    by (rewrite <- bpow_plus; f_equal; lia).
  replace (bpow radix2 sc) with (bpow radix2 (sc - e0) * bpow radix2 e0)
    by (rewrite <- bpow_plus; f_equal; lia).
  simpl (IZR 2). lra.
Qed.

Theorem check_convexity_loss2_correct c :
  check_convexity_loss2 c = true ->
  expected_loss2 (model_of (cd_weights c)) <= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_infos_spec _ _ H) as (sc & cols & Hx & Hd & Hb).
  apply andb_true_iff in Hb as [Hall Hclaim].
  set (w := cd_weights c) in *. set (g := cd_grid c) in *. set (tr := cd_trace c) in *.
  assert (Hl : forall s, (s < w_d w)%nat ->
            lse (w_d w) (logits2 (model_of w) s s) <= IZR (fz0 (nth s tr 0%float)) * bpow radix2 (- g))
    by (intros s Hs; exact (diag_ok_spec w sc cols s g _ Hx Hd Hs (all_row_spec _ _ _ _ Hall s Hs))).
  eapply Rle_trans; [apply expected_loss2_le|].
  apply (loss_claim_ok_spec _ _ _ _ _ _ Hclaim).
  unfold bound2, conv_total. rewrite IZR_zsum, <- rsum_scal_r. apply rsum_le. intros t2 H2.
  set (T := conv_term tr cols g sc (Z.min (- g) sc)). set (e0 := Z.min (- g) sc).
  replace (IZR (zsum t2 (fun t1 => T t1 t2) + (Z.of_nat t2 + 1) * T t2 t2) * bpow radix2 e0)
    with (rsum t2 (fun t1 => IZR (T t1 t2) * bpow radix2 e0)
          + (INR t2 + 1) * (IZR (T t2 t2) * bpow radix2 e0)).
  2: { rewrite rsum_scal_r, plus_IZR, IZR_zsum, mult_IZR, plus_IZR, <- INR_IZR_INZ. ring. }
  apply Rplus_le_compat.
  - apply rsum_le. intros t1 H1. apply (conv_term_spec w sc cols tr g t1 t2 Hx); [lia|lia|apply Hl; lia].
  - apply Rmult_le_compat_l; [pose proof (pos_INR t2); lra|].
    apply conv_term_spec; auto.
Qed.
