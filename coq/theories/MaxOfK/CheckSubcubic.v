(** * CheckSubcubic.v -- the cases of the paper's subcubic proofs, checked on intervals

    A subcubic certificate claims cases (q, mx, c) -- query token q, label mx, c positions (the
    query included) not holding mx -- each with a gap g: every sequence of the case whose
    non-max tokens are all at most j = mx - g is classified correctly (c = 0 is the sequence
    mx ... mx, without gap). The claims come as one table [claims] [q] [mx] [c] : 1 + the
    gap, or 0 for no claim. [subcubic_cases_ok] re-derives every claim from the weights with
    the steps of [TransformerSubcubic], from tables indexed by at most two tokens:

    - the reference row mu (the mean row of EUPU) and the query's spread G(q) = max_x nu[q, x]
      - min_x nu[q, x], nu = EUPU - mu; Pm(mx, x) = max_i PVOU'[i, x]; omega(mx, j) =
      max_{k <= j} (max_x EVOU[k, x] - EVOU[k, mx]); rho = exp of the largest scaled EQKE[q, t]
      over t <= j less that of mx -- from the exact EQKE, so a rank-one certificate is checked
      by the (tighter) exact score gaps; the maxima over prefixes are tables built once per
      label and per query ([Hulls.scan_join]), so a case costs only its arrangements;
    - A_lo = S / (S + rho (W - S)) for every arrangement of the case's non-max positions (all
      bool lists with the right count, as the cubic checker does), so the smallest positional
      sum needs no sorting argument;
    - the chord of F(A) = max_{x <> mx} (mu'[x] + Pm(mx, x) + A EVOU'[mx, x]) between a point
      a (chosen here: just below the lowest A_lo claimed for mx) and 1, F evaluated twice per
      label; the bound is evaluated at a float point just below each A_lo (evaluating it on
      the interval of A_lo would count its width three times).

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
From PyExport Require Import Sums Correct Enclosure IntervalVec Transformer TransformerPaths.
From PyExport Require Import TransformerCubic TransformerSubcubic TransformerEval FloatData.
From PyExport Require Import CheckTransformer Sequences Hulls.
From PyExport Require Import CheckCubic.
Import ListNotations.
Open Scope R_scope.

(** ** The claims, the covered sequences and their count *)

Definition claim (claims : list (list (list Z))) (q mx c : nat) : Z :=
  nth c (nth mx (nth q claims []) []) 0%Z.

Definition claimed (claims : list (list (list Z))) (q mx c : nat) : bool :=
  Z.ltb 0 (claim claims q mx c).

Definition gap_of (claims : list (list (list Z))) (q mx c : nat) : nat :=
  Z.to_nat (claim claims q mx c - 1).

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

(** For the sequence l ++ [q], the claims over all (mx, c) add up to its own. *)
Lemma covered_split claims d l q : (q < d)%nat -> Forall (fun t => (t < d)%nat) l ->
  rsum d (fun mx => rsum (S (length l)) (fun c =>
    ind (claimed claims q mx c && case_match q mx c (gap_of claims q mx c) l)))
  = ind (covered claims (S (length l)) (ts_of (l ++ [q]))).
Proof.
  intros Hq Hl. destruct (ts_of_snoc d l q Hq Hl) as (Hmx0 & Hlast & Hpre).
  set (n := S (length l)) in *. set (ts := ts_of (l ++ [q])) in *. set (mx0 := label n ts) in *.
  set (c0 := (count_ne mx0 l + if Nat.eqb q mx0 then 0 else 1)%nat).
  rewrite (rsum2_unique d n _ mx0 c0 Hmx0).
  - unfold covered. cbv zeta. rewrite Hlast, Hpre. fold mx0. fold c0.
    destruct (Nat.ltb c0 n); reflexivity.
  - intros mx c Hc Hm. apply andb_true_iff in Hm as [_ Hm].
    destruct (case_match_label l q mx c _ Hc Hm) as [Hlab Hcnt].
    fold n ts mx0 in Hlab. subst mx. split; [reflexivity | exact Hcnt].
Qed.

(** [total] counts the covered sequences. *)
Theorem covered_count claims d n : (1 <= n)%nat ->
  rsum_lists d n (fun l => ind (covered claims n (ts_of l))) = IZR (total claims d n).
Proof.
  intros Hn. apply (count_by_cases d n (fun l => covered claims n (ts_of l))
    (fun q mx c l => claimed claims q mx c && case_match q mx c (gap_of claims q mx c) l)); [exact Hn | |].
  - intros q mx c Hmx. rewrite (rsum_lists_ext _ _ _ (fun l => ind (claimed claims q mx c)
      * ind (case_match q mx c (gap_of claims q mx c) l))) by (intros l; apply ind_andb).
    rewrite rsum_lists_scal, case_count_spec by exact Hmx.
    destruct (claimed claims q mx c); unfold ind; ring.
  - intros l q Hlen Hall Hq. destruct n as [| L]; [lia |]. simpl in Hlen. subst L.
    apply covered_split; assumption.
Qed.

(** ** The tables *)

Section Tables.
Variable m : transformer.
Variable M : imodel.
Local Notation n := (n_ctx m).
Local Notation d := (d_vocab m).
Local Notation dh := (d_head m).

