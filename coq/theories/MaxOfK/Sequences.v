(** * Sequences.v -- the d^L token sequences as lists, for kernel enumeration

    [Transformer.accuracy] sums over sequence numbers s < d^L decoded by [tokens_of] (base-d
    digits, first position most significant). A checker cannot afford that decoding at
    d^L = 64^4 (unary division per sequence); it enumerates token lists instead, first token
    outermost, in the same order. [rsum_tokens] says the two sums agree.

    What it defines
    - [rsum_lists d L G] : G summed over the d^L lists of L tokens below d;
    - [ts_of l] : the sequence of a list (position i holds [nth i l 0]).

    Main statements
    - [tokens_of_cons] : the digits of t d^L + s are t, then those of s;
    - [rsum_tokens] : rsum (d^L) (fun s => G (tokens_of d L s)) = rsum_lists d L (G o ts_of)
      for G reading positions below L only;
    - [rsum_lists_ext], [rsum_lists_le] : sums of equal / pointwise smaller terms. *)

From Coq Require Import Reals Lra Lia List ZArith Bool.
From PyExport Require Import Sums Correct Transformer.
Import ListNotations.
Open Scope R_scope.

Fixpoint rsum_lists (d L : nat) (G : list nat -> R) : R :=
  match L with
  | O => G []
  | S L' => rsum d (fun t => rsum_lists d L' (fun l => G (t :: l)))
  end.

Definition ts_of (l : list nat) (i : nat) : nat := nth i l 0%nat.

