"""``parley airflow`` as a service: check the ports, start Airflow, watch it, and stop every process it made.

``airflow standalone`` starts the scheduler, the DAG processor, the API server and the triggerer; they
start log servers and LocalExecutor workers, and tasks start worker processes of their own. Left to
itself, a plain SIGTERM (what systemd, Docker and ``timeout`` send) stops the wrapper and leaves the
rest running, holding the ports. This supervisor:

- refuses to start, in seconds and naming the port, when a port it needs is taken; picks free log-server
  ports unless they are set explicitly;
- binds the UI and API to 127.0.0.1 unless told otherwise, and sizes Airflow's parallelism to the machine;
- becomes the subreaper of everything Airflow starts, remembers every descendant, and on SIGTERM, SIGINT
  or SIGHUP stops them all within a bounded time (SIGTERM, then SIGKILL);
- says "ready" only once the API server answers and every component reports healthy, and exits non-zero
  (for a service manager to restart it) when Airflow dies or its API server stops answering.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

from parley.settings import Settings

DEFAULT_WORKER_LOG_PORT = 8793
DEFAULT_TRIGGER_LOG_PORT = 8794
PR_SET_CHILD_SUBREAPER = 36
HEALTH_PATH = "/api/v2/monitor/health"
COMPONENTS = ("metadatabase", "scheduler", "triggerer", "dag_processor")
STATE_FILE = "parley-airflow.json"


class PortTakenError(RuntimeError):
    """A port Airflow needs is in use; the message names it and what to do."""


@dataclass(frozen=True)
class Ports:
    """The ports one Airflow of a data folder listens on."""

    api: int
    worker_log: int
    trigger_log: int

    def environment(self) -> dict[str, str]:
        """Airflow's settings for these ports."""
        return {
            "AIRFLOW__API__PORT": str(self.api),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self.worker_log),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.trigger_log),
        }


def port_free(port: int, host: str = "0.0.0.0") -> bool:
    """Tell whether ``host:port`` can be bound now (as the component that needs it will bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """Ask the kernel for a port nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def choose_ports(api_port: int, host: str, env: dict[str, str]) -> Ports:
    """Check the API port and pick the log servers' (free ones unless set explicitly); raise ``PortTakenError``."""
    if not port_free(api_port, host):
        raise PortTakenError(f"port {api_port} on {host} is in use by another program: pass --port with a free one")
    chosen = {}
    for key, default, what in (
        ("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", DEFAULT_WORKER_LOG_PORT, "the scheduler's log server"),
        ("AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT", DEFAULT_TRIGGER_LOG_PORT, "the triggerer's log server"),
    ):
        explicit = env.get(key)
        if explicit:
            if not port_free(int(explicit)) or int(explicit) == api_port:
                raise PortTakenError(f"port {explicit} ({key}, {what}) is in use: set {key} to a free port")
            chosen[key] = int(explicit)
            continue
        taken = {api_port, *chosen.values()}
        port = default if default not in taken and port_free(default) else free_port()
        while port in taken:
            port = free_port()
        chosen[key] = port
    return Ports(
        api_port,
        chosen["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"],
        chosen["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"],
    )


def parallelism() -> int:
    """Task slots for this machine: one per core (at least two), not Airflow's default of 32 workers."""
    return max(2, min(os.cpu_count() or 2, 16))


