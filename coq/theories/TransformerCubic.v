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
    - [affine_neg] (step 2, the orderings): an affine function of the positional weight P that
      is negative at both ends of P's range is negative on all of it;
    - [convex_sign] (step 3, mixed non-max tokens): b + sum_i c_i w_i < 0 when every
      b + c_i W < 0 (W = sum_i w_i > 0, w_i >= 0): the mixed case is a convex combination
      of the pure ones.

    Not yet here: the checker that evaluates these conditions on a certificate's cases with
    proved exp enclosures, and the counting of the sequences each case covers (the strategy's
    C(n-1, c) |G|^c); Coq does not check cubic certificates yet. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Accuracy Transformer TransformerPaths.
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
  set (D := rsum n (fun j => exp (path_score ts j))).
  assert (HD : 0 < D) by (apply rsum_pos; [lia | intros; apply exp_pos]).
  assert (Hattn : forall i, (i < n)%nat -> attn m ts i = exp (path_score ts i) / D)
    by (intros i Hi; rewrite attn_paths by exact Hi; reflexivity).
  assert (Hweighted : rsum n (fun i => attn m ts i * (V (ts i) + E)) < 0).
  { rewrite (rsum_ext n _ (fun i => exp (path_score ts i) * (V (ts i) + E) * / D))
      by (intros i Hi; rewrite (Hattn i Hi); unfold Rdiv; ring).
    rewrite rsum_scal_r. assert (0 < / D) by (apply Rinv_0_lt_compat, HD). nra. }
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

End Cubic.
