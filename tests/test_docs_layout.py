"""docs/develop/layout.md names every top-level entry and every module and package of
the Python packages it covers (scripts/docs/layout.py says which), and nothing that is
gone."""

from __future__ import annotations

import re

from scripts.docs import layout

PAGE = layout.REPO / "docs" / "develop" / "layout.md"


def named_paths() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", PAGE.read_text(), re.M))


def test_every_module_and_package_is_on_the_layout_page():
    missing = [path for path in layout.expected() if path not in named_paths()]
    drafts = "\n".join(f"| `{path}` | {layout.summary(path)} |" for path in missing)
    assert not missing, f"add to docs/develop/layout.md:\n{drafts}"


def test_the_layout_page_names_no_path_that_is_gone():
    gone = sorted(path for path in named_paths() if not (layout.REPO / path).exists())
    assert gone == []


def test_the_layout_list_sees_a_new_module_and_skips_tests_and_boilerplate():
    # given a package with a new module, a subpackage, tests and boilerplate
    files = [
        "pkg/__init__.py",
        "pkg/apps.py",
        "pkg/new_rule.py",
        "pkg/services/__init__.py",
        "pkg/services/writes.py",
        "pkg/tests/test_new_rule.py",
        "pkg/migrations/0001_initial.py",
    ]
    # when its entries are listed / then the module and the subpackage are, nothing else
    assert layout.entries("pkg", files) == ["pkg/new_rule.py", "pkg/services/"]
