"""Kernel verification: render a certificate, run each installed proof kernel, report.

For each prover the result holds the verdict (accepted | rejected | not-installed | unsupported
| error), the check time, the checked term size of the certificate's own declarations (DAG and
tree), the axioms its theorem depends on, and the exact command that was run. "unsupported": the
prover has no checker for this family or size yet. An absent kernel is reported as not installed
with how to install it, never as accepted. Before running anything, an audit guard refuses
libraries or rendered files that contain escape hatches (Admitted, admit, Axiom, sorry, and
native_compute / native_decide unless asked for), and a verdict is turned to rejected if the
axioms go beyond the allow-list of the prover's standard library.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pyexport import coq_library
from pyexport.build_cache import cached_build
from pyexport.families import UnsupportedCertificate
from pyexport.kernels.termsize import TermSize, TermStreamError, declarations_size
from pyexport.render import render
from pyexport.resources import LEAN_DIR
COQ_INSTALL = ("apt-get install -y coq libcoq-interval libcoq-coquelicot libcoq-flocq "
               "libcoq-elpi (Debian/Ubuntu; Coq 8.16 with Interval 4.6), or `make coq-deps`")
LEAN_INSTALL = ("install elan (the Lean toolchain manager), then in lean/: "
                "`lake exe cache get && lake build`")
LEAN_AXIOMS = {"propext", "Classical.choice", "Quot.sound"}
LEAN_NATIVE_AXIOMS = {"Lean.ofReduceBool", "Lean.trustCompiler"}  # only with --native
FORBIDDEN = {
    "coq": (r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture)\b"
            r"|\bUnset\s+[\w\s]*?Checking\b|\bbypass_check\b|\bTyping\s+Flags\b"
            r"|\bDeclare\s+ML\s+Module\b|\bPrivate\s+Inductive\b",
            r"\bnative_compute\b"),
    "lean": (r"\b(sorry|admit|axiom|unsafe|implemented_by|extern)\b|\bdebug\.skipKernelTC\b",
             r"\bnative_decide\b"),
}
# Assumptions Coq may only hold inside a Section (where they become arguments of what uses them)
SECTION_LOCAL = r"\b(Hypothesis|Hypotheses|Variable|Variables|Context)\b"
KERNEL_TIMEOUT = 3600  # seconds; `pyexport verify --timeout`


@dataclass
class KernelResult:
    prover: str
    verdict: str  # accepted | rejected | not-installed | unsupported | timeout | error
    seconds: float | None = None
    term_size_dag: int | None = None
    term_size_tree: int | None = None
    axioms: list[str] = field(default_factory=list)
    command: str = ""
    message: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def strip_comments(text: str, prover: str) -> str:
    """Source text without comments (nested `(* *)` for Coq; `--` and nested `/- -/` for Lean)."""
    if prover == "lean":
        text = re.sub(r"--[^\n]*", "", text)
        opening, closing = "/-", "-/"
    else:
        opening, closing = "(*", "*)"
    out, depth, i = [], 0, 0
    while i < len(text):
        if text.startswith(opening, i):
            depth, i = depth + 1, i + 2
        elif depth and text.startswith(closing, i):
            depth, i = depth - 1, i + 2
        else:
            if not depth:
                out.append(text[i])
            i += 1
    return "".join(out)


def audit_sources(paths: list[Path], prover: str, native: bool,
                  rendered: tuple[Path, ...] = ()) -> list[str]:
    """Findings `file: word` of forbidden escape hatches, comments excluded. In Coq, section
    variables and hypotheses are allowed only inside a `Section` of the library, never in a
    rendered certificate (`rendered`)."""
    always, native_only = FORBIDDEN[prover]
    patterns = [always] + ([] if native else [native_only])
    findings = []
    for path in paths:
        code = strip_comments(path.read_text(), prover)
        for pattern in patterns:
            for match in re.finditer(pattern, code):
                findings.append(f"{path.name}: {' '.join(match.group(0).split())}")
        if prover == "coq":
            for word in _outside_sections(code, inside_allowed=path not in rendered):
                findings.append(f"{path.name}: {word} outside a Section")
    return findings


def _outside_sections(code: str, inside_allowed: bool) -> list[str]:
    """Section-local assumption commands that are not inside a Section."""
    found, depth = [], 0
    for match in re.finditer(r"\bSection\s+\w+\s*\.|\bEnd\s+\w+\s*\.|" + SECTION_LOCAL,
                             code):
        word = match.group(0)
        if word.startswith("Section"):
            depth += 1
        elif word.startswith("End"):
            depth = max(depth - 1, 0)
        elif depth == 0 or not inside_allowed:
            found.append(word)
    return found


def _run(argv: list[str], cwd: Path, timeout: float | None = None) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout or KERNEL_TIMEOUT)
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def _run_all(argvs: list[list[str]], cwd: Path, timeout: float) -> tuple[int, str, float]:
    """Run the commands in order, stopping at the first failure, within one time limit."""
    code, out, seconds = 0, "", 0.0
    for argv in argvs:
        code, out, took = _run(argv, cwd, max(timeout - seconds, 1e-3))
        seconds += took
        if code:
            break
    return code, out, seconds


def _audit_and_run(prover: str, sources: list[Path], rendered: list[Path],
                   argvs: list[list[str]], cwd: Path, command: str, native: bool,
                   timeout: float | None) -> tuple[KernelResult, str]:
    """The audit guard over the library and the rendered files, then the kernel commands in
    order: accepted iff all exit 0 within the time limit and the last reports no unchecked
    assumption; returns the last one's output too."""
    findings = audit_sources(sources + rendered, prover, native, rendered=tuple(rendered))
    if findings:
        return KernelResult(prover, "rejected", command=command,
                            message="audit guard: " + "; ".join(findings)), ""
    limit = timeout or KERNEL_TIMEOUT
    try:
        code, out, seconds = _run_all(argvs, cwd, limit)
    except subprocess.TimeoutExpired:
        return KernelResult(prover, "timeout", round(limit, 3), command=command,
                            message=f"no verdict within {limit:g} s (--timeout)"), ""
    assumed = [line.strip() for line in out.splitlines() if "assumed" in line.lower()]
    if not code and assumed:
        return KernelResult(prover, "rejected", round(seconds, 3), command=command,
                            message="unchecked assumption: " + "; ".join(assumed)), out
    return KernelResult(prover, "rejected" if code else "accepted", round(seconds, 3),
                        command=command, message=_tail(out) if code else ""), out


