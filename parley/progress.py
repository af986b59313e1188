"""Progress of long CLI work on the terminal (stderr): the DAG's stages as they finish, articles as they are tagged."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

INGEST_STAGES = ("poll", "fetch", "extract", "tag", "validate", "load")


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@contextmanager
def stage_progress(
    staging_dir: Path, terminal: TextIO | None = None, stages: Sequence[str] = INGEST_STAGES
) -> Iterator[None]:
    """Show a run's stages as they finish (on ``terminal``, else stderr), read from the steps' stage files.

    The run id is Airflow's, known only once the run starts: the newest staging folder created after
    this call is the run's.
    """
    console = Console(file=terminal) if terminal is not None else Console(stderr=True)
    if not console.is_terminal:  # a log or a pipe gets the summary only
        yield
        return
    started = time.time()
    done = threading.Event()
    with _progress(console) as progress:
        task = progress.add_task("starting Airflow", total=len(stages))

        def watch() -> None:
            while not done.wait(0.5):
                _update(progress, task, staging_dir, started, stages)
            _update(progress, task, staging_dir, started, stages)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join(timeout=5)


def _update(progress: Progress, task: TaskID, staging_dir: Path, started: float, stages: Sequence[str]) -> None:
    runs = [p for p in staging_dir.glob("*") if p.is_dir() and p.stat().st_mtime >= started - 1]
    if not runs:
        return
    run = max(runs, key=lambda p: p.stat().st_ctime)
    finished = []
    for name in stages:
        path = run / "stages" / f"{name}.json"
        if path.exists():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:  # being written
                continue
            finished.append(f"{name} {record['items_in']}→{record['items_out']}")
    running = stages[len(finished)] if len(finished) < len(stages) else "quality gate"
    description = f"{running}…" + (f"  (done: {', '.join(finished)})" if finished else "")
    progress.update(task, completed=len(finished), description=description)


@contextmanager
def item_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)`` that draws a bar on a terminal and does nothing elsewhere."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    with _progress(console) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)
