(** * ExpBounds.v -- verified fixed-point bounds of exp, computed with BigZ

    Interval's primitive-float [exp]/[ln] are only about 1e-12 accurate, too
    coarse for trace values on a 2^-40 grid.  Here exp is bounded with exact
    big-integer arithmetic ([BigZ], machine-word digits, fast under
    [vm_compute]) and a relative error of about 2^-75:

      x = X 2^E,  h = x / 2^k <= 2^-16,  exp x = (exp h)^(2^k),
      exp h in [P6 h, P6 h + 2^-100]   (Taylor, [Taylor.exp_taylor6]),
      P6 h computed exactly as a fraction, then k squarings rounded
      downwards (lower bound) or upwards (upper bound) in fixed point with
      [NB] = 100 fractional bits; for x < 0, exp x = 1 / exp (-x).

    What it defines
    - [exp_lo X E : bigZ]  with  [exp_lo X E * 2^-100 <= exp (X * 2^E)];
    - [exp_hi X E : option bigZ] with [exp (X * 2^E) <= U * 2^-100] when it
      returns [Some U].

    Main statements: [exp_lo_spec], [exp_hi_spec]. *)

From Coq Require Import Reals Lra Lia ZArith.
From Flocq Require Import Core.Zaux Core.Raux.
From Bignums Require Import BigZ.
From PyExport Require Import Taylor.
Open Scope R_scope.

Local Notation zB := BigZ.to_Z.

Definition NB : Z := 100.
Definition nbB : bigZ := 100%bigZ.

Lemma nbB_spec : (zB nbB) = NB.
Proof. reflexivity. Qed.

(** ** Generic facts *)

Lemma bz0 : (zB 0%bigZ) = 0%Z. Proof. reflexivity. Qed.
Lemma bz1 : (zB 1%bigZ) = 1%Z. Proof. reflexivity. Qed.
Lemma bz2 : (zB 2%bigZ) = 2%Z. Proof. reflexivity. Qed.
Lemma bz6 : (zB 6%bigZ) = 6%Z. Proof. reflexivity. Qed.
Lemma bz16 : (zB 16%bigZ) = 16%Z. Proof. reflexivity. Qed.
Lemma bz17 : (zB 17%bigZ) = 17%Z. Proof. reflexivity. Qed.
Lemma bz30 : (zB 30%bigZ) = 30%Z. Proof. reflexivity. Qed.
Lemma bz120 : (zB 120%bigZ) = 120%Z. Proof. reflexivity. Qed.
Lemma bz360 : (zB 360%bigZ) = 360%Z. Proof. reflexivity. Qed.
Lemma bz720 : (zB 720%bigZ) = 720%Z. Proof. reflexivity. Qed.
Ltac bzconst := rewrite ?bz0, ?bz1, ?bz2, ?bz6, ?bz16, ?bz17, ?bz30, ?bz120, ?bz360, ?bz720 in *.

Lemma bpow_nonneg_IZR (e : Z) : (0 <= e)%Z -> bpow radix2 e = IZR (2 ^ e).
Proof. intros He. rewrite <- (IZR_Zpower radix2) by exact He. reflexivity. Qed.

Lemma IZR_div_le (a b : Z) : (0 < b)%Z -> IZR (a / b) * IZR b <= IZR a.
Proof.
  intros Hb. rewrite <- mult_IZR. apply IZR_le. rewrite Z.mul_comm. apply Z.mul_div_le. lia.
Qed.

Lemma IZR_div_gt (a b : Z) : (0 < b)%Z -> IZR a < (IZR (a / b) + 1) * IZR b.
Proof.
  intros Hb. rewrite <- plus_IZR, <- mult_IZR. apply IZR_lt. rewrite Z.mul_comm.
  apply Z.mul_succ_div_gt. lia.
Qed.

Lemma bpow_NB_pos : 0 < bpow radix2 NB.
Proof. apply bpow_gt_0. Qed.

Lemma bpow_mNB : bpow radix2 (- NB) = / bpow radix2 NB.
Proof. apply bpow_opp. Qed.

(** ** exp on [0, 2^-16]: Taylor, exactly *)

(** [tnum H F = 720 2^(6F) P6 (H / 2^F)] *)
Definition tnum (H F : bigZ) : bigZ :=
  let H2 := (H * H)%bigZ in
  let H3 := (H2 * H)%bigZ in
  let H4 := (H3 * H)%bigZ in
  let H5 := (H4 * H)%bigZ in
  let H6 := (H5 * H)%bigZ in
  let r0 := BigZ.shiftl 720 F in
  let r1 := (720 * H + r0)%bigZ in
  let r2 := (360 * H2 + BigZ.shiftl r1 F)%bigZ in
  let r3 := (120 * H3 + BigZ.shiftl r2 F)%bigZ in
  let r4 := (30 * H4 + BigZ.shiftl r3 F)%bigZ in
  let r5 := (6 * H5 + BigZ.shiftl r4 F)%bigZ in
  (H6 + BigZ.shiftl r5 F)%bigZ.

Lemma tnum_spec H F :
  (0 <= (zB F))%Z ->
  let h := (zB H) in let T := (2 ^ (zB F))%Z in
  (zB (tnum H F)) = (h*h*h*h*h*h + 6*h*h*h*h*h*T + 30*h*h*h*h*T*T + 120*h*h*h*T*T*T
                  + 360*h*h*T*T*T*T + 720*h*T*T*T*T*T + 720*T*T*T*T*T*T)%Z.
Proof.
  intros HF. unfold tnum. cbv zeta.
  repeat rewrite ?BigZ.spec_add, ?BigZ.spec_mul, ?BigZ.spec_shiftl.
  rewrite !Z.shiftl_mul_pow2 by exact HF. bzconst. ring.
