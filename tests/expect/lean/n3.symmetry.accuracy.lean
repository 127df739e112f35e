/-
pyexport certificate for the Lean kernel: `lake env lean` on this file checks its claim
(rendered from templates/lean/max_of_n_mlp/certificate.lean.j2).
model     test_n3_d4: n_ctx 3, d_vocab 4, d_model 3
weights   sha256 8c05f04475f05db033deb365ceef46fc456b7cfb029315e7460d872a8963bc6a
content   sha256 b452680c0c7cd3f05a710cb149b6068e229c1fa1113b8b26b5daa9a538152cc6
strategy  symmetry
quantity  accuracy
claim     accuracy3 >= 11 / 32
proof     checkSymmetryAccuracy3_sound, kernel evaluation of checkSymmetryAccuracy3
-/
import PyExport

open PyExport

/-- Embedding columns: `E i t = cert_Et[t][i] / 2 ^ 33` (4 rows of 3). -/
def cert_Et : List (List Int) := [
  [15850405, -5858388480, -6342032896],
  [3849306880, -12777268224, -7994758144],
  [-3532239360, 774944448, 6311566848],
  [-11475188736, 17268541440, 4598454272]]

/-- Hidden matrix rows: `H i k = cert_H[i][k] / 2 ^ 28` (3 rows of 3). -/
def cert_H : List (List Int) := [
  [16337236, -144205136, -4533485],
  [107758984, -208328096, -70921880],
  [-294653952, -199854208, -285434464]]

/-- Unembedding rows: `U j i = cert_U[j][i] / 2 ^ 29` (4 rows of 3). -/
def cert_U : List (List Int) := [
  [-72869448, -392860960, 84081800],
  [48586968, -57941596, -780101312],
  [-166974640, -15033477, 35121544],
  [-474284800, -148085632, -303304288]]

/-- Trace (bool_cubes) of the symmetry strategy. -/
def cert_trace : List (List (List Bool)) := [
  [[false]],
  [[false], [false, false]],
  [[true], [true, true], [false, true, false]],
  [[false], [false, false], [false, false, true], [false, false, true, true]]]

/-- The certificate's data: exact weights, the claimed bound and the exp-enclosure parameters. -/
def cert_data : CertData where
  d := 4
  dm := 3
  eE := 33
  eH := 28
  eU := 29
  Et := cert_Et
  H := cert_H
  U := cert_U
  grid := 40
  prec := 0
  terms := 0
  halvings := 0
  p := 11
  q := 32

set_option maxRecDepth 100000 in
set_option maxHeartbeats 0 in
theorem certificate :
    accuracy3 cert_data.weights.colTable ≥ ((11 : ℕ) : ℝ) / ((32 : ℕ) : ℝ) :=
  checkSymmetryAccuracy3_sound cert_data cert_trace (by decide +kernel)

#print axioms certificate

#term_size cert_Et cert_H cert_U cert_trace cert_data certificate
