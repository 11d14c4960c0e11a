"""MkDocs hook: links from a docs page to a repository file outside docs/.

The Markdown in docs/ is read in two places: on the forge, where `[Procfile](../Procfile)`
opens the file, and on the site, which holds only docs/ (MkDocs would call that link
broken and `--strict` would fail). The rule, one place: such a link stays a link in the
Markdown, and the site shows it as the file's path in code text, without a link, after
checking that the file exists. A link to a file that does not exist is a warning, so the
strict build (CI) still fails on it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.repo_links")

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _outside_docs(target: str, page_dir: Path, docs_dir: Path) -> Path | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return None
    resolved = (page_dir / target.split("#", 1)[0]).resolve()
    if resolved == docs_dir or docs_dir in resolved.parents:
        return None
    return resolved


def on_page_markdown(markdown, page, config, files):
    docs_dir = Path(config["docs_dir"]).resolve()
    repo = docs_dir.parent
    page_dir = (docs_dir / page.file.src_path).parent

    def replace(match: re.Match) -> str:
        target = match["target"]
        path = _outside_docs(target, page_dir, docs_dir)
        if path is None:
            return match.group(0)
        shown = path.relative_to(repo).as_posix() if repo in path.parents else target
        if not path.exists():
            log.warning("%s links to %s, which is not in the repository", page.file.src_path, shown)
        text = match["text"]
        if text.strip("`").rstrip("/") == shown.rstrip("/") or text.strip("`") == Path(shown).name:
            return f"`{shown}`"
        return f"{text} (`{shown}`)"

    out, in_fence = [], False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
        out.append(line if in_fence else LINK.sub(replace, line))
    return "\n".join(out)
