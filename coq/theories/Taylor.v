(** * Taylor.v -- a sharp enclosure of exp on [0, 2^-16]

    What it defines
    - [P6 h = 1 + h + h^2/2 + h^3/6 + h^4/24 + h^5/120 + h^6/720], the Taylor
      polynomial of degree 6 of [exp] at 0.

    Main statement
    - [exp_taylor6] : [0 <= h <= / 65536 -> P6 h <= exp h <= P6 h + / 2^100]
      (Lagrange remainder [h^7 / 7! * exp z], 0 < z < h, bounded with
      [exp z <= exp 1 <= 3]; [Taylor_Lagrange] and [is_derive_n_exp] are from
      Coquelicot, whose proofs use only the standard axioms of [Reals]).

    Used by [ExpBounds.v] for verified fixed-point bounds of [exp]. *)

From Coq Require Import Reals Lra.
Set Warnings "-ambiguous-paths".
From Coquelicot Require Import Derive ElemFct.
Set Warnings "ambiguous-paths".
Open Scope R_scope.

Definition P6 (h : R) : R := 1 + h + h ^ 2 / 2 + h ^ 3 / 6 + h ^ 4 / 24 + h ^ 5 / 120 + h ^ 6 / 720.

Lemma Derive_n_exp (n : nat) (x : R) : Derive_n exp n x = exp x.
Proof. apply is_derive_n_unique, is_derive_n_exp. Qed.

Lemma ex_derive_n_exp (n : nat) (x : R) : ex_derive_n exp n x.
Proof. destruct n as [|n]; [exact I|]. exists (exp x). apply (is_derive_n_exp (S n) x). Qed.

Theorem exp_taylor6 (h : R) : 0 <= h <= / 65536 -> P6 h <= exp h <= P6 h + / 2 ^ 100.
Proof.
  intros [H0 H1]. destruct (Req_dec h 0) as [->|Hne].
  - rewrite exp_0. unfold P6. simpl. split; [lra|].
    assert (0 < / 2 ^ 100) by (apply Rinv_0_lt_compat, pow_lt; lra). lra.
  - assert (Hpos : 0 < h) by lra.
    destruct (Taylor_Lagrange exp 6 0 h Hpos (fun t _ k _ => ex_derive_n_exp k t))
      as [z [[Hz0 Hz1] Heq]].
    rewrite (sum_eq _ (fun m => h ^ m / INR (fact m))) in Heq
      by (intros; rewrite Derive_n_exp, exp_0; replace (h - 0) with h by ring; field;
          apply not_0_INR, fact_neq_0).
    rewrite Derive_n_exp in Heq. replace (h - 0) with h in Heq by ring.
    assert (HP : sum_f_R0 (fun m => h ^ m / INR (fact m)) 6 = P6 h)
      by (unfold P6; simpl; field).
    assert (H7 : INR (fact 7) = 5040) by (simpl; lra).
    rewrite HP, H7 in Heq. rewrite Heq. clear Heq HP H7.
    assert (Hez : 0 < exp z <= 3).
    { split; [apply exp_pos|]. apply Rle_trans with (exp 1); [|apply exp_le_3].
      left. apply exp_increasing. lra. }
    assert (Hh7 : 0 <= h ^ 7 <= (/ 65536) ^ 7).
    { split; [apply pow_le; lra|]. apply pow_incr. lra. }
    assert (Hc : (/ 65536) ^ 7 / 5040 * 3 <= / 2 ^ 100) by (simpl; lra).
    assert (Hr : h ^ 7 / 5040 * exp z <= (/ 65536) ^ 7 / 5040 * 3).
    { apply Rmult_le_compat; try lra; try (apply Rmult_le_pos; lra);
        try (apply Rmult_le_compat_r; lra). }
    assert (0 <= h ^ 7 / 5040 * exp z) by (apply Rmult_le_pos; lra).
    split; lra.
Qed.
