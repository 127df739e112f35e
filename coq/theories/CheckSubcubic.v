(** * CheckSubcubic.v -- the cases of the paper's subcubic proofs, checked on intervals

    A subcubic certificate claims cases (q, mx, c) -- query token q, label mx, c positions (the
    query included) not holding mx -- each with a gap g: every sequence of the case whose
    non-max tokens are all at most j = mx - g is classified correctly (c = 0 is the sequence
    mx ... mx, without gap). The claims come as one table [claims] [q] [mx] [c] : the gap, or
    -1 for no claim. [subcubic_cases_ok] re-derives every claim from the weights with the steps
    of [TransformerSubcubic], from tables indexed by at most two tokens:

    - the reference row mu (the mean row of EUPU) and the query's spread G(q) = max_x nu[q, x]
      - min_x nu[q, x], nu = EUPU - mu; Pm(mx, x) = max_i PVOU'[i, x]; omega(mx, j) =
      max_{k <= j} (max_x EVOU[k, x] - EVOU[k, mx]); rho = exp of the largest scaled EQKE[q, t]
      over t <= j less that of mx -- from the exact EQKE, so a rank-one certificate is checked
      by the (tighter) exact score gaps;
    - A_lo = S / (S + rho (W - S)) for every arrangement of the case's non-max positions (all
      bool lists with the right count, as the cubic checker does), so the smallest positional
      sum needs no sorting argument;
    - the chord of F(A) = max_{x <> mx} (mu'[x] + Pm(mx, x) + A EVOU'[mx, x]) between a point
      a (chosen here: the lowest A_lo claimed for mx) and 1, F evaluated twice per label.

    The covered sequences are counted in closed form ([case_count], [Sequences.count_fits]):
    C(n-1, c) (j+1)^c for q = mx, C(n-1, c-1) (j+1)^(c-1) for q <= j < mx. [covered_count]
    proves that this is the number of sequences [covered] by the claims, so nothing is
    enumerated.

    Main statements
    - [covered_correct] : if [subcubic_cases_ok] holds, every covered sequence is correct;
    - [covered_count] : the covered sequences number [total claims];
    - [check_subcubic_accuracy_correct] : [check_subcubic_accuracy w claims p q = true ->
        accuracy (transformer_of w) >= IZR p / IZR q]. *)

From Coq Require Import Reals Lra Lia ZArith List Bool.
From PyExport Require Import Sums Accuracy Enclosure IntervalVec Transformer TransformerPaths.
From PyExport Require Import TransformerCubic TransformerSubcubic TransformerEval Data.
From PyExport Require Import CheckAccuracy CheckAccuracy3 CheckTransformer Sequences Hulls.
From PyExport Require Import CheckCubic.
Import ListNotations.
Open Scope R_scope.

(** ** The claims, the covered sequences and their count *)

Definition claim (claims : list (list (list Z))) (q mx c : nat) : Z :=
  nth c (nth mx (nth q claims []) []) (-1)%Z.

Definition claimed (claims : list (list (list Z))) (q mx c : nat) : bool :=
  Z.leb 0 (claim claims q mx c).

Definition gap_of (claims : list (list (list Z))) (q mx c : nat) : nat :=
  Z.to_nat (claim claims q mx c).

(** The non-query tokens l of a sequence with query q fit the case (q, mx, c) at gap g. *)
Definition case_match (q mx c g : nat) (l : list nat) : bool :=
  if Nat.eqb c 0 then Nat.eqb q mx && fits mx (fun _ => false) 0 l
  else Nat.leb 1 g && Nat.leb g mx
       && (if Nat.eqb q mx then fits mx (fun t => Nat.leb t (mx - g)) c l
           else Nat.leb q (mx - g) && fits mx (fun t => Nat.leb t (mx - g)) (c - 1) l).

(** The number of lists l of length L that fit the case. *)
Definition case_count (L q mx c g : nat) : Z :=
  if Nat.eqb c 0 then (if Nat.eqb q mx then 1%Z else 0%Z)
  else if Nat.leb 1 g && Nat.leb g mx then
    (if Nat.eqb q mx then nz L c (Z.of_nat (S (mx - g)))
     else if Nat.leb q (mx - g) then nz L (c - 1) (Z.of_nat (S (mx - g))) else 0%Z)
  else 0%Z.

