"""Benchmark gates (docs/performance.md) from a fresh quick run of bench/run.py.

Marked `perf`, outside the default selection (`make bench`, or `pytest -m perf tests/perf`).
The harness runs in its own process with production-like settings (bench settings,
DEBUG off) on the seeded size-S SQLite file, so nothing here touches the test database.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "bench-results.json"
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--no-fail", "--output", str(output)],
        cwd=ROOT,
        check=True,
    )
    return json.loads(output.read_text())


GATED = ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10", "A1", "A2", "M1", "Q2", "Q4"]


@pytest.mark.parametrize("metric", GATED)
def test_gate(results, metric):
    # given a fresh interleaved run; when its ratio is compared with the gate
    gate = results["gates"][metric]
    # then it holds
    assert gate["pass"], (
        f"{metric} {gate['what']} = {gate['measured']} (gate {gate['op']}{gate['gate']})"
    )
