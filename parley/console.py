"""Keep a `parley` command's terminal for the operator: Airflow's own output goes to a log file instead.

``dag.test()`` runs every task in this process and Airflow prints each task's log, tracebacks of
expected failures included (a failed quality gate), to the console. The command captures all of it
in a file under the data folder, shows its progress on the real terminal, and ends with its summary
and, for a failed task, the one line that says why and the path of the full log.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

# The last line of a Python traceback: "package.module.SomeError: what went wrong".
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|Exit|Failure))(?:: (.*))?$")


@contextmanager
def captured_output(log_path: Path) -> Iterator[TextIO]:
    """Send everything written to stdout and stderr into ``log_path``; yield a stream to the real terminal."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_err), "w", buffering=1)
    with log_path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            terminal.close()


def last_error(log_text: str) -> str | None:
    """Return the message of the last exception a log shows ("ValueError: …" gives "…"), if any."""
    found = None
    for line in log_text.splitlines():
        match = _EXCEPTION_LINE.match(line.strip())
        if match:
            found = match.group(2) or match.group(1)
    return found
