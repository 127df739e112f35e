/-
Copyright (c) 2026 pyexport contributors. All rights reserved.
Released under Apache 2.0 license.
-/
import PyExport.ListData
import PyExport.MaxOfK.TransformerPaths

/-!
# Exact integer path tables of a Max-of-K transformer certificate

Lean counterpart of `coq/theories/MaxOfK/TransformerEval.v`. Coq evaluates the path tables in
binary64 intervals; here every weight is an exact dyadic `w / 2 ^ e` (one exponent `e` for all
twelve arrays), so the path tables are *exact* integers over a power of two, computed by
kernel-friendly list code (`PyExport/ListData.lean`). Only the softmax (exp and the scale
`1 / √d_head`) needs enclosures; that is `CheckTransformer.lean`.

## The data (`PyExport.TCertData`)

Integer numerators, all over `2 ^ e`: `WE` (`d` rows of `dm`), `Wpos` (`n + 1` rows of `dm`),
`WQ`, `WK`, `WV` (`dm` rows of `dh`), `WO` (`dh` rows of `dm`), `bQ`, `bK`, `bV` (`dh`), `bO`
(`dm`), `WU` (`dm` rows of `d`), `bU` (`d`); the scale enclosure `sLo / 2 ^ r ≤ 1 / √dh ≤
sHi / 2 ^ r` (checked by the checker), the exp-enclosure parameters and the claim `p / q`.
**The model the claim is about** is `TCertData.transformer`: the real transformer whose entries
are `rvec e row k = row[k] / 2 ^ e`, read with `nth` (defaults past the ends), so no length
condition is ever needed.

## Tables (`d` = vocabulary, positions `0 … n`, last position `n`)

* `qv tq` — the query of last token `tq` (over `2 ^ (e + e)`);
* `ke t`, `kp i` — the keys of token `t` and position `i` without bias (over `2 ^ (e + e)`);
* `qk tq i t = qv tq ⬝ ke t + qv tq ⬝ kp i` = `(EQKE tq t + EQKP tq i) · 2 ^ (e+e+(e+e))`;
* `duZ t` — `EU t + PU n + cU` (over `2 ^ (e+e+e+e)`);
* `vuZ i t` — `EVOU t + PVOU i` (over `2 ^ (e+e+e+e)`).

The checker calls these functions with literal arguments; the kernel's `whnf` cache evaluates
each distinct closed call once (the same assumption as the MLP checkers; see `README.md`).

## Main statements

* `TCertData.QK_eq`, `TCertData.DU_eq`, `TCertData.VU_eq`: the tables are exact.
* `TCertData.logits_tab`: `z j = duZ[t_n][j] / 2^E + ∑ i, a_i * vuZ[i][t_i][j] / 2^E`.

This file was written without access to a Lean toolchain and has not been compiled; every
Mathlib name it uses is listed with where its statement was read in `README.md`.
-/

namespace PyExport

/-! ### Integer vectors read as dyadic reals -/

/-- Entry `k` of the integer list `x`, as the real `x[k] / 2 ^ s`. -/
noncomputable def rvec (s : ℕ) (x : List ℤ) (k : ℕ) : ℝ :=
  ((nth 0 x k : ℤ) : ℝ) / 2 ^ s

/-- `vaxpy a m u v = [u[k] + a * v[k] | k < m]`. -/
def vaxpy (a : ℤ) : ℕ → List ℤ → List ℤ → List ℤ
  | 0, _, _ => []
  | m + 1, u, v => (u.headD 0 + a * v.headD 0) :: vaxpy a m u.tail v.tail

