(** * TransformerSubcubic.v -- the steps of the paper's subcubic proofs, about the real semantics

    The subcubic strategies (pyexport/families/max_of_k_transformer/strategies/subcubic.py)
    prove every sequence of a case (q, mx, c) correct from tables indexed by at most two
    tokens, provided its non-max tokens are all at most j = mx - g (the case's gap g). This
    file proves their steps about the transformer of [Transformer]; with q the query (last)
    token, mx the label and A the attention on the positions holding mx ([max_attn]):

    - [logit_gap_bound] (step 3's split): for a wrong answer x,
        z_x - z_mx <= G + Mu x + Pm x + A EVOU'[mx, x] + (1 - A) omega
      when EUPU'[q, x] <= G + Mu x (the query's row against a reference row), PVOU'[i, x] <=
      Pm x at every position, and EVOU'[t, x] <= omega for every non-max token t (' subtracts
      the column mx);
    - [attn_max_lower] (step 2): if alpha[q, t] <= rho alpha[q, mx] for every non-max token t
      (rho from a lower bound of the score gap EQKE[q, mx] - EQKE[q, t]), then
        A >= S / (S + rho (W - S)),
      S the positional weights pi[q, i] summed over the max positions, W over all of them;
    - [chord_neg] (step 3's convexity): the right side above is an affine function f(A) =
      u + A v plus (1 - A) omega; bounding f by its chord between a point a < 1 and 1, the
      bound is negative on all of [A_lo, 1] when it is at A_lo and at 1 -- so a checker needs
      max_x f at two points per label, never per case (no table indexed by three tokens);
    - [correct_of_subcubic] joins the steps; [correct_of_all_max] is the case c = 0 (the
      sequence mx ... mx, where A = 1).

    The score-gap bound itself only has to deliver the hypothesis of [attn_max_lower]: from the
    exact EQKE (what [CheckSubcubic] does), or from its rank-one approximation and error term
    ([EqkeRank1.EQKE_rank1_gap], the rank-one variant's step 1). *)

From Coq Require Import Reals Lra Lia.
From PyExport Require Import Sums Correct Transformer TransformerPaths TransformerCubic.
Open Scope R_scope.

(** The label occurs in the sequence. *)
Lemma label_attained (n : nat) (ts : nat -> nat) :
  (1 <= n)%nat -> exists i, (i < n)%nat /\ ts i = label n ts.
Proof.
  induction n as [| n IH]; intros Hn; [lia |]. simpl.
  destruct n as [| n'].
  - exists 0%nat. split; [lia |]. simpl. reflexivity.
  - destruct (IH ltac:(lia)) as [i [Hi Hti]].
    destruct (Nat.max_spec (label (S n') ts) (ts (S n'))) as [[_ ->] | [_ ->]].
    + exists (S n'). split; [lia | reflexivity].
    + exists i. split; [lia | exact Hti].
Qed.

(** Step 3's chord: with f(A) = u + A v below Fa at a and below F1 at 1, the bound
    G + f(A) + (1 - A) w is negative for every A in [A_lo, 1] when the chord's version of it is
    negative at both ends. *)
Lemma chord_neg (G u v w a Alo A Fa F1 : R) :
  a < 1 -> a <= Alo -> Alo <= A -> A <= 1 ->
  u + a * v <= Fa -> u + v <= F1 -> G + F1 < 0 ->
  (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w < 0 ->
  G + u + A * v + (1 - A) * w < 0.
Proof.
  intros Ha Hlo HA H1 HFa HF1 Hneg1 Hneg2.
  set (h := fun X => (1 - a) * G + (1 - X) * Fa + (X - a) * F1 + (1 - a) * (1 - X) * w).
  assert (Hlin : forall X, h X = (F1 - Fa - (1 - a) * w) * X
                                  + ((1 - a) * G + Fa - a * F1 + (1 - a) * w))
    by (intros X; unfold h; ring).
  assert (Hh : h A < 0).
  { rewrite Hlin. apply (affine_neg _ _ Alo 1 A); [lra | |].
    - rewrite <- Hlin. exact Hneg2.
    - rewrite <- Hlin. unfold h.
      assert (0 < 1 - a) by lra. nra. }
  assert (H1A : (1 - A) * (u + a * v) <= (1 - A) * Fa) by (apply Rmult_le_compat_l; lra).
  assert (HAa : (A - a) * (u + v) <= (A - a) * F1) by (apply Rmult_le_compat_l; lra).
  assert (Hprod : (1 - a) * (G + u + A * v + (1 - A) * w) < 0).
  { replace ((1 - a) * (G + u + A * v + (1 - A) * w))
      with ((1 - a) * G + (1 - A) * (u + a * v) + (A - a) * (u + v) + (1 - a) * (1 - A) * w)
      by ring.
    unfold h in Hh. lra. }
  apply (Rmult_lt_reg_l (1 - a)); [lra | rewrite Rmult_0_r; exact Hprod].
Qed.

Section Subcubic.
Variable m : transformer.
Local Notation n := (n_ctx m).
Local Notation d := (d_vocab m).
Local Notation last := (Nat.pred (n_ctx m)).

(** The attention on the positions holding the label. *)
Definition max_attn (ts : nat -> nat) : R :=
  rsum n (fun i => if Nat.eqb (ts i) (label n ts) then attn m ts i else 0).

Lemma max_attn_le_1 ts : (1 <= n)%nat -> max_attn ts <= 1.
Proof.
  intros Hn. rewrite <- (attn_sum m ts Hn). unfold max_attn. apply rsum_le. intros i _.
  destruct (Nat.eqb (ts i) (label n ts)); [lra | left; apply attn_pos, Hn].
Qed.

Lemma max_attn_all ts : (1 <= n)%nat ->
  (forall i, (i < n)%nat -> ts i = label n ts) -> max_attn ts = 1.
Proof.
  intros Hn Hall. rewrite <- (attn_sum m ts Hn). unfold max_attn. apply rsum_ext.
  intros i Hi. rewrite (Hall i Hi), Nat.eqb_refl. reflexivity.
Qed.

(** Step 3's split of a wrong answer's logit gap. *)
Lemma logit_gap_bound (ts : nat -> nat) (x : nat) (G w : R) (Mu Pm : nat -> R) :
  (1 <= n)%nat ->
  EUPU m (ts last) x - EUPU m (ts last) (label n ts) <= G + Mu x ->
  (forall i, (i < n)%nat -> PVOU m i x - PVOU m i (label n ts) <= Pm x) ->
  (forall i, (i < n)%nat -> ts i <> label n ts ->
     EVOU m (ts i) x - EVOU m (ts i) (label n ts) <= w) ->
  logits m ts x - logits m ts (label n ts)
  <= G + Mu x + Pm x
     + max_attn ts * (EVOU m (label n ts) x - EVOU m (label n ts) (label n ts))
     + (1 - max_attn ts) * w.
Proof.
  intros Hn HE HP Hw. set (mx := label n ts) in *.
  set (ev := EVOU m mx x - EVOU m mx mx).
  set (am := fun i => if Nat.eqb (ts i) mx then attn m ts i else 0).
  rewrite logit_gap_paths by exact Hn. fold mx.
  assert (Hsum : rsum n (fun i => attn m ts i * ((EVOU m (ts i) x - EVOU m (ts i) mx)
                                                 + (PVOU m i x - PVOU m i mx)))
                 <= rsum n (fun i => am i * ev + (attn m ts i - am i) * w + attn m ts i * Pm x)).
  { apply rsum_le. intros i Hi. unfold am.
    assert (Ha : 0 < attn m ts i) by (apply attn_pos, Hn).
    assert (HPi := HP i Hi).
    destruct (Nat.eqb_spec (ts i) mx) as [Heq | Hne].
    - rewrite Heq. fold ev. nra.
    - assert (Hwi := Hw i Hi Hne). nra. }
  rewrite rsum_plus, rsum_plus, !rsum_scal_r, rsum_minus, attn_sum in Hsum by exact Hn.
  fold (max_attn ts) in Hsum. unfold max_attn in *. fold mx in Hsum |- *. fold am in Hsum |- *.
  lra.
Qed.

(** Step 2: the attention on the max positions, from a bound rho on alpha[q, t] / alpha[q, mx]
    over the non-max tokens t. *)
Lemma attn_max_lower (ts : nat -> nat) (rho : R) :
  (1 <= n)%nat -> 0 <= rho ->
  (forall i, (i < n)%nat -> ts i <> label n ts ->
     alpha m (ts last) (ts i) <= rho * alpha m (ts last) (label n ts)) ->
  let S := rsum n (fun i => if Nat.eqb (ts i) (label n ts) then pi m (ts last) i else 0) in
  let W := rsum n (pi m (ts last)) in
  S / (S + rho * (W - S)) <= max_attn ts.
Proof.
  intros Hn Hrho Halpha S W. set (mx := label n ts) in *. set (q := ts last) in *.
  set (am := alpha m q mx).
  set (D := rsum n (fun j => exp (path_score m ts j))).
  assert (HD : 0 < D) by (apply rsum_pos; [lia | intros; apply exp_pos]).
  assert (Ham : 0 < am) by apply exp_pos.
  assert (Hsplit : forall i, exp (path_score m ts i) = alpha m q (ts i) * pi m q i)
    by (intros i; rewrite exp_score_split; reflexivity).
  (* the attention on the max positions is am S / D *)
  assert (HA : max_attn ts = am * S / D).
  { unfold max_attn, S. fold mx q. unfold Rdiv. rewrite <- rsum_scal_l, <- rsum_scal_r.
    apply rsum_ext. intros i Hi. rewrite (attn_paths m ts i Hi).
    change (rsum n (fun j => exp ((EQKE m (ts last) (ts j) + EQKP m (ts last) j)
                                  / sqrt (INR (d_head m))))) with D.
    change (exp ((EQKE m (ts last) (ts i) + EQKP m (ts last) i) / sqrt (INR (d_head m))))
      with (exp (path_score m ts i)).
    rewrite Hsplit. destruct (Nat.eqb_spec (ts i) mx) as [Heq | Hne]; [| ring].
    rewrite Heq. fold am. field. lra. }
  (* D = am S + X with X <= rho am (W - S) *)
  set (X := rsum n (fun i => if Nat.eqb (ts i) mx then 0 else alpha m q (ts i) * pi m q i)).
  assert (HDX : D = am * S + X).
  { unfold D, X, S. fold mx q. rewrite <- rsum_scal_l, <- rsum_plus. apply rsum_ext.
    intros i _. rewrite Hsplit. destruct (Nat.eqb_spec (ts i) mx) as [-> | _]; fold am; ring. }
  assert (HX : X <= rho * am * (W - S)).
  { unfold X, W, S. fold mx q. rewrite <- rsum_minus, <- rsum_scal_l. apply rsum_le.
    intros i Hi. destruct (Nat.eqb_spec (ts i) mx) as [_ | Hne]; [lra |].
    assert (Hp : 0 < pi m q i) by apply exp_pos.
    specialize (Halpha i Hi Hne). fold q mx am in Halpha. nra. }
  assert (HX0 : 0 <= X).
  { unfold X. apply rsum_nonneg. intros i _. destruct (Nat.eqb (ts i) mx); [lra |].
    unfold alpha, pi. assert (0 < exp (EQKE m q (ts i) / sqrt (INR (d_head m)))) by apply exp_pos.
    assert (0 < exp (EQKP m q i / sqrt (INR (d_head m)))) by apply exp_pos. nra. }
  destruct (label_attained n ts Hn) as [i0 [Hi0 Hti0]]. fold mx in Hti0.
  assert (HS : 0 < S).
  { unfold S. apply (rsum_pos_one n i0).
    - intros i _. destruct (Nat.eqb (ts i) mx); [left; apply exp_pos | lra].
    - exact Hi0.
    - rewrite Hti0, Nat.eqb_refl. apply exp_pos. }
  assert (HWS : 0 <= W - S).
  { unfold W, S. rewrite <- rsum_minus. apply rsum_nonneg. intros i _.
    assert (0 < pi m q i) by apply exp_pos. destruct (Nat.eqb (ts i) mx); lra. }
  assert (Hden : 0 < S + rho * (W - S)) by nra.
  rewrite HA, HDX.
  assert (Hdiff : am * S / (am * S + X) - S / (S + rho * (W - S))
                  = S * (am * rho * (W - S) - X) / ((am * S + X) * (S + rho * (W - S))))
    by (field; split; lra).
  assert (0 <= S * (am * rho * (W - S) - X) / ((am * S + X) * (S + rho * (W - S)))).
  { apply Rle_mult_inv_pos; [nra | apply Rmult_lt_0_compat; nra]. }
  lra.
Qed.

(** Steps 2 and 3: a sequence whose non-max tokens are all at most j is classified correctly
    when the tables' bounds hold, the chord point a lies below a point Alo below the attention
    bound S / (S + rho (W - S)), and the bound is negative at Alo and at 1. *)
Theorem correct_of_subcubic (ts : nat -> nat) (j : nat) (G w rho a Alo Fa F1 : R)
    (Mu Pm : nat -> R) :
  (1 <= n)%nat ->
  (forall i, (i < n)%nat -> ts i <> label n ts -> (ts i <= j)%nat) ->
  (forall x, (x < d)%nat -> x <> label n ts ->
     EUPU m (ts last) x - EUPU m (ts last) (label n ts) <= G + Mu x) ->
  (forall x i, (x < d)%nat -> x <> label n ts -> (i < n)%nat ->
     PVOU m i x - PVOU m i (label n ts) <= Pm x) ->
  (forall t x, (t <= j)%nat -> (x < d)%nat -> x <> label n ts ->
     EVOU m t x - EVOU m t (label n ts) <= w) ->
  0 <= rho ->
  (forall t, (t <= j)%nat -> alpha m (ts last) t <= rho * alpha m (ts last) (label n ts)) ->
  (forall x, (x < d)%nat -> x <> label n ts ->
     Mu x + Pm x + a * (EVOU m (label n ts) x - EVOU m (label n ts) (label n ts)) <= Fa) ->
  (forall x, (x < d)%nat -> x <> label n ts ->
     Mu x + Pm x + (EVOU m (label n ts) x - EVOU m (label n ts) (label n ts)) <= F1) ->
  let S := rsum n (fun i => if Nat.eqb (ts i) (label n ts) then pi m (ts last) i else 0) in
  let W := rsum n (pi m (ts last)) in
  Alo <= S / (S + rho * (W - S)) ->
  a < 1 -> a <= Alo -> G + F1 < 0 ->
  (1 - a) * G + (1 - Alo) * Fa + (Alo - a) * F1 + (1 - a) * (1 - Alo) * w < 0 ->
  correct d (logits m ts) (label n ts).
Proof.
  intros Hn Hj HE HP Hw Hrho0 Hrho HFa HF1 S W HAlo Ha Halo Hneg1 Hneg2 x Hx Hne.
  assert (Hlo : Alo <= max_attn ts).
  { eapply Rle_trans; [exact HAlo |]. apply attn_max_lower; [exact Hn | exact Hrho0 |].
    intros i Hi Hni. apply Hrho, Hj; assumption. }
  assert (Hgap := logit_gap_bound ts x G w Mu (fun x => Pm x) Hn (HE x Hx Hne)
                    (fun i Hi => HP x i Hx Hne Hi)
                    (fun i Hi Hni => Hw (ts i) x (Hj i Hi Hni) Hx Hne)).
  assert (Hneg := chord_neg G (Mu x + Pm x)
                    (EVOU m (label n ts) x - EVOU m (label n ts) (label n ts)) w a Alo
                    (max_attn ts) Fa F1 Ha Halo Hlo (max_attn_le_1 ts Hn)
                    (HFa x Hx Hne) (HF1 x Hx Hne) Hneg1 Hneg2).
  lra.
Qed.

(** The case c = 0: the sequence holds only the label, so A = 1. *)
Theorem correct_of_all_max (ts : nat -> nat) (G F1 : R) (Mu Pm : nat -> R) :
  (1 <= n)%nat -> (forall i, (i < n)%nat -> ts i = label n ts) ->
  (forall x, (x < d)%nat -> x <> label n ts ->
     EUPU m (ts last) x - EUPU m (ts last) (label n ts) <= G + Mu x) ->
  (forall x i, (x < d)%nat -> x <> label n ts -> (i < n)%nat ->
     PVOU m i x - PVOU m i (label n ts) <= Pm x) ->
  (forall x, (x < d)%nat -> x <> label n ts ->
     Mu x + Pm x + (EVOU m (label n ts) x - EVOU m (label n ts) (label n ts)) <= F1) ->
  G + F1 < 0 -> correct d (logits m ts) (label n ts).
Proof.
  intros Hn Hall HE HP HF1 Hneg x Hx Hne.
  assert (Hgap := logit_gap_bound ts x G 0 Mu Pm Hn (HE x Hx Hne)
                    (fun i Hi => HP x i Hx Hne Hi)
                    (fun i Hi Hni => False_ind _ (Hni (Hall i Hi)))).
  rewrite (max_attn_all ts Hn Hall) in Hgap. specialize (HF1 x Hx Hne). lra.
Qed.

End Subcubic.
