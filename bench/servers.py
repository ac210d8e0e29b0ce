"""`streamlit run` processes for the benchmarks and their tests: start on a free port, wait until healthy,
read the process's memory and CPU time, stop the whole process group.

Ports: the OS picks a free one, unless the environment variable GRADVIZ_BENCH_PORTS names a range
("8600-8649") to pick from (for machines where several people run servers side by side).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The real MNIST files kept beside the repository (../shared/data/mnist), also from a git worktree nested
# deeper (../../shared/data/mnist).
SHARED_MNIST = next(
    (p / "shared" / "data" / "mnist" for p in ROOT.parents if (p / "shared" / "data" / "mnist").is_dir()),
    ROOT.parent / "shared" / "data" / "mnist",
)
PORTS_ENV = "GRADVIZ_BENCH_PORTS"
HEALTH_TIMEOUT_S = 180.0  # a cold server imports streamlit, pandas and altair on a shared 2-core machine
SETUP_ATTEMPTS = 3  # starts of one server before its fixture gives up (the setup only, never an assertion)
_taken: set[int] = set()  # ports this process already handed out (a server may not be listening yet)


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nothing listens on: from GRADVIZ_BENCH_PORTS ("lo-hi") when set, else one the OS picks."""
    spec = os.environ.get(PORTS_ENV, "")
    if spec:
        lo, hi = (int(x) for x in spec.split("-"))
        for port in range(lo, hi + 1):
            if port not in _taken and _bindable(port):
                _taken.add(port)
                return port
        raise RuntimeError(f"no free port in {PORTS_ENV}={spec}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """n consecutive free ports (deploy/run.sh gives its backends consecutive ports)."""
    spec = os.environ.get(PORTS_ENV, "")
    if spec:
        lo, hi = (int(x) for x in spec.split("-"))
        candidates = range(lo, hi - n + 2)
    else:
        candidates = [free_port() for _ in range(50)]
    for first in candidates:
        block = list(range(first, first + n))
        if not _taken.intersection(block) and all(_bindable(p) for p in block):
            _taken.update(block)
            return block
    raise RuntimeError(f"no {n} consecutive free ports")


def server_env() -> dict[str, str]:
    env = os.environ.copy()
    env.setdefault("OMP_NUM_THREADS", "1")
    if "GRADVIZ_DATA_DIR" not in env and SHARED_MNIST.is_dir():
        env["GRADVIZ_DATA_DIR"] = str(SHARED_MNIST.resolve())
    return env


def data_note() -> str:
    """Where the servers will find MNIST (without it the deep-nets lesson trains the 8×8 digits live)."""
    d = server_env().get("GRADVIZ_DATA_DIR")
    return (
        f"MNIST from {d}"
        if d
        else "no GRADVIZ_DATA_DIR: MNIST from the user cache if there, else the 8×8 digits"
    )


class Streamlit:
    """`streamlit run <script>` headless on 127.0.0.1:<port>, in its own process group."""

    def __init__(
        self,
        script: Path | str,
        watcher: str = "auto",
        port: int | None = None,
        log: Path | None = None,
        cwd: Path = ROOT,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.script, self.watcher, self.cwd, self.extra = str(script), watcher, cwd, extra
        self._port_given = port
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Streamlit:
        # a retried start appends to the first attempt's log, so the log shows why the first one failed
        mode = "ab" if getattr(self, "_started", False) else "wb"
        self._started = True
        out = open(self.log, mode) if self.log else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self._out = out
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.fileWatcherType",
                self.watcher,
                "--browser.gatherUsageStats",
                "false",
                *self.extra,
            ],
            cwd=self.cwd,
            env=server_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT_S) -> float:
        """Seconds until GET /_stcore/health answers ok."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode} before it was healthy")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return time.monotonic() - t0
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"streamlit was not healthy after {timeout:.0f} s")

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.proc.pid) if self.proc else None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        if getattr(self, "_out", None) not in (None, subprocess.DEVNULL):
            self._out.close()

    def start_healthy(self, attempts: int = SETUP_ATTEMPTS, timeout: float = HEALTH_TIMEOUT_S) -> float:
        """Start and wait until healthy; seconds until healthy. The setup alone is retried, at most
        `attempts` times in all: a port the OS reported free can be taken by another process before
        streamlit binds it (streamlit then exits), and a cold start can stall on a loaded machine. A port
        chosen by this module is chosen afresh for each attempt; a port the caller gave is kept."""
        chosen_here = self._port_given is None
        for attempt in range(1, attempts + 1):
            self.start()
            try:
                return self.wait_healthy(timeout)
            except (RuntimeError, TimeoutError):
                self.stop()
                if attempt == attempts:
                    raise
            except BaseException:
                self.stop()
                raise
            if chosen_here:
                self.port = free_port()
                self.url = f"http://127.0.0.1:{self.port}"
        raise AssertionError("unreachable")

    def __enter__(self) -> Streamlit:
        self.start_healthy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (psutil when installed, else /proc/<pid>/status VmRSS)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process (all its threads) has used so far, from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; utime and stime are fields 14, 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
