(** * TransformerEval.v -- interval evaluation of the transformer's logits by its paths

    The kernel-speed counterpart of [Transformer.logits], by the decomposition of
    [TransformerPaths]: tables of the weights alone, computed once per model from interval
    matrices (lists of rows), then per sequence n_ctx exponentials, a softmax and n_ctx rows of
    d_vocab entries.

    What it defines
    - [imodel] : the interval weights as lists of rows ([imodel_encl]: they enclose [m]);
    - [DU_tab] ([t] : EU[t] + PU[last] + cU), [VU_tab] ([i][t] : EVOU[t] + PVOU[i]),
      [QK_tab] ([tq][i][t] : (EQKE[tq, t] + EQKP[tq, i]) / sqrt d_head);
    - [eval_logits DU VU QK ts] : the d_vocab logit intervals of the sequence [ts].

    Main statement
    - [eval_logits_encl] : with n_ctx >= 1, d_head >= 1, the weights enclosed, the scale
      interval enclosing sqrt d_head and every token below d_vocab,
        [encl_vec (eval_logits (DU_tab m M) (VU_tab m M) (QK_tab m M) ts) (logits m ts) d_vocab]. *)

From Coq Require Import Reals Lra Lia List.
From PyExport Require Import Sums Enclosure IntervalVec Transformer TransformerPaths.
Import ListNotations.
Open Scope R_scope.

Record imodel : Type := MkIModel {
  iE : list (list I.type);      (** d_vocab rows of d_model *)
  iPos : list (list I.type);    (** n_ctx rows of d_model *)
  iQ : list (list I.type);      (** d_model rows of d_head; also iK, iV *)
  iK : list (list I.type);
  iV : list (list I.type);
  iO : list (list I.type);      (** d_head rows of d_model *)
  ibQ : list I.type;            (** d_head; also ibK, ibV *)
  ibK : list I.type;
  ibV : list I.type;
  ibO : list I.type;            (** d_model *)
  iU : list (list I.type);      (** d_model rows of d_vocab *)
  ibU : list I.type;            (** d_vocab *)
  iscale : I.type               (** encloses sqrt d_head *)
}.

Definition imodel_encl (M : imodel) (m : transformer) : Prop :=
  encl_mat (iE M) (W_E m) (d_vocab m) (d_model m) /\
  encl_mat (iPos M) (W_pos m) (n_ctx m) (d_model m) /\
  encl_mat (iQ M) (W_Q m) (d_model m) (d_head m) /\
  encl_mat (iK M) (W_K m) (d_model m) (d_head m) /\
  encl_mat (iV M) (W_V m) (d_model m) (d_head m) /\
  encl_mat (iO M) (W_O m) (d_head m) (d_model m) /\
  encl_vec (ibQ M) (b_Q m) (d_head m) /\ encl_vec (ibK M) (b_K m) (d_head m) /\
  encl_vec (ibV M) (b_V m) (d_head m) /\ encl_vec (ibO M) (b_O m) (d_model m) /\
  encl_mat (iU M) (W_U m) (d_model m) (d_vocab m) /\ encl_vec (ibU M) (b_U m) (d_vocab m) /\
  encl (iscale M) (sqrt (INR (d_head m))).

Section Evaluation.
Variable m : transformer.
Variable M : imodel.
Local Notation n := (n_ctx m).
Local Notation dm := (d_model m).
Local Notation dh := (d_head m).
Local Notation d := (d_vocab m).
Local Notation last := (Nat.pred (n_ctx m)).

(** *** Tables of the paths ([TransformerPaths]), computed once per model *)

Definition unembed_i (x : list I.type) : list I.type := vecmat x (iU M) d.
Definition ovu_i (x : list I.type) : list I.type :=
  unembed_i (vecmat (vecmat x (iV M) dh) (iO M) dm).
Definition cU_i : list I.type :=
  vadd (unembed_i (vadd (vecmat (ibV M) (iO M) dm) (ibO M))) (ibU M).
Definition qvec_i (t : nat) : list I.type :=
  vadd (vecmat (vadd (nth t (iE M) []) (nth last (iPos M) [])) (iQ M) dh) (ibQ M).