Lemma rsum_lists_ext d L F F' :
  (forall l, F l = F' l) -> rsum_lists d L F = rsum_lists d L F'.
Proof.
  revert F F'. induction L as [| L IH]; intros F F' H; simpl; [apply H |].
  apply rsum_ext. intros t _. apply IH. intros l. apply H.
Qed.

Lemma rsum_lists_le d L F F' :
  (forall l, length l = L -> Forall (fun t => (t < d)%nat) l -> F l <= F' l) ->
  rsum_lists d L F <= rsum_lists d L F'.
Proof.
  revert F F'. induction L as [| L IH]; intros F F' H; simpl.
  - apply H; [reflexivity | constructor].
  - apply rsum_le. intros t Ht. apply IH. intros l Hl Hall.
    apply H; [simpl; rewrite Hl; reflexivity | constructor; assumption].
Qed.

Lemma tokens_of_cons d L t s i : (t < d)%nat -> (s < d ^ L)%nat -> (i <= L)%nat ->
  tokens_of d (S L) (t * d ^ L + s) i = match i with O => t | S i' => tokens_of d L s i' end.
Proof.
  intros Ht Hs Hi. assert (Hd : d <> 0%nat) by lia. unfold tokens_of. destruct i as [| i].
  - replace (S L - 1 - 0)%nat with L by lia.
    rewrite Nat.div_add_l by (apply Nat.pow_nonzero; exact Hd).
    rewrite (Nat.div_small s) by exact Hs. rewrite Nat.add_0_r. apply Nat.mod_small, Ht.
  - replace (S L - 1 - S i)%nat with (L - 1 - i)%nat by lia.
    set (e := (L - 1 - i)%nat).
    assert (HL : (d ^ L = d * d ^ i * d ^ e)%nat)
      by (rewrite <- Nat.pow_succ_r', <- Nat.pow_add_r; f_equal; unfold e; lia).
    rewrite HL, Nat.mul_assoc.
    rewrite Nat.div_add_l by (apply Nat.pow_nonzero; exact Hd).
    replace (t * (d * d ^ i))%nat with (t * d ^ i * d)%nat by ring.
    rewrite Nat.add_comm, Nat.mod_add by exact Hd. reflexivity.
Qed.

Theorem rsum_tokens (d L : nat) (G : (nat -> nat) -> R) :
  (1 <= d)%nat ->
  (forall ts ts', (forall i, (i < L)%nat -> ts i = ts' i) -> G ts = G ts') ->
  rsum (d ^ L) (fun s => G (tokens_of d L s)) = rsum_lists d L (fun l => G (ts_of l)).
Proof.
  intros Hd. revert G. induction L as [| L IH]; intros G HG.
  - change (d ^ 0)%nat with 1%nat. rewrite rsum_1. simpl. apply HG. intros i Hi. lia.
  - rewrite Nat.pow_succ_r', rsum_blocks. simpl rsum_lists. apply rsum_ext. intros t Ht.
    set (G' := fun ts => G (fun i => match i with O => t | S i' => ts i' end)).
    rewrite (rsum_ext (d ^ L) _ (fun s => G' (tokens_of d L s))).
    + rewrite IH.
      * apply rsum_lists_ext. intros l. unfold G'. apply HG. intros [| i] _; reflexivity.
      * intros ts ts' H. unfold G'. apply HG. intros [| i] Hi; [reflexivity | apply H; lia].
    + intros s Hs. unfold G'. apply HG. intros i Hi.
      rewrite tokens_of_cons by lia. reflexivity.
Qed.

(** ** Sums over lists: linearity, the last token, and sequences counted in closed form *)

Lemma rsum_lists_ext_in d L F F' :
  (forall l, length l = L -> Forall (fun t => (t < d)%nat) l -> F l = F' l) ->
  rsum_lists d L F = rsum_lists d L F'.
Proof.
  intros H. apply Rle_antisym; apply rsum_lists_le; intros l Hl Hall;
    rewrite (H l Hl Hall); lra.
Qed.

Lemma rsum_lists_scal d L c F : rsum_lists d L (fun l => c * F l) = c * rsum_lists d L F.
Proof.
  revert F. induction L as [| L IH]; intros F; simpl; [reflexivity |].
  rewrite <- rsum_scal_l. apply rsum_ext. intros t _. apply IH.
Qed.

Lemma rsum_lists_rsum d L N (F : nat -> list nat -> R) :
  rsum_lists d L (fun l => rsum N (fun i => F i l)) = rsum N (fun i => rsum_lists d L (F i)).
Proof.
  revert F. induction L as [| L IH]; intros F; simpl; [reflexivity |].
  rewrite (rsum_ext d _ (fun t => rsum N (fun i => rsum_lists d L (fun l => F i (t :: l)))))
    by (intros t _; apply (IH (fun i l => F i (t :: l)))).
  apply rsum_swap.
Qed.

(** The last token enumerated innermost. *)
Lemma rsum_lists_snoc d L G :
  rsum_lists d (S L) G = rsum_lists d L (fun l => rsum d (fun t => G (l ++ [t]))).
Proof.
  revert G. induction L as [| L IH]; intros G; [reflexivity |].
  change (rsum_lists d (S (S L)) G)
    with (rsum d (fun t0 => rsum_lists d (S L) (fun l => G (t0 :: l)))).
  simpl rsum_lists at 2. apply rsum_ext. intros t0 _. rewrite IH. reflexivity.
Qed.

(** The positions of a list that do not hold mx. *)
Definition count_ne (mx : nat) (l : list nat) : nat :=
  length (filter (fun t => negb (Nat.eqb t mx)) l).

(** [fits mx good c l] : every token of l is mx or good, and exactly c are not mx. *)
Definition fits (mx : nat) (good : nat -> bool) (c : nat) (l : list nat) : bool :=
  forallb (fun t => Nat.eqb t mx || good t) l && Nat.eqb (count_ne mx l) c.

(** The number of such lists of length L when k tokens are good:
    C(L, c) k^c, by Pascal's rule. *)
Fixpoint nz (L c : nat) (k : Z) : Z :=
  match L with
  | O => if Nat.eqb c 0 then 1%Z else 0%Z
  | S L' => (nz L' c k + match c with O => 0 | S c' => k * nz L' c' k end)%Z
  end.

Fixpoint count_below (d : nat) (good : nat -> bool) : nat :=
  match d with
  | O => O
  | S d' => (count_below d' good + if good d' then 1 else 0)%nat
  end.

Lemma rsum_lists_zero d L : rsum_lists d L (fun _ => 0) = 0.
Proof.
  induction L as [| L IH]; simpl; [reflexivity |].
  rewrite (rsum_ext d _ (fun _ => 0)) by (intros; exact IH). apply rsum_zero.
Qed.

Lemma rsum_good k (good : nat -> bool) B :
  rsum k (fun t => if good t then B else 0) = INR (count_below k good) * B.
Proof.
  induction k as [| k IH]; simpl; [lra |]. rewrite IH, plus_INR. destruct (good k); simpl; lra.
Qed.

(** Summing over the first token: mx contributes A, each good token B. *)
Lemma rsum_first_token d mx (good : nat -> bool) A B :
  (mx < d)%nat -> good mx = false ->
  rsum d (fun t => if Nat.eqb t mx then A else if good t then B else 0)
  = A + INR (count_below d good) * B.
Proof.
  intros Hmx Hg. induction d as [| d IH]; [lia |]. rewrite rsum_S. simpl count_below.
  rewrite plus_INR.
  destruct (Nat.eqb_spec d mx) as [-> | Hne].
  - rewrite Hg. simpl INR. rewrite Rplus_0_r.
    rewrite (rsum_ext mx _ (fun t => if good t then B else 0)).
    + rewrite rsum_good. lra.
    + intros t Ht. destruct (Nat.eqb_spec t mx); [lia | reflexivity].
  - rewrite IH by lia. destruct (good d); simpl; lra.
Qed.

Theorem count_fits d L mx (good : nat -> bool) c :
  (mx < d)%nat -> good mx = false ->
  rsum_lists d L (fun l => ind (fits mx good c l))
  = IZR (nz L c (Z.of_nat (count_below d good))).
Proof.
  intros Hmx Hg. revert c. induction L as [| L IH]; intros c.
  - simpl. unfold fits, count_ne. simpl. destruct c; reflexivity.
  - simpl rsum_lists.
    rewrite (rsum_ext d _ (fun t => if Nat.eqb t mx then IZR (nz L c (Z.of_nat (count_below d good)))
                          else if good t then match c with
                                              | O => 0
                                              | S c' => IZR (nz L c' (Z.of_nat (count_below d good)))
                                              end else 0)).
    + rewrite rsum_first_token by assumption. simpl nz. rewrite plus_IZR.
      destruct c as [| c]; [lra |]. rewrite mult_IZR, <- INR_IZR_INZ. reflexivity.
    + intros t _. rewrite <- IH.
      destruct (Nat.eqb_spec t mx) as [-> | Hne].
      * apply rsum_lists_ext. intros l. unfold fits, count_ne. simpl.
        rewrite Nat.eqb_refl. reflexivity.
      * assert (Hneb : Nat.eqb t mx = false) by (apply Nat.eqb_neq, Hne).
        destruct (good t) eqn:Hgt.
        -- destruct c as [| c].
           ++ rewrite <- (rsum_lists_zero d L). apply rsum_lists_ext. intros l.
              unfold fits, count_ne. simpl. rewrite Hneb. simpl.
              rewrite andb_false_r. reflexivity.
           ++ rewrite <- IH. apply rsum_lists_ext. intros l. unfold fits, count_ne. simpl.
              rewrite Hneb, Hgt. reflexivity.
        -- rewrite <- (rsum_lists_zero d L). apply rsum_lists_ext. intros l.
           unfold fits. simpl. rewrite Hneb, Hgt. reflexivity.
Qed.

(** ** Sequences of a given label and count, and single terms of sums *)

(** Tokens below the label. *)
Lemma label_ge (n : nat) (ts : nat -> nat) i : (i < n)%nat -> (ts i <= label n ts)%nat.
Proof.
  induction n as [| n IH]; intros Hi; [lia |]. simpl.
  destruct (Nat.eq_dec i n) as [-> | Hne]; [apply Nat.le_max_r |].
  etransitivity; [apply IH; lia | apply Nat.le_max_l].
Qed.

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
  intros i Hi. rewrite map_length, seq_length in Hi.
  rewrite (nth_indep _ 0%nat (ts_of (l ++ [q]) 0%nat)) by (rewrite map_length, seq_length; exact Hi).
  rewrite map_nth, seq_nth by exact Hi. simpl. unfold ts_of. apply app_nth1, Hi.
Qed.

Lemma ts_of_snoc_lt l q d : (q < d)%nat -> Forall (fun t => (t < d)%nat) l ->
  forall i, (i < S (length l))%nat -> (ts_of (l ++ [q]) i < d)%nat.
Proof.
  intros Hq Hl i Hi. destruct (Nat.eq_dec i (length l)) as [-> | Hne].
  - rewrite ts_of_snoc_last. exact Hq.
  - unfold ts_of. rewrite app_nth1 by lia. rewrite Forall_forall in Hl. apply Hl, nth_In. lia.
Qed.

(** The sequence l ++ [q] of n = S (length l) tokens below d: its label is below d, its last
    token is q and its first n - 1 are l (the opening of the cubic and subcubic checkers'
    [covered_split]). *)
Lemma ts_of_snoc d l q : (q < d)%nat -> Forall (fun t => (t < d)%nat) l ->
  (label (S (length l)) (ts_of (l ++ [q])) < d)%nat /\
  ts_of (l ++ [q]) (Nat.pred (S (length l))) = q /\
  map (ts_of (l ++ [q])) (seq 0 (Nat.pred (S (length l)))) = l.
Proof.
  intros Hq Hl. split; [apply label_lt; [lia | apply ts_of_snoc_lt; assumption] |].
  split; [apply ts_of_snoc_last | apply ts_of_snoc_prefix].
Qed.

Lemma ts_of_snoc_le l q mx : (forall t, In t l -> (t <= mx)%nat) -> (q <= mx)%nat ->
  forall i, (i < S (length l))%nat -> (ts_of (l ++ [q]) i <= mx)%nat.
Proof.
  intros Hl Hq i Hi. destruct (Nat.eq_dec i (length l)) as [-> | Hne].
  - rewrite ts_of_snoc_last. exact Hq.
  - unfold ts_of. rewrite app_nth1 by lia. apply Hl, nth_In. lia.
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

Lemma count_ne_le mx l : (count_ne mx l <= length l)%nat.
Proof.
  unfold count_ne. induction l as [| t l IH]; simpl; [lia |].
  destruct (negb (Nat.eqb t mx)); simpl; lia.
Qed.

(** A double sum of indicators of which at most one, at (mx0, c0), can be true. *)
Lemma rsum2_unique d N (P : nat -> nat -> bool) mx0 c0 : (mx0 < d)%nat ->
  (forall mx c, (c < N)%nat -> P mx c = true -> mx = mx0 /\ c = c0) ->
  rsum d (fun mx => rsum N (fun c => ind (P mx c))) = if Nat.ltb c0 N then ind (P mx0 c0) else 0.
Proof.
  intros Hmx0 HP.
  assert (Hzero : forall mx c, (c < N)%nat -> (mx <> mx0 \/ c <> c0) -> ind (P mx c) = 0).
  { intros mx c Hc Hne. destruct (P mx c) eqn:HPc; [| reflexivity].
    destruct (HP mx c Hc HPc). lia. }
  destruct (Nat.ltb_spec c0 N) as [Hc0 | Hc0].
  - rewrite (rsum_single d mx0) by (exact Hmx0 || (intros mx _ Hne;
      rewrite (rsum_ext N _ (fun _ => 0)) by (intros c Hc; apply Hzero; auto);
      apply rsum_zero)).
    apply (rsum_single N c0 (fun c => ind (P mx0 c))); [exact Hc0 |].
    intros c Hc Hne. apply Hzero; auto.
  - rewrite (rsum_ext d _ (fun _ => 0)); [apply rsum_zero |].
    intros mx _. rewrite (rsum_ext N _ (fun _ => 0)); [apply rsum_zero |].
    intros c Hc. apply Hzero; [exact Hc | right; lia].
Qed.

(** A count by cases: when the sequences l ++ [q] split over cases (mx, c) -- each covered
    one in exactly one case P q mx c -- and each case's lists number count q mx c, the covered
    sequences number the sum of the counts. *)
Theorem count_by_cases d n (covered : list nat -> bool) (P : nat -> nat -> nat -> list nat -> bool)
    (count : nat -> nat -> nat -> Z) :
  (1 <= n)%nat ->
  (forall q mx c, (mx < d)%nat ->
     rsum_lists d (Nat.pred n) (fun l => ind (P q mx c l)) = IZR (count q mx c)) ->
  (forall l q, length l = Nat.pred n -> Forall (fun t => (t < d)%nat) l -> (q < d)%nat ->
     rsum d (fun mx => rsum n (fun c => ind (P q mx c l))) = ind (covered (l ++ [q]))) ->
  rsum_lists d n (fun l => ind (covered l))
  = IZR (zsum d (fun q => zsum d (fun mx => zsum n (fun c => count q mx c)))).
Proof.
  intros Hn Hcount Hsplit. destruct n as [| L]; [lia |]. rewrite rsum_lists_snoc.
  rewrite (rsum_lists_ext_in d L _ (fun l => rsum d (fun q => rsum d (fun mx => rsum (S L)
             (fun c => ind (P q mx c l)))))).
  - rewrite rsum_lists_rsum, IZR_zsum. apply rsum_ext. intros q _.
    rewrite rsum_lists_rsum, IZR_zsum. apply rsum_ext. intros mx Hmx.
    rewrite rsum_lists_rsum, IZR_zsum. apply rsum_ext. intros c _. apply Hcount, Hmx.
  - intros l Hlen Hall. apply rsum_ext. intros q Hq. symmetry. apply Hsplit; assumption.
Qed.
