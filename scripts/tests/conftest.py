"""A real Movie API server on a loopback port, for testing scripts as a user runs them.

The database is a migrated SQLite template (an `admin` staff account and a `viewer`
non-staff account), copied fresh for each server. The server itself is the shared
tests/live_server.py one (local settings, DEBUG off, no Redis) with generous throttles.
"""

import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import manage, serve, server_env

ADMIN = ("admin", "Adm1n-Pass-word-42")
VIEWER = ("viewer", "Viewer-Pass-word-42")
CREATE_USERS = f"""
from users.models import User
User.objects.create_superuser({ADMIN[0]!r}, "admin@example.com", {ADMIN[1]!r})
User.objects.create_user({VIEWER[0]!r}, "viewer@example.com", {VIEWER[1]!r}, is_active=True)
"""


# The scripts make hundreds of requests in a few seconds.
GENEROUS_RATES = {"THROTTLE_USER": "100000/min", "THROTTLE_ANON": "100000/min"}


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
    env = server_env(folder, GENEROUS_RATES)
    log = folder / "manage.log"
    manage(["migrate", "--noinput"], env, log)
    manage(["shell", "-c", CREATE_USERS], env, log)
    db_path = folder / "db.sqlite3"
    with sqlite3.connect(db_path) as db:
        # Fold the WAL into the main file so a plain copy holds everything.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_path


@contextmanager
def running_server(template: Path, folder: Path):
    db_path = folder / "db.sqlite3"
    shutil.copy(template, db_path)
    with serve(server_env(folder, GENEROUS_RATES), folder / "server.log") as url:
        yield LiveServer(url=url, db_path=db_path)


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
