"""Command line: `pyexport models|train|prove|check|render|verify|audit|mutate|report|demo`.

Exit codes: 0 success (for `check`/`verify`: accepted), 1 rejected certificate or failed run,
2 unusable input (unreadable, malformed, unknown schema, bad arguments, a file that exists).
Every verb reports bad input in one line on stderr, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pyexport import archive
from pyexport import certificate as cert
from pyexport.families import load_model
from pyexport.interval import EnclosureOverflow
from pyexport.weights import SHIPPED_DIR, ModelError

CERTIFICATES_DIR = Path("certificates")
DEFAULT_MODEL = "max2-d64"  # the shipped default: the tutorial's task at d_vocab 64
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


class UsageError(ValueError):
    """A request that cannot be carried out as asked (an output that exists, ...)."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (cert.CertificateError, ModelError, ValueError, EnclosureOverflow, OSError,
            RecursionError) as exc:
        # ValueError: a certificate a renderer refuses (UnsupportedCertificate, UnsafeContext),
        # a strategy its family does not have, a UsageError; OSError: unwritable outputs
        text = str(exc).strip() or type(exc).__name__
        print(f"pyexport: error: {text.splitlines()[0][:500]}", file=sys.stderr)
        return EXIT_UNUSABLE


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pyexport", description=__doc__.splitlines()[0])
    from pyexport import __version__

    p.add_argument("--version", action="version", version=f"pyexport {__version__}")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    s = sub.add_parser("models", help="list the shipped models and trainable configurations")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_models)

    s = sub.add_parser("train", help="train a configuration with its family's recipe")
    s.add_argument("--config", required=True, help="see `pyexport models`")
    s.add_argument("--seed", type=int, default=None,
                   help="a seed other than the configuration's; the model is named "
                   "<config>-s<seed>")
    s.add_argument("-o", "--output", type=Path, default=SHIPPED_DIR)
    s.add_argument("--force", action="store_true", help="replace an existing model file")
    s.set_defaults(run=cmd_train)

    s = sub.add_parser("prove", help="run a proof strategy and write a certificate")
    s.add_argument("--model", default=DEFAULT_MODEL,
                   help="shipped name, .safetensors path with its card, or a TransformerLens "
                   "state dict (.pt/.pth/.safetensors)")
    s.add_argument("--strategy", required=True,
                   help="max-of-n MLP: brute-force | symmetry | convexity; max-of-k "
                   "transformer: brute-force | cubic | subcubic (best variant) | "
                   "subcubic-rank1 | subcubic-exact-eqke")
    s.add_argument("--quantity", required=True, choices=["loss", "accuracy"])
    s.add_argument("-o", "--output", type=Path, default=None,
                   help="file (.json or .json.gz) or folder; default: certificates/ + manifest")
    s.add_argument("--gzip", action="store_true",
                   help="into a folder: write <name>.json.gz (brute force's traces are large)")
    s.add_argument("--force", action="store_true", help="replace an existing file")
    s.add_argument("--json", action="store_true", help="print a JSON summary")
    s.set_defaults(run=cmd_prove)

    s = sub.add_parser("check", help="re-derive a certificate's claim with the checker")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true")
    s.add_argument("--record", action="store_true",
                   help="record the verdict in the manifest of the certificate's folder")
    s.set_defaults(run=cmd_check)

    s = sub.add_parser("render", help="render a certificate as Lean 4 or Coq source (Coq: its data "
                       "modules, then the check file; the paths are printed in compile order)")
    s.add_argument("file", type=Path)
    s.add_argument("--prover", required=True, choices=["lean", "coq"])
    s.add_argument("-o", "--output", type=Path, required=True, help="folder for the files")
    s.add_argument("--native", action="store_true",
                   help="close by native compilation (native_decide / native_compute)")
    s.set_defaults(run=cmd_render)

    s = sub.add_parser("verify", help="check a certificate (or an archive) with each kernel")
    s.add_argument("file", type=Path, help="a certificate, or a folder with --all")
    s.add_argument("--all", action="store_true",
                   help="re-check every certificate of the folder (checker and kernels)")
    s.add_argument("--prover", default="all", choices=["lean", "coq", "all"])
    s.add_argument("--json", action="store_true")
    s.add_argument("--keep", type=Path, default=None, help="keep the rendered files here")
    s.add_argument("--timeout", type=float, default=None,
                   help="kernel time limit in seconds (default 3600): verdict `timeout`")
    s.add_argument("--native", action="store_true",
                   help="close by native compilation (native_decide / native_compute)")
    s.add_argument("--no-term-size", dest="term_size", action="store_false",
                   help="skip measuring the checked term size (it walks every node: minutes "
                        "at millions of trace entries)")
    s.set_defaults(run=cmd_verify)

    s = sub.add_parser("audit", help="what a certificate proves, on what it rests, and "
                       "re-checks a reviewer can trust")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true")
    s.add_argument("--mutations", type=int, default=8,
                   help="mutated copies the checker must reject (default 8)")
    s.add_argument("--no-kernels", action="store_true", help="skip Coq, coqchk and Lean")
    s.set_defaults(run=cmd_audit)

    s = sub.add_parser("mutate", help="write mutated copies of a certificate (a test corpus)")
    s.add_argument("file", type=Path)
    s.add_argument("-o", "--output", type=Path, required=True)
    s.set_defaults(run=cmd_mutate)

    s = sub.add_parser("report", help="markdown table and PNG plot of certificates")
    s.add_argument("files", type=Path, nargs="*", help="default: certificates/*.json*")
    s.add_argument("-o", "--output", type=Path, default=Path("report"))
    s.add_argument("--recheck", action="store_true",
                   help="re-derive every verdict with the checker instead of showing the "
                   "recorded ones")
    s.set_defaults(run=cmd_report)

    s = sub.add_parser("demo", help="prove, check, kernel-check and report the family's "
                       "strategies")
    s.add_argument("--model", default=DEFAULT_MODEL)
    s.add_argument("-o", "--output", type=Path, default=CERTIFICATES_DIR)
    s.add_argument("--report", type=Path, default=Path("report"))
    s.add_argument("--gzip", action="store_true", help="write the certificates gzip-compressed")
    s.set_defaults(run=cmd_demo)
    return p


