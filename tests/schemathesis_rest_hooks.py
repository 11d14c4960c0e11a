"""Schemathesis hooks for the REST API scans (tests/test_api_scanners.py, loaded with
SCHEMATHESIS_HOOKS).

Every valid Idempotency-Key the scanner draws is replaced by a fresh one, as the
document asks of a client ("a fresh random value per operation"). The scanner draws
keys from a small space and re-sends whole stateful scenarios with the same data, so
a later `POST /movies/genres/` carried the key of an earlier one whose genre a DELETE
had removed since: the server rightly replayed the first answer (201, the deleted id;
Stripe's semantics, core/idempotency/middleware.py), and the scanner's next step on that id
was a 404 it reported as "created resource not found". An invalid key (one the
document's pattern refuses) is left as drawn, so the scan still checks that the
server refuses it. Replays themselves are pinned by the Idempotency-Key tests of
both doors (tests/parity/test_idempotency.py).
"""

import re
import uuid

import schemathesis

HEADER = "idempotency-key"


def _pattern(case) -> str | None:
    """The header's pattern as the operation's document states it."""
    for parameter in case.operation.iter_parameters():
        if parameter.name.lower() == HEADER:
            return parameter.definition.get("pattern")
    return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    for name, value in list((case.headers or {}).items()):
        if name.lower() != HEADER or not isinstance(value, str):
            continue
        pattern = _pattern(case)
        if pattern is not None and re.search(pattern, value):
            case.headers[name] = str(uuid.uuid4())
