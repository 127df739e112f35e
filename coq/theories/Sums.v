(** * Sums.v -- finite real sums for the pyexport certificates

    What it defines
    - [rsum n f = f 0 + ... + f (n-1)]  (sum over [0 <= i < n]; [rsum 0 f = 0]).
    - [mult2 a b] : multiplicity of the unordered pair {a,b} in the square
      (1 if a = b, 2 otherwise).
    - [mult3 a b c] : multiplicity of the sorted triple a <= b <= c in the cube
      (1 if all equal, 3 if exactly two equal, 6 if all distinct).
    - [zsum n f] : the integer sum f 0 + ... + f (n-1) (mirrors [rsum]; [IZR_zsum]).

    Main statements
    - linearity / monotonicity: [rsum_plus], [rsum_minus], [rsum_opp], [rsum_scal_l],
      [rsum_scal_r], [rsum_const], [rsum_nonneg], [rsum_pos], [rsum_le], [rsum_ext].
    - [rsum_swap]          : swapping a double sum over a rectangle.
    - [rsum_square_split]  : square = strict upper triangle + diagonal + strict lower
                             triangle (for any [g]).
    - [rsum_square_sym]    : for [g] symmetric on the square,
        [rsum n (fun a => rsum n (fun b => g a b))
           = 2 * rsum n (fun b => rsum b (fun a => g a b)) + rsum n (fun a => g a a)].
    - [rsum_square_sym_mult] : the same as a sum over sorted pairs a <= b weighted
                               by [mult2].
    - [rsum_cube_sym]      : for [g] invariant under permutations of its 3 arguments,
        the cube sum = sum over c of
          [6 * (a < b < c) + 3 * (a = b < c) + 3 * (a < b = c) + (a = b = c)].
    - [rsum_cube_sym_mult] : the same as a sum over sorted triples a <= b <= c
                             weighted by [mult3].
    - [rsum_triangle_const_l] : [rsum n (fun b => rsum b F) = rsum n (fun a => (INR n - 1 - INR a) * F a)].

    Notes
    - Everything is over the standard-library reals [R]; no axioms beyond those
      of [Reals].  [rsum] is a plain structural fixpoint, so [rsum (S n) f]
      reduces to [rsum n f + f n] by [simpl]/[cbn]. *)

From Coq Require Import Reals Lra Lia ZArith.
Open Scope R_scope.

Fixpoint rsum (n : nat) (f : nat -> R) : R :=
  match n with
  | O => 0
  | S n' => rsum n' f + f n'
  end.

Lemma rsum_0 (f : nat -> R) : rsum 0 f = 0.
Proof. reflexivity. Qed.

Lemma rsum_S (n : nat) (f : nat -> R) : rsum (S n) f = rsum n f + f n.
Proof. reflexivity. Qed.

Lemma rsum_1 (f : nat -> R) : rsum 1 f = f 0%nat.
Proof. simpl. ring. Qed.

Lemma rsum_ext (n : nat) (f g : nat -> R) :
  (forall i, (i < n)%nat -> f i = g i) -> rsum n f = rsum n g.
Proof.
  induction n as [|n IH]; intros Hfg; simpl; [reflexivity|].
  rewrite IH by (intros i Hi; apply Hfg; lia).
  rewrite (Hfg n) by lia. reflexivity.
Qed.

Lemma rsum_plus (n : nat) (f g : nat -> R) :
  rsum n (fun i => f i + g i) = rsum n f + rsum n g.
Proof. induction n as [|n IH]; simpl; [ring|]. rewrite IH. ring. Qed.

Lemma rsum_opp (n : nat) (f : nat -> R) :
  rsum n (fun i => - f i) = - rsum n f.
Proof. induction n as [|n IH]; simpl; [ring|]. rewrite IH. ring. Qed.

Lemma rsum_minus (n : nat) (f g : nat -> R) :
  rsum n (fun i => f i - g i) = rsum n f - rsum n g.
Proof. induction n as [|n IH]; simpl; [ring|]. rewrite IH. ring. Qed.

Lemma rsum_scal_l (n : nat) (c : R) (f : nat -> R) :
  rsum n (fun i => c * f i) = c * rsum n f.
Proof. induction n as [|n IH]; simpl; [ring|]. rewrite IH. ring. Qed.

Lemma rsum_scal_r (n : nat) (c : R) (f : nat -> R) :
  rsum n (fun i => f i * c) = rsum n f * c.
Proof. induction n as [|n IH]; simpl; [ring|]. rewrite IH. ring. Qed.

Lemma rsum_const (n : nat) (c : R) : rsum n (fun _ => c) = INR n * c.
Proof.
  induction n as [|n IH]; simpl rsum; [simpl; ring|].
  rewrite IH, S_INR. ring.
Qed.