def cmd_models(args) -> int:
    from pyexport.families import trainable_configs
    from pyexport.weights import shipped_cards

    rows = []
    for name, card in shipped_cards().items():
        path = SHIPPED_DIR / card.get("weights_file", f"{name}.safetensors")
        rows.append({"name": name, "kind": "shipped",
                     "family": card.get("family", cert.LEGACY_FAMILY),
                     "config": card["config"], "path": str(path), "present": path.is_file(),
                     "weights_sha256": card.get("weights_sha256")})
    for name, (family, config) in trainable_configs().items():
        rows.append({"name": name, "kind": "trainable config", "family": family.name,
                     "config": config.to_json(), "path": "", "present": False})
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            c = r["config"]
            where = r["path"] + ("" if r["present"] else " (missing)") if r["path"] else \
                "(train with: pyexport train --config NAME --seed N)"
            print(f"{r['name']:<18} {r['family']:<21} n_ctx={c['n_ctx']:<2} "
                  f"d_vocab={c['d_vocab']:<5} d_model={c['d_model']:<4} {where}")
    return EXIT_OK


def cmd_train(args) -> int:
    import dataclasses

    from pyexport.families import trainable_configs
    from pyexport.weights import save_model

    configs = trainable_configs()
    if args.config not in configs:
        raise UsageError(f"unknown configuration {args.config!r}; choose from "
                         f"{', '.join(sorted(configs))}")
    family, config = configs[args.config]
    if args.seed is not None:
        config = dataclasses.replace(config, name=f"{config.name}-s{args.seed}", seed=args.seed)
    target = args.output / f"{config.name}.safetensors"
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists (use --force to replace it)")
    model, facts = family.train(config)
    path = save_model(model, args.output, facts)
    print(f"wrote {path} (final training loss {facts['training']['final_train_loss']:.4f})")
    return EXIT_OK


def prove_to_file(model_name: str, strategy: str, quantity: str, output: Path | None,
                  compress: bool = False, force: bool = False):
    """Run a strategy and write its certificate: into a folder (named by content, listed in
    the folder's manifest) or to a file. An existing file is replaced only with `force` (in a
    folder, a file of the same name holds the same content)."""
    from pyexport.proof import run

    model = load_model(model_name)
    proof = run(strategy, quantity, model)
    doc = cert.build(model, proof)
    folder = output if output is None or output.is_dir() or not output.suffix else None
    if output is None or folder is not None:
        folder = folder or CERTIFICATES_DIR
        path = folder / cert.default_filename(doc, compress)
        if path.resolve().parent != folder.resolve():
            raise UsageError(f"{path.name!r} would leave the folder {folder}")
        if not path.exists():
            cert.write(doc, path)
        elif force:
            cert.write(doc, path)
        elif cert.content_sha256(cert.read(path)) != cert.content_sha256(doc):
            raise UsageError(f"{path} exists with other content (use --force to replace it)")
        archive.record_certificate(folder, doc, path.name)
    else:
        if output.exists() and not force:
            raise UsageError(f"{output} exists (use --force to replace it)")
        path = cert.write(doc, output)
    return path, doc


