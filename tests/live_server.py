"""The real Movie API on a loopback port, for end-to-end tests (manage.py runserver).

A fresh SQLite file in a folder of the caller's, migrated and (optionally) filled with
`load_demo_data`; the embedded `local` settings with DEBUG off (error pages and
middleware as in production), no Redis, and any extra environment the caller gives
(e.g. throttle rates). The server is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 180  # a cold runserver on a busy 2-core machine
# Variables of the test run that must not reach the server (it has its own database).
DROPPED_PREFIXES = ("DATABASE_URL", "REDIS_URL", "REDIS_SECURITY_URL", "DJANGO_", "MOVIE_API_")


@dataclass
class LiveServer:
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def server_env(workdir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="movie_api.settings.local",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="False",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(args: list[str], env: dict[str, str], log: Path) -> None:
    """Run a manage.py command for the server's database; its output goes to `log`."""
    with log.open("a") as out:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=180,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def live_server(
    workdir: Path, *, demo_data: bool = True, extra_env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Migrate, optionally load demo data, serve on a free port; yield; stop by PID."""
    env = server_env(workdir, extra_env)
    log = workdir / "server.log"
    manage(["migrate", "--noinput"], env, log)
    if demo_data:
        manage(["load_demo_data"], env, log)
    with serve(env, log) as url:
        yield LiveServer(url=url, log=log)


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """runserver on a free loopback port with `env`; yield its URL once /healthz answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                why = (
                    f"exited with {process.returncode}"
                    if process.poll() is not None
                    else f"no 200 from /healthz within {STARTUP_SECONDS} s"
                )
                raise RuntimeError(f"server did not start ({why}):\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
