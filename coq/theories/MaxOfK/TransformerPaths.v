(** * TransformerPaths.v -- the transformer's logits and scores split into the paper's paths

    The decomposition the Max-of-K strategies rest on (Gross et al. 2024, section 4), proved
    about the real-valued semantics of [Transformer]. With x_i = W_E[t_i] + W_pos[i] and the
    last position l = n_ctx - 1, the tables below depend on the weights only, never on the
    sequence, so a checker can compute them once:

    - direct path [EU] = W_E W_U and [PU] = W_pos W_U;
    - OV paths [EVOU] = W_E W_V W_O W_U and [PVOU] = W_pos W_V W_O W_U ([ovu] of a row);
    - the biases' constant [cU] = (b_V W_O + b_O) W_U + b_U (b_V enters through
      sum_i a_i = 1);
    - the query of a last token t, [qvec t] = (W_E[t] + W_pos[l]) W_Q + b_Q, and the QK
      paths [EQKE t t'] = qvec t . (W_E[t'] W_K), [EQKP t i] = qvec t . (W_pos[i] W_K),
      [QB t] = qvec t . b_K.

    Main statements (1 <= n_ctx where the attention weights must sum to 1)
    - [logits_paths] : z_j = EU[t_l, j] + PU[l, j] + sum_i a_i (EVOU[t_i, j] + PVOU[i, j]) + cU_j;
    - [score_paths] : s_i = (EQKE[t_l, t_i] + EQKP[t_l, i] + QB[t_l]) / sqrt d_head;
    - [attn_shift] : the attention weights are the softmax of any common shift of the
      scores, so [attn_paths] : a_i = softmax_i ((EQKE[t_l, t_i] + EQKP[t_l, i]) / sqrt d_head),
      without the key bias term QB. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Transformer.
Open Scope R_scope.

(** sum_k (sum_i a_i f_i(k)) g(k) = sum_i a_i sum_k f_i(k) g(k). *)
Lemma rsum_weighted (n K : nat) (a : nat -> R) (f : nat -> nat -> R) (g : nat -> R) :
  rsum K (fun k => rsum n (fun i => a i * f i k) * g k)
  = rsum n (fun i => a i * rsum K (fun k => f i k * g k)).
Proof.
  rewrite (rsum_ext K _ (fun k => rsum n (fun i => a i * f i k * g k)))
    by (intros k _; rewrite <- rsum_scal_r; reflexivity).
  rewrite rsum_swap. apply rsum_ext. intros i _.
  rewrite <- rsum_scal_l. apply rsum_ext. intros k _. ring.
Qed.

Section Paths.
Variable m : transformer.
Local Notation n := (n_ctx m).
Local Notation last := (Nat.pred (n_ctx m)).
Local Notation dm := (d_model m).
Local Notation dh := (d_head m).

(** x W_U for a residual vector x, and the direct paths. *)
Definition unembed (x : nat -> R) (j : nat) : R := rsum dm (fun k => x k * W_U m k j).
Definition EU (t j : nat) : R := unembed (W_E m t) j.
Definition PU (i j : nat) : R := unembed (W_pos m i) j.

