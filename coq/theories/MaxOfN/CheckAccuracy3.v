(** * CheckAccuracy3.v -- reflective checkers of accuracy certificates (three tokens)

    Exact integer comparisons on the table of [Data.exact_table], as in
    [CheckAccuracy.v].

    Checkers ([cdata _ -> bool]) and theorems, all concluding
    [accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c)]:
    - [check_brute_force_accuracy3]: trace [list (list (list bool))],
      entry [t1][t2][t3] = input claimed correct;
    - [check_symmetry_accuracy3]: entry [c][b][a] for the sorted input
      a <= b <= c, counted with multiplicity [mult3] (6/3/1);
    - [check_convexity_accuracy3]: trace [list (list float)], entry [c][t]
      (t <= c) = the index j* <> c of the largest logit of z(t,t,c) other than
      z_c (verified against every j <> c); with m(t,c) = z(t,t,c)_c - z(t,t,c)_j*,
      every sorted input (a,b,c) with m(a,c) + m(b,c) > 0 is correct
      ([correct3_of_margin_sum]: the margin is concave) and is counted with
      its multiplicity.
    Brute force and symmetry are the strategies [acc_triples], [acc_sorted_triples] (with their
    specs [acc_triples_spec], [acc_sorted_triples_spec], for a test that passes only correct
    inputs, [triples_correct]) on the opening [CheckAccuracy.with_table] and the staged test
    [correct3_z_at]; [CheckFloat3] shares the strategies. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Model Symmetry Convexity Accuracy Data CheckLoss CheckAccuracy
  CheckLoss3.
Import ListNotations.
Open Scope R_scope.

Local Notation zB := BigZ.to_Z.

Definition bget3 (M : list (list (list bool))) (i j k : nat) : bool :=
  nth k (nth j (nth i M []) []) false.

(** ** Exact correctness of one input *)

Fixpoint all3i (f : nat -> bigZ -> bigZ -> bigZ -> bool) (i : nat) (a b c : list bigZ) : bool :=
  match a, b, c with
  | x :: a', y :: b', z :: c' => f i x y z && all3i f (S i) a' b' c'
  | _, _, _ => true
  end.

Lemma all3i_spec f i a b c :
  length a = length b -> length a = length c -> all3i f i a b c = true ->
  forall j, (j < length a)%nat ->
    f (i + j)%nat (nth j a 0%bigZ) (nth j b 0%bigZ) (nth j c 0%bigZ) = true.
Proof.
  revert i b c. induction a as [|x a IH]; intros i [|y b] [|z c] Hb Hc H j Hj; simpl in *; try lia.
  apply andb_true_iff in H. destruct H as [H1 H2]. destruct j as [|j].
  - rewrite Nat.add_0_r. exact H1.
  - replace (i + S j)%nat with (S i + j)%nat by lia. apply IH; auto; lia.
Qed.

Definition correct3_z (c1 c2 c3 : list bigZ) (y : nat) : bool :=
  let zy := (nth y c1 0 + nth y c2 0 + nth y c3 0)%bigZ in
  all3i (fun j x1 x2 x3 => Nat.eqb j y || (x1 + x2 + x3 <? zy)%bigZ) 0 c1 c2 c3.

Lemma correct3_z_spec w es cols t1 t2 t3 :
  exact_table w = Some (es, cols) -> (t1 < w_d w)%nat -> (t2 < w_d w)%nat -> (t3 < w_d w)%nat ->
  correct3_z (nth t1 cols []) (nth t2 cols []) (nth t3 cols []) (max3 t1 t2 t3) = true ->
  correct3b (model_of w) t1 t2 t3 = true.
Proof.
  intros Hx H1 H2 H3 Hc. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  apply correct3b_spec. unfold correct3, correct. intros j Hj Hne.
  simpl in Hj. assert (Hy : (max3 t1 t2 t3 < w_d w)%nat)
    by (unfold max3; repeat apply Nat.max_lub_lt; auto).
  rewrite !logits3_eq_W, !V by assumption.
  assert (L2 : length (nth t1 cols []) = length (nth t2 cols [])) by (rewrite !Lr; auto).
  assert (L3 : length (nth t1 cols []) = length (nth t3 cols [])) by (rewrite !Lr; auto).
  assert (Hj1 : (j < length (nth t1 cols []))%nat) by (rewrite Lr; auto).
  unfold correct3_z in Hc. pose proof (all3i_spec _ 0 _ _ _ L2 L3 Hc j Hj1) as Hc'.
  simpl in Hc'. apply Nat.eqb_neq in Hne. rewrite Hne in Hc'. simpl in Hc'.
  rewrite BigZ.spec_ltb, !BigZ.spec_add in Hc'.
  apply Z.ltb_lt, IZR_lt in Hc'. rewrite !plus_IZR in Hc'. unfold bcol, mget.
  pose proof (bpow_gt_0 radix2 es). change BigZ.t with BigZ.t_ in *. nra.
