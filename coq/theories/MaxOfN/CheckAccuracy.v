(** * CheckAccuracy.v -- reflective checkers of accuracy certificates (two tokens)

    Everything here is exact: the logit table is the integer table of
    [Data.exact_table] (W j t = cols[t][j] * 2^S), so every comparison of
    logits is a comparison of integers.

    What it defines
    - [correct2_z c1 c2 y] : z_j < z_y for all j <> y, where z = column c1 +
      column c2 (the logits of input (t1, t2) in units 2^S);
    - (used from [Correct]: [acc_claim_ok C d p q] : p / q <= C / d^2 exactly, q > 0, d > 0);
    - [with_table c body] : the opening of the exact accuracy checkers (the exact table);
      [acc_pairs c ok], [acc_sorted_pairs c ok] : the brute-force and symmetry strategies (the
      test of every input the trace marks correct, and the claim on their count), shared with
      [CheckFloat2]; [correct2_z_at] : [correct2_z], staged for them;
    - [top2_ok col f s] : f <> s are the indices of a largest and a second
      largest entry of [col]; [mrg cols mi s y] : the exact lower bound
      2 (W y s - max_{j <> y} W j s) (units 2^S) of the margin of input (s, s)
      for label y, read from the verified hints;
    - the checkers [check_brute_force_accuracy2], [check_symmetry_accuracy2],
      [check_convexity_accuracy2].

    Main statements
    - [with_table_spec], [acc_pairs_spec], [acc_sorted_pairs_spec] (a test that passes only
      correct inputs, [pairs_correct], and a passed strategy make the claim);
    - [check_brute_force_accuracy2_correct], [check_symmetry_accuracy2_correct],
      [check_convexity_accuracy2_correct] : [check c = true ->
        accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c)].

    Trace layouts
    - brute force: [list (list bool)], row t1 = verdicts of (t1, 0..d-1);
    - symmetry: [list (list bool)], row c = verdicts of (0, c), ..., (c, c);
    - convexity: [list (list float)], row s = [argmax; runner-up] of z(s,s). *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From Flocq Require Import Core.Zaux Core.Raux.
From Bignums Require Import BigZ.
From PyExport Require Import Sums Model Symmetry Convexity Accuracy Data CheckLoss.
Import ListNotations.
Open Scope R_scope.

Local Notation zB := BigZ.to_Z.

Definition bget (M : list (list bool)) (i j : nat) : bool := mget false M i j.

(** ** Indexed conjunctions over lists *)

Fixpoint all2i (f : nat -> bigZ -> bigZ -> bool) (i : nat) (a b : list bigZ) : bool :=
  match a, b with
  | x :: a', y :: b' => f i x y && all2i f (S i) a' b'
  | _, _ => true
  end.

Lemma all2i_spec f i a b :
  length a = length b -> all2i f i a b = true ->
  forall j, (j < length a)%nat -> f (i + j)%nat (nth j a 0%bigZ) (nth j b 0%bigZ) = true.
Proof.
  revert i b. induction a as [|x a IH]; intros i [|y b] Hl H j Hj; simpl in *; try lia.
  apply andb_true_iff in H. destruct H as [H1 H2]. destruct j as [|j].
  - rewrite Nat.add_0_r. exact H1.
  - replace (i + S j)%nat with (S i + j)%nat by lia. apply IH; auto. lia.
Qed.

Fixpoint alli (f : nat -> bigZ -> bool) (i : nat) (a : list bigZ) : bool :=
  match a with
  | x :: a' => f i x && alli f (S i) a'
  | [] => true
  end.

Lemma alli_spec f i a :
  alli f i a = true -> forall j, (j < length a)%nat -> f (i + j)%nat (nth j a 0%bigZ) = true.
Proof.
  revert i. induction a as [|x a IH]; intros i H j Hj; simpl in *; try lia.
  apply andb_true_iff in H. destruct H as [H1 H2]. destruct j as [|j].
  - rewrite Nat.add_0_r. exact H1.
  - replace (i + S j)%nat with (S i + j)%nat by lia. apply IH; auto. lia.
Qed.

(** ** Exact correctness of one input *)