(** x W_V W_O W_U, and the OV paths. *)
Definition ovu (x : nat -> R) (j : nat) : R :=
  unembed (fun k => rsum dh (fun h => rsum dm (fun k' => x k' * W_V m k' h) * W_O m h k)) j.
Definition EVOU (t j : nat) : R := ovu (W_E m t) j.
Definition PVOU (i j : nat) : R := ovu (W_pos m i) j.

Definition cU (j : nat) : R :=
  unembed (fun k => rsum dh (fun h => b_V m h * W_O m h k) + b_O m k) j + b_U m j.

Definition qvec (t h : nat) : R :=
  rsum dm (fun k => (W_E m t k + W_pos m last k) * W_Q m k h) + b_Q m h.
Definition EQKE (t t' : nat) : R := rsum dh (fun h => qvec t h * rsum dm (fun k => W_E m t' k * W_K m k h)).
Definition EQKP (t i : nat) : R := rsum dh (fun h => qvec t h * rsum dm (fun k => W_pos m i k * W_K m k h)).
Definition QB (t : nat) : R := rsum dh (fun h => qvec t h * b_K m h).

Lemma unembed_plus (x y : nat -> R) (j : nat) :
  unembed (fun k => x k + y k) j = unembed x j + unembed y j.
Proof. unfold unembed. rewrite <- rsum_plus. apply rsum_ext. intros k _. ring. Qed.

Lemma ovu_plus (x y : nat -> R) (j : nat) :
  ovu (fun k => x k + y k) j = ovu x j + ovu y j.
Proof.
  unfold ovu. rewrite <- unembed_plus. unfold unembed. apply rsum_ext. intros k _.
  f_equal. rewrite <- rsum_plus. apply rsum_ext. intros h _.
  rewrite <- Rmult_plus_distr_r. f_equal. rewrite <- rsum_plus. apply rsum_ext. intros k' _.
  ring.
Qed.

Theorem logits_paths (ts : nat -> nat) (j : nat) : (1 <= n)%nat ->
  logits m ts j
  = EU (ts last) j + PU last j
    + rsum n (fun i => attn m ts i * (EVOU (ts i) j + PVOU i j)) + cU j.
Proof.
  intros Hn. unfold logits.
  rewrite (rsum_ext dm _ (fun k =>
      (resid0 m ts last k
       + rsum dh (fun h => rsum n (fun i => attn m ts i
                                              * rsum dm (fun k' => resid0 m ts i k' * W_V m k' h))
                           * W_O m h k))
      * W_U m k j
      + (rsum dh (fun h => b_V m h * W_O m h k) + b_O m k) * W_U m k j))
    by (intros k _; rewrite resid_value_bias by exact Hn; ring).
  rewrite rsum_plus.
  rewrite (rsum_ext dm _ (fun k => resid0 m ts last k * W_U m k j
      + rsum dh (fun h => rsum n (fun i => attn m ts i
                                             * rsum dm (fun k' => resid0 m ts i k' * W_V m k' h))
                          * W_O m h k) * W_U m k j))
    by (intros k _; ring).
  rewrite rsum_plus.
  assert (Hdirect : rsum dm (fun k => resid0 m ts last k * W_U m k j) = EU (ts last) j + PU last j).
  { unfold EU, PU. rewrite <- unembed_plus. reflexivity. }
  assert (Hov : rsum dm (fun k =>
                  rsum dh (fun h => rsum n (fun i => attn m ts i
                                                  * rsum dm (fun k' => resid0 m ts i k' * W_V m k' h))
                                    * W_O m h k) * W_U m k j)
                = rsum n (fun i => attn m ts i * (EVOU (ts i) j + PVOU i j))).
  { rewrite (rsum_ext dm _ (fun k =>
        rsum n (fun i => attn m ts i
                         * rsum dh (fun h => rsum dm (fun k' => resid0 m ts i k' * W_V m k' h)
                                             * W_O m h k)) * W_U m k j)).
    2: { intros k _. f_equal. apply (rsum_weighted n dh (attn m ts)
            (fun i h => rsum dm (fun k' => resid0 m ts i k' * W_V m k' h)) (fun h => W_O m h k)). }
    rewrite (rsum_weighted n dm (attn m ts)). apply rsum_ext. intros i _. f_equal.
    unfold EVOU, PVOU. rewrite <- ovu_plus. reflexivity. }
  rewrite Hdirect, Hov. unfold cU, unembed. ring.
Qed.

Theorem score_paths (ts : nat -> nat) (i : nat) :
  score m ts i = (EQKE (ts last) (ts i) + EQKP (ts last) i + QB (ts last)) / sqrt (INR dh).
Proof.
  unfold score, EQKE, EQKP, QB. f_equal.
  rewrite <- !rsum_plus. apply rsum_ext. intros h _.
  unfold query, key, project, qvec, resid0.
  rewrite (rsum_ext dm (fun k => (W_E m (ts i) k + W_pos m i k) * W_K m k h)
             (fun k => W_E m (ts i) k * W_K m k h + W_pos m i k * W_K m k h))
    by (intros; ring).
  rewrite rsum_plus. ring.
Qed.

(** Softmax is unchanged by a common shift of its arguments. *)
Lemma attn_shift (ts : nat -> nat) (s : nat -> R) (c : R) (i : nat) :
  (forall j, (j < n)%nat -> score m ts j = s j + c) ->
  (i < n)%nat -> attn m ts i = exp (s i) / rsum n (fun j => exp (s j)).
Proof.
  intros Hs Hi. unfold attn. rewrite (Hs i Hi).
  rewrite (rsum_ext n (fun j => exp (score m ts j)) (fun j => exp (s j) * exp c))
    by (intros j Hj; rewrite (Hs j Hj), exp_plus; reflexivity).
  rewrite rsum_scal_r, exp_plus.
  assert (Hpos : 0 < rsum n (fun j => exp (s j))) by (apply rsum_pos; [lia|intros; apply exp_pos]).
  field. split; [apply Rgt_not_eq; exact Hpos|apply Rgt_not_eq, exp_pos].
Qed.

Theorem attn_paths (ts : nat -> nat) (i : nat) : (i < n)%nat ->
  attn m ts i
  = exp ((EQKE (ts last) (ts i) + EQKP (ts last) i) / sqrt (INR dh))
    / rsum n (fun j => exp ((EQKE (ts last) (ts j) + EQKP (ts last) j) / sqrt (INR dh))).
Proof.
  apply (attn_shift ts (fun j => (EQKE (ts last) (ts j) + EQKP (ts last) j) / sqrt (INR dh))
                    (QB (ts last) / sqrt (INR dh))).
  intros j _. rewrite score_paths. unfold Rdiv. ring.
Qed.

End Paths.
