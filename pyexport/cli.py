"""Command line: `pyexport models|train|prove|check|render|verify|sweep|audit|mutate|report|demo`.

A thin layer over `pyexport.api`: it parses arguments, calls the API and prints its results.

Exit codes: 0 success (for `check`/`verify`: accepted), 1 rejected certificate or failed run,
2 unusable input (unreadable, malformed, unknown schema, bad arguments, a file that exists).
Every verb reports bad input in one line on stderr, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pyexport import api, archive
from pyexport import certificate as cert
from pyexport.api import UsageError
from pyexport.interval import EnclosureOverflow
from pyexport.weights import SHIPPED_DIR, ModelError

CERTIFICATES_DIR = Path("certificates")
DEFAULT_MODEL = "max2-d64"  # the shipped default: the tutorial's task at d_vocab 64
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


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
    _term_size_option(s)
    _executor_options(s)
    s.set_defaults(run=cmd_verify)

    s = sub.add_parser("sweep", help="prove models x strategies x quantities into an archive, "
                       "then check and kernel-check each, as independent jobs")
    s.add_argument("--models", nargs="+", required=True, help="shipped names or model files")
    s.add_argument("--strategies", nargs="+", default=None,
                   help="default: every strategy of each model's family")
    s.add_argument("--quantities", nargs="+", choices=["loss", "accuracy"], default=None,
                   help="default: both (where the strategy proves it)")
    s.add_argument("-o", "--output", type=Path, default=CERTIFICATES_DIR, help="archive folder")
    s.add_argument("--prover", default="all", choices=["lean", "coq", "all"])
    s.add_argument("--timeout", type=float, default=None,
                   help="each kernel's time limit in seconds (default 3600): verdict `timeout`, "
                        "and the job is retried once")
    s.add_argument("--json", action="store_true")
    _term_size_option(s)
    _executor_options(s)
    s.set_defaults(run=cmd_sweep)

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


def _term_size_option(s) -> None:
    s.add_argument("--no-term-size", dest="term_size", action="store_false",
                   help="skip measuring the checked term size (it walks every node: minutes "
                        "at millions of trace entries)")


def _executor_options(s) -> None:
    s.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="local worker processes for --all and sweeps (default: one per core; "
                        "1 runs in this process)")
    s.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the jobs on this Dask cluster (tcp://host:8786) instead")


def cmd_models(args) -> int:
    rows = api.models()
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
    trained = api.train(args.config, args.seed, args.output, args.force)
    print(f"wrote {trained.path} (final training loss "
          f"{trained.facts['training']['final_train_loss']:.4f})")
    return EXIT_OK


def cmd_prove(args) -> int:
    c = api.prove(args.model, args.strategy, args.quantity, args.output or CERTIFICATES_DIR,
                  args.gzip, args.force)
    doc = c.doc
    summary = {"path": str(c.path), "bound": doc["claim"]["bound"],
               "bound_float": doc["claim"]["bound_float"], "strategy": c.strategy,
               "quantity": c.quantity, "relation": c.relation, "model": c.model_name,
               "metrics": doc["metrics"]}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"{c.quantity} {c.relation} {doc['claim']['bound_float']:.10g}  "
              f"({c.strategy}, {c.path})")
    return EXIT_OK


def cmd_check(args) -> int:
    c = api.Certificate.read(args.file)
    verdict = api.check(c, record=args.record)
    about = c.statement()
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
    for path in api.render(args.file, args.prover, args.output, native=args.native):
        print(path)  # in compile order, the check file last
    return EXIT_OK


PRIMITIVE_PREFIXES = ("PrimFloat.", "PrimInt63.", "FloatAxioms.", "Uint63.")


def summarize_axioms(axioms: list[str]) -> str:
    """Axioms for reading: the primitive-arithmetic specification is counted, not listed."""
    primitive = [a for a in axioms if a.startswith(PRIMITIVE_PREFIXES)]
    named = [a for a in axioms if a not in primitive]
    if primitive:
        named.append(f"and {len(primitive)} of Coq's primitive float/int63 specification "
                     "(full list with --json)")
    return ", ".join(named)


def cmd_verify(args) -> int:
    provers = ["lean", "coq"] if args.prover == "all" else [args.prover]
    if args.all:
        return _verify_archive(args, provers)
    v = api.verify(args.file, provers, keep=args.keep, native=args.native,
                   timeout=args.timeout, term_size=args.term_size)
    about, results, ok, library = v.certificate.statement(), v.kernels, v.accepted, \
        v.library_term_size
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
    """Every certificate of a folder: the checker, then the kernels, one job each (`sweep`);
    stale weights are never reported as accepted."""
    from pyexport import sweep

    if not args.file.is_dir():
        raise UsageError(f"{args.file} is not a folder (--all takes an archive folder)")
    jobs = sweep.archive_jobs(args.file, provers=tuple(provers), timeout=args.timeout,
                              term_size=args.term_size)
    return _run_jobs(args, jobs)


def cmd_sweep(args) -> int:
    from pyexport import sweep

    provers = ("lean", "coq") if args.prover == "all" else (args.prover,)
    jobs = sweep.plan(args.models, args.strategies, args.quantities, args.output,
                      provers=provers, timeout=args.timeout, term_size=args.term_size)
    return _run_jobs(args, jobs)


def _run_jobs(args, jobs) -> int:
    """Run sweep jobs on the chosen executor; one line (or JSON row) per job, in order."""
    from pyexport import sweep

    results = sweep.run(jobs, workers=args.jobs, scheduler=args.scheduler,
                        progress=not args.json)
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1))
    for r in [] if args.json else results:
        kernels = ", ".join(f"{p} {v}" for p, v in r.kernels.items())
        retried = f", after {r.attempts} attempts" if r.attempts > 1 else ""
        print(f"{r.status:<9} {Path(r.file).name if r.file else r.job.label}: checker "
              f"{r.checker}{', ' + kernels if kernels else ''} ({r.seconds:.1f} s{retried})"
              + (f": {r.message}" if r.message else ""))
    return EXIT_OK if all(r.status == "accepted" for r in results) else EXIT_REJECTED


def cmd_audit(args) -> int:
    result = api.audit(args.file, mutations=args.mutations, kernels=not args.no_kernels)
    print(json.dumps(result.details, indent=1) if args.json else result.text)
    return EXIT_OK if result.passed else EXIT_REJECTED


def cmd_mutate(args) -> int:
    from pyexport.mutate import write_corpus

    written = write_corpus(args.file, args.output)
    for name, expectation in written:
        print(f"{expectation:<10} {args.output / name}")
    return EXIT_OK


def cmd_report(args) -> int:
    files = args.files or archive.certificate_files(CERTIFICATES_DIR)
    result = api.report([f for f in files if f.name != archive.MANIFEST], args.output,
                        recheck=args.recheck)
    print(result.markdown, end="")
    print(f"wrote {result.table} and {result.plot}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from pyexport.families import get

    family = get(api.load_model(args.model).family)
    written = []
    for strategy, quantity in family.demo:
        c = api.prove(args.model, strategy, quantity, args.output, args.gzip)
        verdict = api.check(c, record=True)
        if not verdict.accepted:
            print(f"pyexport: checker rejected {c.path}: {verdict.reason}", file=sys.stderr)
            return EXIT_REJECTED
        kernels = api.verify(c, ["coq", "lean"]).kernels
        print(f"{strategy:<12} {quantity:<9} checker {verdict.to_json()['verdict']}, "
              + ", ".join(f"{k.prover} {k.verdict}" for k in kernels) + f"  {c.path}",
              file=sys.stderr)
        written.append(c)
        if any(k.verdict in ("rejected", "error", "timeout") for k in kernels):
            print(f"pyexport: a kernel did not accept {c.path}", file=sys.stderr)
            return EXIT_REJECTED
    result = api.report(written, args.report)
    print(result.markdown, end="")
    print(f"wrote {result.table} and {result.plot}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