Lemma rsum_zero (n : nat) : rsum n (fun _ => 0) = 0.
Proof. rewrite rsum_const. ring. Qed.

Lemma rsum_nonneg (n : nat) (f : nat -> R) :
  (forall i, (i < n)%nat -> 0 <= f i) -> 0 <= rsum n f.
Proof.
  induction n as [|n IH]; intros Hf; simpl; [lra|].
  assert (0 <= rsum n f) by (apply IH; intros i Hi; apply Hf; lia).
  assert (0 <= f n) by (apply Hf; lia). lra.
Qed.

Lemma rsum_le (n : nat) (f g : nat -> R) :
  (forall i, (i < n)%nat -> f i <= g i) -> rsum n f <= rsum n g.
Proof.
  induction n as [|n IH]; intros Hfg; simpl; [lra|].
  assert (rsum n f <= rsum n g) by (apply IH; intros i Hi; apply Hfg; lia).
  assert (f n <= g n) by (apply Hfg; lia). lra.
Qed.

Lemma rsum_pos (n : nat) (f : nat -> R) :
  (0 < n)%nat -> (forall i, (i < n)%nat -> 0 < f i) -> 0 < rsum n f.
Proof.
  destruct n as [|n]; intros Hn Hf; [lia|]. simpl.
  assert (0 <= rsum n f) by (apply rsum_nonneg; intros i Hi; left; apply Hf; lia).
  assert (0 < f n) by (apply Hf; lia). lra.
Qed.

(** Shifting / splitting the range. *)
Lemma rsum_S_l (n : nat) (f : nat -> R) :
  rsum (S n) f = f 0%nat + rsum n (fun i => f (S i)).
Proof.
  induction n as [|n IH]; [simpl; ring|].
  rewrite rsum_S, IH. simpl. ring.
Qed.

Lemma rsum_add_range (n m : nat) (f : nat -> R) :
  rsum (n + m) f = rsum n f + rsum m (fun i => f (n + i)%nat).
Proof.
  induction m as [|m IH]; simpl.
  - rewrite Nat.add_0_r. ring.
  - rewrite Nat.add_succ_r. simpl. rewrite IH. ring.
Qed.

(** A sum over R blocks of d consecutive indices. *)
Lemma rsum_blocks (r d : nat) (f : nat -> R) :
  rsum (r * d) f = rsum r (fun b => rsum d (fun t => f (b * d + t)%nat)).
Proof.
  induction r as [|r IH]; [reflexivity|].
  rewrite Nat.mul_succ_l, rsum_add_range, IH. reflexivity.
Qed.

(** ** Double sums *)

Lemma rsum_swap (n m : nat) (f : nat -> nat -> R) :
  rsum n (fun i => rsum m (fun j => f i j)) = rsum m (fun j => rsum n (fun i => f i j)).
Proof.
  induction n as [|n IH]; simpl.
  - rewrite rsum_zero. reflexivity.
  - rewrite IH, <- rsum_plus. reflexivity.
Qed.

(** Border expansion of a square sum. *)
Lemma rsum_square_S (n : nat) (h : nat -> nat -> R) :
  rsum (S n) (fun a => rsum (S n) (fun b => h a b))
  = rsum n (fun a => rsum n (fun b => h a b))
    + rsum n (fun a => h a n) + rsum n (fun b => h n b) + h n n.
Proof.
  simpl rsum at 1. rewrite rsum_plus. simpl (rsum (S n) (fun b => h n b)). ring.
Qed.

Lemma rsum_square_split (n : nat) (g : nat -> nat -> R) :
  rsum n (fun a => rsum n (fun b => g a b))
  = rsum n (fun b => rsum b (fun a => g a b))
    + rsum n (fun a => g a a)
    + rsum n (fun a => rsum a (fun b => g a b)).
Proof.
  induction n as [|n IH]; [simpl; ring|].
  rewrite rsum_square_S, IH. simpl. ring.
Qed.

Lemma rsum_square_sym (n : nat) (g : nat -> nat -> R) :
  (forall a b, (a < n)%nat -> (b < n)%nat -> g a b = g b a) ->
  rsum n (fun a => rsum n (fun b => g a b))
  = 2 * rsum n (fun b => rsum b (fun a => g a b)) + rsum n (fun a => g a a).
Proof.
  intros Hg. rewrite rsum_square_split.
  assert (Hl : rsum n (fun a => rsum a (fun b => g a b))
               = rsum n (fun b => rsum b (fun a => g a b))).
  { apply rsum_ext. intros a Ha. apply rsum_ext. intros b Hb. apply Hg; lia. }
  rewrite Hl. ring.
Qed.

(** Multiplicity of a sorted pair a <= b. *)
Definition mult2 (a b : nat) : R := if Nat.eqb a b then 1 else 2.