(** A sequence is covered when its own case is claimed and its tokens fit it. *)
Definition covered (claims : list (list (list Z))) (n : nat) (ts : nat -> nat) : bool :=
  let q := ts (Nat.pred n) in let mx := label n ts in
  let l := map ts (seq 0 (Nat.pred n)) in
  let c := (count_ne mx l + if Nat.eqb q mx then 0 else 1)%nat in
  Nat.ltb c n && claimed claims q mx c && case_match q mx c (gap_of claims q mx c) l.

Definition total (claims : list (list (list Z))) (d n : nat) : Z :=
  zsum d (fun q => zsum d (fun mx => zsum n (fun c =>
    if claimed claims q mx c then case_count (Nat.pred n) q mx c (gap_of claims q mx c)
    else 0%Z))).

(** *** The count *)

Lemma nz_0 L k : nz L 0 k = 1%Z.
Proof. induction L as [| L IH]; simpl; [reflexivity | rewrite IH; ring]. Qed.

Lemma count_below_le d j : (j < d)%nat -> count_below d (fun t => Nat.leb t j) = S j.
Proof.
  induction d as [| d IH]; intros Hj; [lia |]. simpl.
  destruct (Nat.eq_dec j d) as [-> | Hne].
  - rewrite Nat.leb_refl.
    assert (Hlow : forall k, (k <= d)%nat -> count_below k (fun t => Nat.leb t d) = k).
    { induction k as [| k IHk]; intros Hk; simpl; [reflexivity |].
      rewrite IHk by lia. destruct (Nat.leb_spec k d); lia. }
    rewrite Hlow by lia. lia.
  - rewrite IH by lia. destruct (Nat.leb_spec d j); lia.
Qed.

Lemma case_count_spec d L q mx c g : (mx < d)%nat ->
  rsum_lists d L (fun l => ind (case_match q mx c g l)) = IZR (case_count L q mx c g).
Proof.
  intros Hmx. unfold case_match, case_count.
  destruct (Nat.eqb c 0).
  - destruct (Nat.eqb q mx); simpl andb.
    + rewrite count_fits by (reflexivity || exact Hmx). rewrite nz_0. reflexivity.
    + apply rsum_lists_zero.
  - destruct (Nat.leb_spec 1 g) as [Hg |]; simpl andb; [| apply rsum_lists_zero].
    destruct (Nat.leb_spec g mx) as [Hgm |]; simpl andb; [| apply rsum_lists_zero].
    assert (Hgood : Nat.leb mx (mx - g) = false) by (apply Nat.leb_gt; lia).
    assert (Hk : count_below d (fun t => Nat.leb t (mx - g)) = S (mx - g))
      by (apply count_below_le; lia).
    destruct (Nat.eqb q mx).
    + rewrite count_fits by (exact Hgood || exact Hmx). rewrite Hk. reflexivity.
    + destruct (Nat.leb q (mx - g)); simpl andb; [| apply rsum_lists_zero].
      rewrite count_fits by (exact Hgood || exact Hmx). rewrite Hk. reflexivity.
Qed.

Lemma label_le (n : nat) (ts : nat -> nat) mx :
  (forall i, (i < n)%nat -> (ts i <= mx)%nat) -> (label n ts <= mx)%nat.
Proof.
  induction n as [| n IH]; intros H; simpl; [lia |].
  apply Nat.max_lub; [apply IH; intros; apply H; lia | apply H; lia].
Qed.

Lemma label_eq (n : nat) (ts : nat -> nat) mx :
  (forall i, (i < n)%nat -> (ts i <= mx)%nat) -> (exists i, (i < n)%nat /\ ts i = mx) ->
  label n ts = mx.
Proof.
  intros Hle [i [Hi Hti]]. pose proof (label_le n ts mx Hle).
  pose proof (label_ge n ts i Hi). lia.
Qed.

Lemma fits_all mx good c l t : fits mx good c l = true -> In t l -> t = mx \/ good t = true.
Proof.
  unfold fits. rewrite andb_true_iff, forallb_forall. intros [H _] Ht.
  specialize (H t Ht). apply orb_true_iff in H as [H | H]; [left; apply Nat.eqb_eq, H | right; exact H].
Qed.

Lemma fits_count mx good c l : fits mx good c l = true -> count_ne mx l = c.
Proof. unfold fits. rewrite andb_true_iff, Nat.eqb_eq. intros [_ H]. exact H. Qed.

Lemma count_ne_in mx l : (count_ne mx l < length l)%nat -> In mx l.
Proof.
  unfold count_ne. induction l as [| t l IH]; simpl; [lia |]. intros H.
  destruct (Nat.eqb_spec t mx) as [-> | Hne]; [left; reflexivity |].
  right. apply IH. simpl in H. lia.
