"""The runbook's recipes work as written (docs/operate/).

- The systemd units (deploy/systemd/) start what exists: the gunicorn config, the WSGI
  modules, the management commands the timers run; the timers start the prune and the
  neighbours services.
- The backup and restore commands of docs/operate/backups.md, taken from the page and
  run against a scratch PostgreSQL database: a dump, a change, a restore, and the data
  is back; `cache_bump` then runs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "deploy" / "systemd"
CHECKOUT = "/srv/movie-api"  # where the units expect the repository


def unit(name: str) -> dict[str, list[str]]:
    """A unit file as {key: [values]} (systemd allows a key more than once)."""
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_units_run_the_repositorys_own_entry_points():
    for name, module, chdir in (
        ("movie-api.service", "movie_api.wsgi", ""),
        ("movie-support.service", "support_site.wsgi", "customer_support"),
    ):
        service = unit(name)
        # given its ExecStart / then gunicorn reads this repository's config, and the
        # WSGI module it names exists (from the folder gunicorn changes into)
        command = service["ExecStart"][0].split()
        assert command[0] == f"{CHECKOUT}/.venv/bin/gunicorn"
        assert command[command.index("-c") + 1] == "gunicorn.conf.py"
        assert (REPO / "gunicorn.conf.py").exists()
        assert command[-1] == module
        assert (REPO / chdir / Path(*module.split("."))).with_suffix(".py").exists()
        if chdir:
            assert command[command.index("--chdir") + 1] == chdir
        assert service["WorkingDirectory"] == [CHECKOUT]
        # and the multiprocess metrics folder is the runtime directory systemd makes
        runtime = service["RuntimeDirectory"][0]
        assert f"PROMETHEUS_MULTIPROC_DIR=/run/{runtime}/prometheus" in service["Environment"]


def test_the_daily_timer_runs_the_prune_commands():
    timer = unit("movie-api-prune.timer")
    assert timer["OnCalendar"] == ["daily"]
    assert timer["Persistent"] == ["true"]
    service = unit(timer["Unit"][0])
    commands = [line.split()[-2:] for line in service["ExecStart"]]
    assert commands == [
        ["manage.py", "prune_account_records"],
        ["manage.py", "prune_idempotency_keys"],
        ["manage.py", "prune_activity"],
    ]
    assert importlib.util.find_spec("users.management.commands.prune_account_records")
    assert importlib.util.find_spec("core.idempotency.management.commands.prune_idempotency_keys")
    assert importlib.util.find_spec("movies.management.commands.prune_activity")


def test_the_hourly_timer_moves_trending_on_the_hour():
    timer = unit("movie-api-trending.timer")
    assert timer["OnCalendar"] == ["hourly"]
    assert timer["AccuracySec"] == ["1s"]
    service = unit(timer["Unit"][0])
    assert [line.split()[-2:] for line in service["ExecStart"]] == [
        ["manage.py", "settle_trending"]
    ]
    assert importlib.util.find_spec("discovery.management.commands.settle_trending")
    page = (REPO / "docs" / "operate" / "systemd.md").read_text()
    assert "movie-api-trending.timer" in page.split("systemctl enable --now", 1)[1]
    assert "docker compose run --rm -T api python manage.py settle_trending" in page


def test_the_hourly_timer_recomputes_the_neighbours():
    timer = unit("movie-api-neighbours.timer")
    assert timer["OnCalendar"] == ["hourly"]
    assert timer["Persistent"] == ["true"]
    service = unit(timer["Unit"][0])
    assert [line.split()[-2:] for line in service["ExecStart"]] == [
        ["manage.py", "compute_neighbours"]
    ]
    assert service["ExecStart"][0].startswith(f"{CHECKOUT}/.venv/bin/python ")
    assert service["WorkingDirectory"] == [CHECKOUT]
    assert importlib.util.find_spec("discovery.management.commands.compute_neighbours")
    # and the page installs and enables it, and gives Compose its cron line
    page = (REPO / "docs" / "operate" / "systemd.md").read_text()
    assert "movie-api-neighbours.timer" in page.split("systemctl enable --now", 1)[1]
    assert "docker compose run --rm -T api python manage.py compute_neighbours" in page


def _page_commands(prefix: str) -> list[str]:
    page = (REPO / "docs" / "operate" / "backups.md").read_text()
    vm_section = page.split("## A VM, or a managed database", 1)[1]
    return [line for line in vm_section.splitlines() if line.startswith(prefix)]


def _psql(database: str, sql: str) -> str:
    return subprocess.run(
        ["psql", _url(database), "-qAtc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def _url(database: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


@pytest.mark.pg
@pytest.mark.slow
def test_the_documented_backup_and_restore_bring_the_data_back(tmp_path):
    scratch = f"{settings.DATABASES['default']['NAME']}_runbook"
    _psql("postgres", f'DROP DATABASE IF EXISTS "{scratch}"')
    _psql("postgres", f'CREATE DATABASE "{scratch}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))},
        "DATABASE_URL": _url(scratch),
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.local",
    }

    def shell(command: str) -> None:
        subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command], cwd=tmp_path, env=env, check=True
        )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    try:
        # given a database with the demo catalog
        manage("migrate", "--noinput")
        manage("load_demo_data")
        title = _psql(scratch, "SELECT title FROM movies_movie WHERE id = 1")
        # when it is backed up with the page's command
        (dump,) = _page_commands("pg_dump")
        shell(dump)
        dumps = list(tmp_path.glob("movie_api-*.dump"))
        assert len(dumps) == 1
        # and damaged behind Django's back, then restored with the page's command
        _psql(scratch, "UPDATE movies_movie SET title = 'damaged' WHERE id = 1")
        (restore,) = _page_commands("pg_restore")
        shell(restore.replace("movie_api-DATE.dump", dumps[0].name))
        # then the data is back, and the cache bump the page asks for runs
        assert _psql(scratch, "SELECT title FROM movies_movie WHERE id = 1") == title
        assert re.search(r"generation is now \d+", manage("cache_bump"))
    finally:
        _psql("postgres", f'DROP DATABASE IF EXISTS "{scratch}"')