(** [t] : EU[t] + PU[last] + cU (the direct path and the constant). *)
Definition DU_tab : list (list I.type) :=
  let pu := unembed_i (nth last (iPos M) []) in
  map (fun t => vadd (vadd (unembed_i (nth t (iE M) [])) pu) cU_i) (seq 0 d).

(** [i][t] : EVOU[t] + PVOU[i]. *)
Definition VU_tab : list (list (list I.type)) :=
  let ev := map (fun t => ovu_i (nth t (iE M) [])) (seq 0 d) in
  map (fun i => let pv := ovu_i (nth i (iPos M) []) in
                map (fun t => vadd (nth t ev []) pv) (seq 0 d)) (seq 0 n).

(** [tq][i][t] : (EQKE[tq, t] + EQKP[tq, i]) / sqrt d_head, the score of token t at position
    i when tq is the last token, less the common QB[tq] ([attn_paths]). *)
Definition QK_tab : list (list (list I.type)) :=
  let ke := map (fun t => vecmat (nth t (iE M) []) (iK M) dh) (seq 0 d) in
  map (fun tq => let q := qvec_i tq in
         map (fun i => let qp := dotv q (vecmat (nth i (iPos M) []) (iK M) dh) in
                map (fun t => I.div prec (I.add prec (dotv q (nth t ke [])) qp) (iscale M))
                    (seq 0 d)) (seq 0 n)) (seq 0 d).

(** *** One sequence: n exponentials and n rows of d_vocab *)

Definition eval_logits (DU : list (list I.type)) (VU QK : list (list (list I.type)))
    (ts : nat -> nat) : list I.type :=
  let tq := ts last in
  let scores := nth tq QK [] in
  let exps := map (fun i => I.exp prec (nth (ts i) (nth i scores []) I.zero)) (seq 0 n) in
  let den := sumv exps in
  let attns := map (fun e => I.div prec e den) exps in
  vadd (nth tq DU []) (vecmat attns (map (fun i => nth (ts i) (nth i VU []) []) (seq 0 n)) d).

Hypothesis HM : imodel_encl M m.
Hypothesis Hctx : (1 <= n)%nat.
Hypothesis Hhead : (1 <= dh)%nat.

Lemma unembed_i_encl x xr : encl_vec x xr dm -> encl_vec (unembed_i x) (unembed m xr) d.
Proof. intros Hx. destruct HM as (_ & _ & _ & _ & _ & _ & _ & _ & _ & _ & HU & _).
       exact (encl_vecmat _ _ _ _ _ _ Hx HU). Qed.

Lemma ovu_i_encl x xr : encl_vec x xr dm -> encl_vec (ovu_i x) (ovu m xr) d.
Proof.
  intros Hx. destruct HM as (_ & _ & _ & _ & HV & HO & _).
  apply unembed_i_encl. apply (encl_vecmat _ _ _ _ _ _ (encl_vecmat _ _ _ _ _ _ Hx HV) HO).
Qed.

Lemma E_row t : (t < d)%nat -> encl_vec (nth t (iE M) []) (W_E m t) dm.
Proof. intros Ht. destruct HM as ([_ HE] & _). exact (HE t Ht). Qed.

Lemma P_row i : (i < n)%nat -> encl_vec (nth i (iPos M) []) (W_pos m i) dm.
Proof. intros Hi. destruct HM as (_ & [_ HP] & _). exact (HP i Hi). Qed.

Lemma DU_tab_encl t : (t < d)%nat ->
  encl_vec (nth t DU_tab []) (fun j => EU m t j + PU m last j + cU m j) d.
Proof.
  intros Ht. unfold DU_tab. rewrite nth_map_seq by exact Ht.
  destruct HM as (_ & _ & _ & _ & _ & HO & _ & _ & HbV & HbO & _ & HbU & _).
  apply encl_vadd; [apply encl_vadd; apply unembed_i_encl; [apply E_row | apply P_row]; lia |].
  apply encl_vadd; [| exact HbU]. apply unembed_i_encl.
  apply encl_vadd; [exact (encl_vecmat _ _ _ _ _ _ HbV HO) | exact HbO].
Qed.

Lemma VU_tab_encl i t : (i < n)%nat -> (t < d)%nat ->
  encl_vec (nth t (nth i VU_tab []) []) (fun j => EVOU m t j + PVOU m i j) d.