theorem nth_vaxpy (a : ℤ) : ∀ (m : ℕ) (u v : List ℤ) (k : ℕ), k < m →
    nth 0 (vaxpy a m u v) k = nth 0 u k + a * nth 0 v k
  | 0, _, _, _, h => absurd h (Nat.not_lt_zero _)
  | m + 1, u, v, 0, _ => by
    show u.headD 0 + a * v.headD 0 = nth 0 u 0 + a * nth 0 v 0
    rw [nth_zero, nth_zero]
  | m + 1, u, v, k + 1, h => by
    show nth 0 (vaxpy a m u.tail v.tail) k = nth 0 u (k + 1) + a * nth 0 v (k + 1)
    rw [nth_succ (0 : ℤ) u k, nth_succ (0 : ℤ) v k, nth_vaxpy a m u.tail v.tail k (by omega)]

/-- `vecMat cols rows x M`: the row vector `x` (`rows` entries) times `M` (`rows` rows of
`cols` entries); entry `j` is `∑_{k < rows} x[k] * M[k][j]`. -/
def vecMat (cols : ℕ) : ℕ → List ℤ → List (List ℤ) → List ℤ
  | 0, _, _ => []
  | rows + 1, x, M => vaxpy (x.headD 0) cols (vecMat cols rows x.tail M.tail) (M.headD [])

