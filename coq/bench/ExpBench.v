(** * ExpBench.v -- timing of ~10,000 interval exps under vm_compute (not part of the build)

    Run with [make -C coq bench] (after [make -C coq]).  Each [Time] line below
    reports the wall time of one [vm_compute] evaluation; the results are
    recorded in README.md. *)

From Coq Require Import ZArith Reals Floats.
From PyExport Require Import Enclosure.

Definition N10000 : nat := Eval vm_compute in (100 * 100)%nat.

(** (a) arguments given as exact primitive floats [x_k = -10 + k/512], k < n
        (range [-10, 9.5]): one [I.exp] + one [I.add] per step. *)
Fixpoint bench_exp_float (n : nat) (x : PrimFloat.float) (acc : I.type) : I.type :=
  match n with
  | O => acc
  | S n' => bench_exp_float n' (PrimFloat.add x 0.001953125%float)
                (I.add prec acc (I.exp prec (I.bnd x x)))
  end.

(** (b) arguments given as rationals [(k mod 2000 - 1000) / 100] (range [-10, 10]):
        one [I.div] + one [I.exp] + one [I.add] per step. *)
Fixpoint bench_exp_div (n : nat) (acc : I.type) : I.type :=
  match n with
  | O => acc
  | S n' => bench_exp_div n' (I.add prec acc
                (I.exp prec (I.div prec (I.fromZ prec (Z.of_nat (n mod 2000) - 1000))
                                        (I.fromZ prec 100))))
  end.

(** (c) a loss-like evaluation: 100 inputs x d = 100 logits in [0, 9.6]
        => 10,000 exps + 100 lns. *)
Definition z_of (t j : nat) : I.type :=
  I.div prec (I.fromZ prec (Z.of_nat ((t * 7 + j * 13) mod 97))) (I.fromZ prec 10).

Fixpoint bench_lse (nt : nat) (acc : I.type) : I.type :=
  match nt with
  | O => acc
  | S t => bench_lse t (I.add prec acc (I.ln prec (isum prec 100 (fun j => I.exp prec (z_of t j)))))
  end.

Time Eval vm_compute in bench_exp_float N10000 (-10)%float I.zero.
Time Eval vm_compute in bench_exp_div N10000 I.zero.
Time Eval vm_compute in bench_lse 100 I.zero.

(** (d) the same inside a proof: a checked inequality needing 10,000 exps. *)
Lemma bench_check :
  ile_check prec (bench_exp_float N10000 (-10)%float I.zero) (I.fromZ prec 100000000) = true.
Proof. Time vm_compute. reflexivity. Qed.
