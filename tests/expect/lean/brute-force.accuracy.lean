/-
pyexport certificate for the Lean kernel: `lake env lean` on this file checks its claim
(rendered from templates/lean/max_of_n_mlp/certificate.lean.j2).
model     test_n2_d4: n_ctx 2, d_vocab 4, d_model 2
weights   sha256 1650203704cec16e8f41e42c6ad2d8afd81643ad39488be4fbb2d955ffa72f12
content   sha256 f50d48ea5c300ea2d0ef9c52b1494ad573df3fca301bc61d18c053054e7e14ee
strategy  brute_force
quantity  accuracy
claim     accuracy2 >= 0 / 1
proof     checkBruteForceAccuracy_sound, kernel evaluation of checkBruteForceAccuracy
-/
import PyExport

open PyExport

/-- Embedding columns: `E i t = cert_Et[t][i] / 2 ^ 26` (4 rows of 2). -/
def cert_Et : List (List Int) := [
  [16875224, -71896328],
  [-17730814, 48532468],
  [85956072, 175019920],
  [14079455, 127115056]]

/-- Hidden matrix rows: `H i k = cert_H[i][k] / 2 ^ 29` (2 rows of 2). -/
def cert_H : List (List Int) := [
  [-267155536, -480385696],
  [-236610608, 15688377]]

/-- Unembedding rows: `U j i = cert_U[j][i] / 2 ^ 26` (4 rows of 2). -/
def cert_U : List (List Int) := [
  [-110329992, -10382350],
  [-59122376, -34748380],
  [-25826794, -15009433],
  [19533158, 49470524]]

/-- Trace (bool_rows) of the brute_force strategy. -/
def cert_trace : List (List Bool) := [
  [false, false, false, false],
  [false, false, false, false],
  [false, false, false, false],
  [false, false, false, false]]

/-- The certificate's data: exact weights, the claimed bound and the exp-enclosure parameters. -/
def cert_data : CertData where
  d := 4
  dm := 2
  eE := 26
  eH := 29
  eU := 26
  Et := cert_Et
  H := cert_H
  U := cert_U
  grid := 40
  prec := 0
  terms := 0
  halvings := 0
  p := 0
  q := 1

set_option maxRecDepth 100000 in
set_option maxHeartbeats 0 in
theorem certificate :
    accuracy2 cert_data.weights.colTable ≥ ((0 : ℕ) : ℝ) / ((1 : ℕ) : ℝ) :=
  checkBruteForceAccuracy_sound cert_data cert_trace (by decide +kernel)

#print axioms certificate

#term_size cert_Et cert_H cert_U cert_trace cert_data certificate