theorem nth_vecMat (cols : ℕ) : ∀ (rows : ℕ) (x : List ℤ) (M : List (List ℤ)) (j : ℕ),
    j < cols →
      nth 0 (vecMat cols rows x M) j = ∑ k ∈ Finset.range rows, nth 0 x k * nth 0 (nth [] M k) j
  | 0, x, M, j, _ => by
    show nth 0 ([] : List ℤ) j = ∑ k ∈ Finset.range 0, nth 0 x k * nth 0 (nth [] M k) j
    rw [nth_nil, Finset.sum_range_zero]
  | rows + 1, x, M, j, hj => by
    show nth 0 (vaxpy (x.headD 0) cols (vecMat cols rows x.tail M.tail) (M.headD [])) j =
      ∑ k ∈ Finset.range (rows + 1), nth 0 x k * nth 0 (nth [] M k) j
    rw [nth_vaxpy _ cols _ _ j hj, nth_vecMat cols rows x.tail M.tail j hj,
      Finset.sum_range_succ']
    simp only [nth_succ, nth_zero]

/-- A `Fin`-indexed sum of products of dyadic entries is the dyadic entry of `vecMat`. -/
theorem sum_rvec_vecMat {rows cols : ℕ} (sx sM : ℕ) (x : List ℤ) (M : List (List ℤ))
    (j : Fin cols) :
    ∑ k : Fin rows, rvec sx x k * rvec sM (nth [] M k) j =
      rvec (sx + sM) (vecMat cols rows x M) j := by
  have h1 : ∑ k : Fin rows, rvec sx x k * rvec sM (nth [] M k) j =
      ∑ k ∈ Finset.range rows, rvec sx x k * rvec sM (nth [] M k) j :=
    Fin.sum_univ_eq_sum_range (fun k => rvec sx x k * rvec sM (nth [] M k) j) rows
  rw [h1]
  unfold rvec
  rw [nth_vecMat cols rows x M j j.isLt, Int.cast_sum, Finset.sum_div]
  refine Finset.sum_congr rfl fun k _ => ?_
  rw [Int.cast_mul, pow_add]
  ring

/-- A `Fin`-indexed dot product of dyadic entries is the integer `dot` over the product of the
denominators. -/
theorem sum_rvec_mul {m : ℕ} (s t : ℕ) (u v : List ℤ) :
    ∑ h : Fin m, rvec s u h * rvec t v h = ((dot m u v : ℤ) : ℝ) / 2 ^ (s + t) := by
  rw [dot_eq_sum, Int.cast_sum, Finset.sum_div]
  refine Finset.sum_congr rfl fun h _ => ?_
  unfold rvec
  rw [Int.cast_mul, pow_add]
  ring

/-- `a / 2^(s+t) + b / 2^s = (a + 2^t b) / 2^(s+t)`. -/
theorem div_pow_add (a b : ℝ) (s t : ℕ) :
    a / 2 ^ (s + t) + b / 2 ^ s = (a + 2 ^ t * b) / 2 ^ (s + t) := by
  have h : (2 : ℝ) ^ t ≠ 0 := by positivity
  rw [pow_add, ← mul_div_mul_right b (2 ^ s) h]
  ring

/-- Adding two dyadic entries over the same denominator. -/
theorem rvec_add_same {m : ℕ} (s : ℕ) (u v : List ℤ) (k : ℕ) (hk : k < m) :
    rvec s u k + rvec s v k = rvec s (vaxpy 1 m u v) k := by
  unfold rvec
  rw [nth_vaxpy 1 m u v k hk]
  push_cast
  ring

/-- Adding a dyadic entry over `2 ^ s` to one over `2 ^ S`, `S = s + t`. -/
theorem rvec_add {S s t m : ℕ} (hS : S = s + t) (u v : List ℤ) (k : ℕ) (hk : k < m) :
    rvec S u k + rvec s v k = rvec S (vaxpy (2 ^ t) m u v) k := by
  unfold rvec
  rw [nth_vaxpy _ m u v k hk, hS]
  push_cast
  exact div_pow_add _ _ s t

/-- `rvec_add` with the summands the other way round. -/
theorem rvec_add' {S s t m : ℕ} (hS : S = s + t) (u v : List ℤ) (k : ℕ) (hk : k < m) :
    rvec s v k + rvec S u k = rvec S (vaxpy (2 ^ t) m u v) k := by
  rw [add_comm]
  exact rvec_add hS u v k hk

/-- `rvec_add` at a `Fin` index with `S` written `s + t` (usable by `simp` under binders). -/
theorem rvec_add_fin {m : ℕ} (s t : ℕ) (u v : List ℤ) (k : Fin m) :
    rvec (s + t) u k + rvec s v k = rvec (s + t) (vaxpy (2 ^ t) m u v) k :=
  rvec_add rfl u v k k.isLt

/-- Rewriting a dyadic entry over `2 ^ s` over the larger denominator `2 ^ S`. -/
theorem rvec_up {S s t m : ℕ} (hS : S = s + t) (v : List ℤ) (k : ℕ) (hk : k < m) :
    rvec s v k = rvec S (vaxpy (2 ^ t) m [] v) k := by
  rw [← rvec_add hS [] v k hk]
  unfold rvec
  rw [nth_nil, Int.cast_zero, zero_div, zero_add]

/-! ### The certificate data and the model it denotes -/

/-- The data of a Max-of-K brute-force certificate: exact integer weights over `2 ^ e`, the
enclosure `sLo / 2 ^ r ≤ 1 / √dh ≤ sHi / 2 ^ r` of the attention scale, the exp-enclosure
parameters and the claimed bound `p / q`. The per-row counts are passed separately. -/
structure TCertData where
  /-- positions are `0 … n` (`n_ctx = n + 1`) -/
  n : ℕ
  /-- vocabulary `d_vocab` -/
  d : ℕ
  /-- width `d_model` -/
  dm : ℕ
  /-- head dimension `d_head` -/
  dh : ℕ
  /-- every weight is its numerator over `2 ^ e` -/
  e : ℕ
  WE : List (List ℤ)
  Wpos : List (List ℤ)
  WQ : List (List ℤ)
  WK : List (List ℤ)
  WV : List (List ℤ)
  WO : List (List ℤ)
  bQ : List ℤ
  bK : List ℤ
  bV : List ℤ
  bO : List ℤ
  WU : List (List ℤ)
  bU : List ℤ
  /-- the scale enclosure is over `2 ^ r` -/
  r : ℕ
  sLo : ℕ
  sHi : ℕ
  /-- fixed-point precision of the exp enclosures (`PyExport/ExpBound.lean`) -/
  prec : ℕ
  /-- Taylor terms of the exp enclosures (must be positive) -/
  terms : ℕ
  /-- argument halvings of the exp enclosures -/
  halvings : ℕ
  /-- claimed accuracy `p / q` -/
  p : ℕ
  q : ℕ

namespace TCertData

variable (c : TCertData)

/-- **The model the claim is about**: the real transformer with the exact dyadic weights. -/
noncomputable def transformer : Transformer c.n c.d c.dm c.dh where
  W_E t k := rvec c.e (nth [] c.WE t) k
  W_pos i k := rvec c.e (nth [] c.Wpos i) k
  W_Q k h := rvec c.e (nth [] c.WQ k) h
  W_K k h := rvec c.e (nth [] c.WK k) h
  W_V k h := rvec c.e (nth [] c.WV k) h
  W_O h k := rvec c.e (nth [] c.WO h) k
  b_Q h := rvec c.e c.bQ h
  b_K h := rvec c.e c.bK h
  b_V h := rvec c.e c.bV h
  b_O k := rvec c.e c.bO k
  W_U k j := rvec c.e (nth [] c.WU k) j
  b_U j := rvec c.e c.bU j

theorem transformer_W_E (t : Fin c.d) (k : Fin c.dm) :
    c.transformer.W_E t k = rvec c.e (nth [] c.WE t) k := rfl
theorem transformer_W_pos (i : Fin (c.n + 1)) (k : Fin c.dm) :
    c.transformer.W_pos i k = rvec c.e (nth [] c.Wpos i) k := rfl
theorem transformer_W_Q (k : Fin c.dm) (h : Fin c.dh) :
    c.transformer.W_Q k h = rvec c.e (nth [] c.WQ k) h := rfl
theorem transformer_W_K (k : Fin c.dm) (h : Fin c.dh) :
    c.transformer.W_K k h = rvec c.e (nth [] c.WK k) h := rfl
theorem transformer_W_V (k : Fin c.dm) (h : Fin c.dh) :
    c.transformer.W_V k h = rvec c.e (nth [] c.WV k) h := rfl
theorem transformer_W_O (h : Fin c.dh) (k : Fin c.dm) :
    c.transformer.W_O h k = rvec c.e (nth [] c.WO h) k := rfl
theorem transformer_b_Q (h : Fin c.dh) : c.transformer.b_Q h = rvec c.e c.bQ h := rfl
theorem transformer_b_V (h : Fin c.dh) : c.transformer.b_V h = rvec c.e c.bV h := rfl
theorem transformer_b_O (k : Fin c.dm) : c.transformer.b_O k = rvec c.e c.bO k := rfl
theorem transformer_W_U (k : Fin c.dm) (j : Fin c.d) :
    c.transformer.W_U k j = rvec c.e (nth [] c.WU k) j := rfl
theorem transformer_b_U (j : Fin c.d) : c.transformer.b_U j = rvec c.e c.bU j := rfl

/-! ### The integer tables -/

/-- The query of last token `tq`, over `2 ^ (e + e)`. -/
def qv (tq : ℕ) : List ℤ :=
  vaxpy (2 ^ c.e) c.dh (vecMat c.dh c.dm (vaxpy 1 c.dm (nth [] c.WE tq) (nth [] c.Wpos c.n)) c.WQ)
    c.bQ

/-- The unbiased key of token `t`, over `2 ^ (e + e)`. -/
def ke (t : ℕ) : List ℤ := vecMat c.dh c.dm (nth [] c.WE t) c.WK

/-- The unbiased key of position `i`, over `2 ^ (e + e)`. -/
def kp (i : ℕ) : List ℤ := vecMat c.dh c.dm (nth [] c.Wpos i) c.WK

/-- `(EQKE tq t + EQKP tq i) · 2 ^ (e + e + (e + e))`, exactly. -/
def qk (tq i t : ℕ) : ℤ := dot c.dh (c.qv tq) (c.ke t) + dot c.dh (c.qv tq) (c.kp i)

/-- `x W_V W_O W_U` for a row `x` over `2 ^ e`, over `2 ^ (e + e + e + e)`. -/
def ovuZ (x : List ℤ) : List ℤ :=
  vecMat c.d c.dm (vecMat c.dm c.dh (vecMat c.dh c.dm x c.WV) c.WO) c.WU

/-- The constant `cU = (b_V W_O + b_O) W_U + b_U`, over `2 ^ (e + e + e)`. -/
def cuZ : List ℤ :=
  vaxpy (2 ^ (c.e + c.e)) c.d
    (vecMat c.d c.dm (vaxpy (2 ^ c.e) c.dm (vecMat c.dm c.dh c.bV c.WO) c.bO) c.WU) c.bU

/-- `EU t + PU n + cU`, over `2 ^ (e + e + e + e)`. -/
def duZ (t : ℕ) : List ℤ :=
  vaxpy (2 ^ c.e) c.d [] (vaxpy (2 ^ c.e) c.d c.cuZ
    (vaxpy 1 c.d (vecMat c.d c.dm (nth [] c.WE t) c.WU) (vecMat c.d c.dm (nth [] c.Wpos c.n) c.WU)))

/-- `EVOU t + PVOU i`, over `2 ^ (e + e + e + e)`. -/
def vuZ (i t : ℕ) : List ℤ := vaxpy 1 c.d (c.ovuZ (nth [] c.WE t)) (c.ovuZ (nth [] c.Wpos i))

/-! ### The tables are exact -/

theorem qvec_eq (tq : Fin c.d) (h : Fin c.dh) :
    c.transformer.qvec tq h = rvec (c.e + c.e) (c.qv tq) h := by
  have hx : ∀ k : Fin c.dm, rvec c.e (nth [] c.WE tq) k + rvec c.e (nth [] c.Wpos (Fin.last c.n)) k
      = rvec c.e (vaxpy 1 c.dm (nth [] c.WE tq) (nth [] c.Wpos (Fin.last c.n))) k :=
    fun k => rvec_add_same c.e _ _ k k.isLt
  simp only [Transformer.qvec, transformer_W_E, transformer_W_pos, transformer_W_Q,
    transformer_b_Q, hx, sum_rvec_vecMat]
  rw [rvec_add (S := c.e + c.e) (s := c.e) (t := c.e) rfl _ _ h h.isLt]
  rfl

theorem EQKE_eq (tq t : Fin c.d) :
    c.transformer.EQKE tq t =
      ((dot c.dh (c.qv tq) (c.ke t) : ℤ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) := by
  simp only [Transformer.EQKE, qvec_eq, transformer_W_E, transformer_W_K, sum_rvec_vecMat,
    sum_rvec_mul, ke]

theorem EQKP_eq (tq : Fin c.d) (i : Fin (c.n + 1)) :
    c.transformer.EQKP tq i =
      ((dot c.dh (c.qv tq) (c.kp i) : ℤ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) := by
  simp only [Transformer.EQKP, qvec_eq, transformer_W_pos, transformer_W_K, sum_rvec_vecMat,
    sum_rvec_mul, kp]

/-- **The QK table is exact.** -/
theorem QK_eq (tq t : Fin c.d) (i : Fin (c.n + 1)) :
    c.transformer.EQKE tq t + c.transformer.EQKP tq i =
      ((c.qk tq i t : ℤ) : ℝ) / 2 ^ (c.e + c.e + (c.e + c.e)) := by
  rw [c.EQKE_eq tq t, c.EQKP_eq tq i]
  unfold qk
  rw [Int.cast_add, add_div]

theorem EU_eq (t j : Fin c.d) :
    c.transformer.EU t j = rvec (c.e + c.e) (vecMat c.d c.dm (nth [] c.WE t) c.WU) j := by
  simp only [Transformer.EU, Transformer.unembed, transformer_W_E, transformer_W_U, sum_rvec_vecMat]

theorem PU_eq (i : Fin (c.n + 1)) (j : Fin c.d) :
    c.transformer.PU i j = rvec (c.e + c.e) (vecMat c.d c.dm (nth [] c.Wpos i) c.WU) j := by
  simp only [Transformer.PU, Transformer.unembed, transformer_W_pos, transformer_W_U,
    sum_rvec_vecMat]

theorem cU_eq (j : Fin c.d) : c.transformer.cU j = rvec (c.e + c.e + c.e) c.cuZ j := by
  simp only [Transformer.cU, Transformer.unembed, transformer_b_V, transformer_W_O,
    transformer_b_O, transformer_W_U, transformer_b_U, sum_rvec_vecMat, rvec_add_fin]
  rw [rvec_add (S := c.e + c.e + c.e) (s := c.e) (t := c.e + c.e) (by omega) _ _ j j.isLt]
  rfl

theorem EVOU_eq (t j : Fin c.d) :
    c.transformer.EVOU t j = rvec (c.e + c.e + c.e + c.e) (c.ovuZ (nth [] c.WE t)) j := by
  simp only [Transformer.EVOU, Transformer.ovu, Transformer.unembed, transformer_W_E,
    transformer_W_V, transformer_W_O, transformer_W_U, sum_rvec_vecMat, ovuZ]

theorem PVOU_eq (i : Fin (c.n + 1)) (j : Fin c.d) :
    c.transformer.PVOU i j = rvec (c.e + c.e + c.e + c.e) (c.ovuZ (nth [] c.Wpos i)) j := by
  simp only [Transformer.PVOU, Transformer.ovu, Transformer.unembed, transformer_W_pos,
    transformer_W_V, transformer_W_O, transformer_W_U, sum_rvec_vecMat, ovuZ]

/-- **The direct-path table is exact.** -/
theorem DU_eq (t j : Fin c.d) :
    c.transformer.EU t j + c.transformer.PU (Fin.last c.n) j + c.transformer.cU j =
      rvec (c.e + c.e + c.e + c.e) (c.duZ t) j := by
  rw [c.EU_eq t j, c.PU_eq (Fin.last c.n) j, c.cU_eq j, rvec_add_same (c.e + c.e) _ _ j j.isLt,
    rvec_add' (S := c.e + c.e + c.e) (s := c.e + c.e) (t := c.e) rfl _ _ j j.isLt,
    rvec_up (S := c.e + c.e + c.e + c.e) (s := c.e + c.e + c.e) (t := c.e) rfl _ j j.isLt]
  rfl

/-- **The OV-path table is exact.** -/
theorem VU_eq (i : Fin (c.n + 1)) (t j : Fin c.d) :
    c.transformer.EVOU t j + c.transformer.PVOU i j =
      rvec (c.e + c.e + c.e + c.e) (c.vuZ i t) j := by
  rw [c.EVOU_eq t j, c.PVOU_eq i j, rvec_add_same _ _ _ j j.isLt]
  rfl

/-- **Logits by the tables.** For a sequence `ts` whose tokens are `f i` (as naturals),
`z j = duZ[f n][j] / 2^E + ∑ i, a_i * vuZ[i][f i][j] / 2^E`, `E = e + e + e + e`. -/
theorem logits_tab (ts : Fin (c.n + 1) → Fin c.d) (f : ℕ → ℕ)
    (hf : ∀ i : Fin (c.n + 1), (ts i : ℕ) = f i) (j : Fin c.d) :
    c.transformer.logits ts j =
      rvec (c.e + c.e + c.e + c.e) (c.duZ (f c.n)) j +
        ∑ i, c.transformer.attn ts i * rvec (c.e + c.e + c.e + c.e) (c.vuZ i (f i)) j := by
  have hv : ∑ i, c.transformer.attn ts i *
        (c.transformer.EVOU (ts i) j + c.transformer.PVOU i j) =
      ∑ i, c.transformer.attn ts i * rvec (c.e + c.e + c.e + c.e) (c.vuZ i (f i)) j :=
    Finset.sum_congr rfl fun i _ => by rw [c.VU_eq i (ts i) j, hf i]
  have hq : (ts (Fin.last c.n) : ℕ) = f c.n := hf (Fin.last c.n)
  rw [c.transformer.logits_paths ts j, hv, ← hq, ← c.DU_eq (ts (Fin.last c.n)) j]
  ring

end TCertData

end PyExport
