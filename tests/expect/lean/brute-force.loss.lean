/-
pyexport certificate for the Lean kernel: `lake env lean` on this file checks its claim
(rendered from templates/lean/max_of_n_mlp/certificate.lean.j2).
model     test_n2_d4: n_ctx 2, d_vocab 4, d_model 2
weights   sha256 1650203704cec16e8f41e42c6ad2d8afd81643ad39488be4fbb2d955ffa72f12
content   sha256 782b799b816dd9c38f21e90a378d0bc9b700b0d233196bb941f01b51a3de22f9
strategy  brute_force
quantity  expected_loss
claim     expectedLoss2 <= 78405372709747 / 17592186044416
proof     checkBruteForceLoss_sound, kernel evaluation of checkBruteForceLoss
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

/-- Trace (int_rows) of the brute_force strategy. -/
def cert_trace : List (List Int) := [
  [3838169129177, 1627978873302, 3221781008564, 2960593833790],
  [1627978873302, 1653538832237, 4898361184333, 5055407414959],
  [3221781008564, 4898361184333, 8169961404869, 10701947900872],
  [2960593833790, 5055407414959, 10701947900872, 7811562911824]]

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
  prec := 64
  terms := 14
  halvings := 6
  p := 78405372709747
  q := 17592186044416

set_option maxRecDepth 100000 in
set_option maxHeartbeats 0 in
theorem certificate :
    expectedLoss2 cert_data.weights.colTable ≤ ((78405372709747 : ℕ) : ℝ) / ((17592186044416 : ℕ) : ℝ) :=
  checkBruteForceLoss_sound cert_data cert_trace (by decide +kernel)

#print axioms certificate

#term_size cert_Et cert_H cert_U cert_trace cert_data certificate
