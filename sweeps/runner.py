"""Where variants are solved: this process, local worker processes, or a Dask distributed cluster.

Each worker receives the base scenario once (a pool initializer, or one Dask scatter broadcast to
every worker) and then only each variant's changes as text; it applies them with the same pure
function, solves, and sends back the record (and the plan when it is kept). The outcome of a
variant does not depend on where it ran.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from models.plan import Plan, SolveParams
from models.scenario import Scenario
from sweeps.records import Record
from sweeps.variants import Change, Key, apply
from sweeps.warm import Warm

Changes = tuple[tuple[str, str], ...]
"""A variant's changes as (KEY, value) text: what travels to a worker."""


@dataclass(frozen=True)
class Job:
    """One variant to solve: its position in the table and its changes."""

    index: int
    changes: Changes


@dataclass(frozen=True)
class Outcome:
    """A solved variant: its record, and its plan when plans are kept."""

    index: int
    record: Record
    plan: Plan | None


def variant_scenario(base: Scenario, changes: Changes) -> Scenario:
    """The variant's scenario, rebuilt from its changes' text (the same on every worker)."""
    return apply(base, [Change.parse(Key.parse(key), value) for key, value in changes])


def solve_variant(base: Scenario, job: Job, params: SolveParams, keep_plan: bool) -> Outcome:
    """Apply a variant's changes to the base scenario and solve it."""
    started = time.perf_counter()
    plan = Warm.of(base).solve(variant_scenario(base, job.changes), params)
    record = Record.of(plan, params, time.perf_counter() - started)
    return Outcome(job.index, record, plan if keep_plan else None)


_BASES: dict[str, Scenario] = {}
"""This worker process's base scenarios, by hash (a local pool's warm state)."""


def _start_worker(base: Scenario) -> None:
    """Pool initializer: keep the base scenario; Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _BASES[base.sha256] = base


def _pooled(base_sha: str, job: Job, params: SolveParams, keep_plan: bool) -> Outcome:
    """A variant solved in a pool worker, against the base it was started with."""
    return solve_variant(_BASES[base_sha], job, params, keep_plan)


Running = Callable[[int], None]
"""Told how many variants are being solved right now."""


@dataclass(frozen=True)
class Local:
    """Solve on `jobs` worker processes of this machine (1: in this process)."""

    jobs: int

    def run(
        self, base: Scenario, todo: Sequence[Job], params: SolveParams, keep: bool, running: Running
    ) -> Iterator[Outcome]:
        """Each outcome as soon as it is ready (in completion order)."""
        if self.jobs == 1 or len(todo) <= 1:
            for job in todo:
                running(1)
                yield solve_variant(base, job, params, keep)
            return
        workers = min(self.jobs, len(todo))
        with ProcessPoolExecutor(workers, _context(), _start_worker, (base,)) as pool:
            waiting: set[Future] = set()
            queue = iter(todo)
            try:
                while True:
                    for job in queue:
                        waiting.add(pool.submit(_pooled, base.sha256, job, params, keep))
                        if len(waiting) >= 2 * workers:
                            break
                    if not waiting:
                        return
                    running(min(len(waiting), workers))
                    done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: f.result().index):
                        yield future.result()
            finally:
                for future in waiting:
                    future.cancel()


def _context() -> multiprocessing.context.BaseContext:
    """Fork from a server that has imported the solver once (spawn where fork does not exist)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sweeps.runner"])
        return context
    return multiprocessing.get_context("spawn")


class SchedulerUnreachable(Exception):
    """The Dask scheduler could not be reached or has no workers."""


@dataclass(frozen=True)
class Dask:
    """Solve on the workers of a Dask distributed scheduler (`tcp://HOST:PORT`)."""

    address: str
    connect_s: float = 20.0

    def run(
        self, base: Scenario, todo: Sequence[Job], params: SolveParams, keep: bool, running: Running
    ) -> Iterator[Outcome]:
        """Each outcome as soon as it is ready; the base goes once to every worker."""
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout=self.connect_s, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise SchedulerUnreachable(f"{self.address}: {error}") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=self.connect_s)
            except (OSError, TimeoutError) as error:
                raise SchedulerUnreachable(f"{self.address}: no worker joined: {error}") from None
            threads = max(1, sum(client.nthreads().values()))
            shared = client.scatter(base, broadcast=True, hash=False)
            futures = [
                client.submit(solve_variant, shared, job, params, keep, pure=False, retries=1) for job in todo
            ]
            pending = len(futures)
            try:
                for future in as_completed(futures, loop=client.loop):
                    running(min(pending, threads))
                    outcome = future.result()
                    pending -= 1
                    future.release()
                    yield outcome
            finally:
                client.cancel([f for f in futures if not f.done()])
