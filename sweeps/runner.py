"""Where variants are solved: this process, local worker processes, or a Dask distributed cluster.

Each worker receives the base scenario once (a pool initializer, or one Dask scatter broadcast to
every worker) and then only each variant's changes as text; it applies them with the same pure
function, solves, and sends back the record (and the plan when it is kept). The outcome of a
variant does not depend on where it ran.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from i18n import _
from models.plan import Plan, SolveParams
from models.scenario import Scenario
from sweeps.keys import Change, Key
from sweeps.records import Record
from sweeps.variants import apply
from sweeps.warm import Warm

if TYPE_CHECKING:
    import distributed

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
    started, cpu = time.perf_counter(), time.thread_time()
    plan = Warm.of(base).solve(variant_scenario(base, job.changes), params)
    record = Record.of(plan, params, time.perf_counter() - started, time.thread_time() - cpu)
    return Outcome(job.index, record, plan if keep_plan else None)


def solve_batch(base: Scenario, jobs: Sequence[Job], params: SolveParams, keep_plan: bool) -> list[Outcome]:
    """Several variants in one task (short solves would otherwise cost more to send than to solve)."""
    return [solve_variant(base, job, params, keep_plan) for job in jobs]


_BASES: dict[str, Scenario] = {}
"""This worker process's base scenarios, by hash (a local pool's warm state)."""


def _start_worker(base: Scenario) -> None:
    """Pool initializer: keep the base scenario; Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _BASES[base.sha256] = base


def _pooled(base_sha: str, jobs: Sequence[Job], params: SolveParams, keep_plan: bool) -> list[Outcome]:
    """Variants solved in a pool worker, against the base it was started with."""
    return solve_batch(_BASES[base_sha], jobs, params, keep_plan)


Running = Callable[[int], None]
"""Told how many variants are being solved right now."""


class Batches:
    """Hands out the variants: one at a time until solve times are known, then batches of about
    BATCH_S seconds each, never so large that the last workers would wait on one."""

    def __init__(self, todo: Sequence[Job], workers: int) -> None:
        self.queue = list(reversed(todo))
        self.workers = workers
        self.seconds: list[float] = []

    def __bool__(self) -> bool:
        return bool(self.queue)

    def take(self) -> list[Job]:
        """The next batch to send."""
        size = 1
        if self.seconds:
            mean = max(sum(self.seconds) / len(self.seconds), 1e-3)
            fair = len(self.queue) // (BALANCE * self.workers)
            size = max(1, min(MAX_BATCH, round(BATCH_S / mean), fair))
        return [self.queue.pop() for _ in range(min(size, len(self.queue)))]

    def solved(self, outcomes: Sequence[Outcome]) -> None:
        """Learn from the solve times of a finished batch."""
        self.seconds += [o.record.seconds for o in outcomes]


BATCH_S = 0.5
MAX_BATCH = 64
BALANCE = 4
"""At the end of a sweep each worker should still have about BALANCE batches to take."""


@dataclass(frozen=True)
class Local:
    """Solve on `jobs` worker processes of this machine (1: in this process)."""

    jobs: int

    def start(self, base: Scenario) -> None:
        """Nothing to do ahead: forked workers start in milliseconds with everything imported."""

    def close(self) -> None:
        """Nothing is held between runs."""

    def run(
        self, base: Scenario, todo: Sequence[Job], params: SolveParams, keep: bool, running: Running
    ) -> Iterator[Outcome]:
        """Each outcome as soon as its batch is ready."""
        if self.jobs == 1 or len(todo) <= 1:
            for job in todo:
                running(1)
                yield solve_variant(base, job, params, keep)
            return
        workers = min(self.jobs, len(todo))
        batches = Batches(todo, workers)
        with ProcessPoolExecutor(workers, _context(), _start_worker, (base,)) as pool:
            waiting: set[Future] = set()
            try:
                while True:
                    while batches and len(waiting) < 2 * workers:
                        waiting.add(pool.submit(_pooled, base.sha256, batches.take(), params, keep))
                    if not waiting:
                        return
                    running(min(len(waiting), workers))
                    done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                    for future in done:
                        batches.solved(future.result())
                        yield from future.result()
            finally:
                for future in waiting:
                    future.cancel()


