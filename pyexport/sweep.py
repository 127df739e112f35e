"""Sweeps: many independent jobs (prove, check, kernel-check) run through one executor.

A job proves one (model, strategy, quantity) into an archive folder, or takes a certificate
file already there; then the checker and the kernels judge it, and every verdict is recorded in
the folder's manifest by the job itself, under the manifest's lock (`archive.locked_manifest`),
so results land whatever the order of completion and a failed job never loses the others'.

The executor is a `concurrent.futures.Executor`: a local process pool by default, or a Dask
cluster's (`distributed.Client(address).get_executor()`) when given a scheduler address;
pyexport schedules nothing itself. A job that fails (an exception, a dead worker) or whose
kernel runs past its time limit is reported and retried once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

RETRIED = ("failed", "timeout")  # statuses worth a second attempt


@dataclass(frozen=True)
class Job:
    """Prove `strategy` for `quantity` on `model` into `folder`, or (with `path`) take that
    certificate file; then check it and run `provers` on it."""

    folder: str
    model: str | None = None
    strategy: str | None = None
    quantity: str | None = None
    path: str | None = None
    provers: tuple[str, ...] = ("coq", "lean")
    timeout: float | None = None  # each kernel's time limit, seconds
    term_size: bool = True

    @property
    def label(self) -> str:
        return Path(self.path).name if self.path else \
            f"{self.model} {self.strategy} {self.quantity}"


@dataclass
class JobResult:
    job: Job
    status: str  # accepted | rejected | stale | unusable | failed | timeout
    file: str | None = None
    checker: str = "-"
    kernels: dict = field(default_factory=dict)  # prover -> verdict
    seconds: float = 0.0
    message: str = ""
    attempts: int = 1

    def to_json(self) -> dict:
        return {**asdict(self), "job": asdict(self.job)}


def run_job(job: Job) -> JobResult:
    """One job, start to end; never raises (what went wrong is the result's message)."""
    from pyexport import api
    from pyexport import certificate as cert
    from pyexport.weights import ModelError

    start = time.perf_counter()
    result = JobResult(job, "failed")
    try:
        if job.path:
            c = api.Certificate.read(job.path)
        else:
            c = api.prove(job.model, job.strategy, job.quantity, Path(job.folder))
        result.file = str(c.path)
        verdict = api.check(c, record=True)
        result.checker = "accepted" if verdict.accepted else "rejected"
        verification = api.verify(c, job.provers, timeout=job.timeout,
                                  term_size=job.term_size)
        result.kernels = {k.prover: k.verdict for k in verification.kernels}
        result.status = _status(verdict.accepted, verification)
        result.message = "" if verdict.accepted else f"{verdict.step}: {verdict.reason}"
    except (cert.CertificateError, ModelError, ValueError) as exc:
        result.status, result.message = "unusable", _first_line(exc)
    except Exception as exc:  # noqa: BLE001 -- a job reports its failure, the sweep goes on
        result.message = _first_line(exc) + " | " + traceback.format_exc(limit=-3)[-600:]
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def _status(checker_accepted: bool, verification) -> str:
    verdicts = [k.verdict for k in verification.kernels]
    if verification.certificate.statement()["registration"].startswith("stale"):
        return "stale"
    if "timeout" in verdicts:
        return "timeout"
    if "error" in verdicts:
        return "failed"
    passed = all(v in ("accepted", "not-installed", "unsupported") for v in verdicts)
    return "accepted" if checker_accepted and passed else "rejected"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _limit_threads(workers: int) -> None:
    """Share the cores among a pool's workers (each would otherwise use them all)."""
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))


@contextlib.contextmanager
def executor(workers: int = 1, scheduler: str | None = None):
    """A concurrent.futures executor: the Dask cluster at `scheduler`, a local process pool of
    `workers` processes, or (workers == 1) this process. Yields (executor, dashboard URL)."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ValueError("a scheduler address needs Dask: pip install "
                             "'pyexport[cluster]'") from exc
        with Client(scheduler) as client:
            yield client.get_executor(pure=False), client.dashboard_link
    elif workers <= 1:
        with _InProcess() as pool:
            yield pool, None
    else:
        with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_limit_threads, initargs=(workers,)) as pool:
            yield pool, None


class _InProcess(cf.Executor):
    """Runs each job at once, in this process: the serial baseline, no pool to start."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 -- handed to the caller through the future
            future.set_exception(exc)
        return future


def run(jobs: list[Job], workers: int = 1, scheduler: str | None = None,
        progress: bool = True, retries: int = 1) -> list[JobResult]:
    """Run every job; a failed or timed-out one is retried `retries` times. Results come back
    in the jobs' order."""
    results: dict[int, JobResult] = {}
    with executor(workers, scheduler) as (pool, dashboard):
        if dashboard and progress:
            tqdm.write(f"pyexport: Dask dashboard at {dashboard}")
        attempts = dict.fromkeys(range(len(jobs)), 1)
        pending = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
        with tqdm(total=len(jobs), desc="sweep", unit="job", disable=not progress) as bar:
            while pending:
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    result = _result_of(future, jobs[i])
                    result.attempts = attempts[i]
                    if result.status in RETRIED and attempts[i] <= retries:
                        tqdm.write(f"pyexport: retrying {jobs[i].label}: {result.status}: "
                                   f"{result.message[:200]}")
                        attempts[i] += 1
                        pending[pool.submit(run_job, jobs[i])] = i
                        continue
                    results[i] = result
                    bar.update()
    return [results[i] for i in range(len(jobs))]


def _result_of(future, job: Job) -> JobResult:
    """The job's result, or a failure when its worker died or the executor raised."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 -- BrokenProcessPool, a lost Dask worker, ...
        return JobResult(job, "failed", message=f"{type(exc).__name__}: {_first_line(exc)}")


def plan(models: list[str], strategies: list[str] | None, quantities: list[str] | None,
         folder: Path, **options) -> list[Job]:
    """The jobs of models x strategies x quantities that the models' families can prove (all
    of a family's strategies and quantities when not given), into `folder` (made absolute:
    workers may not share this process's working directory)."""
    from pyexport.families import get, load_model

    jobs = []
    for name in models:
        family = get(load_model(name).family)
        for strategy in strategies or list(family.strategies):
            if strategy not in family.strategies:
                raise ValueError(f"{name}: unknown strategy {strategy!r} for {family.name}; "
                                 f"choose from {sorted(family.strategies)}")
            for quantity in quantities or ["loss", "accuracy"]:
                if quantity in family.strategies[strategy]:
                    jobs.append(Job(str(Path(folder).resolve()), name, strategy, quantity,
                                    **options))
    if not jobs:
        raise ValueError("nothing to sweep: no strategy of these models proves these quantities")
    return jobs


def archive_jobs(folder: Path, **options) -> list[Job]:
    """One job per certificate file of an archive folder (`pyexport verify --all`)."""
    from pyexport.archive import certificate_files

    folder = Path(folder).resolve()  # workers may run elsewhere: paths must not depend on cwd
    return [Job(str(folder), path=str(p), **options) for p in certificate_files(folder)]

