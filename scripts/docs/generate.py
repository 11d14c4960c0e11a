"""Writes the generated parts of the docs pages from the code, so they cannot drift.

    python -m scripts.docs.generate          # rewrite every generated block in docs/
    python -m scripts.docs.generate --check  # exit 1 (and name the pages) if any is stale

A page marks a generated block with two comments; everything between them is replaced:

    <!-- generated:errors -->
    ...
    <!-- /generated:errors -->

tests/test_docs_generated.py runs the check, so CI fails when a page and the code
disagree (a new error code, a changed limit, a new variable).
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

from scripts.docs import error_codes, variables
from scripts.docs.figures import figures

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S
)


@cache
def _figures() -> dict:
    return figures()


def _rate(rate: str) -> str:
    count, per = rate.split("/")
    return f"{int(count):,} per {per.replace('min', 'minute')}"


def _table(header: str, rows: list[tuple]) -> str:
    columns = header.count("|") - 1
    lines = [header, "|" + "---|" * columns]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def tokens() -> str:
    f = _figures()
    rotation = "hours, a new one on every refresh"
    return _table(
        "| Token or code | Lives | Setting or variable |",
        [
            ("access token", f"{f['access_minutes']} minutes", "`JWT_ACCESS_MINUTES`"),
            ("refresh token", f"{f['refresh_hours']} {rotation}", "`REFRESH_TOKEN_LIFETIME`"),
            (
                "a chain of refreshes",
                f"{f['refresh_max_age_days']} days from the sign-in, then sign in again",
                "`JWT_REFRESH_MAX_AGE`",
            ),
            (
                "texted code (verify, step-up, reset)",
                f"{f['otp_ttl_seconds']} seconds",
                "`OTP_TTL_SECONDS`",
            ),
            (
                "failed sign-ins before a step-up",
                f"{f['login_failures_per_hour']} an hour on one account",
                "`LOGIN_MAX_FAILURES_PER_HOUR`",
            ),
            (
                "failed sign-ins for one name from one address",
                f"{f['login_failures_per_address_minute']} a minute",
                "`LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE`",
            ),
        ],
    )


SCOPES = {
    "anon": "every request without a token, per client address",
    "user": "every request with a token, per account",
    "register": "`POST /api/users/register/` (and `register`), per address",
    "otp_verify": "OTP verify, per address",
    "otp_resend": "OTP resend, per address",
    "login": "sign-in (`login`, `tokenAuth`), per address",
    "token_refresh": "token refresh, per address",
    "email_change": "email changes, per account",
    "import": "`POST /api/users/me/import/`, per address",
}


def rate_limits() -> str:
    rows = ["| Scope | Limit | Applies to | Variable |", "|---|---|---|---|"]
    for scope, rate in _figures()["throttle_rates"].items():
        rows.append(
            f"| `{scope}` | {_rate(rate)} | {SCOPES.get(scope, '')} | `THROTTLE_{scope.upper()}` |"
        )
    return "\n".join(rows)


def paging() -> str:
    f = _figures()
    size, first = f["max_page_size"], f["graphql_first_max"]
    return _table(
        "| | Default | Largest |",
        [
            ("REST `page_size`", f["page_size"], f"{size} (a larger one is served as {size})"),
            ("GraphQL `first`", f["graphql_first_default"], f"{first} (a larger one is an error)"),
        ],
    )


def graphql_limits() -> str:
    f = _figures()
    rows = [
        ("request body", f"{f['graphql_max_body_bytes']:,} bytes"),
        ("lexical tokens in the document", f"{f['graphql_max_tokens']:,}"),
        (
            "selections (fields and fragment spreads, fragments expanded)",
            f"{f['graphql_max_selections']:,}",
        ),
        ("one response field at one place", f"{f['graphql_max_field_repeats']} times"),
        ("depth", f"{f['graphql_max_depth']}"),
        ("aliases", f"{f['graphql_max_aliases']}"),
        ("directives", f"{f['graphql_max_directives']}"),
        (
            "variables (declared, and entries of the `variables` object)",
            f"{f['graphql_max_variables']}",
        ),
        (
            "input values (argument values, list items, input-object fields)",
            f"{f['graphql_max_input_values']}",
        ),
        (
            "persisted query document",
            f"{f['apq_max_bytes']:,} bytes, kept {f['apq_timeout_seconds'] // 3600} hours",
        ),
    ]
    return "\n".join(["| Limit | At most |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])


def edge_caching() -> str:
    f = _figures()
    return (
        f"`Cache-Control: public, max-age=0, s-maxage={f['edge_s_maxage']}, "
        f"stale-while-revalidate={f['edge_swr']}`"
    )


def variable_reference() -> str:
    out = []
    for title, found, examples in variables.groups():
        described = {}
        for example in examples:
            for name, text in variables.example_entries(example).items():
                described.setdefault(name, text)
        out += [f"### {title}", "", f"Listed in {', '.join(f'`{e}`' for e in examples)}.", ""]
        out += ["| Variable | Type | Default | What it does | Read in |", "|---|---|---|---|---|"]
        for var in found.values():
            default = f"`{var.default}`" if var.default else "—"
            text = (described.get(var.name) or "—").replace("|", "\\|")
            out.append(f"| `{var.name}` | {var.kind} | {default} | {text} | `{var.source}` |")
        out.append("")
    return "\n".join(out).rstrip()


BLOCKS = {
    "errors": error_codes.table,
    "tokens": tokens,
    "rate-limits": rate_limits,
    "paging": paging,
    "graphql-limits": graphql_limits,
    "edge-caching": edge_caching,
    "variables": variable_reference,
}


def render(text: str) -> str:
    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in BLOCKS:
            raise KeyError(f"unknown generated block {name!r}")
        return f"{match.group(1)}{BLOCKS[name]()}\n{match.group(4)}"

    return BLOCK.sub(replace, text)


def stale_pages() -> list[Path]:
    return [
        page for page in sorted(DOCS.rglob("*.md")) if render(page.read_text()) != page.read_text()
    ]


def main(argv: list[str]) -> int:
    missing = error_codes.missing_meanings()
    if missing:
        print(f"No meaning written for {', '.join(missing)}: add it to scripts/docs/error_codes.py")
        return 1
    if "--check" in argv:
        stale = stale_pages()
        for page in stale:
            print(f"{page.relative_to(REPO)} is stale: run python -m scripts.docs.generate")
        return 1 if stale else 0
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text()
        fresh = render(text)
        if fresh != text:
            page.write_text(fresh)
            print(f"wrote {page.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