Qed.

(** The sequence l ++ [q] read by position. *)
Lemma ts_of_snoc_last l q : ts_of (l ++ [q]) (length l) = q.
Proof. unfold ts_of. rewrite app_nth2 by lia. rewrite Nat.sub_diag. reflexivity. Qed.

Lemma ts_of_snoc_prefix l q : map (ts_of (l ++ [q])) (seq 0 (length l)) = l.
Proof.
  apply (nth_ext _ _ 0%nat 0%nat); [rewrite map_length, seq_length; reflexivity |].
  intros i Hi. rewrite map_length, seq_length in Hi. rewrite nth_map_seq by exact Hi.
  unfold ts_of. apply app_nth1, Hi.
Qed.

Lemma ts_of_snoc_le l q mx : (forall t, In t l -> (t <= mx)%nat) -> (q <= mx)%nat ->
  forall i, (i < S (length l))%nat -> (ts_of (l ++ [q]) i <= mx)%nat.
Proof.
  intros Hl Hq i Hi. destruct (Nat.eq_dec i (length l)) as [-> | Hne].
  - rewrite ts_of_snoc_last. exact Hq.
  - unfold ts_of. rewrite app_nth1 by lia. apply Hl, nth_In. lia.
Qed.

(** A list fitting the case (q, mx, c) makes a sequence of label mx whose count is c. *)
Lemma case_match_label l q mx c g : (c < S (length l))%nat ->
  case_match q mx c g l = true ->
  label (S (length l)) (ts_of (l ++ [q])) = mx
  /\ c = (count_ne mx l + if Nat.eqb q mx then 0 else 1)%nat.
Proof.
  intros Hc. unfold case_match.
  destruct (Nat.eqb_spec c 0) as [Hc0 | Hc0].
  - rewrite andb_true_iff, Nat.eqb_eq. intros [-> Hfit].
    rewrite Nat.eqb_refl, (fits_count _ _ _ _ Hfit), Hc0. split; [| reflexivity].
    apply label_eq.
    + apply ts_of_snoc_le; [| lia]. intros t Ht.
      destruct (fits_all _ _ _ _ t Hfit Ht) as [-> | H]; [lia | discriminate].
    + exists (length l). split; [lia | apply ts_of_snoc_last].
  - rewrite !andb_true_iff, !Nat.leb_le. intros [[Hg1 Hg] Hcase].
    assert (Hgood : forall c' t, fits mx (fun t => Nat.leb t (mx - g)) c' l = true -> In t l ->
                      (t <= mx)%nat).
    { intros c' t Hfit Ht. destruct (fits_all _ _ _ _ t Hfit Ht) as [-> | H]; [lia |].
      apply Nat.leb_le in H. lia. }
    destruct (Nat.eqb_spec q mx) as [-> | Hq].
    + rewrite (fits_count _ _ _ _ Hcase). split; [| lia]. apply label_eq.
      * apply ts_of_snoc_le; [intros t Ht; apply (Hgood c t Hcase Ht) | lia].
      * exists (length l). split; [lia | apply ts_of_snoc_last].
    + apply andb_true_iff in Hcase as [Hql Hfit]. apply Nat.leb_le in Hql.
      pose proof (fits_count _ _ _ _ Hfit) as Hcount. split; [| lia]. apply label_eq.
      * apply ts_of_snoc_le; [intros t Ht; apply (Hgood (c - 1)%nat t Hfit Ht) | lia].
      * assert (Hin : In mx l) by (apply count_ne_in; lia).
        destruct (In_nth l mx 0%nat Hin) as [i [Hi Hnth]].
        exists i. split; [lia |]. unfold ts_of. rewrite app_nth1 by exact Hi. exact Hnth.
Qed.

Lemma rsum_single (N i0 : nat) (f : nat -> R) : (i0 < N)%nat ->
  (forall i, (i < N)%nat -> i <> i0 -> f i = 0) -> rsum N f = f i0.