def _refuse_axioms(result: KernelResult, extra: list[str]) -> bool:
    """Turn an accepted result into a rejection if its theorem uses axioms outside the list."""
    if extra:
        result.verdict, result.message = "rejected", f"axioms beyond the allow-list: {extra}"
    return bool(extra)


def _tail(output: str, lines: int = 12) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


# --- Coq ----------------------------------------------------------------------------------


def coq_axioms(output: str) -> list[str]:
    """Axiom names from `Print Assumptions` output.

    After `Axioms:`, each axiom starts at column 0, as `name : type` or as `name` with its type
    on indented lines below.
    """
    if "Closed under the global context" in output and "Axioms:" not in output:
        return []
    names, inside = [], False
    for line in output.splitlines():
        if line.startswith("Axioms:"):
            inside = True
        elif inside and line[:1].isspace():
            continue  # the continuation of an axiom's type
        elif inside and re.match(r"^[A-Za-z_][\w.']*(\s+:.*)?$", line):
            names.append(line.split(" :", 1)[0].strip())
        else:
            inside = False
    return sorted(set(names))


def coq_allowed(name: str) -> bool:
    """Whether an axiom is in coq/audit_allowlist.txt, by exact name."""
    return name in coq_library.allowed_axioms()


def _coq_measure(library: Path, work: Path, module: str, data: list[str],
                 theorem: str) -> tuple[int, int]:
    """DAG and tree size of the certificate's data (Ltac2 walk) and theorem (coq-elpi walk:
    its proof is opaque). Each data module is measured by its own coqc, whose node stream is
    read as it comes, so memory stays that of one module; the DAG is shared within a data
    module and within the check file's declarations, not across them (the data modules hold
    only literals, so little sharing is lost)."""
    groups: dict[str, list[str]] = {}
    for name in data:
        owner = name.split(".", 1)[0]
        groups.setdefault(owner if owner.startswith(f"{module}_data") else module, []).append(name)
    total = TermSize(0, 0)
    for owner, names in groups.items():
        lines = ["From Ltac2 Require Import Ltac2.", "Require Import PyExportTools.TermSize.",
                 "Require Import PyExportTools.LibrarySize.",
                 f"Require Import PyExportCerts.{owner}."]
        for name in names:
            lines.append(f'Ltac2 Eval Message.print (Message.of_string "@@DECL {name}"); '
                         f"print_constant_nodes reference:({name}).")
        if owner == module:
            lines.append(f'Elpi pyexport_library_nodes "--constants" "{module}.{theorem}".')
        measure = work / f"Measure_{owner}.v"
        measure.write_text("\n".join(lines) + "\n")
        total += _streamed_size(["coqc", *coq_library.coqc_flags(library, work), str(measure)],
                                work)
    return total.dag, total.tree


def _streamed_size(argv: list[str], cwd: Path) -> TermSize:
    """Term size of the node streams a measuring coqc prints, read line by line."""
    tail: deque[str] = deque(maxlen=12)

    def lines(stream):
        for line in stream:
            tail.append(line)
            yield line

    with subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        try:
            size = declarations_size(lines(proc.stdout))
        except TermStreamError:
            proc.kill()
            raise
        code = proc.wait()
    if code:
        raise RuntimeError("term-size measurement failed:\n" + "".join(tail))
    return size