Qed.

(** Lower bound of [P6 h * 2^NB] for [h = H / 2^F]. *)
Definition exp0_lo (H F : bigZ) : bigZ :=
  BigZ.div (BigZ.shiftr (BigZ.shiftl (tnum H F) nbB) (6 * F)) 720.

Lemma P6_tnum H F :
  (0 <= (zB F))%Z ->
  P6 (IZR (zB H) * bpow radix2 (- (zB F))) * bpow radix2 NB
  = IZR ((zB (tnum H F)) * 2 ^ NB) / IZR (720 * 2 ^ (6 * (zB F))).
Proof.
  intros HF. rewrite (tnum_spec H F HF). set (T := (2 ^ (zB F))%Z).
  assert (HT : 0 < IZR T) by (apply IZR_lt; unfold T; apply Z.pow_pos_nonneg; lia).
  rewrite bpow_opp, (bpow_nonneg_IZR (zB F) HF). fold T.
  rewrite (bpow_nonneg_IZR NB) by (unfold NB; lia).
  replace (2 ^ (6 * (zB F)))%Z with (T*T*T*T*T*T)%Z
    by (unfold T; rewrite (Z.mul_comm 6), Z.pow_mul_r by lia; ring).
  rewrite !mult_IZR, !plus_IZR, !mult_IZR.
  unfold P6. field. lra.
Qed.

Lemma exp0_lo_spec H F :
  (0 <= (zB F))%Z ->
  IZR (zB (exp0_lo H F)) <= P6 (IZR (zB H) * bpow radix2 (- (zB F))) * bpow radix2 NB
  < IZR (zB (exp0_lo H F)) + 1.
