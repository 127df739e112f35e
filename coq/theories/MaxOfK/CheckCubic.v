(** * CheckCubic.v -- the cases of the paper's cubic proof, checked on intervals

    The cubic strategy claims, for each pure case (q, m, k, c) -- query token q, label m,
    c non-query positions holding k < m and the others m -- that every arrangement of those
    positions gives a negative sign condition ([TransformerCubic]); and for c = 0 that the
    one sequence (m, ..., m, q) is classified correctly. The claims come as bit masks over k,
    [tab] [m] [c] [q]. [cubic_cases_ok] re-derives every claimed case from the weights, with
    the path tables of [TransformerEval] computed once:

    - the pessimised bounds E(q, m) = max over wrong answers x of EUPU'[q, x], and V(m, t) =
      max over x and positions i of EVOU'[t, x] + PVOU'[i, x], as interval hulls ([E_int],
      [V_int]) that enclose the exact maxima ([E_real], [V_real]) -- at least as tight as the
      strategy's max_x (EVOU' + max_i PVOU');
    - every arrangement of the c positions (all bool lists of length n - 1 with c trues,
      [all_bools]) rather than the strategy's two sorted orderings, so no ordering argument is
      needed here: sum_i e^(s_i) (V(t_i) + E) on intervals must lie below 0 ([case_lhs]);
    - the c = 0 sequence by interval logits ([CheckTransformer.seq_ok]).

    The covered sequences are then counted in closed form: C(n-1, c) |G|^c for the c non-max
    non-query positions holding tokens of G(q, m, c), the claimed k ([cubic_count],
    [Sequences.count_fits]); [cubic_covered_count] proves that this is their number among
    all d^n sequences, so nothing is enumerated.

    Main statements
    - [covered_correct] : if [cubic_cases_ok] holds, every sequence [covered] by the claims
      (its c non-max non-query tokens all claimed for (q, m, c), or its c = 0 case claimed) is
      classified correctly;
    - [cubic_covered_count] : the covered sequences number [cubic_total claims d n];
    - [check_cubic_accuracy_correct] : [check_cubic_accuracy w tab p q = true ->
        accuracy (transformer_of w) >= IZR p / IZR q]. *)

From Coq Require Import Reals Lra Lia ZArith List Bool.
From PyExport Require Import Sums Correct Enclosure IntervalVec Transformer TransformerPaths.
From PyExport Require Import TransformerCubic TransformerEval FloatData.
From PyExport Require Import CheckTransformer Sequences Hulls.
Import ListNotations.
Open Scope R_scope.

(** ** Bool lists: the arrangements of the non-query positions *)

Fixpoint all_bools (L : nat) : list (list bool) :=
  match L with
  | O => [[]]
  | S L' => flat_map (fun bs => [false :: bs; true :: bs]) (all_bools L')
  end.

Lemma all_bools_in bs : In bs (all_bools (length bs)).
Proof.
  induction bs as [| b bs IH]; simpl; [left; reflexivity |].
  apply in_flat_map. exists bs. split; [exact IH |]. destruct b; simpl; auto.
Qed.

Definition count_true (bs : list bool) : nat := length (filter (fun b => b) bs).

Lemma count_true_zero bs i : count_true bs = 0%nat -> nth i bs false = false.
Proof.
  revert i. induction bs as [| b bs IH]; intros i Hc; [destruct i; reflexivity |].
  unfold count_true in *. simpl in Hc. destruct b; [discriminate |].
  destruct i; [reflexivity | apply IH; exact Hc].
Qed.

Lemma count_true_pos bs : count_true bs <> 0%nat ->
  exists i, (i < length bs)%nat /\ nth i bs false = true.
Proof.
  induction bs as [| b bs IH]; intros Hc; [contradiction |].
  unfold count_true in *. simpl in Hc. destruct b.
  - exists 0%nat. simpl. split; [lia | reflexivity].
  - destruct (IH Hc) as [i [Hi Hb]]. exists (S i). simpl. split; [lia | exact Hb].
Qed.

Lemma count_true_le bs : (count_true bs <= length bs)%nat.
Proof.
  unfold count_true. induction bs as [| b bs IH]; simpl; [lia |].
  destruct b; simpl; lia.
Qed.