def cmd_prove(args) -> int:
    path, doc = prove_to_file(args.model, args.strategy, args.quantity, args.output,
                              args.gzip, args.force)
    summary = {"path": str(path), "bound": doc["claim"]["bound"],
               "bound_float": doc["claim"]["bound_float"], "strategy": doc["strategy"]["name"],
               "quantity": doc["claim"]["quantity"], "relation": doc["claim"]["relation"],
               "model": doc["model"]["name"], "metrics": doc["metrics"]}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"{doc['claim']['quantity']} {doc['claim']['relation']} "
              f"{doc['claim']['bound_float']:.10g}  ({doc['strategy']['name']}, {path})")
    return EXIT_OK


def cmd_check(args) -> int:
    from pyexport.checker import check

    doc = cert.read(args.file)
    verdict = check(doc)
    about = archive.statement(doc)
    if args.record:
        archive.record_results(args.file, doc, {"checker": verdict.to_json()})
    if args.json:
        print(json.dumps({"file": str(args.file), **verdict.to_json(), "claim": about}))
        return EXIT_OK if verdict.accepted else EXIT_REJECTED
    if verdict.accepted:
        print(f"accepted: {args.file}: {verdict.reason} ({verdict.seconds:.2f} s)")
    else:
        print(f"rejected: {args.file}: {verdict.step}: {verdict.reason}")
    _print_statement(about)
    return EXIT_OK if verdict.accepted else EXIT_REJECTED


def _print_statement(about: dict) -> None:
    print(f"  claim: {about['quantity']} {about['relation']} {about['bound']} "
          f"(= {about['bound_decimal']}...) for {about['model']} ({about['family']})")
    print(f"  weights: sha256 {about['weights_sha256']}, {about['registration']}")


def cmd_render(args) -> int:
    from pyexport.render import render

    paths, _ = render(cert.read(args.file), args.prover, args.output, native=args.native)
    for path in paths:  # in compile order, the check file last
        print(path)
    return EXIT_OK


def verify_file(path: Path, provers: list[str], keep: Path | None = None, native: bool = False,
                timeout: float | None = None, term_size: bool = True):
    """Run the kernels on a certificate file and record their results in the manifest of its
    folder (the certificate itself is not rewritten); return the results and the document."""
    from pyexport.verify import verify

    doc = cert.read(path)
    results = verify(doc, provers, keep=keep, native=native, timeout=timeout,
                     term_size=term_size)
    archive.record_results(path, doc, {r.prover: r.to_json() for r in results})
    return results, doc


PRIMITIVE_PREFIXES = ("PrimFloat.", "PrimInt63.", "FloatAxioms.", "Uint63.")


def summarize_axioms(axioms: list[str]) -> str:
    """Axioms for reading: the primitive-arithmetic specification is counted, not listed."""
    primitive = [a for a in axioms if a.startswith(PRIMITIVE_PREFIXES)]
    named = [a for a in axioms if a not in primitive]
    if primitive:
        named.append(f"and {len(primitive)} of Coq's primitive float/int63 specification "
                     "(full list with --json)")
    return ", ".join(named)


def _library_size(results) -> dict | None:
    """The Coq lemma library's term size, when Coq ran (measured once, then cached)."""
    from pyexport.coq_library import library_size

    if not any(r.prover == "coq" and r.verdict in ("accepted", "rejected") for r in results):
        return None
    try:
        size = library_size()
    except RuntimeError as exc:
        print(f"pyexport: library term size not measured: {str(exc)[-300:]}", file=sys.stderr)
        return None
    return {"term_size_dag": size["term_size_dag"], "term_size_tree": size["term_size_tree"]}


def _kernels_accepted(results) -> bool:
    ran = [r for r in results if r.verdict not in ("not-installed", "unsupported")]
    return bool(ran) and all(r.verdict == "accepted" for r in ran)