Definition correct2_z (c1 c2 : list bigZ) (y : nat) : bool :=
  let zy := (nth y c1 0 + nth y c2 0)%bigZ in
  all2i (fun j x1 x2 => Nat.eqb j y || (x1 + x2 <? zy)%bigZ) 0 c1 c2.

Lemma correct2_z_spec w es cols t1 t2 :
  exact_table w = Some (es, cols) -> (t1 < w_d w)%nat -> (t2 < w_d w)%nat ->
  correct2_z (nth t1 cols []) (nth t2 cols []) (Nat.max t1 t2) = true ->
  correct2b (model_of w) t1 t2 = true.
Proof.
  intros Hx H1 H2 Hc. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  apply correct2b_spec. unfold correct2, correct. intros j Hj Hne.
  simpl in Hj. assert (Hy : (Nat.max t1 t2 < w_d w)%nat) by (apply Nat.max_lub_lt; auto).
  rewrite !logits2_eq_W, !V by assumption.
  assert (L1 : length (nth t1 cols []) = length (nth t2 cols [])) by (rewrite !Lr; auto).
  assert (Hj1 : (j < length (nth t1 cols []))%nat) by (rewrite Lr; auto).
  unfold correct2_z in Hc. pose proof (all2i_spec _ 0 _ _ L1 Hc j Hj1) as Hc'.
  simpl in Hc'. apply Nat.eqb_neq in Hne. rewrite Hne in Hc'. simpl in Hc'.
  rewrite BigZ.spec_ltb, !BigZ.spec_add in Hc'.
  apply Z.ltb_lt, IZR_lt in Hc'. rewrite !plus_IZR in Hc'. unfold bcol, mget.
  pose proof (bpow_gt_0 radix2 es). change BigZ.t with BigZ.t_ in *. nra.
Qed.

(** ** Brute force and symmetry: the tests and the claim

    [acc_pairs c ok] : every input (t1, t2) the trace marks correct (entry [t1][t2]) passes
    [ok t1 t2] ([Data.all_pairs]: [ok t1] once per row), and the marked inputs' count makes the
    claim. [acc_sorted_pairs c ok] : the same on the sorted inputs t1 <= t2, entry [t2][t1],
    tested as [ok t2 t1] (the verdict is symmetric), counted with their multiplicities. Shared by the exact checkers here and the
    binary64 ones of [CheckFloat2]. *)

