(** * Transformer.v -- the paper's Max-of-K model over the standard reals

    The one-layer, one-head, attention-only transformer of Gross et al. 2024 with
    TransformerLens semantics (no LayerNorm, learned absolute positions, every bias), read
    at the last position; the label of a sequence is its maximum token. With
    x_i = W_E[t_i] + W_pos[i] and n = n_ctx:

      q = x_{n-1} W_Q + b_Q,   k_i = x_i W_K + b_K,   v_i = x_i W_V + b_V
      a_i = exp(s_i) / sum_j exp(s_j),   s_i = (q . k_i) / sqrt(d_head)
      logits = (x_{n-1} + (sum_i a_i v_i) W_O + b_O) W_U + b_U

    The causal mask is inactive at the last position (every i <= n-1 is attended to). The
    scale is the real [sqrt (INR d_head)], whatever d_head is. This file is the semantics the
    Max-of-K checkers will be proved against (pyexport issue 7); it mirrors
    pyexport/families/max_of_k_transformer/model.py.

    What it defines
    - [transformer] : sizes and real weight matrices as functions of indices;
    - [resid0], [query], [key], [value], [score], [attn], [resid], [logits] of a sequence
      [ts : nat -> nat] (token at each position);
    - [label n ts] : max of [ts 0 .. ts (n-1)];
    - [tokens_of d n s] : the s-th of the d^n sequences, row-major (digits of s in base d);
    - [accuracy m] : the fraction of all d_vocab^n_ctx sequences whose label logit is strictly
      above every other ([Accuracy.correct]).

    Main statements
    - [attn_pos] : every attention weight is positive;
    - [attn_sum] : with n_ctx >= 1 the weights sum to 1;
    - [attn_value] : the attention-weighted values are those of the unbiased projection
      plus b_V;
    - [resid_value_bias] : the value bias enters the residual stream as the constant
      b_V W_O, whatever the attention (so it folds into b_O, as the strategies assume);
    - [tokens_of_lt], [label_lt] : decoded tokens and labels are below d_vocab;
    - [logits_ext], [label_ext] : both read positions 0 .. n_ctx - 1 only. *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Correct.
Open Scope R_scope.

Record transformer : Type := MkTransformer {
  n_ctx : nat;
  d_vocab : nat;
  d_model : nat;
  d_head : nat;
  W_E : nat -> nat -> R;    (** [W_E t k], d_vocab x d_model *)
  W_pos : nat -> nat -> R;  (** [W_pos i k], n_ctx x d_model *)
  W_Q : nat -> nat -> R;    (** [W_Q k h], d_model x d_head; also W_K, W_V *)
  W_K : nat -> nat -> R;
  W_V : nat -> nat -> R;
  W_O : nat -> nat -> R;    (** [W_O h k], d_head x d_model *)
  b_Q : nat -> R;           (** d_head; also b_K, b_V *)
  b_K : nat -> R;
  b_V : nat -> R;
  b_O : nat -> R;           (** d_model *)
  W_U : nat -> nat -> R;    (** [W_U k j], d_model x d_vocab *)
  b_U : nat -> R            (** d_vocab *)
}.

Section Semantics.
Variable m : transformer.
Variable ts : nat -> nat.
Local Notation n := (n_ctx m).
Local Notation last := (Nat.pred (n_ctx m)).

Definition resid0 (i k : nat) : R := W_E m (ts i) k + W_pos m i k.

(** x_i W + b for a d_model x d_head matrix W *)
Definition project (W : nat -> nat -> R) (b : nat -> R) (i h : nat) : R :=
  rsum (d_model m) (fun k => resid0 i k * W k h) + b h.

Definition query (h : nat) : R := project (W_Q m) (b_Q m) last h.
Definition key (i h : nat) : R := project (W_K m) (b_K m) i h.
Definition value (i h : nat) : R := project (W_V m) (b_V m) i h.

Definition score (i : nat) : R :=
  rsum (d_head m) (fun h => query h * key i h) / sqrt (INR (d_head m)).

Definition attn (i : nat) : R := exp (score i) / rsum n (fun j => exp (score j)).

Definition resid (k : nat) : R :=
  resid0 last k
  + rsum (d_head m) (fun h => rsum n (fun i => attn i * value i h) * W_O m h k)
  + b_O m k.

Definition logits (j : nat) : R := rsum (d_model m) (fun k => resid k * W_U m k j) + b_U m j.

Lemma attn_pos (i : nat) : (1 <= n)%nat -> 0 < attn i.
Proof.
  intros Hn. unfold attn. apply Rdiv_lt_0_compat; [apply exp_pos |].
  apply rsum_pos; [lia | intros; apply exp_pos].
Qed.

Lemma attn_sum : (1 <= n)%nat -> rsum n attn = 1.
Proof.
  intros Hn. unfold attn.
  assert (Hpos : 0 < rsum n (fun j => exp (score j))).
  { apply rsum_pos; [lia | intros; apply exp_pos]. }
  unfold Rdiv.
  rewrite (rsum_scal_r n (/ rsum n (fun j => exp (score j))) (fun i => exp (score i))).
  field. lra.
Qed.

(** The attention-weighted values are those without bias, plus b_V. *)
Lemma attn_value (h : nat) : (1 <= n)%nat ->
  rsum n (fun i => attn i * value i h) =
    rsum n (fun i => attn i * rsum (d_model m) (fun k => resid0 i k * W_V m k h)) + b_V m h.
Proof.
  intros Hn. unfold value, project.
  rewrite (rsum_ext n _ (fun i => attn i * rsum (d_model m) (fun k => resid0 i k * W_V m k h)
                                  + attn i * b_V m h)) by (intros; ring).
  rewrite rsum_plus, (rsum_scal_r n (b_V m h) attn), attn_sum by exact Hn. ring.
Qed.

(** The value bias adds b_V W_O to the residual stream, independently of the attention. *)
Lemma resid_value_bias (k : nat) : (1 <= n)%nat ->
  resid k =
    resid0 last k
    + rsum (d_head m) (fun h =>
        rsum n (fun i => attn i * rsum (d_model m) (fun k' => resid0 i k' * W_V m k' h))
        * W_O m h k)
    + rsum (d_head m) (fun h => b_V m h * W_O m h k)
    + b_O m k.
Proof.
  intros Hn. unfold resid.
  rewrite (rsum_ext (d_head m) _
    (fun h => rsum n (fun i => attn i * rsum (d_model m) (fun k' => resid0 i k' * W_V m k' h))
              * W_O m h k + b_V m h * W_O m h k)).
  - rewrite rsum_plus. ring.
  - intros h _. rewrite attn_value by exact Hn. ring.
Qed.

End Semantics.

(** The logits read the sequence at positions 0 .. n_ctx - 1 only. *)
Lemma logits_ext (m : transformer) (ts ts' : nat -> nat) (j : nat) :
  (1 <= n_ctx m)%nat -> (forall i, (i < n_ctx m)%nat -> ts i = ts' i) ->
  logits m ts j = logits m ts' j.
Proof.
  intros Hn Hts.
  assert (Hx : forall i k, (i < n_ctx m)%nat -> resid0 m ts i k = resid0 m ts' i k)
    by (intros i k Hi; unfold resid0; rewrite (Hts i Hi); reflexivity).
  assert (Hp : forall W b i h, (i < n_ctx m)%nat -> project m ts W b i h = project m ts' W b i h).
  { intros W b i h Hi. unfold project. f_equal. apply rsum_ext. intros k _. rewrite Hx; auto. }
  assert (Hlast : (Nat.pred (n_ctx m) < n_ctx m)%nat) by lia.
  assert (Hs : forall i, (i < n_ctx m)%nat -> score m ts i = score m ts' i).
  { intros i Hi. unfold score, query, key. f_equal. apply rsum_ext. intros h _.
    rewrite (Hp _ _ _ _ Hlast), (Hp _ _ _ _ Hi). reflexivity. }
  assert (Ha : forall i, (i < n_ctx m)%nat -> attn m ts i = attn m ts' i).
  { intros i Hi. unfold attn. rewrite (Hs i Hi). f_equal. apply rsum_ext. intros j' Hj.
    rewrite (Hs j' Hj). reflexivity. }
  unfold logits. f_equal. apply rsum_ext. intros k _. f_equal. unfold resid.
  rewrite (Hx _ _ Hlast). do 2 f_equal. apply rsum_ext. intros h _. f_equal.
  apply rsum_ext. intros i Hi. unfold value. rewrite (Ha i Hi), (Hp _ _ _ _ Hi). reflexivity.
Qed.

(** ** Labels and the set of all sequences *)

Fixpoint label (n : nat) (ts : nat -> nat) : nat :=
  match n with
  | O => O
  | S n' => Nat.max (label n' ts) (ts n')
  end.

(** The s-th of the d^n sequences in row-major order (the certificates' layout): position i
    holds digit n-1-i of s in base d, so position 0 is the most significant. *)
Definition tokens_of (d n : nat) (s : nat) (i : nat) : nat := (s / d ^ (n - 1 - i)) mod d.

Lemma tokens_of_lt (d n s i : nat) : (1 <= d)%nat -> (tokens_of d n s i < d)%nat.
Proof. intros Hd. unfold tokens_of. apply Nat.mod_upper_bound. lia. Qed.

Definition correct_seqb (m : transformer) (s : nat) : bool :=
  let ts := tokens_of (d_vocab m) (n_ctx m) s in
  correctb (d_vocab m) (logits m ts) (label (n_ctx m) ts).

(** The fraction of all d_vocab^n_ctx sequences the model classifies correctly. *)
Definition accuracy (m : transformer) : R :=
  1 / INR (d_vocab m) ^ n_ctx m * rsum (d_vocab m ^ n_ctx m) (fun s => ind (correct_seqb m s)).

Lemma label_ext (n : nat) (ts ts' : nat -> nat) :
  (forall i, (i < n)%nat -> ts i = ts' i) -> label n ts = label n ts'.
Proof.
  induction n as [| n IH]; intros Hts; simpl; [reflexivity |].
  rewrite IH by (intros i Hi; apply Hts; lia). rewrite (Hts n) by lia. reflexivity.
Qed.

(** The label of tokens below d is below d. *)
Lemma label_lt (n d : nat) (ts : nat -> nat) :
  (1 <= d)%nat -> (forall i, (i < n)%nat -> (ts i < d)%nat) -> (label n ts < d)%nat.
Proof.
  intros Hd. induction n as [| n IH]; intros Hts; simpl; [lia |].
  apply Nat.max_lub_lt; [apply IH; intros; apply Hts; lia | apply Hts; lia].
Qed.
