"""A real Movie API server on a loopback port, for testing scripts as a user runs them.

The database is a migrated SQLite template (an `admin` staff account and a `viewer`
non-staff account), copied fresh for each server. The server runs with the embedded
`local` settings, a generous user throttle, no Redis, and is stopped by PID.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

BASE_DIR = Path(__file__).resolve().parents[2]
ADMIN = ("admin", "Adm1n-Pass-word-42")
VIEWER = ("viewer", "Viewer-Pass-word-42")
CREATE_USERS = f"""
from users.models import User
User.objects.create_superuser({ADMIN[0]!r}, "admin@example.com", {ADMIN[1]!r})
User.objects.create_user({VIEWER[0]!r}, "viewer@example.com", {VIEWER[1]!r}, is_active=True)
"""


def server_env(db_path: Path, media: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOVIE_API_", "REDIS_URL", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="movie_api.settings.local",
        DATABASE_URL=f"sqlite:///{db_path}",
        MEDIA_ROOT=str(media),
        THROTTLE_USER="100000/min",
        THROTTLE_ANON="100000/min",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    db_path: Path

    def count(self, table: str) -> int:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(sql).fetchall()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db_path = folder / "db.sqlite3"
    env = server_env(db_path, folder / "media")
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", CREATE_USERS, env=env)
    with sqlite3.connect(db_path) as db:
        # Fold the WAL into the main file so a plain copy holds everything.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_path


@contextmanager
def running_server(template: Path, folder: Path):
    db_path = folder / "db.sqlite3"
    shutil.copy(template, db_path)
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=server_env(db_path, folder / "media"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"server did not start:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.2)
        yield LiveServer(url=url, db_path=db_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def api_server(template_db, tmp_path):
    """A server of its own, on a fresh copy of the template database."""
    with running_server(template_db, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def shared_api_server(template_db, tmp_path_factory):
    """One server for tests that must leave the catalog empty."""
    with running_server(template_db, tmp_path_factory.mktemp("shared")) as server:
        yield server