Lemma rsum_sorted_pairs_mult (n : nat) (g : nat -> nat -> R) :
  rsum n (fun b => rsum (S b) (fun a => mult2 a b * g a b))
  = 2 * rsum n (fun b => rsum b (fun a => g a b)) + rsum n (fun a => g a a).
Proof.
  rewrite <- rsum_scal_l, <- rsum_plus. apply rsum_ext. intros b _.
  simpl rsum at 1. unfold mult2 at 2. rewrite Nat.eqb_refl.
  rewrite (rsum_ext b _ (fun a => 2 * g a b)).
  - rewrite rsum_scal_l. ring.
  - intros a Ha. unfold mult2.
    destruct (Nat.eqb_spec a b); [lia|reflexivity].
Qed.

Lemma rsum_square_sym_mult (n : nat) (g : nat -> nat -> R) :
  (forall a b, (a < n)%nat -> (b < n)%nat -> g a b = g b a) ->
  rsum n (fun a => rsum n (fun b => g a b))
  = rsum n (fun b => rsum (S b) (fun a => mult2 a b * g a b)).
Proof.
  intros Hg. rewrite rsum_square_sym by exact Hg.
  rewrite rsum_sorted_pairs_mult. reflexivity.
Qed.

(** [sum_{b<n} sum_{a<b} F a = sum_{a<n} (n-1-a) F a]. *)
Lemma rsum_triangle_const_l (n : nat) (F : nat -> R) :
  rsum n (fun b => rsum b F) = rsum n (fun a => (INR n - 1 - INR a) * F a).
Proof.
  induction n as [|n IH]; [reflexivity|].
  rewrite rsum_S, IH, S_INR.
  rewrite rsum_S.
  replace (rsum n (fun a => (INR n + 1 - 1 - INR a) * F a))
    with (rsum n (fun a => (INR n - 1 - INR a) * F a) + rsum n F).
  - ring.
  - rewrite <- rsum_plus. apply rsum_ext. intros a _. ring.
Qed.

(** ** Triple sums *)

Lemma rsum_cube_S (n : nat) (g : nat -> nat -> nat -> R) :
  rsum (S n) (fun a => rsum (S n) (fun b => rsum (S n) (fun c => g a b c)))
  = rsum n (fun a => rsum n (fun b => rsum n (fun c => g a b c)))
    + (rsum n (fun a => rsum n (fun b => g a b n))
       + rsum n (fun a => rsum n (fun c => g a n c))
       + rsum n (fun b => rsum n (fun c => g n b c)))
    + (rsum n (fun a => g a n n) + rsum n (fun b => g n b n)
       + rsum n (fun c => g n n c))
    + g n n n.
Proof.
  rewrite (rsum_square_S n (fun a b => rsum (S n) (fun c => g a b c))).
  cbv beta.
  assert (Hin : forall a b, rsum (S n) (fun c => g a b c) = rsum n (fun c => g a b c) + g a b n)
    by (intros; reflexivity).
  rewrite (rsum_ext n (fun a => rsum n (fun b => rsum (S n) (fun c => g a b c)))
             (fun a => rsum n (fun b => rsum n (fun c => g a b c)) + rsum n (fun b => g a b n))).
  2: { intros a _. rewrite <- rsum_plus. apply rsum_ext. intros b _. apply Hin. }
  rewrite (rsum_ext n (fun a => rsum (S n) (fun c => g a n c))
             (fun a => rsum n (fun c => g a n c) + g a n n)) by (intros; apply Hin).
  rewrite (rsum_ext n (fun b => rsum (S n) (fun c => g n b c))
             (fun b => rsum n (fun c => g n b c) + g n b n)) by (intros; apply Hin).
  rewrite Hin, !rsum_plus. ring.
Qed.

(** Multiplicity of a sorted triple a <= b <= c. *)
Definition mult3 (a b c : nat) : R :=
  if Nat.eqb a b then (if Nat.eqb b c then 1 else 3)
  else (if Nat.eqb b c then 3 else 6).

Section Cube.
Variable g : nat -> nat -> nat -> R.
Hypothesis g_swap12 : forall a b c, g a b c = g b a c.
Hypothesis g_swap23 : forall a b c, g a b c = g a c b.

(** The terms of the cube sum whose largest index is exactly [c], grouped by
    pattern: strict (a < b < c), (a = b < c), (a < b = c), (a = b = c). *)
Definition cube_layer (c : nat) : R :=
  6 * rsum c (fun b => rsum b (fun a => g a b c))
  + 3 * rsum c (fun a => g a a c)
  + 3 * rsum c (fun a => g a c c)
  + g c c c.

Lemma rsum_cube_sym (n : nat) :
  rsum n (fun a => rsum n (fun b => rsum n (fun c => g a b c)))
  = rsum n cube_layer.
