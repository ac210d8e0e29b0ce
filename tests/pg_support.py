"""A real PostgreSQL server for the tests: Debian's `postgresql` package (.ci/run installs it), a cluster made
by initdb in a temp folder, started by pg_ctl on a free port of 127.0.0.1, stopped and removed afterwards.

As root (CI, this machine) the cluster runs as the `postgres` user Debian's package creates (PostgreSQL
refuses to run as root). Without the package the tests that need it skip locally and FAIL when CI is set.
Only the setup is retried (a port taken between choosing and binding it), a bounded number of times.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

FIRST_PORT = 5440  # issue 20's ports: 5440 and up
START_ATTEMPTS = 3


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def _free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{start + 199}")


def _as_user() -> tuple[list[str], str | None]:
    """(command prefix, owner) to run PostgreSQL's programs: as `postgres` when we are root."""
    if os.geteuid() != 0:
        return [], None
    pwd.getpwnam("postgres")  # Debian's package creates it
    return ["runuser", "-u", "postgres", "--"], "postgres"


def unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set, so the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(why)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A running PostgreSQL cluster of its own; yields its SQLAlchemy URL (psycopg2, trust auth, db postgres)."""
    bin_dir = pg_bin()
    if bin_dir is None:
        unavailable("PostgreSQL is not installed (apt-get install -y postgresql)")
    prefix, owner = _as_user()
    root = Path(tempfile.mkdtemp(prefix="gradviz-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if owner:
        shutil.chown(root, owner)
        shutil.chown(sockets, owner)
    pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        port, errors = FIRST_PORT, []
        for _ in range(START_ATTEMPTS):
            port = _free_port(port)
            options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
            done = subprocess.run(
                [*pg_ctl, "-o", options, "-l", str(root / "server.log"), "-w", "-t", "60", "start"],
                capture_output=True, text=True, timeout=90,
            )  # fmt: skip
            if done.returncode == 0:
                started = True
                break
            errors.append(done.stdout + done.stderr)
            port += 1
        if not started:
            raise RuntimeError("PostgreSQL did not start:\n" + "\n".join(errors))
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url
