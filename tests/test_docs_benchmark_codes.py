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


# Names that read like a code but are products: the S3 storage API and Cloudflare R2.
NOT_CODES = {"S3", "R2"}


def test_product_code_explains_figures_in_words_not_benchmark_codes():
    # A newcomer reading "S4; 19.5 ms at M" in a comment must first learn the benchmark's
    # ids; the figure in words and a link to docs/performance.md reads on its own.
    from tests.test_module_size import product_modules

    cited = {
        f"{path.relative_to(REPO)}:{number}": sorted(set(codes) - NOT_CODES)
        for path in product_modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if set(codes := CODE.findall(line)) - NOT_CODES
    }
    assert cited == {}
