"""Start the real movie API (the root project) on a loopback port, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from django.conf import settings

REPO_ROOT = Path(settings.BASE_DIR).parent
MANAGE_PY = REPO_ROOT / "manage.py"
STARTUP_SECONDS = 90
# The desk as an OAuth client of the live movie API (register_oauth_client).
DESK_CLIENT_ID = "help-desk-e2e"
DESK_CLIENT_SECRET = "help-desk-e2e-secret-not-for-production"
# Django's test client calls the desk "testserver"; live servers add their own callbacks.
TEST_CLIENT_CALLBACK = "http://testserver/oauth/callback/"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(args: list[str], env: dict[str, str], log: Path) -> None:
    """Run one management command of the movie API; fail loudly with its output."""
    with log.open("a") as out:
        out.write(f"$ manage.py {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(
            [sys.executable, str(MANAGE_PY), *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode}):\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def live_movie_api(
    workdir: Path,
    *,
    serve_env: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    redirect_uris: tuple[str, ...] = (TEST_CLIENT_CALLBACK,),
    setup: str = "",
) -> Iterator[str]:
    """Migrate, load demo data and serve the movie API; yield its GraphQL URL; stop it by PID.

    The desk is registered as an OAuth client (``DESK_CLIENT_ID``) with these callbacks, so
    the real code flow runs against it. ``setup`` is Python run by ``manage.py shell``
    before serving (more accounts, say). ``serve_env`` is laid over the environment of the
    server only (the production settings of compose.yaml); ``headers`` are what a caller
    must send to be served (the public Host and scheme when those settings are on).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.local",
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    log = workdir / "movie_api.log"
    _manage(["migrate", "--noinput"], env, log)
    _manage(["load_demo_data"], env, log)
    register = ["register_oauth_client", "--name", "Help desk", "--client-id", DESK_CLIENT_ID]
    register += ["--client-secret", DESK_CLIENT_SECRET]
    for uri in redirect_uris:
        register += ["--redirect-uri", uri]
    _manage(register, env, log)
    if setup:
        _manage(["shell", "-c", setup], env, log)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        server = subprocess.Popen(
            [sys.executable, str(MANAGE_PY), "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env={**env, **(serve_env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(f"{base}/healthz", server, log, headers or {})
        yield f"{base}/graphql/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _wait_healthy(url: str, server: subprocess.Popen, log: Path, headers: dict) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the movie API exited with {server.returncode}:\n{_tail(log)}")
        try:
            response = requests.get(url, timeout=2, headers=headers, allow_redirects=False)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as exc:
            last = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {STARTUP_SECONDS}s ({last}):\n{_tail(log)}")
