"""Functions for the worker-pool tests (importable by forkserver children)."""

import time


def sleep_then_echo(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def explode(value: int) -> int:
    raise ValueError(f"bad {value}")