Definition acc_pairs (c : cdata (list (list bool))) (ok : nat -> nat -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  all_pairs d tr false (fun t1 => let ok1 := ok t1 in fun t2 b => if b then ok1 t2 else true) &&
  acc_claim_ok (zsum d (fun t1 => zsum d (fun t2 => zind (bget tr t1 t2)))) d (cd_p c) (cd_q c).

Definition acc_sorted_pairs (c : cdata (list (list bool))) (ok : nat -> nat -> bool) : bool :=
  let d := w_d (cd_weights c) in
  let tr := cd_trace c in
  sorted_pairs d tr false (fun t2 => let ok2 := ok t2 in fun t1 b => if b then ok2 t1 else true) &&
  acc_claim_ok (zsum d (fun t2 => zsum (S t2) (fun t1 => if bget tr t2 t1 then mult2z t1 t2 else 0%Z)))
               d (cd_p c) (cd_q c).

(** What the specs ask of a test: every input it passes is correct. *)
Definition pairs_correct {T : Type} (c : cdata T) (ok : nat -> nat -> bool) : Prop :=
  forall t1 t2, (t1 < w_d (cd_weights c))%nat -> (t2 < w_d (cd_weights c))%nat ->
    ok t1 t2 = true -> correct2b (model_of (cd_weights c)) t1 t2 = true.

Lemma acc_pairs_spec c ok : acc_pairs c ok = true -> pairs_correct c ok ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_pairs. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy2. apply (acc_claim_ok_spec _ _ _ _ _ Hclaim).
  unfold num_correct2. rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  rewrite IZR_zsum. apply rsum_le. intros t2 H2.
  rewrite <- ind_zind. apply ind_le_of_imp. intros Hb.
  pose proof (all_pairs_spec _ _ _ _ Hall t1 t2 H1 H2) as Ht. unfold bget in Hb.
  cbv beta zeta in Ht. rewrite Hb in Ht. exact (Hok t1 t2 H1 H2 Ht).
Qed.

Lemma acc_sorted_pairs_spec c ok : acc_sorted_pairs c ok = true -> pairs_correct c ok ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  unfold acc_sorted_pairs. rewrite andb_true_iff. intros [Hall Hclaim] Hok.
  apply Rle_ge. unfold accuracy2. apply (acc_claim_ok_spec _ _ _ _ _ Hclaim).
  unfold num_correct2.
  rewrite (rsum_square_sym_mult _ (fun a b => ind (correct2b _ a b)))
    by (intros; rewrite correct2b_comm; reflexivity).
  rewrite IZR_zsum. apply rsum_le. intros t2 H2.
  rewrite IZR_zsum. apply rsum_le. intros t1 H1.
  change (mlp_d (model_of (cd_weights c))) with (w_d (cd_weights c)) in H2.
  pose proof (sorted_pairs_spec _ _ _ _ Hall t2 t1 H2 ltac:(lia)) as Ht. cbv beta zeta in Ht.
  rewrite mult2_IZR. unfold bget in *. destruct (mget false (cd_trace c) t2 t1).
  - rewrite correct2b_comm, (Hok t2 t1 H2 ltac:(lia) Ht). unfold ind. lra.
  - apply Rmult_le_pos; [unfold mult2z; destruct (Nat.eqb t1 t2); simpl; lra|apply ind_nonneg].
Qed.

(** The opening of the exact accuracy checkers: the exact logit table built; [body cols] is
    the rest. *)
Definition with_table {T : Type} (c : cdata T) (body : list (list bigZ) -> bool) : bool :=
  match exact_table (cd_weights c) with
  | None => false
  | Some (_, cols) => body cols
  end.

Lemma with_table_spec {T : Type} (c : cdata T) body : with_table c body = true ->
  exists es cols, exact_table (cd_weights c) = Some (es, cols) /\ body cols = true.
Proof.
  unfold with_table. destruct (exact_table (cd_weights c)) as [[es cols]|]; [|discriminate].
  intros Hb. exists es, cols. auto.
Qed.

(** ** Brute force and symmetry: the checkers

    Both test input (t1, t2) by [correct2_z] ([correct2_z_at], staged: column t1 once per row);
    symmetry tests the sorted input (t1, t2), t1 <= t2, as (t2, t1). *)

Definition correct2_z_at (cols : list (list bigZ)) (t1 : nat) : nat -> bool :=
  let c1 := nth t1 cols [] in
  fun t2 => correct2_z c1 (nth t2 cols []) (Nat.max t1 t2).

Definition check_brute_force_accuracy2 (c : cdata (list (list bool))) : bool :=
  with_table c (fun cols => acc_pairs c (correct2_z_at cols)).

Theorem check_brute_force_accuracy2_correct c :
  check_brute_force_accuracy2 c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  exact (acc_pairs_spec _ _ Hb (fun t1 t2 => correct2_z_spec _ es cols t1 t2 Hx)).
Qed.

Definition check_symmetry_accuracy2 (c : cdata (list (list bool))) : bool :=
  with_table c (fun cols => acc_sorted_pairs c (correct2_z_at cols)).

Theorem check_symmetry_accuracy2_correct c :
  check_symmetry_accuracy2 c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  exact (acc_sorted_pairs_spec _ _ Hb (fun t1 t2 => correct2_z_spec _ es cols t1 t2 Hx)).
Qed.

(** ** Convexity *)

Definition fidx (x : float) : option nat :=
  match fz x with
  | Some z => if Z.leb 0 z then Some (Z.to_nat z) else None
  | None => None
  end.

Definition top2_ok (col : list bigZ) (f s : nat) : bool :=
  Nat.ltb f (length col) && Nat.ltb s (length col) && negb (Nat.eqb f s) &&
  (nth s col 0 <=? nth f col 0)%bigZ &&
  alli (fun j x => Nat.eqb j f || Nat.eqb j s || (x <=? nth s col 0)%bigZ) 0 col.

Definition rival (col : list bigZ) (f s y : nat) : bigZ :=
  if Nat.eqb y f then nth s col 0%bigZ else nth f col 0%bigZ.

Lemma top2_rival col f s y j :
  top2_ok col f s = true -> (j < length col)%nat -> j <> y ->
  (zB (nth j col 0%bigZ) <= zB (rival col f s y))%Z.
Proof.
  unfold top2_ok, rival. rewrite !andb_true_iff, !Nat.ltb_lt, negb_true_iff, Nat.eqb_neq,
    BigZ.spec_leb, Z.leb_le.
  intros ((((Hf & Hs) & Hfs) & H21) & Hall) Hj Hjy.
  apply (alli_spec _ 0) with (j := j) in Hall; [|exact Hj]. simpl in Hall.
  destruct (Nat.eqb_spec y f) as [->|Hyf].
  - destruct (Nat.eqb_spec j f); [lia|]. destruct (Nat.eqb_spec j s) as [->|]; [lia|].
    simpl in Hall. rewrite BigZ.spec_leb in Hall. apply Z.leb_le in Hall. exact Hall.
  - destruct (Nat.eqb_spec j f) as [->|]; [lia|]. destruct (Nat.eqb_spec j s) as [->|]; [lia|].
    simpl in Hall. rewrite BigZ.spec_leb in Hall. apply Z.leb_le in Hall. lia.
Qed.

Definition col_hint (col : list bigZ) (row : list float) : option (nat * nat) :=
  match row with
  | [xf; xs] =>
      match fidx xf, fidx xs with
      | Some f, Some s => if top2_ok col f s then Some (f, s) else None
      | _, _ => None
      end
  | _ => None
  end.

Definition hints (d : nat) (cols : list (list bigZ)) (tr : list (list float)) : list (option (nat * nat)) :=
  map (fun s => col_hint (nth s cols []) (nth s tr [])) (seq 0 d).

(** Lower bound, in units 2^S, of the margin min_{j <> y} (z(s,s)_y - z(s,s)_j). *)
Definition mrg (cols : list (list bigZ)) (hs : list (option (nat * nat))) (s y : nat) : bigZ :=
  match nth s hs None with
  | Some (f, sc) => (2 * (bcol cols s y - rival (nth s cols []) f sc y))%bigZ
  | None => 0%bigZ
  end.

Definition hint_okb (o : option (nat * nat)) : bool := match o with Some _ => true | None => false end.

Definition conv_count (d : nat) (cols : list (list bigZ)) (hs : list (option (nat * nat))) : Z :=
  (zsum d (fun t => zind (0 <? mrg cols hs t t)%bigZ)
   + 2 * zsum d (fun t2 => zsum t2 (fun t1 =>
                   zind (0 <? mrg cols hs t1 t2 + mrg cols hs t2 t2)%bigZ)))%Z.

Definition check_convexity_accuracy2 (c : cdata (list (list float))) : bool :=
  let d := w_d (cd_weights c) in
  with_table c (fun cols =>
    let hs := hints d cols (cd_trace c) in
    forallb hint_okb hs && acc_claim_ok (conv_count d cols hs) d (cd_p c) (cd_q c)).

Lemma mrg_spec w es cols tr s y j :
  exact_table w = Some (es, cols) -> forallb hint_okb (hints (w_d w) cols tr) = true ->
  (s < w_d w)%nat -> (j < w_d w)%nat -> j <> y ->
  (zB (mrg cols (hints (w_d w) cols tr) s y)
   <= 2 * (zB (bcol cols s y) - zB (bcol cols s j)))%Z.
Proof.
  intros Hx Hok Hs Hj Hjy. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  unfold mrg. rewrite forallb_forall in Hok.
  assert (Hn : nth s (hints (w_d w) cols tr) None = col_hint (nth s cols []) (nth s tr [])).
  { unfold hints. rewrite (nth_map_lt _ _ s 0%nat) by (rewrite seq_length; exact Hs).
    rewrite seq_nth by exact Hs. reflexivity. }
  assert (Hin : In (nth s (hints (w_d w) cols tr) None) (hints (w_d w) cols tr)).
  { apply nth_In. unfold hints. rewrite map_length, seq_length. exact Hs. }
  specialize (Hok _ Hin). rewrite Hn in Hok |- *.
  unfold col_hint in Hok |- *.
  destruct (nth s tr []) as [|xf [|xs [|? ?]]]; try discriminate.
  destruct (fidx xf) as [f|]; [|discriminate]. destruct (fidx xs) as [sc|]; [|discriminate].
  destruct (top2_ok (nth s cols []) f sc) eqn:Ht; [|discriminate].
  pose proof (top2_rival (nth s cols []) f sc y j Ht) as Hr.
  assert (Hjs : (j < length (nth s cols []))%nat) by (rewrite Lr; auto).
  specialize (Hr Hjs Hjy). rewrite BigZ.spec_mul, BigZ.spec_sub. unfold bcol, mget.
  change (zB 2) with 2%Z. change BigZ.t with BigZ.t_ in *. lia.
Qed.

Lemma pair_correct w es cols tr t1 t2 :
  exact_table w = Some (es, cols) -> forallb hint_okb (hints (w_d w) cols tr) = true ->
  (t1 <= t2)%nat -> (t2 < w_d w)%nat ->
  (0 < zB (mrg cols (hints (w_d w) cols tr) t1 t2) + zB (mrg cols (hints (w_d w) cols tr) t2 t2))%Z ->
  correct2 (model_of w) t1 t2.
Proof.
  intros Hx Hok Hle H2 Hm. destruct (exact_table_spec w es cols Hx) as (Lc & Lr & V).
  apply correct2_of_margin_sum; [exact Hle|]. intros j Hj Hne. simpl in Hj.
  pose proof (mrg_spec w es cols tr t1 t2 j Hx Hok ltac:(lia) Hj Hne) as M1.
  pose proof (mrg_spec w es cols tr t2 t2 j Hx Hok H2 Hj Hne) as M2.
  rewrite !logits2_eq_W, !V by lia.
  assert (HZ : (0 < 2 * (zB (bcol cols t1 t2) - zB (bcol cols t1 j))
                   + 2 * (zB (bcol cols t2 t2) - zB (bcol cols t2 j)))%Z)
    by lia.
  apply IZR_lt in HZ. rewrite plus_IZR, !mult_IZR, !minus_IZR in HZ.
  pose proof (bpow_gt_0 radix2 es) as Hb. simpl (IZR 2) in HZ. nra.
Qed.

Theorem check_convexity_accuracy2_correct c :
  check_convexity_accuracy2 c = true ->
  accuracy2 (model_of (cd_weights c)) >= IZR (cd_p c) / IZR (cd_q c).
Proof.
  intros H. destruct (with_table_spec _ _ H) as (es & cols & Hx & Hb).
  apply andb_true_iff in Hb as [Hok Hclaim].
  set (w := cd_weights c) in *. set (hs := hints (w_d w) cols (cd_trace c)) in *.
  set (chk := fun t1 t2 => (0 <? mrg cols hs t1 t2 + mrg cols hs t2 t2)%bigZ).
  apply Rle_ge. unfold accuracy2. apply (acc_claim_ok_spec _ _ _ _ _ Hclaim).
  eapply Rle_trans; [|apply (num_correct2_ge (model_of w) chk)].
  - change (mlp_d (model_of w)) with (w_d w). unfold conv_count. rewrite plus_IZR, mult_IZR, IZR_zsum, IZR_zsum.
    rewrite (rsum_ext _ (fun t2 => IZR (zsum t2 _)) (fun t2 => rsum t2 (fun t1 => ind (chk t1 t2))))
      by (intros; rewrite IZR_zsum; apply rsum_ext; intros; rewrite ind_zind; reflexivity).
    simpl (IZR 2). cut (rsum (w_d w) (fun t => IZR (zind (0 <? mrg cols hs t t)%bigZ))
                        <= rsum (w_d w) (fun t => ind (correct2b (model_of w) t t))); [lra|].
    apply rsum_le. intros t Ht. rewrite <- ind_zind. apply ind_le_of_imp. intros Hm.
    rewrite BigZ.spec_ltb in Hm. apply Z.ltb_lt in Hm. change (zB 0) with 0%Z in Hm.
    apply correct2b_spec. apply (pair_correct w es cols (cd_trace c)); auto. fold hs. lia.
  - intros t1 t2 Hlt H2 Hc. unfold chk in Hc. rewrite BigZ.spec_ltb, BigZ.spec_add in Hc.
    apply Z.ltb_lt in Hc. change (zB 0) with 0%Z in Hc.
    apply (pair_correct w es cols (cd_trace c)); auto. fold hs. lia.
Qed.