@dataclass
class Supervisor:
    """Runs ``airflow standalone`` in its own session and answers for every process under it."""

    settings: Settings
    env: dict[str, str]
    ports: Ports
    host: str
    stop_timeout: float = 30.0
    process: subprocess.Popen[bytes] | None = None
    known: dict[int, float] = field(default_factory=dict)  # pid -> create time of every descendant seen
    stopping: int | None = None

    def run(self) -> int:
        """Start Airflow and watch it until a signal or its death; return the exit code."""
        _become_subreaper()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "airflow", "standalone"], env=self.env, start_new_session=True
        )
        self._write_state()
        try:
            return self._watch()
        finally:
            self.stop()
            self._state_path().unlink(missing_ok=True)

    def _watch(self) -> int:
        ready_at: float | None = None
        silent_since: float | None = None
        started = time.monotonic()
        while self.stopping is None:
            self._remember_descendants()
            _reap_orphans(self.process.pid if self.process is not None else None)
            if self.process is not None and self.process.poll() is not None:
                _say(f"Airflow stopped by itself (exit {self.process.returncode}): stopping the rest")
                return 1
            healthy, why = self._health()
            now = time.monotonic()
            if healthy:
                silent_since = None
                if ready_at is None:
                    ready_at = now
                    _say(f"Airflow is ready: UI and API at {self._url()} (admin password: {self._password_file()})")
            elif ready_at is not None:
                silent_since = silent_since or now
                if now - silent_since > 60:
                    _say(f"Airflow's API server has not been healthy for a minute ({why}): stopping everything")
                    return 1
            elif now - started > 300:
                _say(f"Airflow did not become healthy within five minutes ({why}): stopping everything")
                return 1
            time.sleep(1.0)
        return 0 if self.stopping == signal.SIGTERM else 128 + self.stopping

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping is None:
            _say(f"{signal.Signals(signum).name} received: stopping Airflow and every process it started")
        self.stopping = signum

    def stop(self) -> None:
        """Stop the whole tree: SIGTERM to all, then SIGKILL to what is left after ``stop_timeout``."""
        self._remember_descendants()
        processes = self._alive()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
        for proc in processes:
            _send(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while time.monotonic() < deadline:
            self._remember_descendants()  # a dying component may still spawn or orphan a worker
            processes = self._alive()
            if not processes:
                break
            _reap_orphans(None)
            time.sleep(0.2)
        for proc in self._alive():
            _send(proc, signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        _reap_orphans(None)

    def _remember_descendants(self) -> None:
        try:
            me = psutil.Process()
            for child in me.children(recursive=True):
                try:
                    self.known.setdefault(child.pid, child.create_time())
                except psutil.Error:
                    continue
        except psutil.Error:
            return

    def _alive(self) -> list[psutil.Process]:
        alive = []
        for pid, created in list(self.known.items()):
            try:
                proc = psutil.Process(pid)
                if abs(proc.create_time() - created) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
                    continue
            except psutil.Error:
                pass
            self.known.pop(pid, None)
        return alive

    def _health(self) -> tuple[bool, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports.api}{HEALTH_PATH}", timeout=3) as response:
                data: dict[str, Any] = json.loads(response.read() or b"{}")
        except (OSError, urllib.error.URLError, ValueError) as exc:
            return False, f"API server not answering: {exc}"
        unhealthy = [c for c in COMPONENTS if (data.get(c) or {}).get("status") != "healthy"]
        return (not unhealthy, f"not healthy yet: {', '.join(unhealthy)}" if unhealthy else "healthy")

    def _url(self) -> str:
        shown = "localhost" if self.host in {"127.0.0.1", "localhost"} else self.host
        return f"http://{shown}:{self.ports.api}"

    def _password_file(self) -> Path:
        return self.settings.airflow_home / "simple_auth_manager_passwords.json.generated"

    def _state_path(self) -> Path:
        return self.settings.airflow_home / STATE_FILE

    def _write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "host": self.host,
            "ports": {
                "api": self.ports.api,
                "worker_log": self.ports.worker_log,
                "trigger_log": self.ports.trigger_log,
            },
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._state_path().write_text(json.dumps(state), encoding="utf-8")


def running_service(airflow_home: Path) -> dict[str, Any] | None:
    """Return what a running ``parley airflow`` of this data folder wrote about itself (pid, ports), if alive."""
    try:
        state: dict[str, Any] = json.loads((airflow_home / STATE_FILE).read_text(encoding="utf-8"))
        alive = psutil.pid_exists(int(state["pid"]))
    except (OSError, ValueError, KeyError):
        return None
    return state if alive else None


def _become_subreaper() -> None:
    """Adopt the orphans of everything below (a worker whose parent died still dies with us)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: descendants are still remembered while their parents live


def _send(proc: psutil.Process, signum: int) -> None:
    with contextlib.suppress(psutil.Error):
        proc.send_signal(signum)


def _reap_orphans(keep: int | None) -> None:
    """Collect adopted children that exited, so they do not linger as zombies (``keep``: Popen waits for it)."""
    try:
        children = psutil.Process().children()
    except psutil.Error:
        return
    for child in children:
        try:
            if child.pid != keep and child.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(child.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError):
            continue


def _say(message: str) -> None:
    print(f"parley airflow: {message}", flush=True)