def verify_coq(doc: dict, work: Path, native: bool, timeout: float | None,
               term_size: bool = True) -> KernelResult:
    if not shutil.which("coqc"):
        return KernelResult("coq", "not-installed", message=f"coqc not found; {COQ_INSTALL}")
    try:
        library = coq_library.built()
    except coq_library.CoqBuildError as exc:
        return KernelResult("coq", "error", message=str(exc))
    paths, ctx = render(doc, "coq", work, native=native)  # data modules, then the check file
    argvs = [["coqc", *coq_library.coqc_flags(library, work), str(path)] for path in paths]
    result, out = _audit_and_run("coq", coq_library.coq_sources(library), paths,
                                 argvs, work, " && ".join(map(shlex.join, argvs)), native,
                                 timeout)
    if result.verdict != "accepted":
        return result
    result.axioms = coq_axioms(out)
    allowed = coq_library.allowed_axioms(library)  # the copy the build and the guard read
    if _refuse_axioms(result, sorted(set(result.axioms) - allowed)) or not term_size:
        return result
    result.term_size_dag, result.term_size_tree = _coq_measure(
        library, work, ctx["module_name"], list(ctx["DATA_NAMES"]), ctx["THEOREM_NAME"])
    return result


# --- Lean ---------------------------------------------------------------------------------


def lean_axioms(output: str) -> list[str]:
    """Axiom names from `#print axioms` output (`'x' depends on axioms: [a, b]`)."""
    match = re.search(r"depends on axioms: \[([^\]]*)\]", output)
    return sorted(a.strip() for a in match.group(1).split(",") if a.strip()) if match else []


def lean_term_size(output: str) -> tuple[int | None, int | None]:
    """Sum of `TERMSIZE <name> tree=<n> dag=<m>` lines printed by lean/PyExport/TermSize.lean."""
    rows = re.findall(r"TERMSIZE \S+ tree=(\d+) dag=(\d+)", output)
    if not rows:
        return None, None
    return sum(int(d) for _, d in rows), sum(int(t) for t, _ in rows)


def lean_sources(root: Path = LEAN_DIR) -> list[Path]:
    """The Lean library's files (the root module and everything under PyExport/)."""
    return [root / "PyExport.lean", *sorted((root / "PyExport").rglob("*.lean"))]


def lean_project() -> Path:
    """The Lean project the checks run in: a copy in the per-user cache (`build_cache`), where
    lake fetches Mathlib and builds, never the shipped folder."""
    files = lean_sources() + [LEAN_DIR / "lakefile.toml", LEAN_DIR / "lean-toolchain"]
    return cached_build("lean", LEAN_DIR, files, salt="")


def verify_lean(doc: dict, work: Path, native: bool, timeout: float | None,
                term_size: bool = True) -> KernelResult:
    lake = shutil.which("lake")
    if not lake:
        return KernelResult("lean", "not-installed", message=f"lake not found; {LEAN_INSTALL}")
    paths, _ = render(doc, "lean", work, native=native)
    project = lean_project()
    argv = [lake, "env", "lean", str(paths[-1])]
    command = f"cd {shlex.quote(str(project))} && {shlex.join(argv)}"
    result, out = _audit_and_run("lean", lean_sources(project), paths,
                                 [argv], project, command, native, timeout)
    if result.verdict != "accepted":
        return result
    result.axioms = lean_axioms(out)
    allowed = LEAN_AXIOMS | (LEAN_NATIVE_AXIOMS if native else set())
    if _refuse_axioms(result, sorted(set(result.axioms) - allowed)) or not term_size:
        return result
    result.term_size_dag, result.term_size_tree = lean_term_size(out)
    return result


RUNNERS = {"coq": verify_coq, "lean": verify_lean}


def verify(doc: dict, provers: list[str], keep: Path | None = None, native: bool = False,
           timeout: float | None = None, term_size: bool = True) -> list[KernelResult]:
    """Run every requested kernel on the certificate; rendered files stay in `keep` if given;
    a kernel that runs past `timeout` seconds (default KERNEL_TIMEOUT) gets the verdict
    `timeout`; `term_size=False` skips measuring the checked term size (left None)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="pyexport-verify-") as tmp:
        base = Path(keep).resolve() if keep else Path(tmp)  # the kernels run inside it
        for prover in provers:
            work = base / prover
            work.mkdir(parents=True, exist_ok=True)
            try:
                results.append(RUNNERS[prover](doc, work, native, timeout, term_size))
            except UnsupportedCertificate as exc:
                results.append(KernelResult(prover, "unsupported", message=str(exc)))
            except (RuntimeError, TermStreamError, subprocess.TimeoutExpired, OSError) as exc:
                results.append(KernelResult(prover, "error", message=str(exc)[-2000:]))
    return results
