(** * TransformerEval.v -- memoised interval evaluation of the transformer's logits

    The kernel-speed counterpart of [TransformerEncl.ilogits]: every vector of the forward
    pass is computed once per sequence, as a list (the residual stream of each position, the
    query, the keys and values, the scores, the attention, the mixed value, the residual
    stream at the last position, the logits), from interval matrices given as lists of rows.
    [eval_logits_encl] proves that the k-th entry encloses [Transformer.logits m ts k].

    What it defines
    - [imodel] : the interval weights as lists of rows ([imodel_encl]: they enclose [m]);
    - [eval_logits M ts] : the d_vocab logit intervals of the sequence [ts].

    Main statement
    - [eval_logits_encl] : with n_ctx >= 1, d_head >= 1, every token below d_vocab and the
      scale interval enclosing sqrt d_head,
        [encl_vec (eval_logits M ts) (logits m ts) (d_vocab m)]. *)

From Coq Require Import Reals Lra Lia List.
From PyExport Require Import Sums Enclosure IntervalVec Transformer.
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
Variable ts : nat -> nat.
Local Notation n := (n_ctx m).
Local Notation dm := (d_model m).
Local Notation dh := (d_head m).
Local Notation d := (d_vocab m).
Local Notation last := (Nat.pred (n_ctx m)).

Definition eval_x (i : nat) : list I.type := vadd (nth (ts i) (iE M) []) (nth i (iPos M) []).

Definition eval_project (x : list I.type) (W : list (list I.type)) (b : list I.type) :
    list I.type :=
  vadd (vecmat x W dh) b.

Definition eval_logits : list I.type :=
  let q := eval_project (eval_x last) (iQ M) (ibQ M) in
  let keys := map (fun i => eval_project (eval_x i) (iK M) (ibK M)) (seq 0 n) in
  let values := map (fun i => eval_project (eval_x i) (iV M) (ibV M)) (seq 0 n) in
  let exps := map (fun k => I.exp prec (I.div prec (dotv q k) (iscale M))) keys in
  let den := sumv exps in
  let attns := map (fun e => I.div prec e den) exps in
  let mixed := vecmat attns values dh in
  let resid := vadd (vadd (eval_x last) (vecmat mixed (iO M) dm)) (ibO M) in
  vadd (vecmat resid (iU M) d) (ibU M).

Hypothesis HM : imodel_encl M m.
Hypothesis Hctx : (1 <= n)%nat.
Hypothesis Hhead : (1 <= dh)%nat.
Hypothesis Htokens : forall i, (i < n)%nat -> (ts i < d)%nat.

Lemma eval_x_encl (i : nat) : (i < n)%nat -> encl_vec (eval_x i) (resid0 m ts i) dm.
Proof.
  intros Hi. destruct HM as ([_ HE] & [_ Hpos] & _).
  apply encl_vadd; [apply HE, Htokens, Hi | apply Hpos, Hi].
Qed.

Lemma eval_project_encl (i : nat) W b Wr br :
  (i < n)%nat -> encl_mat W Wr dm dh -> encl_vec b br dh ->
  encl_vec (eval_project (eval_x i) W b) (project m ts Wr br i) dh.
Proof.
  intros Hi HW Hb. unfold eval_project, project.
  apply encl_vadd; [| exact Hb].
  exact (encl_vecmat _ _ _ _ _ _ (eval_x_encl i Hi) HW).
Qed.

Theorem eval_logits_encl : encl_vec eval_logits (logits m ts) d.
Proof.
  pose proof HM as (_ & _ & HQ & HK & HV & HO & HbQ & HbK & HbV & HbO & HU & HbU & Hscale).
  assert (Hlast : (last < n)%nat) by lia.
  assert (Hq := eval_project_encl last _ _ _ _ Hlast HQ HbQ).
  assert (Hkeys : encl_mat (map (fun i => eval_project (eval_x i) (iK M) (ibK M)) (seq 0 n))
                           (key m ts) n dh).
  { apply encl_mat_seq. intros i Hi. exact (eval_project_encl i _ _ _ _ Hi HK HbK). }
  assert (Hvalues : encl_mat (map (fun i => eval_project (eval_x i) (iV M) (ibV M)) (seq 0 n))
                             (value m ts) n dh).
  { apply encl_mat_seq. intros i Hi. exact (eval_project_encl i _ _ _ _ Hi HV HbV). }
  assert (Hexps : encl_vec (map (fun k => I.exp prec (I.div prec
                                   (dotv (eval_project (eval_x last) (iQ M) (ibQ M)) k)
                                   (iscale M)))
                                (map (fun i => eval_project (eval_x i) (iK M) (ibK M))
                                     (seq 0 n)))
                           (fun i => exp (score m ts i)) n).
  { eapply encl_vec_map_rows; [exact Hkeys |]. intros i Hi.
    apply encl_exp. unfold score. apply encl_div.
    - apply Rgt_not_eq, sqrt_lt_R0, lt_0_INR. lia.
    - apply (encl_dotv _ _ _ _ _ Hq). apply (proj2 Hkeys i Hi).
    - exact Hscale. }
  assert (Hden := encl_sumv _ _ _ Hexps).
  assert (Hattns : encl_vec (map (fun e => I.div prec e (sumv (map (fun k => I.exp prec
                               (I.div prec (dotv (eval_project (eval_x last) (iQ M) (ibQ M)) k)
                                  (iscale M)))
                               (map (fun i => eval_project (eval_x i) (iK M) (ibK M))
                                    (seq 0 n)))))
                               (map (fun k => I.exp prec (I.div prec
                                   (dotv (eval_project (eval_x last) (iQ M) (ibQ M)) k)
                                   (iscale M)))
                                (map (fun i => eval_project (eval_x i) (iK M) (ibK M))
                                     (seq 0 n))))
                            (attn m ts) n).
  { eapply encl_vec_map; [exact Hexps |]. intros i x Hi Hx. unfold attn.
    apply encl_div; [| exact Hx | exact Hden].
    apply Rgt_not_eq, rsum_pos; [lia | intros; apply exp_pos]. }
  assert (Hmixed := encl_vecmat _ _ _ _ _ _ Hattns Hvalues).
  assert (Hresid := encl_vadd _ _ _ _ _
                      (encl_vadd _ _ _ _ _ (eval_x_encl last Hlast)
                         (encl_vecmat _ _ _ _ _ _ Hmixed HO)) HbO).
  assert (Hlogits := encl_vadd _ _ _ _ _ (encl_vecmat _ _ _ _ _ _ Hresid HU) HbU).
  exact Hlogits.
Qed.

End Evaluation.