(** ** The checker's pieces *)

(** A wrong answer other than mx: the default of the maxima over wrong answers. *)
Definition other (mx : nat) : nat := if Nat.eqb mx 0 then 1%nat else 0%nat.

(** x with mx replaced by [other mx]: maxima over all x of a table read at [skip mx x] range
    over the wrong answers only. *)
Definition skip (mx x : nat) : nat := if Nat.eqb x mx then other mx else x.

Lemma skip_lt d mx x : (2 <= d)%nat -> (x < d)%nat -> (skip mx x < d)%nat.
Proof. unfold skip, other. intros. destruct (Nat.eqb x mx), (Nat.eqb mx 0); lia. Qed.

Lemma skip_id mx x : x <> mx -> skip mx x = x.
Proof. unfold skip. intros H. destruct (Nat.eqb_spec x mx); [contradiction | reflexivity]. Qed.

(** Interval hull of EUPU[q, x] - EUPU[q, mx] over the wrong answers x. *)
Definition E_int (DU : list (list I.type)) (d q mx : nat) : I.type :=
  let row := nth q DU [] in
  ijoin_list (fun x => I.sub prec (nth (skip mx x) row I.zero) (nth mx row I.zero))
             (other mx) (seq 0 d).

(** Interval hull of VU[i][t][x] - VU[i][t][mx] over positions i and wrong answers x. *)
Definition V_int (VU : list (list (list I.type))) (d n mx t : nat) : I.type :=
  ijoin_list (fun i => let row := nth t (nth i VU []) [] in
                       ijoin_list (fun x => I.sub prec (nth (skip mx x) row I.zero)
                                                       (nth mx row I.zero))
                                  (other mx) (seq 0 d))
             0 (seq 0 n).

(** The tokens of the pure case (q, mx, k) with arrangement bs: q last, k where bs is true,
    mx elsewhere. *)
Definition case_tok (n q mx k : nat) (bs : list bool) (i : nat) : nat :=
  if Nat.eqb i (Nat.pred n) then q else if nth i bs false then k else mx.

(** sum_i e^(s_i) (V(t_i) + E) on intervals; [exps] [i] [t] encloses e^(s_i) of token t at
    position i for the query q, [Vs] [t] encloses V(mx, t), [Eq] E(q, mx). *)
Definition case_lhs (exps : list (list I.type)) (Vs : list I.type) (Eq : I.type)
    (n q mx k : nat) (bs : list bool) : I.type :=
  sumv (map (fun i => let t := case_tok n q mx k bs i in
                      I.mul prec (nth t (nth i exps []) I.zero) (I.add prec (nth t Vs I.zero) Eq))
            (seq 0 n)).

(** Every claimed case of [tab] [mx] [c] [q] (bit k) re-derived. *)
Definition cubic_cases_ok (m : transformer) (M : imodel) (tab : list (list (list Z))) : bool :=
  let n := n_ctx m in let d := d_vocab m in
  let DU := DU_tab m M in let VU := VU_tab m M in let QK := QK_tab m M in
  let EX := map (map (map (I.exp prec))) QK in
  let bss := all_bools (Nat.pred n) in
  all_below d (fun mx =>
    let Vs := map (V_int VU d n mx) (seq 0 d) in
    let by_c := nth mx tab [] in
    all_below (S mx) (fun q =>
      let Eq := E_int DU d q mx in
      let exps := nth q EX [] in
      all_below n (fun c =>
        let bits := nth q (nth c by_c []) 0%Z in
        if Nat.eqb c 0 then
          negb (Z.testbit bits (Z.of_nat mx))
          || seq_ok (eval_logits m DU VU QK (case_tok n q mx mx [])) mx d
        else
          all_below mx (fun k =>
            negb (Z.testbit bits (Z.of_nat k))
            || forallb (fun bs => negb (Nat.eqb (count_true bs) c)
                                  || ilt_check prec (case_lhs exps Vs Eq n q mx k bs) I.zero)
                       bss)))).

(** The non-max non-query positions of a sequence ([nonmax_pos], the label computed once). *)
Definition seq_bits (m : transformer) (ts : nat -> nat) : list bool :=
  let mx := label (n_ctx m) ts in
  map (fun i => Nat.ltb i (Nat.pred (n_ctx m)) && negb (Nat.eqb (ts i) mx))
      (seq 0 (Nat.pred (n_ctx m))).

Lemma nth_seq_bits m ts i : (i < Nat.pred (n_ctx m))%nat ->
  nth i (seq_bits m ts) false = nonmax_pos m ts i.
Proof. intros Hi. unfold seq_bits. rewrite nth_map_seq by exact Hi. reflexivity. Qed.

(** The claims as bool lists over k, [claim_bits d tab] [m] [c] [q] [k]: read per sequence by
    token, with no conversion of tokens to Z. *)
Definition claim_bits (d : nat) (tab : list (list (list Z))) : list (list (list (list bool))) :=
  map (map (map (fun z => map (fun k => Z.testbit z (Z.of_nat k)) (seq 0 d)))) tab.

Lemma nth_map_nil {A B : Type} (f : list A -> list B) (l : list (list A)) i :
  f [] = [] -> nth i (map f l) [] = f (nth i l []).
Proof. intros H. rewrite <- H at 1. apply map_nth. Qed.

Lemma claim_bits_nth d tab mx c q k : (k < d)%nat ->
  nth k (nth q (nth c (nth mx (claim_bits d tab) []) []) []) false
  = Z.testbit (nth q (nth c (nth mx tab []) []) 0%Z) (Z.of_nat k).
Proof.
  intros Hk. unfold claim_bits. rewrite !nth_map_nil by reflexivity.
  set (L := nth c (nth mx tab []) []).
  set (G := fun z => map (fun k => Z.testbit z (Z.of_nat k)) (seq 0 d)).
  destruct (Nat.lt_ge_cases q (length L)) as [Hq | Hq].
  - rewrite (nth_map_lt' G L q 0%Z []) by exact Hq. unfold G. rewrite nth_map_seq by exact Hk.
    reflexivity.
  - rewrite (nth_overflow (map G L)) by (rewrite map_length; exact Hq).
    rewrite (nth_overflow L) by exact Hq. destruct k; reflexivity.
Qed.

(** The non-query tokens l of a sequence with query q fit the claims of (q, mx, c): q <= mx,
    mx occurs (q = mx, or fewer than L = |l| tokens differ from it), exactly c tokens of l
    differ from mx and each of them is claimed (for c = 0: the claim of (q, mx, mx, 0)). *)
Definition cubic_match (claims : list (list (list (list bool)))) (L q mx c : nat)
    (l : list nat) : bool :=
  let ks := nth q (nth c (nth mx claims []) []) [] in
  Nat.leb q mx && (Nat.eqb q mx || Nat.ltb c L)
  && (if Nat.eqb c 0 then nth mx ks false && fits mx (fun _ => false) 0 l
      else fits mx (fun k => Nat.ltb k mx && nth k ks false) c l).

(** A sequence is covered when its own case (query q, label mx, c non-max non-query
    positions) is claimed for its tokens. *)
Definition covered (claims : list (list (list (list bool)))) (n : nat) (ts : nat -> nat) : bool :=
  let q := ts (Nat.pred n) in let mx := label n ts in let l := map ts (seq 0 (Nat.pred n)) in
  cubic_match claims (Nat.pred n) q mx (count_ne mx l) l.

(** The number of lists l of length L that fit the claims of (q, mx, c): 1 or 0 for c = 0,
    else C(L, c) |G|^c, G the claimed tokens below mx. *)
Definition cubic_count (claims : list (list (list (list bool)))) (d L q mx c : nat) : Z :=
  let ks := nth q (nth c (nth mx claims []) []) [] in
  if Nat.leb q mx && (Nat.eqb q mx || Nat.ltb c L) then
    (if Nat.eqb c 0 then (if nth mx ks false then 1%Z else 0%Z)
     else nz L c (Z.of_nat (count_below d (fun k => Nat.ltb k mx && nth k ks false))))
  else 0%Z.

Definition cubic_total (claims : list (list (list (list bool)))) (d n : nat) : Z :=
  zsum d (fun q => zsum d (fun mx => zsum n (fun c => cubic_count claims d (Nat.pred n) q mx c))).

Lemma count_true_map (f : nat -> bool) l : count_true (map f l) = length (filter f l).
Proof.
  unfold count_true. induction l as [| x l IH]; simpl; [reflexivity |].
  destruct (f x); simpl; rewrite IH; reflexivity.
Qed.

(** ** Soundness *)

Section Soundness.
Variable m : transformer.
Variable M : imodel.
Local Notation n := (n_ctx m).
Local Notation d := (d_vocab m).
Local Notation last := (Nat.pred (n_ctx m)).
Hypothesis HM : imodel_encl M m.
Hypothesis Hctx : (1 <= n)%nat.
Hypothesis Hhead : (1 <= d_head m)%nat.
Hypothesis Hd : (2 <= d)%nat.

Definition E_real (q mx : nat) : R :=
  rmax_list (fun x => EUPU m q (skip mx x) - EUPU m q mx) (other mx) (seq 0 d).

Definition V_real (mx t : nat) : R :=
  rmax_list (fun i => rmax_list (fun x => (EVOU m t (skip mx x) + PVOU m i (skip mx x))
                                          - (EVOU m t mx + PVOU m i mx)) (other mx) (seq 0 d))
            0 (seq 0 n).

Lemma in_seq_lt y x0 : (x0 < d)%nat -> In y (x0 :: seq 0 d) -> (y < d)%nat.
Proof. intros Hx0 [<- | Hy]; [exact Hx0 | apply in_seq in Hy; lia]. Qed.

Lemma other_lt mx : (other mx < d)%nat.
Proof. unfold other. destruct (Nat.eqb mx 0); lia. Qed.

Lemma E_real_ge q mx x : (x < d)%nat -> x <> mx ->
  EUPU m q x - EUPU m q mx <= E_real q mx.
Proof.
  intros Hx Hne. unfold E_real. rewrite <- (skip_id mx x Hne) at 1.
  apply (rmax_list_ge (fun x => EUPU m q (skip mx x) - EUPU m q mx)).
  right. apply in_seq. lia.
Qed.

Lemma E_int_encl q mx : (q < d)%nat -> (mx < d)%nat ->
  encl (E_int (DU_tab m M) d q mx) (E_real q mx).
Proof.
  intros Hq Hmx. apply hull_encl. intros y Hy.
  assert (Hyd : (y < d)%nat) by exact (in_seq_lt y _ (other_lt mx) Hy).
  destruct (DU_tab_encl m M HM Hctx Hhead q Hq) as [_ Hrow].
  apply encl_sub; [apply (Hrow _ (skip_lt d mx y Hd Hyd)) | apply (Hrow _ Hmx)].
Qed.

Lemma V_real_ge mx t x i : (x < d)%nat -> x <> mx -> (i < n)%nat ->
  (EVOU m t x - EVOU m t mx) + (PVOU m i x - PVOU m i mx) <= V_real mx t.
Proof.
  intros Hx Hne Hi. unfold V_real.
  eapply Rle_trans; [| apply rmax_list_ge with (y := i); right; apply in_seq; lia].
  cbv beta.
  eapply Rle_trans; [| apply rmax_list_ge with (y := x); right; apply in_seq; lia].
  cbv beta. rewrite (skip_id mx x Hne). lra.
Qed.

Lemma V_int_encl mx t : (mx < d)%nat -> (t < d)%nat ->
  encl (V_int (VU_tab m M) d n mx t) (V_real mx t).
Proof.
  intros Hmx Ht. apply hull_encl. intros i Hi.
  assert (Hin : (i < n)%nat) by (destruct Hi as [<- | Hi]; [lia | apply in_seq in Hi; lia]).
  apply hull_encl. intros y Hy.
  assert (Hyd : (y < d)%nat) by exact (in_seq_lt y _ (other_lt mx) Hy).
  destruct (VU_tab_encl m M HM i t Hin Ht) as [_ Hrow].
  apply encl_sub; [apply (Hrow _ (skip_lt d mx y Hd Hyd)) | apply (Hrow _ Hmx)].
Qed.

Lemma case_tok_lt q mx k bs i : (q < d)%nat -> (mx < d)%nat -> (k < d)%nat ->
  (case_tok n q mx k bs i < d)%nat.
Proof. unfold case_tok. intros. destruct (Nat.eqb i last), (nth i bs false); assumption. Qed.

Lemma case_lhs_encl q mx k bs : (q < d)%nat -> (mx < d)%nat -> (k < d)%nat ->
  encl (case_lhs (nth q (map (map (map (I.exp prec))) (QK_tab m M)) [])
                 (map (V_int (VU_tab m M) d n mx) (seq 0 d)) (E_int (DU_tab m M) d q mx)
                 n q mx k bs)
       (rsum n (fun i => exp (path_score m (case_tok n q mx k bs) i)
                         * (V_real mx (case_tok n q mx k bs i) + E_real q mx))).
Proof.
  intros Hq Hmx Hk. unfold case_lhs. apply encl_sumv, encl_vec_seq. intros i Hi. cbv beta zeta.
  set (t := case_tok n q mx k bs i).
  assert (Ht : (t < d)%nat) by (apply case_tok_lt; assumption).
  assert (Hlast : case_tok n q mx k bs last = q)
    by (unfold case_tok; rewrite Nat.eqb_refl; reflexivity).
  apply encl_mul; [| apply encl_add; [rewrite nth_map_seq by exact Ht;
                                      apply V_int_encl; assumption |
                                      apply E_int_encl; assumption]].
  (* the exponential of the score table's entry *)
  assert (Hlen : length (QK_tab m M) = d)
    by (unfold QK_tab; cbv zeta; rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (QK_tab m M) q []) by lia.
  assert (Hrow : length (nth q (QK_tab m M) []) = n)
    by (unfold QK_tab; cbv zeta; rewrite nth_map_seq by exact Hq;
        rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (nth q (QK_tab m M) []) i []) by lia.
  assert (Hcol : length (nth i (nth q (QK_tab m M) []) []) = d)
    by (unfold QK_tab; cbv zeta; rewrite nth_map_seq by exact Hq;
        rewrite nth_map_seq by exact Hi; rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (nth i (nth q (QK_tab m M) []) []) t I.zero) by lia.
  apply encl_exp. unfold path_score. rewrite Hlast. fold t.
  apply (QK_tab_encl m M HM Hctx Hhead q i t Hq Hi Ht).
Qed.

(** The pure case of position j is the case [case_tok] of the sequence's arrangement. *)
Lemma pure_tokens ts j i : (i < n)%nat ->
  (if nonmax_pos m ts i then ts j else ts i)
  = case_tok n (ts last) (label n ts) (ts j) (seq_bits m ts) i.
Proof.
  intros Hi. unfold case_tok.
  destruct (Nat.eqb_spec i last) as [-> | Hne].
  - unfold nonmax_pos. rewrite Nat.ltb_irrefl. reflexivity.
  - rewrite nth_seq_bits by lia. unfold nonmax_pos.
    destruct (Nat.ltb_spec i last); [| lia]. simpl.
    destruct (Nat.eqb_spec (ts i) (label n ts)) as [e | e]; simpl; congruence.
Qed.

(** The non-max non-query positions counted on the tokens. *)
Lemma count_seq_bits ts :
  count_true (seq_bits m ts) = count_ne (label n ts) (map ts (seq 0 last)).
Proof.
  unfold seq_bits. cbv zeta.
  rewrite (map_ext_in _ (fun i => negb (Nat.eqb (ts i) (label n ts))))
    by (intros i Hi; apply in_seq in Hi; destruct (Nat.ltb_spec i last); [reflexivity | lia]).
  rewrite <- (map_map ts (fun t => negb (Nat.eqb t (label n ts)))), count_true_map.
  reflexivity.
Qed.

Theorem covered_correct tab ts :
  cubic_cases_ok m M tab = true -> (forall i, (i < n)%nat -> (ts i < d)%nat) ->
  covered (claim_bits d tab) n ts = true -> correct d (logits m ts) (label n ts).
Proof.
  intros Hok Htok Hcov. unfold cubic_cases_ok in Hok. cbv zeta in Hok.
  rewrite all_below_spec in Hok. unfold covered in Hcov. cbv zeta in Hcov.
  rewrite <- count_seq_bits in Hcov. unfold cubic_match in Hcov. cbv zeta in Hcov.
  apply andb_true_iff in Hcov as [_ Hcov].
  assert (Hlast : (last < n)%nat) by lia.
  assert (Hmx : (label n ts < d)%nat) by (apply label_lt; [lia | exact Htok]).
  assert (Hq : (ts last < S (label n ts))%nat) by (pose proof (label_ge n ts last Hlast); lia).
  assert (Hbs : length (seq_bits m ts) = last)
    by (unfold seq_bits; cbv zeta; rewrite map_length, seq_length; reflexivity).
  assert (Hc : (count_true (seq_bits m ts) < n)%nat)
    by (pose proof (count_true_le (seq_bits m ts)); lia).
  specialize (Hok _ Hmx). cbv beta in Hok. rewrite all_below_spec in Hok.
  specialize (Hok _ Hq). cbv beta in Hok. rewrite all_below_spec in Hok.
  specialize (Hok _ Hc). cbv beta in Hok.
  set (q := ts last) in *. set (mx := label n ts) in *.
  set (bs := seq_bits m ts) in *. set (c := count_true bs) in *.
  set (bits := nth q (nth c (nth mx tab []) []) 0%Z) in *.
  assert (Hclaim : forall k, (k < d)%nat ->
            nth k (nth q (nth c (nth mx (claim_bits d tab) []) []) []) false
            = Z.testbit bits (Z.of_nat k)) by (intros k Hk; apply claim_bits_nth, Hk).
  revert Hok Hcov. destruct (Nat.eqb_spec c 0) as [Hc0 | Hc0]; intros Hok Hcov.
  - (* c = 0: the sequence is (mx, ..., mx, q), checked by its interval logits *)
    apply andb_true_iff in Hcov as [Hcov _].
    rewrite Hclaim in Hcov by exact Hmx. rewrite Hcov in Hok. cbn [negb orb] in Hok.
    set (ts0 := case_tok n q mx mx []).
    assert (Heq : forall i, (i < n)%nat -> ts0 i = ts i).
    { intros i Hi. unfold ts0, case_tok.
      destruct (Nat.eqb_spec i last) as [-> | Hne]; [reflexivity |].
      assert (Hnil : nth i (@nil bool) false = false) by (destruct i; reflexivity).
      rewrite Hnil. pose proof (count_true_zero bs i Hc0) as Hb.
      unfold bs in Hb. rewrite nth_seq_bits in Hb by lia.
      unfold nonmax_pos in Hb. destruct (Nat.ltb_spec i last); [| lia].
      rewrite andb_true_l in Hb. apply negb_false_iff, Nat.eqb_eq in Hb.
      symmetry. exact Hb. }
    assert (Htok0 : forall i, (i < n)%nat -> (ts0 i < d)%nat)
      by (intros i Hi; rewrite Heq by exact Hi; apply Htok, Hi).
    pose proof (eval_logits_encl m M HM Hctx Hhead ts0 Htok0) as HL.
    intros j Hj Hjy. rewrite <- !(logits_ext m ts0 ts) by (exact Hctx || exact Heq).
    exact (correct_of_seq_ok _ _ _ _ HL Hmx Hok j Hj Hjy).
  - (* c >= 1: each non-max position's pure case, then [correct_of_pure_cases] *)
    rewrite all_below_spec in Hok.
    apply (correct_of_pure_cases m ts (E_real q mx) (V_real mx) Hctx).
    + intros x Hx Hne. apply E_real_ge; assumption.
    + intros x i Hx Hne Hi. apply V_real_ge; assumption.
    + destruct (count_true_pos bs Hc0) as [j [Hj Hbj]]. exists j. split; [lia |].
      unfold bs in Hbj. rewrite nth_seq_bits in Hbj by lia. exact Hbj.
    + intros j Hj Hnj.
      assert (Hjl : (j < last)%nat)
        by (unfold nonmax_pos in Hnj; apply andb_true_iff in Hnj as [H _];
            apply Nat.ltb_lt in H; exact H).
      assert (Hbj : nth j bs false = true)
        by (unfold bs; rewrite nth_seq_bits by exact Hjl; exact Hnj).
      assert (Hk : (ts j < mx)%nat).
      { pose proof (label_ge n ts j Hj). unfold nonmax_pos in Hnj.
        apply andb_true_iff in Hnj as [_ Hy]. apply negb_true_iff, Nat.eqb_neq in Hy.
        fold mx in Hy. lia. }
      assert (Hin : In (ts j) (map ts (seq 0 last))) by (apply in_map, in_seq; lia).
      destruct (fits_all _ _ _ _ _ Hcov Hin) as [Hjm | Hgood]; [lia |].
      apply andb_true_iff in Hgood as [_ Hgood]. rewrite Hclaim in Hgood by lia.
      clear Hcov. rename Hgood into Hcov.
      specialize (Hok (ts j) Hk). cbv beta in Hok. rewrite Hcov in Hok.
      cbn [negb orb] in Hok. rewrite forallb_forall in Hok.
      specialize (Hok bs ltac:(rewrite <- Hbs; apply all_bools_in)). cbv beta in Hok.
      fold c in Hok. rewrite Nat.eqb_refl in Hok. cbn [negb orb] in Hok.
      pose proof (lt_of_ilt_check _ _ _ _ _
                    (case_lhs_encl q mx (ts j) bs ltac:(lia) Hmx ltac:(lia))
                    encl_zero Hok) as Hneg.
      unfold pure_lhs.
      rewrite (rsum_ext n _ (fun i => exp (path_score m (case_tok n q mx (ts j) bs) i)
                 * (V_real mx (case_tok n q mx (ts j) bs i) + E_real q mx))); [exact Hneg |].
      intros i Hi.
      assert (Hti : case_tok n q mx (ts j) bs i = if nonmax_pos m ts i then ts j else ts i)
        by (symmetry; apply pure_tokens; exact Hi).
      assert (Htl : case_tok n q mx (ts j) bs last = ts last)
        by (unfold case_tok; rewrite Nat.eqb_refl; reflexivity).
      unfold path_score. rewrite Hti, Htl. unfold alpha, pi.
      destruct (nonmax_pos m ts i); unfold Rdiv; rewrite Rmult_plus_distr_r, exp_plus; ring.
Qed.

End Soundness.

(** ** The count and the checker *)

Lemma cubic_count_spec claims d L q mx c : (mx < d)%nat ->
  rsum_lists d L (fun l => ind (cubic_match claims L q mx c l)) = IZR (cubic_count claims d L q mx c).
Proof.
  intros Hmx. unfold cubic_match, cubic_count. cbv zeta.
  destruct (Nat.leb q mx && (Nat.eqb q mx || Nat.ltb c L)); simpl andb;
    [| apply rsum_lists_zero].
  destruct (Nat.eqb c 0).
  - destruct (nth mx (nth q (nth c (nth mx claims []) []) []) false); simpl andb;
      [| apply rsum_lists_zero].
    rewrite count_fits by (reflexivity || exact Hmx). rewrite nz_0. reflexivity.
  - apply count_fits; [exact Hmx | rewrite Nat.ltb_irrefl; reflexivity].
Qed.

(** A list fitting the claims of (q, mx, c) makes a sequence of label mx with c non-max
    non-query positions. *)
Lemma cubic_match_label claims l q mx c :
  cubic_match claims (length l) q mx c l = true ->
  label (S (length l)) (ts_of (l ++ [q])) = mx /\ c = count_ne mx l.
Proof.
  unfold cubic_match. cbv zeta. rewrite !andb_true_iff, Nat.leb_le, orb_true_iff, Nat.eqb_eq,
    Nat.ltb_lt. intros [[Hq Hocc] Hfit].
  assert (Hfits : exists good, fits mx good c l = true /\ (forall k, good k = true -> (k < mx)%nat)).
  { destruct (Nat.eqb_spec c 0) as [-> | _].
    - apply andb_true_iff in Hfit as [_ Hfit]. exists (fun _ => false).
      split; [exact Hfit | discriminate].
    - eexists. split; [exact Hfit |]. intros k Hk. apply andb_true_iff in Hk as [Hk _].
      apply Nat.ltb_lt, Hk. }
  destruct Hfits as [good [Hf Hgood]]. pose proof (fits_count _ _ _ _ Hf) as Hcount.
  split; [| symmetry; exact Hcount]. apply label_eq.
  - apply ts_of_snoc_le; [| exact Hq]. intros t Ht.
    destruct (fits_all _ _ _ _ t Hf Ht) as [-> | H]; [lia | apply Nat.lt_le_incl, Hgood, H].
  - destruct Hocc as [-> | Hlt].
    + exists (length l). split; [lia | apply ts_of_snoc_last].
    + assert (Hin : In mx l) by (apply count_ne_in; lia).
      destruct (In_nth l mx 0%nat Hin) as [i [Hi Hnth]].
      exists i. split; [lia |]. unfold ts_of. rewrite app_nth1 by exact Hi. exact Hnth.
Qed.

(** For the sequence l ++ [q], the claims over all (mx, c) add up to its own. *)
Lemma cubic_covered_split claims d l q : (q < d)%nat -> Forall (fun t => (t < d)%nat) l ->
  rsum d (fun mx => rsum (S (length l)) (fun c => ind (cubic_match claims (length l) q mx c l)))
  = ind (covered claims (S (length l)) (ts_of (l ++ [q]))).
Proof.
  intros Hq Hl. destruct (ts_of_snoc d l q Hq Hl) as (Hmx0 & Hlast & Hpre).
  set (n := S (length l)) in *. set (ts := ts_of (l ++ [q])) in *. set (mx0 := label n ts) in *.
  rewrite (rsum2_unique d n _ mx0 (count_ne mx0 l) Hmx0).
  - unfold covered. cbv zeta. rewrite Hlast, Hpre. fold mx0.
    destruct (Nat.ltb_spec (count_ne mx0 l) n) as [_ | H]; [reflexivity |].
    pose proof (count_ne_le mx0 l). unfold n in H. lia.
  - intros mx c _ Hm. destruct (cubic_match_label claims l q mx c Hm) as [Hlab Hcnt].
    fold n ts mx0 in Hlab. subst mx. split; [reflexivity | exact Hcnt].
Qed.

(** [cubic_total] counts the covered sequences. *)
Theorem cubic_covered_count claims d n : (1 <= n)%nat ->
  rsum_lists d n (fun l => ind (covered claims n (ts_of l))) = IZR (cubic_total claims d n).
Proof.
  intros Hn. apply (count_by_cases d n (fun l => covered claims n (ts_of l))
    (fun q mx c l => cubic_match claims (Nat.pred n) q mx c l)); [exact Hn | |].
  - intros q mx c Hmx. apply cubic_count_spec, Hmx.
  - intros l q Hlen Hall Hq. destruct n as [| L]; [lia |]. simpl in Hlen. subst L.
    apply cubic_covered_split; assumption.
Qed.

(** [tab] [m] [c] [q] : bit k claims the pure case (q, m, k, c) (bit m for c = 0); the count
    of covered sequences must reach p/q of d^n. *)
Definition check_cubic_accuracy (w : tweights) (tab : list (list (list Z))) (p q : Z) : bool :=
  let m := transformer_of w in
  let n := tw_n w in let d := tw_d w in
  tshapes_ok w && Nat.leb 1 n && Nat.leb 1 (tw_dh w) && Nat.leb 2 d
  && cubic_cases_ok m (imodel_of w) tab
  && let claims := claim_bits d tab in
     acc_claim_okz n (cubic_total claims d n) d p q.

(** The last step of the transformer's accuracy checkers (here and in [CheckSubcubic]): if
    every covered token list is classified correctly and the covered lists number C, with C
    enough for p/q of d^n, the accuracy is at least p/q. *)
Lemma accuracy_ge_of_covered (m : transformer) (cov : list nat -> bool) (C p q : Z) :
  (1 <= n_ctx m)%nat -> (1 <= d_vocab m)%nat ->
  (forall l, Forall (fun t => (t < d_vocab m)%nat) l -> length l = n_ctx m -> cov l = true ->
     correct (d_vocab m) (logits m (ts_of l)) (label (n_ctx m) (ts_of l))) ->
  rsum_lists (d_vocab m) (n_ctx m) (fun l => ind (cov l)) = IZR C ->
  acc_claim_okz (n_ctx m) C (d_vocab m) p q = true ->
  accuracy m >= IZR p / IZR q.
Proof.
  intros Hn Hd Hcorrect Hcount Hclaim. rewrite acc_claim_okz_okn in Hclaim.
  apply Rle_ge. unfold accuracy. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  rewrite <- Hcount. unfold correct_seqb.
  rewrite (rsum_tokens (d_vocab m) (n_ctx m)
             (fun ts => ind (correctb (d_vocab m) (logits m ts) (label (n_ctx m) ts))))
    by (exact Hd || (intros ts ts' Hts; rewrite (label_ext _ ts ts' Hts);
                     f_equal; apply correctb_ext; intros j; apply logits_ext; assumption)).
  apply rsum_lists_le. intros l Hl Hall.
  destruct (cov l) eqn:Hcov; [| unfold ind; destruct (correctb _ _ _); lra].
  assert (Hc := Hcorrect l Hall Hl Hcov). apply correctb_spec in Hc. rewrite Hc. unfold ind. lra.
Qed.

Lemma ts_of_lt d n l : Forall (fun t => (t < d)%nat) l -> length l = n ->
  forall i, (i < n)%nat -> (ts_of l i < d)%nat.
Proof. intros Hall Hl i Hi. unfold ts_of. rewrite Forall_forall in Hall. apply Hall, nth_In. lia. Qed.

Theorem check_cubic_accuracy_correct w tab p q :
  check_cubic_accuracy w tab p q = true -> accuracy (transformer_of w) >= IZR p / IZR q.
Proof.
  unfold check_cubic_accuracy. rewrite !andb_true_iff, !Nat.leb_le.
  intros [[[[[Hshapes Hn] Hdh] Hd] Hcases] Hclaim].
  apply (accuracy_ge_of_covered _ (fun l => covered (claim_bits (tw_d w) tab) (tw_n w) (ts_of l))
           (cubic_total (claim_bits (tw_d w) tab) (tw_d w) (tw_n w))); [exact Hn | simpl; lia | | |
           exact Hclaim].
  - intros l Hall Hl Hcov.
    exact (covered_correct _ (imodel_of w) (imodel_of_encl w Hshapes) Hn Hdh Hd tab (ts_of l)
             Hcases (ts_of_lt _ _ l Hall Hl) Hcov).
  - apply cubic_covered_count, Hn.
Qed.
