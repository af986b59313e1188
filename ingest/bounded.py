"""Run a function over many inputs in worker processes, killing any call that overruns its time limit.

trafilatura's ``extract()`` has no time limit of its own, and a thread cannot be stopped, so each
page is extracted in a worker process; a call that overruns is abandoned, its pool terminated and
the other pending calls resumed in a new pool. Workers come from a forkserver: forking a process
that runs threads (as Airflow's task runner does) is unsafe.
"""

from __future__ import annotations

import importlib.machinery
import logging
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")
_POLL_S = 0.005


@dataclass(frozen=True)
class CallFailed:
    """Why a call gave no result: ``kind`` is ``timeout`` or the exception's class name."""

    kind: str
    message: str


def worker_context() -> multiprocessing.context.BaseContext:
    """Return the forkserver context, set up so that workers do not re-run the parent's main script.

    A worker normally re-imports the script that started its parent; under Airflow's task runner that
    script is ``airflow`` itself, which fails there (a task process may not reach the metadata
    database) and would cost seconds per worker anyway. Parley's worker functions live in importable
    modules, so naming ``__main__`` as the main module (which multiprocessing skips) is enough.
    """
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is None and getattr(main, "__file__", None):
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    return multiprocessing.get_context("forkserver")


def run_bounded(
    func: Callable[..., T], calls: Sequence[tuple[Any, ...]], *, timeout_s: float, workers: int
) -> list[T | CallFailed]:
    """Return ``func(*args)`` for every args tuple, in order, or a ``CallFailed`` for each one that failed."""
    results: list[T | CallFailed | None] = [None] * len(calls)
    pending = list(range(len(calls)))
    context = worker_context()
    while pending:
        with context.Pool(processes=max(1, min(workers, len(pending)))) as pool:
            pending = _drain(pool, func, calls, pending, results, timeout_s, workers)
            pool.terminate()
    return [r if r is not None else CallFailed("lost", "no result") for r in results]


def _drain(
    pool: Pool,
    func: Callable[..., T],
    calls: Sequence[tuple[Any, ...]],
    pending: list[int],
    results: list[T | CallFailed | None],
    timeout_s: float,
    workers: int,
) -> list[int]:
    """Feed the pool at most ``workers`` calls at a time; return the calls left when one overran."""
    queue = list(pending)
    running: dict[int, tuple[AsyncResult[T], float]] = {}
    while queue or running:
        while queue and len(running) < workers:
            index = queue.pop(0)
            running[index] = (pool.apply_async(func, calls[index]), time.monotonic())
        for index in [i for i, (res, _) in running.items() if res.ready()]:
            res, _ = running.pop(index)
            try:
                results[index] = res.get()
            except Exception as exc:
                results[index] = CallFailed(type(exc).__name__, str(exc)[:500])
        overran = [i for i, (_, started) in running.items() if time.monotonic() - started > timeout_s]
        if overran:
            for index in overran:
                running.pop(index)
                results[index] = CallFailed("timeout", f"took longer than {timeout_s:g} s")
                logger.warning("call %d overran %.1f s; restarting the worker pool", index, timeout_s)
            return list(running) + queue
        time.sleep(_POLL_S)
    return []