Proof.
  intros HF. rewrite (P6_tnum H F HF). unfold exp0_lo.
  rewrite BigZ.spec_div, BigZ.spec_shiftr, BigZ.spec_shiftl, BigZ.spec_mul, nbB_spec.
  bzconst.
  rewrite Z.shiftr_div_pow2 by lia. rewrite Z.shiftl_mul_pow2 by (unfold NB; lia).
  rewrite Z.div_div by (try apply Z.pow_pos_nonneg; lia).
  set (a := ((zB (tnum H F)) * 2 ^ NB)%Z).
  set (b := (2 ^ (6 * (zB F)) * 720)%Z).
  assert (Hb : (0 < b)%Z) by (unfold b; apply Z.mul_pos_pos; [apply Z.pow_pos_nonneg|]; lia).
  replace (720 * 2 ^ (6 * (zB F)))%Z with b by (unfold b; ring).
  assert (HbR : 0 < IZR b) by (apply IZR_lt; exact Hb).
  pose proof (IZR_div_le a b Hb). pose proof (IZR_div_gt a b Hb).
  split.
  - apply Rmult_le_reg_r with (IZR b); [exact HbR|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l by lra. lra.
  - apply Rmult_lt_reg_r with (IZR b); [exact HbR|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l by lra. lra.
Qed.

(** ** Squarings in fixed point *)

Definition sq_lo (L : bigZ) : bigZ := BigZ.shiftr (L * L) nbB.
Definition sq_hi (U : bigZ) : bigZ := BigZ.shiftr (U * U + (BigZ.shiftl 1 nbB - 1)) nbB.

Lemma sq_lo_spec L a :
  (0 <= (zB L))%Z -> 0 <= a -> IZR (zB L) * bpow radix2 (- NB) <= a ->
  (0 <= (zB (sq_lo L)))%Z /\ IZR (zB (sq_lo L)) * bpow radix2 (- NB) <= a * a.
Proof.
  intros HL Ha H. unfold sq_lo.
  rewrite BigZ.spec_shiftr, BigZ.spec_mul, nbB_spec, Z.shiftr_div_pow2 by (unfold NB; lia).
  assert (Hp : (0 < 2 ^ NB)%Z) by (apply Z.pow_pos_nonneg; unfold NB; lia).
  split; [apply Z.div_pos; [apply Z.mul_nonneg_nonneg|]; lia|].
  pose proof (IZR_div_le ((zB L) * (zB L)) (2 ^ NB) Hp) as Hd.
  rewrite <- (bpow_nonneg_IZR NB) in Hd by (unfold NB; lia).
  rewrite bpow_mNB in *. pose proof bpow_NB_pos as HB.
  set (B := bpow radix2 NB) in *.
  assert (Hq : IZR ((zB L) * (zB L) / 2 ^ NB) <= IZR (zB L) * IZR (zB L) / B).
  { apply Rmult_le_reg_r with B; [exact HB|]. unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra.
    rewrite Rmult_1_r, <- mult_IZR. exact Hd. }
  assert (H0 : 0 <= IZR (zB L) * / B) by (apply Rmult_le_pos; [apply IZR_le; exact HL|left; apply Rinv_0_lt_compat; exact HB]).
  apply Rle_trans with (IZR (zB L) * IZR (zB L) / B * / B).
  - apply Rmult_le_compat_r; [left; apply Rinv_0_lt_compat; exact HB|exact Hq].
  - replace (IZR (zB L) * IZR (zB L) / B * / B) with ((IZR (zB L) * / B) * (IZR (zB L) * / B))
      by (field; lra).
    apply Rmult_le_compat; assumption.
Qed.

Lemma sq_hi_spec U a :
  0 <= a -> a <= IZR (zB U) * bpow radix2 (- NB) ->
  a * a <= IZR (zB (sq_hi U)) * bpow radix2 (- NB).
Proof.
  intros Ha H. unfold sq_hi.
  rewrite BigZ.spec_shiftr, BigZ.spec_add, BigZ.spec_sub, BigZ.spec_shiftl, BigZ.spec_mul, nbB_spec.
  bzconst. rewrite Z.shiftr_div_pow2, Z.shiftl_mul_pow2 by (unfold NB; lia).
  rewrite Z.mul_1_l.
  assert (Hp : (0 < 2 ^ NB)%Z) by (apply Z.pow_pos_nonneg; unfold NB; lia).
  set (P := (2 ^ NB)%Z) in *.
  assert (Hc : IZR ((zB U) * (zB U)) <= IZR (((zB U) * (zB U) + (P - 1)) / P) * IZR P).
  { rewrite <- mult_IZR. apply IZR_le.
    pose proof (Z.mul_succ_div_gt ((zB U) * (zB U) + (P - 1)) P Hp). nia. }
  rewrite bpow_mNB in *. pose proof bpow_NB_pos as HB.
  assert (HPB : IZR P = bpow radix2 NB)
    by (unfold P; rewrite bpow_nonneg_IZR; [reflexivity|unfold NB; lia]).
  rewrite HPB in Hc.
  set (B := bpow radix2 NB) in *.
  apply Rle_trans with ((IZR (zB U) * / B) * (IZR (zB U) * / B)).
  - apply Rmult_le_compat; assumption.
  - replace ((IZR (zB U) * / B) * (IZR (zB U) * / B)) with (IZR ((zB U) * (zB U)) / B * / B)
      by (rewrite mult_IZR; field; lra).
    apply Rmult_le_compat_r; [left; apply Rinv_0_lt_compat; exact HB|].
    apply Rmult_le_reg_r with B; [exact HB|]. unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra.
    rewrite Rmult_1_r. exact Hc.
Qed.

Fixpoint iterB (n : nat) (f : bigZ -> bigZ) (x : bigZ) : bigZ :=
  match n with O => x | S n' => iterB n' f (f x) end.

Lemma exp_double y : exp (y * 2) = exp y * exp y.
Proof. rewrite <- exp_plus. f_equal. ring. Qed.

Lemma iter_lo_spec n L y :
  (0 <= (zB L))%Z -> IZR (zB L) * bpow radix2 (- NB) <= exp y ->
  IZR (zB (iterB n sq_lo L)) * bpow radix2 (- NB) <= exp (y * 2 ^ n).
Proof.
  revert L y. induction n as [|n IH]; intros L y HL H; simpl.
  - rewrite Rmult_1_r. exact H.
  - destruct (sq_lo_spec L (exp y) HL (Rlt_le _ _ (exp_pos y)) H) as [H1 H2].
    rewrite <- exp_double in H2.
    replace (y * (2 * 2 ^ n)) with ((y * 2) * 2 ^ n) by ring. apply IH; assumption.
Qed.

Lemma iter_hi_spec n U y :
  exp y <= IZR (zB U) * bpow radix2 (- NB) ->
  exp (y * 2 ^ n) <= IZR (zB (iterB n sq_hi U)) * bpow radix2 (- NB).
Proof.
  revert U y. induction n as [|n IH]; intros U y H; simpl.
  - rewrite Rmult_1_r. exact H.
  - pose proof (sq_hi_spec U (exp y) (Rlt_le _ _ (exp_pos y)) H) as H2.
    rewrite <- exp_double in H2.
    replace (y * (2 * 2 ^ n)) with ((y * 2) * 2 ^ n) by ring. apply IH; assumption.
Qed.

(** ** Range reduction: x = X 2^E >= 0 is (X 2^-F) 2^k with X 2^-F <= 2^-16 *)

Definition reduce (X E : bigZ) : option (bigZ * nat) :=
  let k := BigZ.max 0 (BigZ.log2 X + E + 17) in
  let F := (k - E)%bigZ in
  if andb (andb (0 <=? X)%bigZ (0 <=? F)%bigZ) (BigZ.shiftl X 16 <=? BigZ.shiftl 1 F)%bigZ
  then Some (F, Z.to_nat (zB k))
  else None.

Lemma reduce_spec X E F n :
  reduce X E = Some (F, n) ->
  (0 <= (zB F))%Z /\
  0 <= IZR (zB X) * bpow radix2 (- (zB F)) <= / 65536 /\
  IZR (zB X) * bpow radix2 (zB E) = (IZR (zB X) * bpow radix2 (- (zB F))) * 2 ^ n.
Proof.
  unfold reduce. set (k := BigZ.max 0 (BigZ.log2 X + E + 17)).
  destruct (andb (andb (0 <=? X)%bigZ (0 <=? k - E)%bigZ) (BigZ.shiftl X 16 <=? BigZ.shiftl 1 (k - E))%bigZ)
    eqn:Hc; [|discriminate].
  intros Heq. injection Heq as <- <-.
  rewrite !Bool.andb_true_iff in Hc. destruct Hc as [[HX HF] Hs].
  rewrite BigZ.spec_leb in HX, HF, Hs. apply Z.leb_le in HX, HF, Hs.
  rewrite BigZ.spec_sub in *. rewrite !BigZ.spec_shiftl in Hs. bzconst.
  assert (Hk : (0 <= (zB k))%Z) by (unfold k; rewrite BigZ.spec_max; bzconst; lia).
  rewrite BigZ.spec_sub in Hs. rewrite Z.shiftl_mul_pow2 in Hs by lia. rewrite Z.shiftl_mul_pow2 in Hs by lia.
  rewrite Z.mul_1_l in Hs.
  split; [exact HF|]. split.
  - split.
    + apply Rmult_le_pos; [apply IZR_le; exact HX|apply bpow_ge_0].
    + apply IZR_le in Hs. rewrite mult_IZR in Hs.
      rewrite <- (bpow_nonneg_IZR 16), <- (bpow_nonneg_IZR ((zB k) - (zB E))) in Hs by lia.
      rewrite bpow_opp. pose proof (bpow_gt_0 radix2 ((zB k) - (zB E))).
      replace (/ 65536) with (/ bpow radix2 16) by (simpl; lra).
      pose proof (bpow_gt_0 radix2 16).
      apply Rmult_le_reg_r with (bpow radix2 16 * bpow radix2 ((zB k) - (zB E))).
      * apply Rmult_lt_0_compat; assumption.
      * replace (IZR (zB X) * / bpow radix2 ((zB k) - (zB E)) * (bpow radix2 16 * bpow radix2 ((zB k) - (zB E))))
          with (IZR (zB X) * bpow radix2 16) by (field; lra).
        replace (/ bpow radix2 16 * (bpow radix2 16 * bpow radix2 ((zB k) - (zB E))))
          with (bpow radix2 ((zB k) - (zB E))) by (field; lra).
        exact Hs.
  - rewrite Rmult_assoc. f_equal.
    rewrite (pow_IZR 2), Z2Nat.id by exact Hk.
    rewrite <- (bpow_nonneg_IZR (zB k) Hk), <- bpow_plus. f_equal. ring.
Qed.

(** ** Bounds for x >= 0 *)

Definition pos_lo (X E : bigZ) : bigZ :=
  match reduce X E with
  | Some (F, n) => iterB n sq_lo (exp0_lo X F)
  | None => 0%bigZ
  end.

Definition pos_hi (X E : bigZ) : option bigZ :=
  match reduce X E with
  | Some (F, n) => Some (iterB n sq_hi (exp0_lo X F + 2)%bigZ)
  | None => None
  end.

Lemma exp0_bounds H F :
  (0 <= (zB F))%Z -> 0 <= IZR (zB H) * bpow radix2 (- (zB F)) <= / 65536 ->
  (0 <= (zB (exp0_lo H F)))%Z /\
  IZR (zB (exp0_lo H F)) * bpow radix2 (- NB) <= exp (IZR (zB H) * bpow radix2 (- (zB F))) /\
  exp (IZR (zB H) * bpow radix2 (- (zB F))) <= IZR (zB (exp0_lo H F + 2)) * bpow radix2 (- NB).
Proof.
  intros HF Hh. destruct (exp_taylor6 _ Hh) as [T1 T2].
  destruct (exp0_lo_spec H F HF) as [E1 E2].
  set (h := IZR (zB H) * bpow radix2 (- (zB F))) in *.
  pose proof bpow_NB_pos as HB. rewrite bpow_mNB.
  assert (HP1 : 1 <= P6 h) by (unfold P6; destruct Hh; pose proof (pow_le h 2); pose proof (pow_le h 3);
    pose proof (pow_le h 4); pose proof (pow_le h 5); pose proof (pow_le h 6); nra).
  assert (H100 : / 2 ^ 100 = / bpow radix2 NB).
  { f_equal. unfold NB. rewrite bpow_nonneg_IZR by lia.
    change (2 ^ 100)%Z with (2 ^ Z.of_nat 100)%Z. rewrite pow_IZR. reflexivity. }
  rewrite H100 in T2. set (B := bpow radix2 NB) in *.
  assert (Hlo : P6 h * B < IZR (zB (exp0_lo H F)) + 1) by exact E2.
  split; [|split].
  - assert (0 < IZR ((zB (exp0_lo H F)) + 1)) by (rewrite plus_IZR; simpl (IZR 1); nra).
    apply lt_IZR in H0. lia.
  - apply Rle_trans with (P6 h); [|exact T1].
    apply Rmult_le_reg_r with B; [exact HB|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact E1.
  - rewrite BigZ.spec_add, plus_IZR. bzconst.
    apply Rle_trans with (P6 h + / B); [exact T2|].
    apply Rmult_le_reg_r with B; [exact HB|].
    rewrite Rmult_plus_distr_r, Rinv_l, Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra.
Qed.

Lemma pos_lo_spec X E :
  (0 <= (zB (pos_lo X E)))%Z /\
  (reduce X E <> None -> IZR (zB (pos_lo X E)) * bpow radix2 (- NB) <= exp (IZR (zB X) * bpow radix2 (zB E))).
Proof.
  unfold pos_lo. destruct (reduce X E) as [[F n]|] eqn:Hr; [|split; [reflexivity|congruence]].
  destruct (reduce_spec X E F n Hr) as (HF & Hh & Hx).
  destruct (exp0_bounds X F HF Hh) as (H0 & H1 & _).
  split.
  - clear -H0. revert H0. generalize (exp0_lo X F). induction n as [|n IH]; intros L HL; simpl; [exact HL|].
    apply IH. unfold sq_lo. rewrite BigZ.spec_shiftr, BigZ.spec_mul, nbB_spec.
    rewrite Z.shiftr_div_pow2 by (unfold NB; lia).
    apply Z.div_pos; [apply Z.mul_nonneg_nonneg; exact HL|apply Z.pow_pos_nonneg; unfold NB; lia].
  - intros _. rewrite Hx. apply iter_lo_spec; assumption.
Qed.

Lemma pos_hi_spec X E U :
  pos_hi X E = Some U -> exp (IZR (zB X) * bpow radix2 (zB E)) <= IZR (zB U) * bpow radix2 (- NB).
Proof.
  unfold pos_hi. destruct (reduce X E) as [[F n]|] eqn:Hr; [|discriminate].
  intros Heq. injection Heq as <-.
  destruct (reduce_spec X E F n Hr) as (HF & Hh & Hx).
  destruct (exp0_bounds X F HF Hh) as (_ & _ & H2).
  rewrite Hx. apply iter_hi_spec. exact H2.
Qed.

(** ** Bounds for any sign *)

Definition two2NB : bigZ := BigZ.shiftl 1 (2 * nbB).

Definition exp_lo (X E : bigZ) : bigZ :=
  if (0 <=? X)%bigZ then pos_lo X E
  else match pos_hi (- X) E with
       | Some U => if (0 <? U)%bigZ then (two2NB / U)%bigZ else 0%bigZ
       | None => 0%bigZ
       end.

Definition exp_hi (X E : bigZ) : option bigZ :=
  if (0 <=? X)%bigZ then pos_hi X E
  else let L := pos_lo (- X) E in
       if (0 <? L)%bigZ then Some ((two2NB + L - 1) / L)%bigZ else None.

Lemma two2NB_spec : IZR (zB two2NB) = bpow radix2 NB * bpow radix2 NB.
Proof.
  unfold two2NB. rewrite BigZ.spec_shiftl, BigZ.spec_mul, nbB_spec. bzconst.
  rewrite Z.shiftl_mul_pow2 by (unfold NB; lia). rewrite Z.mul_1_l.
  rewrite <- bpow_plus, bpow_nonneg_IZR by (unfold NB; lia). f_equal.
Qed.

Lemma reduce_nonneg X E : reduce X E <> None -> (0 <= (zB X))%Z.
Proof.
  intros H. destruct (reduce X E) as [[F n]|] eqn:Hr; [|congruence].
  destruct (reduce_spec X E F n Hr) as (_ & [Hh _] & _).
  pose proof (bpow_gt_0 radix2 (- zB F)).
  apply le_IZR. apply Rmult_le_reg_r with (bpow radix2 (- zB F)); [assumption|]. lra.
Qed.

Theorem exp_lo_spec X E :
  IZR (zB (exp_lo X E)) * bpow radix2 (- NB) <= exp (IZR (zB X) * bpow radix2 (zB E)).
Proof.
  pose proof bpow_NB_pos as HB.
  unfold exp_lo. destruct (0 <=? X)%bigZ eqn:HX.
  - destruct (reduce X E) eqn:Hr.
    + apply pos_lo_spec. congruence.
    + unfold pos_lo. rewrite Hr. rewrite bz0, Rmult_0_l. left. apply exp_pos.
  - destruct (pos_hi (- X) E) as [U|] eqn:Hu;
      [|rewrite bz0, Rmult_0_l; left; apply exp_pos].
    destruct (0 <? U)%bigZ eqn:HU; [|rewrite bz0, Rmult_0_l; left; apply exp_pos].
    rewrite bpow_mNB. set (B := bpow radix2 NB) in *.
    rewrite BigZ.spec_ltb in HU. apply Z.ltb_lt in HU. bzconst.
    pose proof (pos_hi_spec _ _ _ Hu) as Hx. rewrite BigZ.spec_opp, opp_IZR in Hx.
    rewrite bpow_mNB in Hx. fold B in Hx.
    rewrite BigZ.spec_div. pose proof (IZR_div_le (zB two2NB) (zB U) HU) as Hd.
    rewrite two2NB_spec in Hd.
    assert (HUR : 0 < IZR (zB U)) by (apply IZR_lt; exact HU).
    set (x := IZR (zB X) * bpow radix2 (zB E)) in *.
    replace (- IZR (zB X) * bpow radix2 (zB E)) with (- x) in Hx by (unfold x; ring).
    rewrite exp_Ropp in Hx.
    (* exp x >= B / U *)
    assert (Hex : B / IZR (zB U) <= exp x).
    { pose proof (exp_pos x) as Hp.
      apply Rmult_le_reg_r with (/ exp x * IZR (zB U)).
      - apply Rmult_lt_0_compat; [apply Rinv_0_lt_compat; exact Hp|exact HUR].
      - replace (B / IZR (zB U) * (/ exp x * IZR (zB U))) with (B * / exp x) by (field; lra).
        replace (exp x * (/ exp x * IZR (zB U))) with (IZR (zB U)) by (field; lra).
        apply Rmult_le_reg_r with (/ B); [apply Rinv_0_lt_compat; exact HB|].
        replace (B * / exp x * / B) with (/ exp x) by (field; lra). exact Hx. }
    apply Rle_trans with (B / IZR (zB U)); [|exact Hex].
    apply Rmult_le_reg_r with (IZR (zB U) * B); [apply Rmult_lt_0_compat; assumption|].
    replace (B / IZR (zB U) * (IZR (zB U) * B)) with (B * B) by (field; lra).
    replace (IZR ((zB two2NB) / (zB U)) * / B * (IZR (zB U) * B))
      with (IZR ((zB two2NB) / (zB U)) * IZR (zB U)) by (field; lra).
    exact Hd.
Qed.

Theorem exp_hi_spec X E U :
  exp_hi X E = Some U -> exp (IZR (zB X) * bpow radix2 (zB E)) <= IZR (zB U) * bpow radix2 (- NB).
Proof.
  pose proof bpow_NB_pos as HB.
  unfold exp_hi. destruct (0 <=? X)%bigZ eqn:HX; [apply pos_hi_spec|].
  destruct (0 <? pos_lo (- X) E)%bigZ eqn:HL; [|discriminate].
  intros Heq. assert (HU : U = ((two2NB + pos_lo (- X) E - 1) / pos_lo (- X) E)%bigZ) by congruence.
  subst U. clear Heq.
  rewrite BigZ.spec_ltb in HL. apply Z.ltb_lt in HL. bzconst.
  set (L := pos_lo (- X) E) in *.
  assert (Hr : reduce (- X) E <> None).
  { intros Hn. unfold L, pos_lo in HL. rewrite Hn, bz0 in HL. lia. }
  destruct (pos_lo_spec (- X) E) as [_ Hx]. specialize (Hx Hr). fold L in Hx.
  rewrite BigZ.spec_opp, opp_IZR in Hx.
  set (x := IZR (zB X) * bpow radix2 (zB E)) in *.
  replace (- IZR (zB X) * bpow radix2 (zB E)) with (- x) in Hx by (unfold x; ring).
  rewrite exp_Ropp, bpow_mNB in Hx. rewrite bpow_mNB. set (B := bpow radix2 NB) in *.
  assert (HLR : 0 < IZR (zB L)) by (apply IZR_lt; exact HL).
  rewrite BigZ.spec_div, BigZ.spec_sub, BigZ.spec_add. bzconst.
  assert (Hc : IZR (zB two2NB) <= IZR (((zB two2NB) + (zB L) - 1) / (zB L)) * IZR (zB L)).
  { rewrite <- mult_IZR. apply IZR_le.
    pose proof (Z.mul_succ_div_gt ((zB two2NB) + (zB L) - 1) (zB L) HL). nia. }
  rewrite two2NB_spec in Hc. fold B in Hc.
  pose proof (exp_pos x) as Hp.
  (* exp x <= B / L *)
  assert (Hex : exp x <= B / IZR (zB L)).
  { apply Rmult_le_reg_r with (/ exp x * IZR (zB L) * / B).
    - apply Rmult_lt_0_compat; [apply Rmult_lt_0_compat|]; try (apply Rinv_0_lt_compat); assumption.
    - replace (exp x * (/ exp x * IZR (zB L) * / B)) with (IZR (zB L) * / B) by (field; lra).
      replace (B / IZR (zB L) * (/ exp x * IZR (zB L) * / B)) with (/ exp x) by (field; lra).
      exact Hx. }
  apply Rle_trans with (B / IZR (zB L)); [exact Hex|].
  apply Rmult_le_reg_r with (IZR (zB L) * B); [apply Rmult_lt_0_compat; assumption|].
  replace (B / IZR (zB L) * (IZR (zB L) * B)) with (B * B) by (field; lra).
  set (q := IZR (((zB two2NB) + (zB L) - 1) / (zB L))) in *.
  replace (q * / B * (IZR (zB L) * B)) with (q * IZR (zB L)) by (field; lra).
  exact Hc.
Qed.

(** ** Floating results: (m, e) with m about NB bits, for any magnitude *)

Lemma log2_nonneg_B (U : bigZ) : (0 <= zB (BigZ.log2 U))%Z.
Proof. rewrite BigZ.spec_log2. apply Z.log2_nonneg. Qed.

(** Lower bound of exp (X 2^E) as m 2^e. *)
Definition exp_lo_f (X E : bigZ) : bigZ * bigZ :=
  if (0 <=? X)%bigZ then (pos_lo X E, (- nbB)%bigZ)
  else match pos_hi (- X) E with
       | Some U =>
           if (0 <? U)%bigZ then
             let s := (nbB + BigZ.log2 U + 1)%bigZ in (BigZ.shiftl 1 s / U, nbB - s)%bigZ
           else (0, 0)%bigZ
       | None => (0, 0)%bigZ
       end.

(** Upper bound of exp (X 2^E) as m 2^e. *)
Definition exp_hi_f (X E : bigZ) : option (bigZ * bigZ) :=
  if (0 <=? X)%bigZ then
    match pos_hi X E with Some U => Some (U, (- nbB)%bigZ) | None => None end
  else let L := pos_lo (- X) E in
       if (0 <? L)%bigZ then
         let s := (nbB + BigZ.log2 L + 1)%bigZ in Some ((BigZ.shiftl 1 s + L - 1) / L, nbB - s)%bigZ
       else None.

Lemma shiftl1_spec (s : bigZ) : (0 <= zB s)%Z -> IZR (zB (BigZ.shiftl 1 s)) = bpow radix2 (zB s).
Proof.
  intros Hs. rewrite BigZ.spec_shiftl, bz1, Z.shiftl_mul_pow2 by exact Hs. rewrite Z.mul_1_l.
  symmetry. apply bpow_nonneg_IZR. exact Hs.
Qed.

Theorem exp_lo_f_spec X E :
  IZR (zB (fst (exp_lo_f X E))) * bpow radix2 (zB (snd (exp_lo_f X E)))
  <= exp (IZR (zB X) * bpow radix2 (zB E)).
Proof.
  unfold exp_lo_f. destruct (0 <=? X)%bigZ eqn:HX.
  - cbn [fst snd]. change (zB (- nbB)%bigZ) with (- NB)%Z.
    destruct (reduce X E) eqn:Hr.
    + apply pos_lo_spec. congruence.
    + unfold pos_lo. rewrite Hr. rewrite bz0, Rmult_0_l. left. apply exp_pos.
  - destruct (pos_hi (- X) E) as [U|] eqn:Hu;
      [|cbn [fst snd]; rewrite bz0, Rmult_0_l; left; apply exp_pos].
    destruct (0 <? U)%bigZ eqn:HU; [|cbn [fst snd]; rewrite bz0, Rmult_0_l; left; apply exp_pos].
    cbn [fst snd].
    rewrite BigZ.spec_ltb in HU. apply Z.ltb_lt in HU. rewrite bz0 in HU.
    set (s := (nbB + BigZ.log2 U + 1)%bigZ).
    assert (Hs : (0 <= zB s)%Z)
      by (unfold s; rewrite !BigZ.spec_add, nbB_spec, bz1; pose proof (log2_nonneg_B U); unfold NB; lia).
    pose proof (pos_hi_spec _ _ _ Hu) as Hx. rewrite BigZ.spec_opp, opp_IZR in Hx.
    rewrite bpow_mNB in Hx. pose proof bpow_NB_pos as HB. set (B := bpow radix2 NB) in *.
    set (x := IZR (zB X) * bpow radix2 (zB E)) in *.
    replace (- IZR (zB X) * bpow radix2 (zB E)) with (- x) in Hx by (unfold x; ring).
    rewrite exp_Ropp in Hx.
    assert (HUR : 0 < IZR (zB U)) by (apply IZR_lt; exact HU).
    assert (Hex : B / IZR (zB U) <= exp x).
    { pose proof (exp_pos x) as Hp.
      apply Rmult_le_reg_r with (/ exp x * IZR (zB U)).
      - apply Rmult_lt_0_compat; [apply Rinv_0_lt_compat; exact Hp|exact HUR].
      - replace (B / IZR (zB U) * (/ exp x * IZR (zB U))) with (B * / exp x) by (field; lra).
        replace (exp x * (/ exp x * IZR (zB U))) with (IZR (zB U)) by (field; lra).
        apply Rmult_le_reg_r with (/ B); [apply Rinv_0_lt_compat; exact HB|].
        replace (B * / exp x * / B) with (/ exp x) by (field; lra). exact Hx. }
    apply Rle_trans with (B / IZR (zB U)); [|exact Hex].
    rewrite BigZ.spec_div, BigZ.spec_sub, nbB_spec.
    pose proof (IZR_div_le (zB (BigZ.shiftl 1 s)) (zB U) HU) as Hd.
    rewrite shiftl1_spec in Hd by exact Hs.
    set (q := IZR (zB (BigZ.shiftl 1 s) / zB U)) in *.
    pose proof (bpow_gt_0 radix2 (zB s)) as Hps. set (Ps := bpow radix2 (zB s)) in *.
    replace (bpow radix2 (NB - zB s)) with (B * / Ps)
      by (unfold B, Ps; rewrite <- bpow_opp, <- bpow_plus; f_equal; ring).
    apply Rmult_le_reg_r with (IZR (zB U) * Ps * / B).
    + apply Rmult_lt_0_compat; [apply Rmult_lt_0_compat; assumption|apply Rinv_0_lt_compat; exact HB].
    + replace (q * (B * / Ps) * (IZR (zB U) * Ps * / B)) with (q * IZR (zB U)) by (field; lra).
      replace (B / IZR (zB U) * (IZR (zB U) * Ps * / B)) with Ps by (field; lra).
      exact Hd.
Qed.

Theorem exp_hi_f_spec X E U e :
  exp_hi_f X E = Some (U, e) ->
  exp (IZR (zB X) * bpow radix2 (zB E)) <= IZR (zB U) * bpow radix2 (zB e).
Proof.
  unfold exp_hi_f. destruct (0 <=? X)%bigZ eqn:HX.
  - destruct (pos_hi X E) as [U'|] eqn:Hu; [|discriminate].
    intros Heq. injection Heq as <- <-. change (zB (- nbB)%bigZ) with (- NB)%Z.
    apply pos_hi_spec. exact Hu.
  - destruct (0 <? pos_lo (- X) E)%bigZ eqn:HL; [|discriminate].
    set (L := pos_lo (- X) E) in *. set (s := (nbB + BigZ.log2 L + 1)%bigZ).
    intros Heq. assert (HUe : U = ((BigZ.shiftl 1 s + L - 1) / L)%bigZ /\ e = (nbB - s)%bigZ)
      by (split; congruence).
    destruct HUe as [-> ->]. clear Heq.
    rewrite BigZ.spec_ltb in HL. apply Z.ltb_lt in HL. rewrite bz0 in HL.
    assert (Hs : (0 <= zB s)%Z)
      by (unfold s; rewrite !BigZ.spec_add, nbB_spec, bz1; pose proof (log2_nonneg_B L); unfold NB; lia).
    assert (Hr : reduce (- X) E <> None).
    { intros Hn. unfold L, pos_lo in HL. rewrite Hn, bz0 in HL. lia. }
    destruct (pos_lo_spec (- X) E) as [_ Hx]. specialize (Hx Hr). fold L in Hx.
    rewrite BigZ.spec_opp, opp_IZR in Hx.
    set (x := IZR (zB X) * bpow radix2 (zB E)) in *.
    replace (- IZR (zB X) * bpow radix2 (zB E)) with (- x) in Hx by (unfold x; ring).
    rewrite exp_Ropp, bpow_mNB in Hx. pose proof bpow_NB_pos as HB. set (B := bpow radix2 NB) in *.
    assert (HLR : 0 < IZR (zB L)) by (apply IZR_lt; exact HL).
    pose proof (exp_pos x) as Hp.
    assert (Hex : exp x <= B / IZR (zB L)).
    { apply Rmult_le_reg_r with (/ exp x * IZR (zB L) * / B).
      - apply Rmult_lt_0_compat; [apply Rmult_lt_0_compat|]; try (apply Rinv_0_lt_compat); assumption.
      - replace (exp x * (/ exp x * IZR (zB L) * / B)) with (IZR (zB L) * / B) by (field; lra).
        replace (B / IZR (zB L) * (/ exp x * IZR (zB L) * / B)) with (/ exp x) by (field; lra).
        exact Hx. }
    apply Rle_trans with (B / IZR (zB L)); [exact Hex|].
    rewrite BigZ.spec_div, !BigZ.spec_sub, BigZ.spec_add, nbB_spec, bz1.
    set (S2 := zB (BigZ.shiftl 1 s)).
    assert (Hc : IZR S2 <= IZR ((S2 + zB L - 1) / zB L) * IZR (zB L)).
    { rewrite <- mult_IZR. apply IZR_le.
      pose proof (Z.mul_succ_div_gt (S2 + zB L - 1) (zB L) HL). nia. }
    unfold S2 in Hc. rewrite shiftl1_spec in Hc by exact Hs.
    set (q := IZR ((S2 + zB L - 1) / zB L)) in *.
    pose proof (bpow_gt_0 radix2 (zB s)) as Hps. set (Ps := bpow radix2 (zB s)) in *.
    replace (bpow radix2 (NB - zB s)) with (B * / Ps)
      by (unfold B, Ps; rewrite <- bpow_opp, <- bpow_plus; f_equal; ring).
    apply Rmult_le_reg_r with (IZR (zB L) * Ps * / B).
    + apply Rmult_lt_0_compat; [apply Rmult_lt_0_compat; assumption|apply Rinv_0_lt_compat; exact HB].
    + replace (q * (B * / Ps) * (IZR (zB L) * Ps * / B)) with (q * IZR (zB L)) by (field; lra).
      replace (B / IZR (zB L) * (IZR (zB L) * Ps * / B)) with Ps by (field; lra).
      exact Hc.
Qed.

(** ** Exact helpers on floating pairs *)

(** [up_at P m e]: an integer u with m 2^e <= u 2^-P (m 2^e rounded up to the grid 2^-P). *)
Definition up_at (P m e : bigZ) : bigZ :=
  let k := (e + P)%bigZ in
  if (0 <=? k)%bigZ then BigZ.shiftl m k else (BigZ.shiftr m (- k) + 1)%bigZ.

Lemma up_at_spec P m e :
  IZR (zB m) * bpow radix2 (zB e) <= IZR (zB (up_at P m e)) * bpow radix2 (- zB P).
Proof.
  unfold up_at. destruct (0 <=? e + P)%bigZ eqn:Hk.
  - rewrite BigZ.spec_leb, bz0, BigZ.spec_add in Hk. apply Z.leb_le in Hk.
    rewrite BigZ.spec_shiftl, BigZ.spec_add, Z.shiftl_mul_pow2 by exact Hk.
    rewrite mult_IZR, <- bpow_nonneg_IZR by exact Hk. rewrite Rmult_assoc, <- bpow_plus.
    right. f_equal. f_equal. ring.
  - rewrite BigZ.spec_leb, bz0, BigZ.spec_add in Hk. apply Z.leb_gt in Hk.
    rewrite BigZ.spec_add, BigZ.spec_shiftr, BigZ.spec_opp, BigZ.spec_add, bz1.
    rewrite Z.shiftr_div_pow2 by lia.
    set (k := (- (zB e + zB P))%Z).
    assert (Hp : (0 < 2 ^ k)%Z) by (apply Z.pow_pos_nonneg; unfold k; lia).
    pose proof (IZR_div_gt (zB m) (2 ^ k) Hp) as Hd.
    rewrite <- (bpow_nonneg_IZR k) in Hd by (unfold k; lia).
    rewrite plus_IZR. pose proof (bpow_gt_0 radix2 k) as Hk0. pose proof (bpow_gt_0 radix2 (- zB P)) as HP0.
    replace (bpow radix2 (zB e)) with (bpow radix2 (- zB P) * / bpow radix2 k)
      by (replace (zB e) with (- zB P + - k)%Z by (unfold k; ring); rewrite bpow_plus, (bpow_opp radix2 k);
          reflexivity).
    assert (Hq : IZR (zB m) * / bpow radix2 k <= IZR (zB m / 2 ^ k) + 1).
    { apply Rmult_le_reg_r with (bpow radix2 k); [lra|]. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    replace (IZR (zB m) * (bpow radix2 (- zB P) * / bpow radix2 k))
      with ((IZR (zB m) * / bpow radix2 k) * bpow radix2 (- zB P)) by ring.
    apply Rmult_le_compat_r; [lra|exact Hq].
Qed.

(** [dyB_le m1 e1 m2 e2]: m1 2^e1 <= m2 2^e2, decided exactly. *)
Definition dyB_le (m1 e1 m2 e2 : bigZ) : bool :=
  let e := BigZ.min e1 e2 in (BigZ.shiftl m1 (e1 - e) <=? BigZ.shiftl m2 (e2 - e))%bigZ.

Lemma dyB_le_spec m1 e1 m2 e2 :
  dyB_le m1 e1 m2 e2 = true ->
  IZR (zB m1) * bpow radix2 (zB e1) <= IZR (zB m2) * bpow radix2 (zB e2).
Proof.
  unfold dyB_le. rewrite BigZ.spec_leb. intros H. apply Z.leb_le in H.
  rewrite !BigZ.spec_shiftl, !BigZ.spec_sub, BigZ.spec_min in H.
  set (e := Z.min (zB e1) (zB e2)) in *.
  rewrite !Z.shiftl_mul_pow2 in H by (unfold e; lia). apply IZR_le in H.
  rewrite !mult_IZR, <- !bpow_nonneg_IZR in H by (unfold e; lia).
  replace (zB e1) with ((zB e1 - e) + e)%Z by lia. replace (zB e2) with ((zB e2 - e) + e)%Z by lia.
  rewrite !bpow_plus, <- !Rmult_assoc.
  apply Rmult_le_compat_r; [apply bpow_ge_0|exact H].
Qed.