Proof.
  intros Hi Ht. unfold VU_tab. rewrite nth_map_seq by exact Hi. cbv zeta.
  rewrite nth_map_seq by exact Ht. rewrite nth_map_seq by exact Ht.
  apply encl_vadd; apply ovu_i_encl; [apply E_row | apply P_row]; assumption.
Qed.

Lemma QK_tab_encl tq i t : (tq < d)%nat -> (i < n)%nat -> (t < d)%nat ->
  encl (nth t (nth i (nth tq QK_tab []) []) I.zero)
       ((EQKE m tq t + EQKP m tq i) / sqrt (INR dh)).
Proof.
  intros Hq Hi Ht. unfold QK_tab. rewrite nth_map_seq by exact Hq. cbv zeta.
  rewrite nth_map_seq by exact Hi. rewrite nth_map_seq by exact Ht. rewrite nth_map_seq by exact Ht.
  destruct HM as (_ & _ & HQ & HK & _ & _ & HbQ & _ & _ & _ & _ & _ & Hscale).
  assert (Hqv : encl_vec (qvec_i tq) (qvec m tq) dh).
  { unfold qvec_i. apply encl_vadd; [| exact HbQ].
    apply (encl_vecmat _ _ _ _ _ _ (encl_vadd _ _ _ _ _ (E_row tq Hq) (P_row last ltac:(lia))) HQ). }
  apply encl_div; [apply Rgt_not_eq, sqrt_lt_R0, lt_0_INR; lia | | exact Hscale].
  apply encl_add; apply (encl_dotv _ _ _ _ _ Hqv).
  - exact (encl_vecmat _ _ _ _ _ _ (E_row t Ht) HK).
  - exact (encl_vecmat _ _ _ _ _ _ (P_row i Hi) HK).
Qed.

Theorem eval_logits_encl (ts : nat -> nat) :
  (forall i, (i < n)%nat -> (ts i < d)%nat) ->
  encl_vec (eval_logits DU_tab VU_tab QK_tab ts) (logits m ts) d.
Proof.
  intros Htok. assert (Hlast : (last < n)%nat) by lia.
  set (S := fun i => (EQKE m (ts last) (ts i) + EQKP m (ts last) i) / sqrt (INR dh)).
  assert (Hexps : encl_vec (map (fun i => I.exp prec (nth (ts i) (nth i (nth (ts last) QK_tab [])
                                                                      []) I.zero)) (seq 0 n))
                           (fun i => exp (S i)) n).
  { apply encl_vec_seq. intros i Hi. apply encl_exp.
    apply QK_tab_encl; [apply Htok; exact Hlast | exact Hi | apply Htok; exact Hi]. }
  assert (Hden := encl_sumv _ _ _ Hexps).
  assert (Hattns : encl_vec (map (fun e => I.div prec e (sumv (map (fun i => I.exp prec
                               (nth (ts i) (nth i (nth (ts last) QK_tab []) []) I.zero))
                               (seq 0 n))))
                               (map (fun i => I.exp prec (nth (ts i) (nth i (nth (ts last) QK_tab [])
                                                                       []) I.zero)) (seq 0 n)))
                            (attn m ts) n).
  { eapply encl_vec_map; [exact Hexps |]. intros i x Hi Hx.
    rewrite (attn_paths m ts i Hi). fold (S i).
    rewrite (rsum_ext n (fun j => exp ((EQKE m (ts last) (ts j) + EQKP m (ts last) j)
                                       / sqrt (INR dh))) (fun j => exp (S j))) by reflexivity.
    apply encl_div; [| exact Hx | exact Hden].
    apply Rgt_not_eq, rsum_pos; [lia | intros; apply exp_pos]. }
  assert (Hrows : encl_mat (map (fun i => nth (ts i) (nth i VU_tab []) []) (seq 0 n))
                           (fun i j => EVOU m (ts i) j + PVOU m i j) n d).
  { apply encl_mat_seq. intros i Hi. apply VU_tab_encl; [exact Hi | apply Htok; exact Hi]. }
  pose proof (encl_vadd _ _ _ _ _ (DU_tab_encl (ts last) (Htok last Hlast))
                (encl_vecmat _ _ _ _ _ _ Hattns Hrows)) as H.
  eapply encl_vec_ext; [| exact H]. intros j _. cbv beta.
  rewrite (logits_paths m ts j Hctx). ring.
Qed.

End Evaluation.
