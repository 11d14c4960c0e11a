"""The runnable examples of the API guide (docs/guide/*.md), as tests/test_guide_examples.py
runs them.

The convention, written once here and in docs/guide/index.md:
- every fenced block whose language is `sh`, `python` or `js` is an example and is run;
  shapes of answers are fenced as `json` or `text` and are not;
- the examples of one language run in page order, each as its own process, so a later
  block shares nothing with an earlier one but the server's state (the quick start's
  curl steps sign up "ana", its Python steps "ben"); a block gets `BASE`, `ACCESS` (an
  access token of the demo user) and `CODE` (the newest code the server texted) from
  the environment;
- `sh` runs under `bash -eo pipefail`, `python` under the project's interpreter
  (requests is installed), `js` under `node --input-type=module` (top-level await).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "guide"
LANGUAGES = ("sh", "python", "js")
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.S | re.M,
)


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    language: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line} ({self.language})"


def page_examples(path: Path) -> list[Example]:
    text = path.read_text()
    found = []
    for match in FENCE.finditer(text):
        if match["lang"] in LANGUAGES:
            line = text.count("\n", 0, match.start()) + 1
            code = textwrap.dedent(match["body"])
            found.append(Example(path.relative_to(REPO).as_posix(), line, match["lang"], code))
    return found


def guide_examples() -> dict[tuple[str, str], list[Example]]:
    """(page, language) -> its examples in page order, for every guide page."""
    runs: dict[tuple[str, str], list[Example]] = {}
    for path in sorted(GUIDE.glob("*.md")):
        for example in page_examples(path):
            runs.setdefault((example.page, example.language), []).append(example)
    return runs


def command(example: Example, python: str) -> list[str]:
    if example.language == "sh":
        return ["bash", "-eo", "pipefail", "-c", example.code]
    if example.language == "python":
        return [python, "-c", example.code]
    return ["node", "--input-type=module", "-e", example.code]
