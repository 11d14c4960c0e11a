"""PostgreSQL stopped for a few seconds under load; the app recovers by itself.

Runs scripts/faults/pg_restart.py (its own throwaway cluster, Redis and gunicorn with
3 workers; never the machine's servers) in a shorter form: 50 threads of load, the
cluster stopped once 100 requests were answered (and 4 s passed), started again after
5 s (and 20 requests during the outage), the load kept up until 200 requests started
10 s or more after the database accepted connections again. The phases end on those
counts, so a busy machine makes the run longer, not red. The script checks the
criteria and exits non-zero when one fails; the figures are asserted here too.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from scripts.faults.procs import BASE_DIR

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("pg_createcluster"),
        reason="needs root and Debian's pg_createcluster to make a throwaway cluster",
    ),
]


def test_app_recovers_from_a_postgresql_restart_under_load():
    # when: the database goes away for 5 s in the middle of 24 s of load
    completed = subprocess.run(
        [
            sys.executable,
            "scripts/faults/pg_restart.py",
            *("--stop-at", "4", "--down", "5"),
            *("--min-before", "100", "--min-during", "20", "--min-settled", "200"),
            "--json",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=900,  # three phases of at most 240 s each, plus setup
    )
    # then: every criterion held
    assert completed.returncode == 0, completed.stdout + completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    figures = report["figures"]
    assert report["failures"] == []
    assert figures["before"]["ok"] >= 0.99
    assert figures["during"]["ok"] < 0.99  # the outage was real
    assert figures["recovery_seconds"] is not None and figures["recovery_seconds"] <= 10
    assert figures["after_settled"]["n"] >= 200
    assert figures["after_settled"]["ok"] >= 0.99
    assert figures["database_problems"] == []
    assert figures["registrations"] > 0
    # the outage was answered 503 (with Retry-After, checked by the script), never 500
    assert figures["by_status"].get("503", 0) > 0
    assert "500" not in figures["by_status"]