Proof.
  induction n as [|n IH]; [reflexivity|].
  rewrite rsum_cube_S, IH, rsum_S.
  (* all border double sums equal [Q = sum_{a,b<n} g a b n] *)
  assert (E1 : rsum n (fun a => rsum n (fun c => g a n c))
               = rsum n (fun a => rsum n (fun b => g a b n))).
  { apply rsum_ext; intros a _; apply rsum_ext; intros c _. apply g_swap23. }
  assert (E2 : rsum n (fun b => rsum n (fun c => g n b c))
               = rsum n (fun a => rsum n (fun b => g a b n))).
  { apply rsum_ext; intros a _; apply rsum_ext; intros c _.
    rewrite g_swap12, g_swap23. reflexivity. }
  assert (E3 : rsum n (fun b => g n b n) = rsum n (fun a => g a n n)).
  { apply rsum_ext; intros b _. apply g_swap12. }
  assert (E4 : rsum n (fun c => g n n c) = rsum n (fun a => g a n n)).
  { apply rsum_ext; intros c _. rewrite g_swap23, g_swap12. reflexivity. }
  assert (EQ : rsum n (fun a => rsum n (fun b => g a b n))
               = 2 * rsum n (fun b => rsum b (fun a => g a b n))
                 + rsum n (fun a => g a a n)).
  { apply (rsum_square_sym n (fun a b => g a b n)). intros a b _ _. apply g_swap12. }
  rewrite E1, E2, E3, E4, EQ. unfold cube_layer. ring.
Qed.

Lemma cube_layer_mult (c : nat) :
  rsum (S c) (fun b => rsum (S b) (fun a => mult3 a b c * g a b c)) = cube_layer c.
Proof.
  unfold cube_layer. rewrite rsum_S.
  assert (Hc : mult3 c c c = 1) by (unfold mult3; rewrite Nat.eqb_refl; reflexivity).
  assert (Hl : rsum (S c) (fun a => mult3 a c c * g a c c)
               = 3 * rsum c (fun a => g a c c) + g c c c).
  { rewrite rsum_S, Hc, <- rsum_scal_l. f_equal; [|ring].
    apply rsum_ext. intros a Ha. unfold mult3. rewrite Nat.eqb_refl.
    destruct (Nat.eqb_spec a c); [lia|reflexivity]. }
  rewrite Hl.
  rewrite (rsum_ext c (fun b => rsum (S b) (fun a => mult3 a b c * g a b c))
             (fun b => 6 * rsum b (fun a => g a b c) + 3 * g b b c)).
  2: { intros b Hb. rewrite rsum_S.
       assert (Hb' : mult3 b b c = 3).
       { unfold mult3. rewrite Nat.eqb_refl. destruct (Nat.eqb_spec b c); [lia|reflexivity]. }
       rewrite Hb', <- rsum_scal_l. f_equal.
       apply rsum_ext. intros a Ha. unfold mult3.
       destruct (Nat.eqb_spec a b); [lia|]. destruct (Nat.eqb_spec b c); [lia|].
       reflexivity. }
  rewrite rsum_plus, !rsum_scal_l. ring.
Qed.

Lemma rsum_cube_sym_mult (n : nat) :
  rsum n (fun a => rsum n (fun b => rsum n (fun c => g a b c)))
  = rsum n (fun c => rsum (S c) (fun b => rsum (S b) (fun a => mult3 a b c * g a b c))).
Proof.
  rewrite rsum_cube_sym. apply rsum_ext. intros c _. symmetry. apply cube_layer_mult.
Qed.

End Cube.

(** ** Integer sums *)

Fixpoint zsum (n : nat) (f : nat -> Z) : Z :=
  match n with
  | O => 0%Z
  | S n' => (zsum n' f + f n')%Z
  end.

Lemma zsum_ext n f g : (forall i, (i < n)%nat -> f i = g i) -> zsum n f = zsum n g.
Proof.
  induction n as [|n IH]; intros H; simpl; [reflexivity|].
  rewrite IH by (intros; apply H; lia). rewrite (H n) by lia. reflexivity.
Qed.

Lemma zsum_S_l n f : zsum (S n) f = (f 0%nat + zsum n (fun i => f (S i)))%Z.
Proof. induction n as [|n IH]; simpl in *; [lia|]. rewrite IH. lia. Qed.

Lemma IZR_zsum n f : IZR (zsum n f) = rsum n (fun i => IZR (f i)).
Proof. induction n as [|n IH]; simpl; [reflexivity|]. rewrite plus_IZR, IH. reflexivity. Qed.

Lemma zsum_scal_l n c f : zsum n (fun i => c * f i)%Z = (c * zsum n f)%Z.
Proof. induction n as [|n IH]; simpl; [lia|]. rewrite IH. lia. Qed.
