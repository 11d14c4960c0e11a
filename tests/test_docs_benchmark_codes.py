"""Every benchmark code bench/README.md uses is defined in docs/performance.md, where it
points readers for "the ids" (a row of one of its tables, or of the Q budgets list)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The families of ids: baselines, scenarios, cached/signed-in variants, gates, budgets.
CODE = re.compile(r"\b(?:A|B|C|CG|CS|G|H|L|M|Q|R|RS|S)\d{1,2}\b")


def defined_codes() -> set[str]:
    text = (REPO / "docs" / "performance.md").read_text()
    rows = re.findall(r"^\| ([A-Z]+\d+(?:_\d+)?) \|", text, re.M)
    budgets = re.findall(r"^- \*\*([A-Z]+\d+)\*\*", text, re.M)
    return set(rows) | set(budgets)


def test_every_code_the_benchmark_readme_uses_is_defined_in_the_performance_page():
    used = set(CODE.findall((REPO / "bench" / "README.md").read_text()))
    assert used, "bench/README.md uses no code"
    assert sorted(used - defined_codes()) == []
