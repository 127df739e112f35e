"""Term-size stream parsing, the audit guard and the parsing of kernel outputs."""

import pytest

from pyexport.kernels.termsize import TermStreamError, declarations_size, parse_nodes
from pyexport.render import UnsafeContext, validate_context
from pyexport.verify import audit_sources, coq_axioms, lean_axioms, lean_term_size, strip_comments

STREAM = """@@DECL f
@@TYPE
@P 2
@I 0 nat
@I 0 nat
@@BODY
@L 2
@I 0 nat
@A 3
@C 0 Nat.add
@R 0 1
@R 0 1
@@END
"""


def test_tree_counts_occurrences_and_dag_shares_equal_subterms():
    size = declarations_size(STREAM)
    assert size.tree == 3 + 6
    # distinct: nat, P(nat,nat), Nat.add, R1, A(add,R1,R1), L(nat, A) -> 6
    assert size.dag == 6


def test_truncated_stream_is_an_error():
    with pytest.raises(TermStreamError):
        parse_nodes(["@A 3", "@C 0 f", "@R 0 1"])
    with pytest.raises(TermStreamError):
        parse_nodes(["@R 0 1", "@R 0 2"])


def test_comments_do_not_trip_the_audit_and_code_does(tmp_path):
    ok = tmp_path / "ok.v"
    ok.write_text("(* no Admitted (* nested admit *) here *) Lemma x : True. Proof. exact I. Qed.")
    bad = tmp_path / "bad.v"
    bad.write_text("Lemma x : False. Proof. Admitted.\nDefinition y := 1. (* Axiom *)")
    native = tmp_path / "nat.v"
    native.write_text("Goal True. native_compute. exact I. Qed.")
    assert audit_sources([ok], "coq", native=False) == []
    assert audit_sources([bad], "coq", native=False) == ["bad.v: Admitted"]
    assert audit_sources([native], "coq", native=False) == ["nat.v: native_compute"]
    assert audit_sources([native], "coq", native=True) == []
    lean = tmp_path / "x.lean"
    lean.write_text("-- sorry in a comment\n/- axiom -/ theorem t : True := by\n  sorry\n")
    assert audit_sources([lean], "lean", native=False) == ["x.lean: sorry"]
    assert "sorry" not in strip_comments("/- a /- b -/ sorry -/ x", "lean")


def test_kernel_outputs_are_parsed():
    coq_out = ("Axioms:\nClassicalDedekindReals.sig_forall_dec\n  : forall P : nat -> Prop,\n"
               "    {n | ~ P n} + {forall n, P n}\nFunctionalExtensionality.functional_extensionality_dep"
               "\n  : forall A B f g, (forall x, f x = g x) -> f = g\n")
    assert coq_axioms(coq_out) == ["ClassicalDedekindReals.sig_forall_dec",
                                   "FunctionalExtensionality.functional_extensionality_dep"]
    assert coq_axioms("Closed under the global context\n") == []
    assert lean_axioms("'certificate' depends on axioms: [propext, Classical.choice, Quot.sound]"
                       ) == ["Classical.choice", "Quot.sound", "propext"]
    assert lean_term_size("TERMSIZE a tree=10 dag=7\nTERMSIZE b tree=5 dag=5\n") == (12, 15)


@pytest.mark.parametrize("bad", ['x"; Require Evil', "a\nb", "(* *)", "é", "x" * 500])
def test_renderer_refuses_unsafe_strings(bad):
    with pytest.raises(UnsafeContext):
        validate_context({"module_name": "ok", "rows": [["0x1p0", bad]]})
    validate_context({"module_name": "ok", "rows": [["0x1.8p-3", "-0x1p0", 3, True]]})