Proof.
  induction N as [| N IH]; intros Hi0 Hf; [lia |]. rewrite rsum_S.
  destruct (Nat.eq_dec i0 N) as [-> | Hne].
  - rewrite (rsum_ext N f (fun _ => 0)) by (intros i Hi; apply Hf; lia).
    rewrite rsum_zero. ring.
  - rewrite IH by (lia || (intros i Hi Hne'; apply Hf; lia)). rewrite (Hf N) by lia. ring.
Qed.

Lemma ind_andb a b : ind (a && b) = ind a * ind b.
Proof. destruct a, b; unfold ind; simpl; ring. Qed.

(** For the sequence l ++ [q], the claims over all (mx, c) add up to its own. *)
Lemma covered_split claims d l q : (q < d)%nat -> Forall (fun t => (t < d)%nat) l ->
  rsum d (fun mx => rsum (S (length l)) (fun c =>
    ind (claimed claims q mx c && case_match q mx c (gap_of claims q mx c) l)))
  = ind (covered claims (S (length l)) (ts_of (l ++ [q]))).
Proof.
  intros Hq Hl. set (n := S (length l)). set (ts := ts_of (l ++ [q])).
  assert (Htok : forall i, (i < n)%nat -> (ts i < d)%nat).
  { intros i Hi. unfold ts. destruct (Nat.eq_dec i (length l)) as [-> | Hne].
    - rewrite ts_of_snoc_last. exact Hq.
    - unfold ts_of. rewrite app_nth1 by (unfold n in Hi; lia).
      rewrite Forall_forall in Hl. apply Hl, nth_In. unfold n in Hi. lia. }
  set (mx0 := label n ts).
  assert (Hmx0 : (mx0 < d)%nat) by (apply label_lt; [lia | exact Htok]).
  set (c0 := (count_ne mx0 l + if Nat.eqb q mx0 then 0 else 1)%nat).
  assert (Hzero : forall mx c, (c < n)%nat -> (mx <> mx0 \/ c <> c0) ->
            ind (claimed claims q mx c && case_match q mx c (gap_of claims q mx c) l) = 0).
  { intros mx c Hc Hne. destruct (case_match q mx c (gap_of claims q mx c) l) eqn:Hm;
      [| rewrite andb_false_r; reflexivity].
    destruct (case_match_label l q mx c _ Hc Hm) as [Hlab Hcnt]. fold n ts in Hlab.
    fold mx0 in Hlab. subst mx. fold c0 in Hcnt. lia. }
  assert (Hlast : ts (Nat.pred n) = q) by apply ts_of_snoc_last.
  assert (Hpre : map ts (seq 0 (Nat.pred n)) = l) by apply ts_of_snoc_prefix.
  unfold covered. cbv zeta. rewrite Hlast, Hpre. fold mx0. fold c0.
  destruct (Nat.ltb_spec c0 n) as [Hc0 | Hc0].
  - rewrite (rsum_single d mx0) by (exact Hmx0 || (intros mx _ Hne;
      rewrite (rsum_ext n _ (fun _ => 0)) by (intros c Hc; apply Hzero; auto);
      apply rsum_zero)).
    rewrite (rsum_single n c0) by (exact Hc0 || (intros c Hc Hne; apply Hzero; auto)).
    reflexivity.
  - rewrite (rsum_ext d _ (fun _ => 0)); [rewrite rsum_zero; reflexivity |].
    intros mx _. rewrite (rsum_ext n _ (fun _ => 0)); [apply rsum_zero |].
    intros c Hc. apply Hzero; [exact Hc | right; lia].
Qed.

(** [total] counts the covered sequences. *)
Theorem covered_count claims d n : (1 <= n)%nat ->
  rsum_lists d n (fun l => ind (covered claims n (ts_of l))) = IZR (total claims d n).
Proof.
  intros Hn. destruct n as [| L]; [lia |]. rewrite rsum_lists_snoc.
  rewrite (rsum_lists_ext_in d L _ (fun l => rsum d (fun q => rsum d (fun mx => rsum (S L)
             (fun c => ind (claimed claims q mx c)
                       * ind (case_match q mx c (gap_of claims q mx c) l)))))).
  - rewrite rsum_lists_rsum. unfold total. rewrite IZR_zsum. apply rsum_ext. intros q _.
    rewrite rsum_lists_rsum. rewrite IZR_zsum. apply rsum_ext. intros mx Hmx.
    rewrite rsum_lists_rsum. rewrite IZR_zsum. apply rsum_ext. intros c _.
    rewrite rsum_lists_scal, case_count_spec by exact Hmx. simpl Nat.pred.
    destruct (claimed claims q mx c); unfold ind; ring.
  - intros l Hlen Hall. apply rsum_ext. intros q Hq. subst L.
    rewrite <- (covered_split claims d l q Hq Hall). apply rsum_ext. intros mx _.
    apply rsum_ext. intros c _. apply ind_andb.
Qed.