def cmd_verify(args) -> int:
    provers = ["lean", "coq"] if args.prover == "all" else [args.prover]
    if args.all:
        return _verify_archive(args, provers)
    results, doc = verify_file(args.file, provers, keep=args.keep, native=args.native,
                               timeout=args.timeout, term_size=args.term_size)
    about = archive.statement(doc)
    ok = _kernels_accepted(results) and not about["registration"].startswith("stale")
    library = _library_size(results)
    if args.json:
        print(json.dumps({"file": str(args.file), "accepted": ok, "claim": about,
                          "library_term_size": library,
                          "kernels": [r.to_json() for r in results]}, indent=1))
        return EXIT_OK if ok else EXIT_REJECTED
    _print_statement(about)
    if library:
        print(f"coq library (fixed cost, not in the sizes below): term size "
              f"{library['term_size_dag']} (DAG) / {library['term_size_tree']} (tree)")
    for r in results:
        size = (f", term size {r.term_size_dag} (DAG) / {r.term_size_tree} (tree)"
                if r.term_size_dag is not None else "")
        timing = f" in {r.seconds:.2f} s" if r.seconds is not None else ""
        print(f"{r.prover}: {r.verdict}{timing}{size}")
        if r.axioms:
            print(f"  axioms: {summarize_axioms(r.axioms)}")
        if r.command:
            print(f"  command: {r.command}")
        if r.message:
            print("  " + r.message.replace("\n", "\n  "))
    return EXIT_OK if ok else EXIT_REJECTED


def _verify_archive(args, provers: list[str]) -> int:
    """Every certificate of a folder: the checker, then the kernels; stale weights are never
    reported as accepted."""
    from pyexport.checker import check

    if not args.file.is_dir():
        raise UsageError(f"{args.file} is not a folder (--all takes an archive folder)")
    rows, all_ok = [], True
    for path in archive.certificate_files(args.file):
        try:
            doc = cert.read(path)
            verdict = check(doc)
            archive.record_results(path, doc, {"checker": verdict.to_json()})
            kernels, _ = verify_file(path, provers, native=args.native, timeout=args.timeout,
                                     term_size=args.term_size)
            about = archive.statement(doc)
            stale = about["registration"].startswith("stale")
            kernel_text = ", ".join(f"{k.prover} {k.verdict}" for k in kernels)
            status = "stale" if stale else (
                "accepted" if verdict.accepted and all(
                    k.verdict in ("accepted", "not-installed", "unsupported") for k in kernels)
                else "rejected")
        except (cert.CertificateError, ModelError, ValueError) as exc:
            status, kernel_text, about = "unusable", str(exc).splitlines()[0][:200], None
        all_ok &= status == "accepted"
        rows.append({"file": path.name, "status": status, "kernels": kernel_text,
                     "claim": about})
        if not args.json:
            print(f"{status:<9} {path.name}: {kernel_text}")
    if args.json:
        print(json.dumps(rows, indent=1))
    return EXIT_OK if all_ok else EXIT_REJECTED


def cmd_audit(args) -> int:
    from pyexport.audit import audit, format_audit

    result = audit(args.file, mutations=args.mutations, kernels=not args.no_kernels)
    print(json.dumps(result, indent=1) if args.json else format_audit(result))
    return EXIT_OK if result["passed"] else EXIT_REJECTED


def cmd_mutate(args) -> int:
    from pyexport.mutate import write_corpus

    written = write_corpus(args.file, args.output)
    for name, expectation in written:
        print(f"{expectation:<10} {args.output / name}")
    return EXIT_OK


def cmd_report(args) -> int:
    from pyexport.report import write_report

    files = args.files or archive.certificate_files(CERTIFICATES_DIR)
    docs = [(f, cert.read(f)) for f in files if f.name != archive.MANIFEST]
    if not docs:
        raise UsageError("no certificates to report on")
    table, plot = write_report(docs, args.output, recheck=args.recheck)
    print(table.read_text(), end="")
    print(f"wrote {table} and {plot}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from pyexport.checker import check
    from pyexport.families import get
    from pyexport.report import write_report

    family = get(load_model(args.model).family)
    written = []
    for strategy, quantity in family.demo:
        path, _ = prove_to_file(args.model, strategy, quantity, args.output, args.gzip)
        doc = cert.read(path)
        verdict = check(doc)
        archive.record_results(path, doc, {"checker": verdict.to_json()})
        if not verdict.accepted:
            print(f"pyexport: checker rejected {path}: {verdict.reason}", file=sys.stderr)
            return EXIT_REJECTED
        kernels, doc = verify_file(path, ["coq", "lean"])
        print(f"{strategy:<12} {quantity:<9} checker {verdict.to_json()['verdict']}, "
              + ", ".join(f"{k.prover} {k.verdict}" for k in kernels) + f"  {path}",
              file=sys.stderr)
        written.append((path, doc))
        if any(k.verdict in ("rejected", "error", "timeout") for k in kernels):
            print(f"pyexport: a kernel did not accept {path}", file=sys.stderr)
            return EXIT_REJECTED
    table, plot = write_report(written, args.report)
    print(table.read_text(), end="")
    print(f"wrote {table} and {plot}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
