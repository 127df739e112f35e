(** * TransformerCubic.v -- the steps of the paper's cubic proof, about the real semantics

    The cubic strategy (pyexport/families/max_of_k_transformer/strategies/cubic.py) proves a
    sequence correct from a few weight-only tables. This file proves its steps about the
    transformer of [Transformer], through the paths of [TransformerPaths]; with q the query
    (last) token and mx the label:

    - [logit_gap_paths] : z_x - z_mx = EUPU'[q, x] + sum_i a_i (EVOU'[t_i, x] + PVOU'[i, x]),
      where ' subtracts the column mx and [EUPU] = EU + PU[last] + cU (step 0);
    - [correct_of_sign] (steps 1 and 2, the pessimisation over x and positions, then the
      softmax denominator cleared): if EUPU'[q, x] <= E and EVOU'[t_i, x] + PVOU'[i, x] <=
      V(t_i) for every x <> mx and position i, and sum_i e^(s_i) (V(t_i) + E) < 0 with
      s_i = (EQKE[q, t_i] + EQKP[q, i]) / sqrt d_head, then the sequence is classified
      correctly; [exp_score_split] : e^(s_i) = alpha[q, t_i] pi[q, i], the factors the
      strategy tabulates;
    - [logit_lt_of_sign] : the same for one wrong answer x without pessimisation (the
      strategy's c = 0 cases);
    - [affine_neg] (step 2, the orderings): an affine function of the positional weight P that
      is negative at both ends of P's range is negative on all of it;
    - [convex_sign] (step 3, mixed non-max tokens): b + sum_i c_i w_i < 0 when every
      b + c_i W < 0 (W = sum_i w_i > 0, w_i >= 0): the mixed case is a convex combination
      of the pure ones; [mixed_of_pure] states it on positions and [correct_of_pure_cases]
      joins the steps: a sequence with c >= 1 non-max non-query positions is correct when the
      pessimised bounds hold and, for each of those positions j, the pure case [pure_lhs] that
      puts t_j on all c of them is negative.

    [CheckCubic] checks certificates with [correct_of_pure_cases]; it enumerates the
    arrangements and evaluates the c = 0 sequence itself, so [affine_neg] and
    [logit_lt_of_sign] stay the proofs of the strategy's own steps. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Correct Transformer TransformerPaths.
Open Scope R_scope.

(** A sum of nonpositive terms w_i g_i, with g_i < 0 wherever w_i > 0, is negative when the
    weights have a positive total. *)
Lemma rsum_weighted_neg (K : nat) (w g : nat -> R) :
  (forall i, (i < K)%nat -> 0 <= w i) ->
  (forall i, (i < K)%nat -> 0 < w i -> g i < 0) ->
  0 < rsum K w -> rsum K (fun i => w i * g i) < 0.
Proof.
  induction K as [|K IH]; intros Hw Hg Hpos; simpl in *; [lra|].
  assert (Hle : rsum K (fun i => w i * g i) <= 0).
  { rewrite <- (rsum_zero K). apply rsum_le. intros i Hi.
    destruct (Rle_lt_or_eq_dec 0 (w i) (Hw i ltac:(lia))) as [Hp|H0].
    - assert (g i < 0) by (apply Hg; [lia|exact Hp]). nra.
    - rewrite <- H0. lra. }
  destruct (Rle_lt_or_eq_dec 0 (w K) (Hw K ltac:(lia))) as [Hp|H0].
  - assert (g K < 0) by (apply Hg; [lia|exact Hp]). nra.
  - rewrite <- H0 in *. rewrite Rmult_0_l, Rplus_0_r.
    apply IH; [intros i Hi; apply Hw; lia | intros i Hi; apply Hg; lia | lra].
Qed.

(** Step 3: with W = sum_i w_i, (b + sum_i c_i w_i) W = sum_i w_i (b + c_i W), so the left
    side is negative when every b + c_i W (over the i with w_i > 0) is. *)
Lemma convex_sign (K : nat) (w c : nat -> R) (b : R) :
  (forall i, (i < K)%nat -> 0 <= w i) -> 0 < rsum K w ->
  (forall i, (i < K)%nat -> 0 < w i -> b + c i * rsum K w < 0) ->
  b + rsum K (fun i => c i * w i) < 0.
Proof.
  intros Hw Hpos Hcase.
  assert (Hid : (b + rsum K (fun i => c i * w i)) * rsum K w
                = rsum K (fun i => w i * (b + c i * rsum K w))).
  { rewrite (rsum_ext K (fun i => w i * (b + c i * rsum K w))
                        (fun i => w i * b + (c i * w i) * rsum K w)) by (intros; ring).
    rewrite rsum_plus, !rsum_scal_r. ring. }
  assert (Hneg : rsum K (fun i => w i * (b + c i * rsum K w)) < 0)
    by (apply rsum_weighted_neg; assumption).
  rewrite <- Hid in Hneg. nra.
Qed.

(** Step 2: negative at both ends of [lo, hi], an affine function is negative between. *)
Lemma affine_neg (A B lo hi P : R) :
  lo <= P <= hi -> A * lo + B < 0 -> A * hi + B < 0 -> A * P + B < 0.
Proof.
  intros [Hlo Hhi] H1 H2. destruct (Rle_dec 0 A) as [HA|HA].
  - assert (A * P <= A * hi) by (apply Rmult_le_compat_l; assumption). lra.
  - assert (A * P <= A * lo) by nra. lra.
Qed.

(** A sum of nonnegative terms is positive when one of them is. *)
Lemma rsum_pos_one (N j : nat) (f : nat -> R) :
  (forall i, (i < N)%nat -> 0 <= f i) -> (j < N)%nat -> 0 < f j -> 0 < rsum N f.
Proof.
  induction N as [|N IH]; intros Hf Hj Hfj; simpl; [lia|].
  destruct (Nat.eq_dec j N) as [->|Hne].
  - assert (0 <= rsum N f) by (apply rsum_nonneg; intros i Hi; apply Hf; lia). lra.
  - assert (0 < rsum N f) by (apply IH; [intros i Hi; apply Hf; lia | lia | exact Hfj]).
    assert (0 <= f N) by (apply Hf; lia). lra.
Qed.

(** Step 3 on positions: the positions in K (inK) hold non-max tokens, with coefficients a_i;
    the pure case of position j puts j's coefficient on every position of K. If each pure case
    is negative, so is the sequence. *)
Lemma mixed_of_pure (N : nat) (inK : nat -> bool) (w a : nat -> R) :
  (forall i, (i < N)%nat -> 0 <= w i) ->
  0 < rsum N (fun i => if inK i then w i else 0) ->
  (forall j, (j < N)%nat -> inK j = true ->
     rsum N (fun i => w i * (if inK i then a j else a i)) < 0) ->
  rsum N (fun i => w i * a i) < 0.
Proof.
  intros Hw Hpos Hpure.
  set (b := rsum N (fun i => if inK i then 0 else w i * a i)).
  set (wK := fun i => if inK i then w i else 0).
  assert (Hsplit : forall c : nat -> R,
             rsum N (fun i => w i * (if inK i then c i else a i))
             = b + rsum N (fun i => c i * wK i)).
  { intros c. unfold b, wK. rewrite <- rsum_plus. apply rsum_ext. intros i _.
    destruct (inK i); ring. }
  rewrite (rsum_ext N (fun i => w i * a i) (fun i => w i * (if inK i then a i else a i)))
    by (intros i _; destruct (inK i); reflexivity).
  rewrite Hsplit. apply convex_sign.
  - intros i Hi. unfold wK. destruct (inK i); [apply Hw, Hi | lra].
  - exact Hpos.
  - intros j Hj Hwj. unfold wK in Hwj. destruct (inK j) eqn:HK; [| lra].
    specialize (Hpure j Hj HK). rewrite (Hsplit (fun _ => a j)) in Hpure.
    rewrite rsum_scal_l in Hpure. exact Hpure.
Qed.

Section Cubic.
Variable m : transformer.
Local Notation n := (n_ctx m).
Local Notation last := (Nat.pred (n_ctx m)).

(** The part of the logits a query token fixes: direct paths and the biases' constant. *)
Definition EUPU (q j : nat) : R := EU m q j + PU m last j + cU m j.

(** The attention score without the key bias, and its two exponential factors. *)
Definition path_score (ts : nat -> nat) (i : nat) : R :=
  (EQKE m (ts last) (ts i) + EQKP m (ts last) i) / sqrt (INR (d_head m)).

Lemma exp_score_split (ts : nat -> nat) (i : nat) :
  exp (path_score ts i)
  = exp (EQKE m (ts last) (ts i) / sqrt (INR (d_head m)))
    * exp (EQKP m (ts last) i / sqrt (INR (d_head m))).
Proof. unfold path_score. rewrite <- exp_plus. f_equal. unfold Rdiv. ring. Qed.

Lemma logit_gap_paths (ts : nat -> nat) (x mx : nat) : (1 <= n)%nat ->
  logits m ts x - logits m ts mx
  = (EUPU (ts last) x - EUPU (ts last) mx)
    + rsum n (fun i => attn m ts i * ((EVOU m (ts i) x - EVOU m (ts i) mx)
                                      + (PVOU m i x - PVOU m i mx))).
Proof.
  intros Hn. rewrite !logits_paths by exact Hn. unfold EUPU.
  rewrite (rsum_ext n (fun i => attn m ts i * ((EVOU m (ts i) x - EVOU m (ts i) mx)
                                                + (PVOU m i x - PVOU m i mx)))
             (fun i => attn m ts i * (EVOU m (ts i) x + PVOU m i x)
                       - attn m ts i * (EVOU m (ts i) mx + PVOU m i mx)))
    by (intros; ring).
  rewrite rsum_minus. ring.
Qed.

(** The softmax denominator cleared: an attention-weighted sum has the sign of the same sum
    weighted by e^(s_i). *)
Lemma attn_weighted_neg (ts : nat -> nat) (g : nat -> R) :
  rsum n (fun i => exp (path_score ts i) * g i) < 0 -> rsum n (fun i => attn m ts i * g i) < 0.
Proof.
  intros Hsign.
  set (D := rsum n (fun j => exp (path_score ts j))).
  assert (HD : 0 < / D).
  { apply Rinv_0_lt_compat. destruct n as [| k]; [simpl in Hsign; lra |].
    apply rsum_pos; [lia | intros; apply exp_pos]. }
  rewrite (rsum_ext n _ (fun i => exp (path_score ts i) * g i * / D))
    by (intros i Hi; rewrite attn_paths by exact Hi; unfold D, path_score, Rdiv; ring).
  rewrite rsum_scal_r. nra.
Qed.

(** The sign condition of one wrong answer x, unpessimised (the strategy's c = 0 cases):
    with sum_i a_i = 1 the logit gap is the attention-weighted sum of EUPU' + EVOU' + PVOU'. *)
Lemma logit_lt_of_sign (ts : nat -> nat) (x mx : nat) : (1 <= n)%nat ->
  rsum n (fun i => exp (path_score ts i)
                   * ((EUPU (ts last) x - EUPU (ts last) mx)
                      + (EVOU m (ts i) x - EVOU m (ts i) mx) + (PVOU m i x - PVOU m i mx))) < 0 ->
  logits m ts x < logits m ts mx.
Proof.
  intros Hn Hsign.
  set (g := fun i => (EUPU (ts last) x - EUPU (ts last) mx)
                     + (EVOU m (ts i) x - EVOU m (ts i) mx) + (PVOU m i x - PVOU m i mx)).
  assert (Hgap : logits m ts x - logits m ts mx = rsum n (fun i => attn m ts i * g i)).
  { rewrite logit_gap_paths by exact Hn. unfold g.
    rewrite (rsum_ext n (fun i => attn m ts i
                                  * (EUPU (ts last) x - EUPU (ts last) mx
                                     + (EVOU m (ts i) x - EVOU m (ts i) mx)
                                     + (PVOU m i x - PVOU m i mx)))
               (fun i => attn m ts i * (EUPU (ts last) x - EUPU (ts last) mx)
                         + attn m ts i * ((EVOU m (ts i) x - EVOU m (ts i) mx)
                                          + (PVOU m i x - PVOU m i mx)))) by (intros; ring).
    rewrite rsum_plus, rsum_scal_r, attn_sum by exact Hn. ring. }
  assert (Hneg : rsum n (fun i => attn m ts i * g i) < 0)
    by (apply attn_weighted_neg; exact Hsign).
  lra.
Qed.

(** Steps 1 and 2: pessimised bounds E and V(t), uniform in the wrong answer x, and the sign
    of the attention-weighted sum after clearing the softmax denominator. *)
Theorem correct_of_sign (ts : nat -> nat) (E : R) (V : nat -> R) :
  (1 <= n)%nat ->
  (forall x, (x < d_vocab m)%nat -> x <> label n ts ->
     EUPU (ts last) x - EUPU (ts last) (label n ts) <= E) ->
  (forall x i, (x < d_vocab m)%nat -> x <> label n ts -> (i < n)%nat ->
     (EVOU m (ts i) x - EVOU m (ts i) (label n ts))
     + (PVOU m i x - PVOU m i (label n ts)) <= V (ts i)) ->
  rsum n (fun i => exp (path_score ts i) * (V (ts i) + E)) < 0 ->
  correct (d_vocab m) (logits m ts) (label n ts).
Proof.
  intros Hn HE HV Hsign x Hx Hne.
  assert (Hweighted : rsum n (fun i => attn m ts i * (V (ts i) + E)) < 0)
    by (apply attn_weighted_neg; exact Hsign).
  assert (Hgap : logits m ts x - logits m ts (label n ts)
                 <= rsum n (fun i => attn m ts i * (V (ts i) + E))).
  { rewrite logit_gap_paths by exact Hn.
    rewrite (rsum_ext n (fun i => attn m ts i * (V (ts i) + E))
               (fun i => attn m ts i * V (ts i) + attn m ts i * E)) by (intros; ring).
    rewrite rsum_plus, rsum_scal_r, attn_sum by exact Hn.
    assert (rsum n (fun i => attn m ts i * ((EVOU m (ts i) x - EVOU m (ts i) (label n ts))
                                            + (PVOU m i x - PVOU m i (label n ts))))
            <= rsum n (fun i => attn m ts i * V (ts i))).
    { apply rsum_le. intros i Hi. apply Rmult_le_compat_l.
      - left. apply attn_pos. exact Hn.
      - apply HV; assumption. }
    specialize (HE x Hx Hne). lra. }
  lra.
Qed.

(** The strategy's attention factors: e^(s_i) = alpha[q, t_i] pi[q, i]. *)
Definition alpha (q t : nat) : R := exp (EQKE m q t / sqrt (INR (d_head m))).
Definition pi (q i : nat) : R := exp (EQKP m q i / sqrt (INR (d_head m))).

(** The non-query positions that do not hold the label (the strategy's c of them). *)
Definition nonmax_pos (ts : nat -> nat) (i : nat) : bool :=
  Nat.ltb i last && negb (Nat.eqb (ts i) (label n ts)).

(** The value of the sign condition of a pure case: position j's token t_j on every position
    of K, the other positions (the label's copies and the query) as in ts. *)
Definition pure_lhs (ts : nat -> nat) (E : R) (V : nat -> R) (j : nat) : R :=
  rsum n (fun i => pi (ts last) i
                   * (if nonmax_pos ts i then alpha (ts last) (ts j) * (V (ts j) + E)
                      else alpha (ts last) (ts i) * (V (ts i) + E))).

(** Steps 1-3 together (c >= 1): a sequence with a non-max non-query position is classified
    correctly when the pessimised bounds hold and the pure case of each such position is
    negative. *)
Theorem correct_of_pure_cases (ts : nat -> nat) (E : R) (V : nat -> R) :
  (1 <= n)%nat ->
  (forall x, (x < d_vocab m)%nat -> x <> label n ts ->
     EUPU (ts last) x - EUPU (ts last) (label n ts) <= E) ->
  (forall x i, (x < d_vocab m)%nat -> x <> label n ts -> (i < n)%nat ->
     (EVOU m (ts i) x - EVOU m (ts i) (label n ts))
     + (PVOU m i x - PVOU m i (label n ts)) <= V (ts i)) ->
  (exists j, (j < n)%nat /\ nonmax_pos ts j = true) ->
  (forall j, (j < n)%nat -> nonmax_pos ts j = true -> pure_lhs ts E V j < 0) ->
  correct (d_vocab m) (logits m ts) (label n ts).
Proof.
  intros Hn HE HV [j0 [Hj0 HK0]] Hpure. apply (correct_of_sign ts E V Hn HE HV).
  rewrite (rsum_ext n _ (fun i => pi (ts last) i * (alpha (ts last) (ts i) * (V (ts i) + E))))
    by (intros i _; rewrite exp_score_split; unfold alpha, pi; ring).
  apply (mixed_of_pure n (nonmax_pos ts)).
  - intros i _. left. apply exp_pos.
  - apply (rsum_pos_one n j0).
    + intros i _. destruct (nonmax_pos ts i); [left; apply exp_pos | lra].
    + exact Hj0.
    + rewrite HK0. apply exp_pos.
  - exact Hpure.
Qed.

End Cubic.
