(** * CheckTransformer.v -- brute-force accuracy checker of the Max-of-K transformer

    A certificate's weights are binary64 literals ([tweights]); [transformer_of w] is the
    real-valued transformer they denote and [imodel_of w] their point intervals. The checker
    takes the certificate's count of sequences marked correct per row of d sequences (those
    sharing the first n - 1 tokens), evaluates every sequence's logits with
    [TransformerEval.eval_logits] (the path tables computed once) and counts the sequences
    whose label interval lies strictly above every other logit's: each row must reach its
    count, and the claim p/q is then at most the sum of the counts, over d^n.

    What it defines
    - [tweights], [transformer_of], [imodel_of], [tshapes_ok];
    - [seq_ok L y d] : interval logits [L] prove label [y] strictly above the others;
    - [row_seq n pre t] : the sequence of a row;
    - [check_tbf_accuracy w rows p q].

    Main statements
    - [imodel_of_encl] : with the shapes checked, [imodel_of w] encloses [transformer_of w];
    - [correct_of_seq_ok];
    - [row_seq_tokens] : row r's sequence ending with t is sequence r d + t;
    - [check_tbf_accuracy_correct] : [check_tbf_accuracy w rows p q = true ->
        accuracy (transformer_of w) >= IZR p / IZR q]. *)

From Coq Require Import Reals Lra Lia ZArith List Floats Bool.
From PyExport Require Import Sums Correct Enclosure FloatData.
From PyExport Require Import IntervalVec Transformer TransformerEval.
Import ListNotations.
Open Scope R_scope.

Record tweights : Type := MkTWeights {
  tw_n : nat; tw_d : nat; tw_dm : nat; tw_dh : nat;
  tw_E : list (list float);     (** d_vocab rows of d_model *)
  tw_pos : list (list float);   (** n_ctx rows of d_model *)
  tw_Q : list (list float);     (** d_model rows of d_head; also tw_K, tw_V *)
  tw_K : list (list float);
  tw_V : list (list float);
  tw_O : list (list float);     (** d_head rows of d_model *)
  tw_bQ : list float; tw_bK : list float; tw_bV : list float;  (** d_head *)
  tw_bO : list float;           (** d_model *)
  tw_U : list (list float);     (** d_model rows of d_vocab *)
  tw_bU : list float            (** d_vocab *)
}.

Definition vget (v : list float) (i : nat) : R := I.F.toR (nth i v 0%float).
Definition mreal (M : list (list float)) (a b : nat) : R := I.F.toR (fget M a b).

Definition transformer_of (w : tweights) : transformer :=
  MkTransformer (tw_n w) (tw_d w) (tw_dm w) (tw_dh w)
    (mreal (tw_E w)) (mreal (tw_pos w)) (mreal (tw_Q w)) (mreal (tw_K w)) (mreal (tw_V w))
    (mreal (tw_O w)) (vget (tw_bQ w)) (vget (tw_bK w)) (vget (tw_bV w)) (vget (tw_bO w))
    (mreal (tw_U w)) (vget (tw_bU w)).

Definition ivec (v : list float) : list I.type := map I.singleton v.
Definition imat (M : list (list float)) : list (list I.type) := map ivec M.

Definition imodel_of (w : tweights) : imodel :=
  MkIModel (imat (tw_E w)) (imat (tw_pos w)) (imat (tw_Q w)) (imat (tw_K w)) (imat (tw_V w))
    (imat (tw_O w)) (ivec (tw_bQ w)) (ivec (tw_bK w)) (ivec (tw_bV w)) (ivec (tw_bO w))
    (imat (tw_U w)) (ivec (tw_bU w)) (I.sqrt prec (I.fromZ prec (Z.of_nat (tw_dh w)))).