def _context() -> multiprocessing.context.BaseContext:
    """Fork where the system can: a worker starts in milliseconds with the solver already imported
    (a fresh interpreter takes a second or more), and this process holds no solver threads then."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class SchedulerUnreachable(Exception):
    """The Dask scheduler could not be reached or has no workers."""


@dataclass
class Dask:
    """Solve on the workers of a Dask distributed scheduler (`tcp://HOST:PORT`).

    `start` connects, sends the base to every worker and warms each one (its imports and the base's
    eligible pairs) in the background, while this process prepares the variants.
    """

    address: str
    connect_s: float = 20.0
    _opening: Future | None = field(default=None, init=False, repr=False, compare=False)

    def start(self, base: Scenario) -> None:
        """Begin connecting and warming the workers (once)."""
        if self._opening is None:
            self._opening = _in_background(lambda: self._open(base))

    def close(self) -> None:
        """Let go of a connection that `run` never used (the variants could not be prepared)."""
        opening, self._opening = self._opening, None
        if opening is not None:
            opening.add_done_callback(lambda f: f.exception() is None and f.result().client.close())

    def _open(self, base: Scenario) -> _Connection:
        from distributed import Client

        try:
            client = Client(self.address, timeout=self.connect_s, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise SchedulerUnreachable(
                _("cannot reach the Dask scheduler at {address}: {error}").format(
                    address=self.address, error=error
                )
            ) from None
        try:
            client.wait_for_workers(1, timeout=self.connect_s)
        except (OSError, TimeoutError) as error:
            client.close()
            raise SchedulerUnreachable(
                _("no worker joined the Dask scheduler at {address}: {error}").format(
                    address=self.address, error=error
                )
            ) from None
        shared = client.scatter(base, broadcast=True, hash=False)
        threads = client.nthreads()
        warming = [client.submit(warm_worker, shared, workers=[w], pure=False) for w in threads]
        return _Connection(client, shared, max(1, sum(threads.values())), warming)

    def run(
        self, base: Scenario, todo: Sequence[Job], params: SolveParams, keep: bool, running: Running
    ) -> Iterator[Outcome]:
        """Each outcome as soon as it is ready; the base goes once to every worker."""
        from distributed import as_completed

        self.start(base)
        assert self._opening is not None
        opening, self._opening = self._opening, None
        connection = opening.result()
        client, threads = connection.client, connection.threads
        with client:
            batches = Batches(todo, threads)
            flowing = as_completed(loop=client.loop)
            sent: list = []

            def send() -> None:
                while batches and flowing.count() < 2 * threads:
                    future = client.submit(
                        solve_batch, connection.shared, batches.take(), params, keep, pure=False, retries=1
                    )
                    sent.append(future)
                    flowing.add(future)

            send()
            try:
                for future in flowing:
                    outcomes = future.result()
                    future.release()
                    batches.solved(outcomes)
                    send()
                    running(min(flowing.count(), threads))
                    yield from outcomes
            finally:
                client.cancel([f for f in sent + connection.warming if not f.done()])


@dataclass(frozen=True)
class _Connection:
    """A Dask client with the base on every worker, and the tasks warming them."""

    client: distributed.Client
    shared: distributed.Future
    threads: int
    warming: list[distributed.Future]


def _in_background(work: Callable[[], _Connection]) -> Future:
    """Run `work` on a daemon thread (an unreachable scheduler must not hold up the exit)."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits for the result
            future.set_exception(error)

    threading.Thread(target=run, name="dask-connect", daemon=True).start()
    return future


def warm_worker(base: Scenario) -> None:
    """Import the solver and find the base's eligible pairs on a worker before its first variant."""
    Warm.of(base).prime()