Qed.

(** ** Brute force and symmetry: the tests and the claim *)

Lemma num_correct3_sorted (p : mlp) :
  num_correct3 p
  = rsum (mlp_d p) (fun c => rsum (S c) (fun b => rsum (S b) (fun a =>
      mult3 a b c * ind (correct3b p a b c)))).
Proof.
  unfold num_correct3.
  apply (rsum_cube_sym_mult (fun a b c => ind (correct3b p a b c))).
  - intros. rewrite correct3b_swap12. reflexivity.
  - intros. rewrite correct3b_swap23. reflexivity.
Qed.

(** [acc_triples c ok] : every input (t1, t2, t3) the trace marks correct (entry [t1][t2][t3])
    passes [ok t1 t2 t3] ([Data.all_triples]: [ok t1], [ok t1 t2] once per plane, per row), and
    the marked inputs' count makes the claim. [acc_sorted_triples c ok] : the same on the sorted
    inputs t1 <= t2 <= t3, entry [t3][t2][t1], tested as [ok t3 t2 t1] (the verdict is
    symmetric), counted with their multiplicities 6/3/1. Shared by the exact checkers here and the binary64 ones of [CheckFloat3]. *)
Definition acc_triples (c : cdata (list (list (list bool)))) (ok : nat -> nat -> nat -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_triples d tr false (fun t1 => let ok1 := ok t1 in fun t2 => let ok12 := ok1 t2 in
                                    fun t3 b => if b then ok12 t3 else true) &&
  acc_claim_okn 3 (zsum d (fun t1 => zsum d (fun t2 => zsum d (fun t3 => zind (bget3 tr t1 t2 t3)))))
                d (cd_p c) (cd_q c).

Definition acc_sorted_triples (c : cdata (list (list (list bool)))) (ok : nat -> nat -> nat -> bool)
    : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  sorted_triples d tr false (fun t3 => let ok3 := ok t3 in fun t2 => let ok32 := ok3 t2 in
                                       fun t1 b => if b then ok32 t1 else true) &&
  acc_claim_okn 3 (zsum d (fun t3 => zsum (S t3) (fun t2 => zsum (S t2) (fun t1 =>
                     if bget3 tr t3 t2 t1 then mult3z t1 t2 t3 else 0%Z)))) d (cd_p c) (cd_q c).

(** What the specs ask of a test: every input it passes is correct. *)
Definition triples_correct {T : Type} (c : cdata T) (ok : nat -> nat -> nat -> bool) : Prop :=
  forall t1 t2 t3, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
    (t3 < w_d (cd_weights c))%nat -> ok t1 t2 t3 = true ->
    correct3b (model_of (cd_weights c)) t1 t2 t3 = true.

Lemma acc_triples_spec c ok : acc_triples c ok = true -> triples_correct c ok ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_triples. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy3. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  unfold num_correct3. rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  rewrite IZR_zsum. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum. apply rsum_le. intros t3 H3.
  rewrite <- ind_zind. apply ind_le_of_imp. intros Hb.
  pose proof (all_triples_spec _ _ _ _ Hall t1 t2 t3 H1 H2 H3) as Ht. unfold bget3 in Hb.
  cbv beta zeta in Ht. rewrite Hb in Ht. exact (Hok t1 t2 t3 H1 H2 H3 Ht).
Qed.

Lemma acc_sorted_triples_spec c ok : acc_sorted_triples c ok = true -> triples_correct c ok ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_sorted_triples. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy3. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  rewrite num_correct3_sorted.
  rewrite IZR_zsum. apply rsum_le. intros t3 H3.
  rewrite IZR_zsum. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  change (mlp_d (model_of (cd_weights c))) with (w_d (cd_weights c)) in H3.
  pose proof (sorted_triples_spec _ _ _ _ Hall t3 t2 t1 H3 ltac:(lia) ltac:(lia)) as Ht.
  cbv beta zeta in Ht.
  rewrite mult3_IZR. unfold bget3 in *. destruct (nth t1 (nth t2 (nth t3 (cd_trace c) []) []) false).
  - rewrite correct3b_swap12, correct3b_swap23, correct3b_swap12.
    rewrite (Hok t3 t2 t1 H3 ltac:(lia) ltac:(lia) Ht). unfold ind. lra.
  - apply Rmult_le_pos; [apply IZR_le, mult3z_pos|apply ind_nonneg].
Qed.

(** ** Brute force and symmetry: the checkers

    Both test input (t1, t2, t3) by [correct3_z] ([correct3_z_at], staged: columns t1, t2 once
    per plane, per row); symmetry tests the sorted input (t1, t2, t3) as (t3, t2, t1). *)

Definition correct3_z_at (cols : list (list bigZ)) (t1 : nat) : nat -> nat -> bool :=
  let c1 := nth t1 cols [] in fun t2 =>
  let c2 := nth t2 cols [] in fun t3 =>
  correct3_z c1 c2 (nth t3 cols []) (max3 t1 t2 t3).

Definition check_brute_force_accuracy3 (c : cdata (list (list (list bool)))) : bool :=
  with_table c (fun cols => acc_triples c (correct3_z_at cols)).

Theorem check_brute_force_accuracy3_correct c :
  check_brute_force_accuracy3 c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  exact (acc_triples_spec _ _ Hb (fun t1 t2 t3 => correct3_z_spec _ es cols t1 t2 t3 Hx)).
Qed.

Definition check_symmetry_accuracy3 (c : cdata (list (list (list bool)))) : bool :=
  with_table c (fun cols => acc_sorted_triples c (correct3_z_at cols)).

Theorem check_symmetry_accuracy3_correct c :
  check_symmetry_accuracy3 c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  exact (acc_sorted_triples_spec _ _ Hb (fun t1 t2 t3 => correct3_z_spec _ es cols t1 t2 t3 Hx)).
Qed.

(** ** Convexity *)

Fixpoint zs2 (a b : list bigZ) : list bigZ :=
  match a, b with
  | x :: a', y :: b' => (2 * x + y)%bigZ :: zs2 a' b'
  | _, _ => []
  end.

Lemma zs2_spec a b :
  length a = length b ->
  length (zs2 a b) = length a /\
  forall j, (j < length a)%nat ->
    zB (nth j (zs2 a b) 0%bigZ) = (2 * zB (nth j a 0%bigZ) + zB (nth j b 0%bigZ))%Z.
Proof.
  revert b. induction a as [|x a IH]; intros [|y b] Hl; simpl in Hl; try discriminate.
  - split; [reflexivity|]. intros j Hj. simpl in Hj. lia.
  - destruct (IH b ltac:(lia)) as [L Hn]. split; [simpl; lia|].
    intros [|j] Hj; cbn [nth zs2].
    + rewrite BigZ.spec_add, BigZ.spec_mul. reflexivity.
    + apply Hn. simpl in Hj. lia.
Qed.

(** Verified margin of input (t,t,c): z_c - z_j* with j* the hint, if the hint is the
    largest z_j over j <> c. *)
Definition ru_margin (ct cc : list bigZ) (c : nat) (x : float) : option bigZ :=
  match fidx x with
  | Some js =>
      let zs := zs2 ct cc in
      let zj := nth js zs 0%bigZ in
      if Nat.ltb js (length zs) && negb (Nat.eqb js c)
         && alli (fun j z => Nat.eqb j c || (z <=? zj)%bigZ) 0 zs
      then Some (nth c zs 0 - zj)%bigZ else None
  | None => None
  end.

Definition margins3 (d : nat) (cols : list (list bigZ)) (tr : list (list float))
  : list (list (option bigZ)) :=
  map (fun c => let cc := nth c cols [] in
                map (fun t => ru_margin (nth t cols []) cc c (fget tr c t)) (seq 0 (S c)))
      (seq 0 d).

Definition optB (o : option bigZ) : bigZ := match o with Some m => m | None => 0%bigZ end.

(** [sum_{a < n} f (i + a) l[a]] by structural recursion on the list. *)
Fixpoint zsum_list (n : nat) (f : nat -> option bigZ -> Z) (l : list (option bigZ)) (i : nat) : Z :=
  match n, l with
  | S n', x :: l' => (f i x + zsum_list n' f l' (S i))%Z
  | _, _ => 0%Z
  end.

Lemma zsum_list_spec n f l i :
  (n <= length l)%nat ->
  zsum_list n f l i = zsum n (fun a => f (i + a)%nat (nth a l None)).
Proof.
  revert l i. induction n as [|n IH]; intros [|x l] i Hn; simpl in Hn; try lia; [reflexivity|reflexivity|].
  cbn [zsum_list]. rewrite zsum_S_l. rewrite IH by lia. simpl.
  rewrite Nat.add_0_r. f_equal. apply zsum_ext. intros a _. f_equal. lia.
Qed.

Definition conv3_count (d : nat) (ms : list (list (option bigZ))) : Z :=
  zsum d (fun c =>
    let mc := nth c ms [] in
    zsum (S c) (fun b =>
      let mb := optB (nth b mc None) in
      zsum_list (S b) (fun a ma => if (0 <? optB ma + mb)%bigZ then mult3z a b c else 0%Z) mc 0)).

Definition check_convexity_accuracy3 (c : cdata (list (list float))) : bool :=
  let d := w_d (cd_weights c) in
  with_table c (fun cols =>
    let ms := margins3 d cols (cd_trace c) in
    forallb (forallb isSomeb) ms && acc_claim_okn 3 (conv3_count d ms) d (cd_p c) (cd_q c)).

Lemma margins3_nth d cols tr c t :
  (c < d)%nat -> (t <= c)%nat ->
  nth t (nth c (margins3 d cols tr) []) None
  = ru_margin (nth t cols []) (nth c cols []) c (fget tr c t).
Proof.
  intros Hc Ht. unfold margins3.
  rewrite (nth_map_lt _ (seq 0 d) c 0%nat) by (rewrite seq_length; exact Hc).
  rewrite seq_nth by exact Hc. cbv beta. rewrite Nat.add_0_l.
  rewrite (nth_map_lt _ (seq 0 (S c)) t 0%nat) by (rewrite seq_length; lia).
  rewrite seq_nth by lia. reflexivity.
Qed.

Lemma margins3_len d cols tr c :
  (c < d)%nat -> length (nth c (margins3 d cols tr) []) = S c.
Proof.
  intros Hc. unfold margins3.
  rewrite (nth_map_lt _ (seq 0 d) c 0%nat) by (rewrite seq_length; exact Hc).
  rewrite map_length, seq_length, seq_nth by exact Hc. reflexivity.
Qed.

Lemma ru_margin_spec w es cols t c x m j :
  exact_table w = Some (es, cols) -> (t < w_d w)%nat -> (c < w_d w)%nat ->
  ru_margin (nth t cols []) (nth c cols []) c x = Some m -> (j < w_d w)%nat -> j <> c ->
  (zB m <= (2 * zB (bcol cols t c) + zB (bcol cols c c))
           - (2 * zB (bcol cols t j) + zB (bcol cols c j)))%Z.
Proof.
  intros Hx Ht Hc Hm Hj Hjc. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  unfold ru_margin in Hm. destruct (fidx x) as [js|]; [|discriminate].
  assert (Ll : length (nth t cols []) = length (nth c cols [])) by (rewrite !Lr; auto).
  destruct (zs2_spec _ _ Ll) as [Lz Nz].
  set (zs := zs2 (nth t cols []) (nth c cols [])) in *.
  destruct (Nat.ltb js (length zs) && negb (Nat.eqb js c)
            && alli (fun j z => Nat.eqb j c || (z <=? nth js zs 0)%bigZ) 0 zs) eqn:Hk;
    [|discriminate].
  injection Hm as <-. rewrite !andb_true_iff, Nat.ltb_lt, negb_true_iff in Hk.
  destruct Hk as [[Hjs _] Hall].
  assert (Hjz : (j < length zs)%nat) by (rewrite Lz, Lr; auto).
  apply (alli_spec _ 0) with (j := j) in Hall; [|exact Hjz]. simpl in Hall.
  apply Nat.eqb_neq in Hjc. rewrite Hjc in Hall. simpl in Hall.
  rewrite BigZ.spec_leb in Hall. apply Z.leb_le in Hall.
  rewrite BigZ.spec_sub.
  rewrite Lz in Hjs.
  rewrite (Nz c) in * by (rewrite Lr; auto). rewrite (Nz j) in Hall by (rewrite Lr; auto).
  rewrite (Nz js) in * by exact Hjs.
  unfold bcol, mget. change BigZ.t with BigZ.t_ in *. lia.
Qed.

Lemma triple_correct w es cols tr a b c ma mb :
  exact_table w = Some (es, cols) -> (a <= c)%nat -> (b <= c)%nat -> (c < w_d w)%nat ->
  nth a (nth c (margins3 (w_d w) cols tr) []) None = Some ma ->
  nth b (nth c (margins3 (w_d w) cols tr) []) None = Some mb ->
  (0 < zB ma + zB mb)%Z ->
  correct3 (model_of w) a b c.
Proof.
  intros Hx Hac Hbc Hc Ha Hb Hm. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  rewrite margins3_nth in Ha, Hb by assumption.
  apply correct3_of_margin_sum; try assumption. intros j Hj Hne. simpl in Hj.
  pose proof (ru_margin_spec w es cols a c _ ma j Hx ltac:(lia) Hc Ha Hj Hne) as M1.
  pose proof (ru_margin_spec w es cols b c _ mb j Hx ltac:(lia) Hc Hb Hj Hne) as M2.
  rewrite !logits3_eq_W, !V by lia.
  set (A := (2 * zB (bcol cols a c) + zB (bcol cols c c) - (2 * zB (bcol cols a j) + zB (bcol cols c j)))%Z) in *.
  set (B := (2 * zB (bcol cols b c) + zB (bcol cols c c) - (2 * zB (bcol cols b j) + zB (bcol cols c j)))%Z) in *.
  assert (HZ : (0 < A + B)%Z) by lia.
  apply IZR_lt in HZ. unfold A, B in HZ. rewrite !plus_IZR, !minus_IZR, !plus_IZR, !mult_IZR in HZ.
  pose proof (bpow_gt_0 radix2 es) as Hp. simpl (IZR 2) in HZ. nra.
Qed.

Theorem check_convexity_accuracy3_correct c :
  check_convexity_accuracy3 c = true ->
  accuracy3 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  apply andb_true_iff in Hb as [Hok Hclaim].
  set (w := cd_weights c) in *. set (ms := margins3 (w_d w) cols (cd_trace c)) in *.
  apply Rle_ge. unfold accuracy3. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  rewrite num_correct3_sorted. unfold conv3_count.
  rewrite IZR_zsum. apply rsum_le. intros c3 H3. change (mlp_d (model_of w)) with (w_d w) in H3.
  rewrite IZR_zsum. apply rsum_le. intros b Hb.
  assert (Hlen : length (nth c3 ms []) = S c3) by (apply margins3_len; exact H3).
  assert (Hrow : forall t, (t <= c3)%nat -> exists m, nth t (nth c3 ms []) None = Some m).
  { intros t Ht. rewrite forallb_forall in Hok.
    assert (Hin : In (nth c3 ms []) ms).
    { apply nth_In. unfold ms, margins3. rewrite map_length, seq_length. exact H3. }
    specialize (Hok _ Hin). rewrite forallb_forall in Hok.
    assert (Hin2 : In (nth t (nth c3 ms []) None) (nth c3 ms [])) by (apply nth_In; lia).
    specialize (Hok _ Hin2). destruct (nth t (nth c3 ms []) None) as [m|]; [exists m; reflexivity|discriminate]. }
  destruct (Hrow b ltac:(lia)) as [mb Hmb]. rewrite Hmb. simpl optB.
  rewrite zsum_list_spec by lia. rewrite IZR_zsum. apply rsum_le. intros a Ha.
  simpl Nat.add. destruct (Hrow a ltac:(lia)) as [ma Hma]. rewrite Hma. simpl optB.
  rewrite mult3_IZR.
  destruct (0 <? ma + mb)%bigZ eqn:Hm.
  - rewrite BigZ.spec_ltb, BigZ.spec_add in Hm. apply Z.ltb_lt in Hm. change (zB 0) with 0%Z in Hm.
    assert (Hc : correct3b (model_of w) a b c3 = true).
    { apply correct3b_spec. apply (triple_correct w es cols (cd_trace c) a b c3 ma mb); auto; lia. }
    rewrite Hc. unfold ind. lra.
  - apply Rmult_le_pos; [apply IZR_le, mult3z_pos|apply ind_nonneg].
Qed.
