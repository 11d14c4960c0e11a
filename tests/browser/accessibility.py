"""Accessibility checks in the browser: axe-core, keyboard focus order, page width.

axe-core comes from the npm registry, pinned by tests/browser/axe/package-lock.json and
installed into tests/browser/axe/node_modules by scripts/ci/install_browser.sh (`make
browser`, which CI runs). It is injected through WebDriver, which the page's
Content-Security-Policy does not govern, so the page under test stays exactly as served.
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(driver) -> list[dict]:
    """axe-core's violations of the page as it is now (every rule axe runs by default)."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} not found: run scripts/ci/install_browser.sh (npm ci of axe-core)",
            pytrace=False,
        )
    driver.execute_script(AXE_JS.read_text())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document).then(
          (r) => done(r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ")),
          }))),
          (e) => done([{id: "axe-error", impact: "error", help: String(e), nodes: []}]),
        );
        """
    )
    return result


def describe_focus(driver) -> str:
    """The focused element, as a person would name it: its label, text or name."""
    return driver.execute_script(
        """
        const el = document.activeElement;
        if (!el || el === document.body) return "(nothing)";
        const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : "";
        return `${el.tagName.toLowerCase()}: ${label || el.textContent.trim() || el.name}`;
        """
    )


def focus_is_visible(driver) -> bool:
    """The focused element draws the focus ring (an outline of at least 2 px)."""
    style = driver.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, parseFloat(s.outlineWidth)];"
    )
    return style[0] != "none" and style[1] >= 2


def horizontal_overflow(driver) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    inner, scroll = driver.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth]"
    )
    return scroll - inner