Definition tshapes_ok (w : tweights) : bool :=
  let n := tw_n w in let d := tw_d w in let dm := tw_dm w in let dh := tw_dh w in
  shape_ok d dm (tw_E w) && shape_ok n dm (tw_pos w) && shape_ok dm dh (tw_Q w)
  && shape_ok dm dh (tw_K w) && shape_ok dm dh (tw_V w) && shape_ok dh dm (tw_O w)
  && Nat.eqb (length (tw_bQ w)) dh && Nat.eqb (length (tw_bK w)) dh
  && Nat.eqb (length (tw_bV w)) dh && Nat.eqb (length (tw_bO w)) dm
  && shape_ok dm d (tw_U w) && Nat.eqb (length (tw_bU w)) d.

Lemma encl_ivec v n : length v = n -> encl_vec (ivec v) (vget v) n.
Proof.
  revert n. induction v as [| x v IH]; intros n Hl; subst n.
  - split; [reflexivity | intros; simpl in *; lia].
  - apply encl_vec_cons. split; [apply encl_singleton | exact (IH _ eq_refl)].
Qed.

Lemma encl_imat M r c : shape_ok r c M = true -> encl_mat (imat M) (mreal M) r c.
Proof.
  intros HM. apply shape_ok_spec in HM as [Hl Hrows].
  split; [unfold imat; rewrite map_length; exact Hl |].
  intros k Hk. unfold imat. assert (Hk' : (k < length M)%nat) by (rewrite Hl; exact Hk).
  rewrite (nth_map_lt' ivec M k [] [] Hk'). apply encl_ivec, Hrows, Hk.
Qed.

Lemma imodel_of_encl w : tshapes_ok w = true -> imodel_encl (imodel_of w) (transformer_of w).
Proof.
  unfold tshapes_ok. rewrite !andb_true_iff, !Nat.eqb_eq.
  intros [[[[[[[[[[[HE Hpos] HQ] HK] HV] HO] HbQ] HbK] HbV] HbO] HU] HbU].
  unfold imodel_encl.
  split; [apply encl_imat; exact HE |]. split; [apply encl_imat; exact Hpos |].
  split; [apply encl_imat; exact HQ |]. split; [apply encl_imat; exact HK |].
  split; [apply encl_imat; exact HV |]. split; [apply encl_imat; exact HO |].
  split; [apply encl_ivec; exact HbQ |]. split; [apply encl_ivec; exact HbK |].
  split; [apply encl_ivec; exact HbV |]. split; [apply encl_ivec; exact HbO |].
  split; [apply encl_imat; exact HU |]. split; [apply encl_ivec; exact HbU |].
  apply encl_sqrt. rewrite INR_IZR_INZ. apply encl_fromZ.
Qed.

(** ** One sequence *)

Definition seq_ok (L : list I.type) (y d : nat) : bool :=
  all_below d (fun j => Nat.eqb j y || ilt_check prec (nth j L I.zero) (nth y L I.zero)).

Lemma correct_of_seq_ok L z y d :
  encl_vec L z d -> (y < d)%nat -> seq_ok L y d = true -> correct d z y.
Proof.
  intros [_ HL] Hy Hok j Hj Hjy. unfold seq_ok in Hok. rewrite all_below_spec in Hok.
  specialize (Hok j Hj). apply orb_true_iff in Hok as [Heq | Hlt].
  - apply Nat.eqb_eq in Heq. contradiction.
  - exact (lt_of_ilt_check _ _ _ _ _ (HL j Hj) (HL y Hy) Hlt).
Qed.

(** ** The checker *)

(** ** Rows of sequences

    Row r holds the d sequences whose first n - 1 tokens are the base-d digits of r
    ([tokens_of d (n - 1) r], decoded once per row as [pre]), sequence r d + t ending with t. *)

Definition row_seq (n : nat) (pre : list nat) (t : nat) (i : nat) : nat :=
  if Nat.ltb i (n - 1) then nth i pre 0%nat else t.

Lemma row_seq_tokens d n r t i : (1 <= d)%nat -> (t < d)%nat -> (i < n)%nat ->
  row_seq n (map (tokens_of d (n - 1) r) (seq 0 (n - 1))) t i = tokens_of d n (r * d + t) i.
Proof.
  intros Hd Ht Hi. unfold row_seq, tokens_of. destruct (Nat.ltb_spec i (n - 1)) as [Hlt | Hge].
  - rewrite nth_map_seq by exact Hlt.
    replace (n - 1 - i)%nat with (S (n - 1 - 1 - i)) by lia.
    rewrite Nat.pow_succ_r', <- Nat.div_div by (try apply Nat.pow_nonzero; lia).
    rewrite Nat.div_add_l, (Nat.div_small t d Ht), Nat.add_0_r by lia. reflexivity.
  - replace (n - 1 - i)%nat with 0%nat by lia. rewrite Nat.pow_0_r, Nat.div_1_r.
    rewrite Nat.add_comm, Nat.mod_add, Nat.mod_small by lia. reflexivity.
Qed.

(** ** The checker

    [rows] : for each row r, the certificate's count of its sequences marked correct; each row
    must hold at least that many sequences whose interval logits prove the label. *)

Definition check_tbf_accuracy (w : tweights) (rows : list Z) (p q : Z) : bool :=
  let m := transformer_of w in
  let M := imodel_of w in
  let n := tw_n w in let d := tw_d w in
  let DU := DU_tab m M in let VU := VU_tab m M in let QK := QK_tab m M in
  tshapes_ok w && Nat.leb 1 n && Nat.leb 1 (tw_dh w) && Nat.leb 1 d
  && all_below (d ^ (n - 1)) (fun r =>
       let pre := map (tokens_of d (n - 1) r) (seq 0 (n - 1)) in
       row_count_ok d (fun t => let ts := row_seq n pre t in
                                seq_ok (eval_logits m DU VU QK ts) (label n ts) d)
                    (nth r rows 0%Z))
  && acc_claim_okn n (zsum (d ^ (n - 1)) (fun r => nth r rows 0%Z)) d p q.

Theorem check_tbf_accuracy_correct w rows p q :
  check_tbf_accuracy w rows p q = true -> accuracy (transformer_of w) >= IZR p / IZR q.
Proof.
  unfold check_tbf_accuracy. rewrite !andb_true_iff, !Nat.leb_le.
  intros [[[[[Hshapes Hn] Hdh] Hd] Hall] Hclaim].
  set (m := transformer_of w). set (n := tw_n w). set (d := tw_d w).
  rewrite all_below_spec in Hall.
  apply Rle_ge. unfold accuracy. apply (acc_claim_okn_spec _ _ _ _ _ _ Hclaim).
  change (d_vocab m) with d. change (n_ctx m) with n.
  assert (HN : (d ^ n)%nat = (d ^ (n - 1) * d)%nat).
  { replace n with (S (n - 1)) at 1 by lia. rewrite Nat.pow_succ_r'. apply Nat.mul_comm. }
  rewrite HN, rsum_blocks, IZR_zsum. apply rsum_le. intros r Hr.
  refine (row_count_ok_spec _ _ _ _ _ (Hall r Hr)). intros t Ht Hok. cbv zeta in Hok.
  set (ts' := row_seq n (map (tokens_of d (n - 1) r) (seq 0 (n - 1))) t) in Hok.
  set (ts := tokens_of d n (r * d + t)).
  assert (Heq : forall i, (i < n)%nat -> ts' i = ts i)
    by (intros i Hi; exact (row_seq_tokens d n r t i Hd Ht Hi)).
  assert (Htok : forall i, (i < n)%nat -> (ts' i < d)%nat)
    by (intros i Hi; rewrite Heq by exact Hi; apply tokens_of_lt; exact Hd).
  assert (HL := eval_logits_encl m (imodel_of w) (imodel_of_encl w Hshapes) Hn Hdh ts' Htok).
  unfold correct_seqb. change (d_vocab m) with d. change (n_ctx m) with n. fold ts.
  apply correctb_spec.
  rewrite <- (label_ext n ts' ts Heq).
  intros j Hj Hjy. rewrite <- !(logits_ext m ts' ts) by (exact Hn || exact Heq).
  exact (correct_of_seq_ok _ _ _ _ HL (label_lt n d ts' Hd Htok) Hok j Hj Hjy).
Qed.
