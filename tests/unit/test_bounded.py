import time

from ingest.bounded import CallFailed, run_bounded
from tests.support.slow import explode, sleep_then_echo


def test_overrunning_calls_are_killed_and_the_rest_complete() -> None:
    calls = [(1, 0.0), (2, 30.0), (3, 0.0), (4, 0.1), (5, 30.0), (6, 0.0)]
    started = time.monotonic()
    results = run_bounded(sleep_then_echo, calls, timeout_s=1.0, workers=2)
    assert results[0] == 1 and results[2] == 3 and results[3] == 4 and results[5] == 6
    assert isinstance(results[1], CallFailed) and results[1].kind == "timeout"
    assert isinstance(results[4], CallFailed) and results[4].kind == "timeout"
    assert time.monotonic() - started < 10


def test_exceptions_become_failures() -> None:
    assert run_bounded(explode, [(1,)], timeout_s=5, workers=1) == [CallFailed("ValueError", "bad 1")]
    assert run_bounded(explode, [], timeout_s=5, workers=1) == []