(** [t][x] : EVOU[t, x]; [i][x] : PVOU[i, x]. *)
Definition EV_tab : list (list I.type) := map (fun t => ovu_i m M (nth t (iE M) [])) (seq 0 d).
Definition PV_tab : list (list I.type) := map (fun i => ovu_i m M (nth i (iPos M) [])) (seq 0 n).

(** [q][t] : EQKE[q, t] / sqrt d_head; [q][i] : pi[q, i] = exp (EQKP[q, i] / sqrt d_head). *)
Definition EQ_tab : list (list I.type) :=
  let ke := map (fun t => vecmat (nth t (iE M) []) (iK M) dh) (seq 0 d) in
  map (fun q => let qv := qvec_i m M q in
         map (fun t => I.div prec (dotv qv (nth t ke [])) (iscale M)) (seq 0 d)) (seq 0 d).
Definition PI_tab : list (list I.type) :=
  map (fun q => let qv := qvec_i m M q in
         map (fun i => I.exp prec (I.div prec (dotv qv (vecmat (nth i (iPos M) []) (iK M) dh))
                                          (iscale M))) (seq 0 n)) (seq 0 d).
End Tables.

(** Column x's mean over the d rows of a table. *)
Definition col_mean (T : list (list I.type)) (d x : nat) : I.type :=
  I.div prec (sumv (map (fun t => nth x (nth t T []) I.zero) (seq 0 d))) (I.fromZ prec (Z.of_nat d)).

(** max_x nu[x] - min_x nu[x] for nu = row - mus. *)
Definition spread_i (row mus : list I.type) (d : nat) : I.type :=
  I.add prec (ijoin_list (fun x => I.sub prec (nth x row I.zero) (nth x mus I.zero)) 0 (seq 0 d))
             (ijoin_list (fun x => I.neg (I.sub prec (nth x row I.zero) (nth x mus I.zero)))
                         0 (seq 0 d)).

(** max_i PVOU[i, x] - PVOU[i, mx]. *)
Definition Pm_i (PV : list (list I.type)) (n mx x : nat) : I.type :=
  ijoin_list (fun i => I.sub prec (nth x (nth i PV []) I.zero) (nth mx (nth i PV []) I.zero))
             0 (seq 0 n).

Definition rowmax_i (row : list I.type) (d : nat) : I.type :=
  ijoin_list (fun x => nth x row I.zero) 0 (seq 0 d).

(** [j] : omega(mx, j) = max_{k <= j} (max_x EVOU[k, x] - EVOU[k, mx]), for every j at once
    ([Hulls.scan_join]). *)
Definition omega_tab (EV : list (list I.type)) (rowmaxs : list I.type) (d mx : nat)
    : list I.type :=
  let F := fun k => I.sub prec (nth k rowmaxs I.zero) (nth mx (nth k EV []) I.zero) in
  scan_join F (F 0%nat) 0 d.

(** [j] : the largest of row[0 .. j] (the scaled EQKE of the tokens up to j). *)
Definition prefix_tab (row : list I.type) (d : nat) : list I.type :=
  scan_join (fun t => nth t row I.zero) (nth 0 row I.zero) 0 d.

(** rho = exp (max_{t <= j} EQKE[q, t] / sqrt d_head - EQKE[q, mx] / sqrt d_head). *)
Definition rho_i (eq_row prefix : list I.type) (mx j : nat) : I.type :=
  I.exp prec (I.sub prec (nth j prefix I.zero) (nth mx eq_row I.zero)).

(** F(A) = max_{x <> mx} (mu[x] - mu[mx] + Pm(mx, x) + A EVOU'[mx, x]). *)
Definition F_i (mus Pms ev_mx : list I.type) (d mx : nat) (A : I.type) : I.type :=
  ijoin_list (fun x => let y := skip mx x in
                I.add prec (I.add prec (I.sub prec (nth y mus I.zero) (nth mx mus I.zero))
                                       (nth y Pms I.zero))
                           (I.mul prec A (I.sub prec (nth y ev_mx I.zero) (nth mx ev_mx I.zero))))
             (other mx) (seq 0 d).

(** S: the pi over the max positions of the arrangement bs (true: not mx) and, when qm, the
    query's. *)
Definition S_i (pis : list I.type) (n : nat) (qm : bool) (bs : list bool) : I.type :=
  sumv (map (fun i => if Nat.eqb i (Nat.pred n) then (if qm then nth i pis I.zero else I.zero)
                      else if nth i bs false then I.zero else nth i pis I.zero) (seq 0 n)).

Definition alo_i (S W rho : I.type) : I.type :=
  I.div prec S (I.add prec S (I.mul prec rho (I.sub prec W S))).

(** (1 - a) G + (1 - A) Fa + (A - a) F1 + (1 - a) (1 - A) w ([chord_neg]). *)
Definition chord_i (G Fa F1 w a A : I.type) : I.type :=
  let one := I.fromZ prec 1 in
  I.add prec (I.add prec (I.add prec (I.mul prec (I.sub prec one a) G)
                                     (I.mul prec (I.sub prec one A) Fa))
                         (I.mul prec (I.sub prec A a) F1))
             (I.mul prec (I.mul prec (I.sub prec one a) (I.sub prec one A)) w).

(** The arrangements of the non-query positions of a case with c non-max positions. *)
Definition arrangements (n : nat) (qm : bool) (c : nat) : list (list bool) :=
  filter (fun bs => Nat.eqb (count_true bs + if qm then 0 else 1) c) (all_bools (Nat.pred n)).

(** ** The checker *)

(** The lower bounds A_lo of the case (q, mx, c) at its claimed gap, one per arrangement. *)
Definition case_alos (PI EQ EQP : list (list I.type)) (Ws : list I.type)
    (claims : list (list (list Z))) (n mx q c : nat) : list I.type :=
  let rho := rho_i (nth q EQ []) (nth q EQP []) mx (mx - gap_of claims q mx c) in
  map (fun bs => alo_i (S_i (nth q PI []) n (Nat.eqb q mx) bs) (nth q Ws I.zero) rho)
      (arrangements n (Nat.eqb q mx) c).

(** A float below A's lower end by about 2^-40: the checker's points, compared with
    [ile_check], whose subtraction rounds even an exact 0 down. *)
Definition below (A : I.type) : I.F.type :=
  I.lower (I.sub prec A (I.div prec (I.fromZ prec 1) (I.fromZ prec (2 ^ 40)))).

(** The chord's point a: any float is sound (the checker verifies a <= A_lo); just below the
    lowest claimed A_lo is the tightest that passes. *)
Definition chord_point (alos : list I.type) : I.F.type :=
  match alos with
  | [] => I.F.zero
  | A0 :: rest => below (fold_left I.join (map (fun A => I.singleton (below A)) rest)
                                  (I.singleton (below A0)))
  end.

Definition subcubic_cases_ok (m : transformer) (M : imodel) (claims : list (list (list Z))) : bool :=
  let n := n_ctx m in let d := d_vocab m in
  let DU := DU_tab m M in let EV := EV_tab m M in let PV := PV_tab m M in
  let EQ := EQ_tab m M in let PI := PI_tab m M in
  let mus := map (col_mean DU d) (seq 0 d) in
  let Gs := map (fun q => spread_i (nth q DU []) mus d) (seq 0 d) in
  let Ws := map sumv PI in
  let rowmaxs := map (fun row => rowmax_i row d) EV in
  let EQP := map (fun row => prefix_tab row d) EQ in
  all_below d (fun mx =>
    let Om := omega_tab EV rowmaxs d mx in
    let F := F_i mus (map (Pm_i PV n mx) (seq 0 d)) (nth mx EV []) d mx in
    let F1 := F (I.fromZ prec 1) in
    (* [q][c] : the claimed case's A_lo per arrangement, computed once for the chord point
       and the checks *)
    let alos := map (fun q => map (fun c =>
                  if claimed claims q mx c && negb (Nat.eqb c 0)
                  then case_alos PI EQ EQP Ws claims n mx q c else []) (seq 0 n)) (seq 0 (S mx)) in
    let ai := I.singleton (chord_point (concat (concat alos))) in
    let Fa := F ai in
    all_below (S mx) (fun q =>
      let G := nth q Gs I.zero in
      all_below n (fun c =>
        negb (claimed claims q mx c)
        || (ilt_check prec (I.add prec G F1) I.zero
            && (Nat.eqb c 0
                || (ilt_check prec ai (I.fromZ prec 1)
                    && forallb (fun A =>
                         let Ap := I.singleton (below A) in
                         ile_check prec Ap A && ile_check prec ai Ap
                         && ilt_check prec (chord_i G Fa F1
                                              (nth (mx - gap_of claims q mx c) Om I.zero)
                                              ai Ap) I.zero)
                       (nth c (nth q alos []) []))))))).

(** ** Soundness *)

Section Soundness.
Variable m : transformer.
Variable M : imodel.
Local Notation n := (n_ctx m).
Local Notation d := (d_vocab m).
Local Notation dh := (d_head m).
Local Notation last := (Nat.pred (n_ctx m)).
Hypothesis HM : imodel_encl M m.
Hypothesis Hctx : (1 <= n)%nat.
Hypothesis Hhead : (1 <= dh)%nat.
Hypothesis Hd : (2 <= d)%nat.

(** The real quantities the tables enclose. *)
Definition mu (x : nat) : R := rsum d (fun t => EUPU m t x) / INR d.
Definition nu (q x : nat) : R := EUPU m q x - mu x.
Definition G_real (q : nat) : R :=
  rmax_list (nu q) 0 (seq 0 d) + rmax_list (fun x => - nu q x) 0 (seq 0 d).
Definition Mu (mx x : nat) : R := mu x - mu mx.
Definition Pm_real (mx x : nat) : R := rmax_list (fun i => PVOU m i x - PVOU m i mx) 0 (seq 0 n).
Definition rowmax (k : nat) : R := rmax_list (EVOU m k) 0 (seq 0 d).
Definition omega (mx j : nat) : R := rmax_list (fun k => rowmax k - EVOU m k mx) 0 (seq 0 (S j)).
Definition rho (q mx j : nat) : R :=
  exp (rmax_list (fun t => EQKE m q t / sqrt (INR dh)) 0 (seq 0 (S j))
       - EQKE m q mx / sqrt (INR dh)).
Definition F_real (mx : nat) (A : R) : R :=
  rmax_list (fun x => Mu mx (skip mx x) + Pm_real mx (skip mx x)
                      + A * (EVOU m mx (skip mx x) - EVOU m mx mx)) (other mx) (seq 0 d).
Definition S_real (q : nat) (qm : bool) (bs : list bool) : R :=
  rsum n (fun i => if Nat.eqb i last then (if qm then pi m q i else 0)
                   else if nth i bs false then 0 else pi m q i).

Lemma in_seq0 y k : (0 < k)%nat -> In y (0%nat :: seq 0 k) -> (y < k)%nat.
Proof. intros Hk [<- | Hy]; [lia | apply in_seq in Hy; lia]. Qed.

Lemma in_seq0_of y k : (y < k)%nat -> In y (0%nat :: seq 0 k).
Proof. intros Hy. right. apply in_seq. lia. Qed.

(** *** Enclosures *)

Lemma EV_tab_encl t : (t < d)%nat -> encl_vec (nth t (EV_tab m M) []) (EVOU m t) d.
Proof.
  intros Ht. unfold EV_tab. rewrite nth_map_seq by exact Ht.
  apply (ovu_i_encl m M HM), (E_row m M HM t Ht).
Qed.

Lemma PV_tab_encl i : (i < n)%nat -> encl_vec (nth i (PV_tab m M) []) (PVOU m i) d.
Proof.
  intros Hi. unfold PV_tab. rewrite nth_map_seq by exact Hi.
  apply (ovu_i_encl m M HM), (P_row m M HM i Hi).
Qed.

Lemma scale_pos : 0 < sqrt (INR dh).
Proof. apply sqrt_lt_R0, lt_0_INR. lia. Qed.

Lemma qvec_encl q : (q < d)%nat -> encl_vec (qvec_i m M q) (qvec m q) dh.
Proof.
  intros Hq. destruct HM as (_ & _ & HQ & _ & _ & _ & HbQ & _).
  unfold qvec_i. apply encl_vadd; [| exact HbQ].
  apply (encl_vecmat _ _ _ _ _ _ (encl_vadd _ _ _ _ _ (E_row m M HM q Hq)
                                   (P_row m M HM last ltac:(lia))) HQ).
Qed.

Lemma EQ_tab_encl q t : (q < d)%nat -> (t < d)%nat ->
  encl (nth t (nth q (EQ_tab m M) []) I.zero) (EQKE m q t / sqrt (INR dh)).
Proof.
  intros Hq Ht. unfold EQ_tab. rewrite nth_map_seq by exact Hq. cbv zeta.
  rewrite nth_map_seq by exact Ht. rewrite nth_map_seq by exact Ht.
  destruct HM as (_ & _ & _ & HK & _ & _ & _ & _ & _ & _ & _ & _ & Hscale).
  apply encl_div; [apply Rgt_not_eq, scale_pos | | exact Hscale].
  apply (encl_dotv _ _ _ _ _ (qvec_encl q Hq)).
  exact (encl_vecmat _ _ _ _ _ _ (E_row m M HM t Ht) HK).
Qed.

Lemma PI_row_encl q : (q < d)%nat -> encl_vec (nth q (PI_tab m M) []) (pi m q) n.
Proof.
  intros Hq. unfold PI_tab. rewrite nth_map_seq by exact Hq. cbv zeta.
  apply encl_vec_seq. intros i Hi. apply encl_exp.
  destruct HM as (_ & _ & _ & HK & _ & _ & _ & _ & _ & _ & _ & _ & Hscale).
  apply encl_div; [apply Rgt_not_eq, scale_pos | | exact Hscale].
  apply (encl_dotv _ _ _ _ _ (qvec_encl q Hq)).
  exact (encl_vecmat _ _ _ _ _ _ (P_row m M HM i Hi) HK).
Qed.

Lemma mus_encl x : (x < d)%nat ->
  encl (nth x (map (col_mean (DU_tab m M) d) (seq 0 d)) I.zero) (mu x).
Proof.
  intros Hx. rewrite nth_map_seq by exact Hx. unfold col_mean, mu.
  apply encl_div; [apply Rgt_not_eq, lt_0_INR; lia | |].
  - apply encl_sumv, encl_vec_seq. intros t Ht.
    destruct (DU_tab_encl m M HM Hctx Hhead t Ht) as [_ Hrow]. apply (Hrow x Hx).
  - rewrite INR_IZR_INZ. apply encl_fromZ.
Qed.

Lemma Gs_encl q : (q < d)%nat ->
  encl (nth q (map (fun q => spread_i (nth q (DU_tab m M) [])
                                      (map (col_mean (DU_tab m M) d) (seq 0 d)) d) (seq 0 d))
            I.zero) (G_real q).
Proof.
  intros Hq. rewrite nth_map_seq by exact Hq. unfold spread_i, G_real.
  destruct (DU_tab_encl m M HM Hctx Hhead q Hq) as [_ Hrow].
  assert (Hnu : forall x, In x (0%nat :: seq 0 d) ->
            encl (I.sub prec (nth x (nth q (DU_tab m M) []) I.zero)
                        (nth x (map (col_mean (DU_tab m M) d) (seq 0 d)) I.zero)) (nu q x)).
  { intros x Hx. apply (in_seq0 x d ltac:(lia)) in Hx. apply encl_sub; [apply Hrow | apply mus_encl]; lia. }
  apply encl_add; apply hull_encl; [exact Hnu |]. intros x Hx. apply encl_neg, Hnu, Hx.
Qed.

Lemma Pm_encl mx x : (mx < d)%nat -> (x < d)%nat ->
  encl (Pm_i (PV_tab m M) n mx x) (Pm_real mx x).
Proof.
  intros Hmx Hx. apply hull_encl. intros i Hi. apply (in_seq0 i n ltac:(lia)) in Hi.
  destruct (PV_tab_encl i ltac:(lia)) as [_ Hrow].
  apply encl_sub; [apply Hrow, Hx | apply Hrow, Hmx].
Qed.

Lemma rowmaxs_encl k : (k < d)%nat ->
  encl (nth k (map (fun row => rowmax_i row d) (EV_tab m M)) I.zero) (rowmax k).
Proof.
  intros Hk.
  assert (Hlen : length (EV_tab m M) = d)
    by (unfold EV_tab; rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (EV_tab m M) k [] I.zero) by lia.
  apply hull_encl. intros x Hx. apply (in_seq0 x d ltac:(lia)) in Hx.
  destruct (EV_tab_encl k Hk) as [_ Hrow]. apply Hrow. lia.
Qed.

Lemma omega_encl mx j : (mx < d)%nat -> (j < d)%nat ->
  encl (nth j (omega_tab (EV_tab m M) (map (fun row => rowmax_i row d) (EV_tab m M)) d mx) I.zero)
       (omega mx j).
Proof.
  intros Hmx Hj. unfold omega_tab. cbv zeta. apply prefix_hull_encl; [exact Hj |].
  intros k Hk. destruct (EV_tab_encl k ltac:(lia)) as [_ Hrow].
  apply encl_sub; [apply rowmaxs_encl; lia | apply Hrow, Hmx].
Qed.

Lemma rho_encl q mx j : (q < d)%nat -> (mx < d)%nat -> (j < d)%nat ->
  encl (rho_i (nth q (EQ_tab m M) [])
              (nth q (map (fun row => prefix_tab row d) (EQ_tab m M)) []) mx j) (rho q mx j).
Proof.
  intros Hq Hmx Hj.
  assert (Hlen : length (EQ_tab m M) = d)
    by (unfold EQ_tab; cbv zeta; rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (EQ_tab m M) q [] []) by lia.
  apply encl_exp, encl_sub; [| apply EQ_tab_encl; assumption].
  unfold prefix_tab. apply prefix_hull_encl; [exact Hj |].
  intros t Ht. apply EQ_tab_encl; lia.
Qed.

Lemma F_encl mx A Ai : (mx < d)%nat -> encl Ai A ->
  encl (F_i (map (col_mean (DU_tab m M) d) (seq 0 d))
            (map (Pm_i (PV_tab m M) n mx) (seq 0 d)) (nth mx (EV_tab m M) []) d mx Ai)
       (F_real mx A).
Proof.
  intros Hmx HA. apply hull_encl. intros x Hx.
  assert (Hy : (skip mx x < d)%nat) by (apply skip_lt; [exact Hd | exact (in_seq_lt m Hctx Hhead Hd x _ (other_lt m Hctx Hhead Hd mx) Hx)]).
  destruct (EV_tab_encl mx Hmx) as [_ Hrow]. unfold Mu.
  apply encl_add; [apply encl_add |].
  - apply encl_sub; apply mus_encl; assumption.
  - rewrite nth_map_seq by exact Hy. apply Pm_encl; assumption.
  - apply encl_mul; [exact HA | apply encl_sub; apply Hrow; assumption].
Qed.

Lemma S_encl q qm bs : (q < d)%nat -> encl (S_i (nth q (PI_tab m M) []) n qm bs) (S_real q qm bs).
Proof.
  intros Hq. destruct (PI_row_encl q Hq) as [_ Hpi].
  apply encl_sumv, encl_vec_seq. intros i Hi.
  destruct (Nat.eqb i last); [destruct qm; [apply Hpi, Hi | apply encl_zero] |].
  destruct (nth i bs false); [apply encl_zero | apply Hpi, Hi].
Qed.

Lemma W_encl q : (q < d)%nat -> encl (nth q (map sumv (PI_tab m M)) I.zero) (rsum n (pi m q)).
Proof.
  intros Hq.
  assert (Hlen : length (PI_tab m M) = d)
    by (unfold PI_tab; rewrite map_length, seq_length; reflexivity).
  rewrite (nth_map_lt' _ (PI_tab m M) q [] I.zero) by lia.
  apply encl_sumv, PI_row_encl, Hq.
Qed.

Lemma alo_encl Si Wi Ri s w r : encl Si s -> encl Wi w -> encl Ri r ->
  0 < s -> 0 <= w - s -> 0 < r -> encl (alo_i Si Wi Ri) (s / (s + r * (w - s))).
Proof.
  intros HS HW HR Hs Hws Hr. unfold alo_i.
  apply encl_div; [| exact HS |].
  - apply Rgt_not_eq. assert (0 <= r * (w - s)) by (apply Rmult_le_pos; lra). lra.
  - apply encl_add; [exact HS | apply encl_mul; [exact HR | apply encl_sub; assumption]].
Qed.

Lemma chord_encl Gi Fai F1i wi ai Ai G Fa F1 w a A :
  encl Gi G -> encl Fai Fa -> encl F1i F1 -> encl wi w -> encl ai a -> encl Ai A ->
  encl (chord_i Gi Fai F1i wi ai Ai)
       ((1 - a) * G + (1 - A) * Fa + (A - a) * F1 + (1 - a) * (1 - A) * w).
Proof.
  intros HG HFa HF1 Hw Ha HA. unfold chord_i. cbv zeta.
  assert (H1 : encl (I.fromZ prec 1) 1) by apply (encl_fromZ prec 1).
  repeat (apply encl_add || apply encl_mul || apply encl_sub); assumption.
Qed.

(** *** The tables' bounds *)

Lemma HE_real q mx x : (x < d)%nat -> (mx < d)%nat ->
  EUPU m q x - EUPU m q mx <= G_real q + Mu mx x.
Proof.
  intros Hx Hmx. unfold G_real, Mu.
  assert (H1 := rmax_list_ge (nu q) 0 (seq 0 d) x (in_seq0_of x d Hx)).
  assert (H2 := rmax_list_ge (fun x => - nu q x) 0 (seq 0 d) mx (in_seq0_of mx d Hmx)).
  cbv beta in H2. unfold nu in *. lra.
Qed.

Lemma HP_real mx x i : (i < n)%nat -> PVOU m i x - PVOU m i mx <= Pm_real mx x.
Proof.
  intros Hi. apply (rmax_list_ge (fun i => PVOU m i x - PVOU m i mx)), in_seq0_of, Hi.
Qed.

Lemma Hw_real mx j t x : (t <= j)%nat -> (x < d)%nat ->
  EVOU m t x - EVOU m t mx <= omega mx j.
Proof.
  intros Ht Hx. unfold omega.
  assert (H1 := rmax_list_ge (EVOU m t) 0 (seq 0 d) x (in_seq0_of x d Hx)).
  assert (H2 := rmax_list_ge (fun k => rowmax k - EVOU m k mx) 0 (seq 0 (S j)) t
                  (in_seq0_of t (S j) ltac:(lia))).
  cbv beta in H2. fold (rowmax t) in H1. lra.
Qed.

Lemma Hrho_real q mx j t : (t <= j)%nat -> alpha m q t <= rho q mx j * alpha m q mx.
Proof.
  intros Ht. unfold rho, alpha. rewrite <- exp_plus.
  set (R := rmax_list (fun t => EQKE m q t / sqrt (INR dh)) 0 (seq 0 (S j))).
  assert (HR := rmax_list_ge (fun t => EQKE m q t / sqrt (INR dh)) 0 (seq 0 (S j)) t
                  (in_seq0_of t (S j) ltac:(lia))). fold R in HR. cbv beta in HR.
  replace (R - EQKE m q mx / sqrt (INR dh) + EQKE m q mx / sqrt (INR dh)) with R by ring.
  destruct (Rle_lt_or_eq_dec _ _ HR) as [Hlt | ->]; [left; apply exp_increasing, Hlt | lra].
Qed.

Lemma HF_real mx A x : (x < d)%nat -> x <> mx ->
  Mu mx x + Pm_real mx x + A * (EVOU m mx x - EVOU m mx mx) <= F_real mx A.
Proof.
  intros Hx Hne. unfold F_real. rewrite <- (skip_id mx x Hne) at 1 2 3.
  apply (rmax_list_ge (fun x => Mu mx (skip mx x) + Pm_real mx (skip mx x)
                                + A * (EVOU m mx (skip mx x) - EVOU m mx mx))).
  right. apply in_seq. lia.
Qed.

Theorem covered_correct claims ts :
  subcubic_cases_ok m M claims = true -> (forall i, (i < n)%nat -> (ts i < d)%nat) ->
  covered claims n ts = true -> correct d (logits m ts) (label n ts).
Proof.
  intros Hok Htok Hcov. unfold covered in Hcov. cbv zeta in Hcov.
  set (q := ts last) in *. set (mx := label n ts) in *.
  set (l := map ts (seq 0 last)) in *.
  set (c := (count_ne mx l + if Nat.eqb q mx then 0 else 1)%nat) in *.
  set (g := gap_of claims q mx c) in *.
  rewrite !andb_true_iff, Nat.ltb_lt in Hcov. destruct Hcov as [[Hc Hcl] Hmatch].
  assert (Hlast : (last < n)%nat) by lia.
  assert (Hmx : (mx < d)%nat) by (apply label_lt; [lia | exact Htok]).
  assert (Hq : (q < S mx)%nat) by (pose proof (label_ge n ts last Hlast); unfold q, mx; lia).
  assert (Hqd : (q < d)%nat) by lia.
  assert (Hlen : length l = last) by (unfold l; rewrite map_length, seq_length; reflexivity).
  assert (Hl : forall i, (i < last)%nat -> nth i l 0%nat = ts i)
    by (intros i Hi; unfold l; apply nth_map_seq, Hi).
  assert (Hin : forall i, (i < last)%nat -> In (ts i) l)
    by (intros i Hi; rewrite <- (Hl i Hi); apply nth_In; lia).
  (* the checker at (mx, q, c) *)
  unfold subcubic_cases_ok in Hok. cbv zeta in Hok. rewrite all_below_spec in Hok.
  specialize (Hok mx Hmx). cbv beta in Hok. rewrite all_below_spec in Hok.
  specialize (Hok q Hq). cbv beta in Hok. rewrite all_below_spec in Hok.
  specialize (Hok c Hc). cbv beta in Hok.
  rewrite Hcl in Hok. cbn [negb orb] in Hok. apply andb_true_iff in Hok as [HGF Hrest].
  assert (HG := Gs_encl q Hqd).
  assert (HF1 := F_encl mx 1 (I.fromZ prec 1) Hmx (encl_fromZ prec 1)).
  assert (Hneg1 : G_real q + F_real mx 1 < 0)
    by exact (lt_of_ilt_check _ _ _ _ _ (encl_add _ _ _ _ _ HG HF1) encl_zero HGF).
  assert (HE : forall x, (x < d)%nat -> x <> mx -> EUPU m q x - EUPU m q mx <= G_real q + Mu mx x)
    by (intros x Hx _; apply HE_real; assumption).
  assert (HP : forall x i, (x < d)%nat -> x <> mx -> (i < n)%nat ->
                 PVOU m i x - PVOU m i mx <= Pm_real mx x)
    by (intros x i _ _ Hi; apply HP_real, Hi).
  assert (HF1x : forall x, (x < d)%nat -> x <> mx ->
                   Mu mx x + Pm_real mx x + (EVOU m mx x - EVOU m mx mx) <= F_real mx 1)
    by (intros x Hx Hne; pose proof (HF_real mx 1 x Hx Hne); lra).
  unfold case_match in Hmatch. destruct (Nat.eqb_spec c 0) as [Hc0 | Hc0].
  - (* c = 0: the sequence mx ... mx *)
    apply andb_true_iff in Hmatch as [Hqm Hfit]. apply Nat.eqb_eq in Hqm.
    apply (correct_of_all_max m ts (G_real q) (F_real mx 1) (Mu mx) (Pm_real mx) Hctx);
      try assumption.
    intros i Hi. destruct (Nat.eq_dec i last) as [-> | Hne]; [exact Hqm |].
    destruct (fits_all _ _ _ _ (ts i) Hfit (Hin i ltac:(lia))) as [H | H];
      [exact H | discriminate].
  - (* c >= 1: steps 2 and 3 at j = mx - g *)
    set (j := (mx - g)%nat) in *.
    rewrite !andb_true_iff, !Nat.leb_le in Hmatch. destruct Hmatch as [[Hg1 Hgm] Hcase].
    assert (Hfit : exists c', fits mx (fun t => Nat.leb t j) c' l = true).
    { destruct (Nat.eqb q mx); [exists c; exact Hcase |].
      apply andb_true_iff in Hcase as [_ H]. exists (c - 1)%nat. exact H. }
    destruct Hfit as [c' Hfit].
    assert (Hj : forall i, (i < n)%nat -> ts i <> mx -> (ts i <= j)%nat).
    { intros i Hi Hne. destruct (Nat.eq_dec i last) as [-> | Hil].
      - fold q in Hne |- *. destruct (Nat.eqb_spec q mx) as [| _]; [contradiction |].
        apply andb_true_iff in Hcase as [H _]. apply Nat.leb_le, H.
      - destruct (fits_all _ _ _ _ (ts i) Hfit (Hin i ltac:(lia))) as [H | H];
          [contradiction | apply Nat.leb_le, H]. }
    cbn [orb] in Hrest.
    apply andb_true_iff in Hrest as [Ha1 Hall].
    rewrite forallb_forall in Hall.
    (* the sequence's own arrangement *)
    set (bs := map (fun t => negb (Nat.eqb t mx)) l).
    assert (Hbs : In bs (arrangements n (Nat.eqb q mx) c)).
    { unfold arrangements. apply filter_In. split.
      - replace (Nat.pred n) with (length bs)
          by (unfold bs; rewrite map_length; exact Hlen). apply all_bools_in.
      - unfold bs. rewrite count_true_map. apply Nat.eqb_eq. reflexivity. }
    set (af := chord_point _) in Hall, Ha1.
    set (EQP := map (fun row => prefix_tab row d) (EQ_tab m M)).
    set (Ai := alo_i (S_i (nth q (PI_tab m M) []) n (Nat.eqb q mx) bs)
                     (nth q (map sumv (PI_tab m M)) I.zero)
                     (rho_i (nth q (EQ_tab m M) []) (nth q EQP []) mx j)).
    assert (HAin : In Ai (case_alos (PI_tab m M) (EQ_tab m M) EQP (map sumv (PI_tab m M)) claims
                                    n mx q c))
      by (unfold case_alos; cbv zeta;
          exact (in_map (fun bs0 => alo_i (S_i (nth q (PI_tab m M) []) n (Nat.eqb q mx) bs0)
                                          (nth q (map sumv (PI_tab m M)) I.zero)
                                          (rho_i (nth q (EQ_tab m M) []) (nth q EQP []) mx j))
                        _ bs Hbs)).
    rewrite nth_map_seq, nth_map_seq, Hcl in Hall by lia.
    rewrite (proj2 (Nat.eqb_neq c 0) Hc0) in Hall. cbn [negb andb] in Hall.
    specialize (Hall Ai HAin). cbv zeta in Hall.
    apply andb_true_iff in Hall as [Hall Hlt]. apply andb_true_iff in Hall as [HAp Hle].
    (* the reals *)
    set (S := rsum n (fun i => if Nat.eqb (ts i) mx then pi m q i else 0)).
    set (W := rsum n (pi m q)).
    assert (HSeq : S_real q (Nat.eqb q mx) bs = S).
    { unfold S_real, S. apply rsum_ext. intros i Hi.
      destruct (Nat.eqb_spec i last) as [-> | Hne]; [reflexivity |].
      unfold bs. rewrite (nth_map_lt' _ l i 0%nat false) by lia. rewrite Hl by lia.
      destruct (Nat.eqb (ts i) mx); reflexivity. }
    destruct (label_attained n ts Hctx) as [i0 [Hi0 Hti0]]. fold mx in Hti0.
    assert (HS : 0 < S).
    { unfold S. apply (rsum_pos_one n i0); [| exact Hi0 | rewrite Hti0, Nat.eqb_refl; apply exp_pos].
      intros i _. destruct (Nat.eqb (ts i) mx); [left; apply exp_pos | lra]. }
    assert (HWS : 0 <= W - S).
    { unfold W, S. rewrite <- rsum_minus. apply rsum_nonneg. intros i _.
      assert (0 < pi m q i) by apply exp_pos. destruct (Nat.eqb (ts i) mx); lra. }
    assert (Hj_d : (j < d)%nat) by lia.
    assert (HA : encl Ai (S / (S + rho q mx j * (W - S)))).
    { rewrite <- HSeq. apply alo_encl; [apply S_encl, Hqd | apply W_encl, Hqd |
        apply rho_encl; assumption | rewrite HSeq; exact HS | rewrite HSeq; exact HWS |
        apply exp_pos]. }
    assert (Ha : encl (I.singleton af) (I.F.toR af)) by apply encl_singleton.
    assert (Ha1r : I.F.toR af < 1)
      by exact (lt_of_ilt_check _ _ _ _ _ Ha (encl_fromZ prec 1) Ha1).
    assert (HApe : encl (I.singleton (below Ai)) (I.F.toR (below Ai))) by apply encl_singleton.
    assert (HAlo : I.F.toR (below Ai) <= S / (S + rho q mx j * (W - S)))
      by exact (le_of_ile_check _ _ _ _ _ HApe HA HAp).
    assert (Halo : I.F.toR af <= I.F.toR (below Ai))
      by exact (le_of_ile_check _ _ _ _ _ Ha HApe Hle).
    assert (HFa := F_encl mx (I.F.toR af) (I.singleton af) Hmx Ha).
    assert (Hw := omega_encl mx j Hmx Hj_d).
    assert (Hneg2 := lt_of_ilt_check _ _ _ _ _
                       (chord_encl _ _ _ _ _ _ _ _ _ _ _ _ HG HFa HF1 Hw Ha HApe) encl_zero Hlt).
    apply (correct_of_subcubic m ts j (G_real q) (omega mx j) (rho q mx j) (I.F.toR af)
             (I.F.toR (below Ai)) (F_real mx (I.F.toR af)) (F_real mx 1) (Mu mx) (Pm_real mx)
             Hctx Hj HE HP);
      try assumption.
    + intros t x Ht Hx _. apply Hw_real; assumption.
    + left. apply exp_pos.
    + intros t Ht. apply Hrho_real, Ht.
    + intros x Hx Hne. apply HF_real; assumption.
Qed.

End Soundness.

(** ** The checker *)

(** [claims] [q] [mx] [c] : 1 + the claimed gap of the case, or 0; the covered sequences must
    number at least p/q of d^n. *)
Definition check_subcubic_accuracy (w : tweights) (claims : list (list (list Z))) (p q : Z)
    : bool :=
  let m := transformer_of w in
  let n := tw_n w in let d := tw_d w in
  tshapes_ok w && Nat.leb 1 n && Nat.leb 1 (tw_dh w) && Nat.leb 2 d
  && subcubic_cases_ok m (imodel_of w) claims
  && acc_claim_okz n (total claims d n) d p q.

Theorem check_subcubic_accuracy_correct w claims p q :
  check_subcubic_accuracy w claims p q = true -> accuracy (transformer_of w) >= IZR p / IZR q.
Proof.
  unfold check_subcubic_accuracy. rewrite !andb_true_iff, !Nat.leb_le.
  intros [[[[[Hshapes Hn] Hdh] Hd] Hcases] Hclaim].
  apply (accuracy_ge_of_covered _ (fun l => covered claims (tw_n w) (ts_of l))
           (total claims (tw_d w) (tw_n w))); [exact Hn | simpl; lia | | | exact Hclaim].
  - intros l Hall Hl Hcov.
    exact (covered_correct _ (imodel_of w) (imodel_of_encl w Hshapes) Hn Hdh Hd claims (ts_of l)
             Hcases (ts_of_lt _ _ l Hall Hl) Hcov).
  - apply covered_count, Hn.
Qed.
