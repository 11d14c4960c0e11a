"""The security replay: the issue's outside probe, replayed end to end.

`make security-replay` (or `pytest -m replay`) starts the production stack once for
this folder's tests and stops it after them (tests/replay/stack.py: gunicorn x3 with
the shipped config and production settings, PostgreSQL from DATABASE_URL, the
security store on REDIS_URL and the response cache on a small redis-server of its own,
NUM_PROXIES=1, the shipped nginx recipe in front) and runs every reproduction against
it. The tests are also in the slow tier, so CI runs them (they take two to three
minutes).

Adding a reproduction is one test function in a module of this folder (one module per
finding area, e.g. `test_graphql.py`), marked with `pytestmark = REPLAY` and taking the
`stack` fixture:

    from tests.replay.stack import REPLAY

    pytestmark = REPLAY

    def test_resend_answers_alike_for_known_and_unknown_phones(stack):
        known = stack.send("POST", "/api/users/resend-code/", json={...})
        unknown = stack.send("POST", "/api/users/resend-code/", json={...}, client="198.51.100.9")
        assert known.json() == unknown.json()

What the fixtures give:
- `stack.send(method, path, client=..., account=..., **requests_kwargs)`: a request to
  gunicorn as nginx in front would pass it, from the client address `client`
  (X-Forwarded-For); `account` adds its Bearer token. Use a new `client` per
  attempt when the reproduction must not meet a per-address limit, the same one when
  it is about that limit.
- `stack.edge_url`: nginx with deploy/nginx.conf in front, for what the proxy stops
  (raw sockets, slow clients, oversized requests); `stack.api_url` is gunicorn itself.
  `stack.send_from(address, method, path, ...)` connects to nginx from a loopback
  address: `LOAD_BALANCER` (nginx believes its X-Forwarded-For) or any other.
- `account` (a fresh verified user, signed in; `.auth` is its header) and
  `stack.verified_account()` for more of them; `stack.manage(...)` runs a manage.py
  command against the stack's database (to arrange or to check state).
- `stack.shell(code)`: Python run by `manage.py shell` against the stack (to age a
  row, to add movies); `stack.texted_code(phone)`: the live code last texted to
  `phone` (the harness plays the phone: the production log redacts codes).
- `stack.log_tail()`: the servers' logs, for assertion messages.

The stack is shared: a reproduction must not rely on an empty database, an empty
response cache or on limits nobody else has touched. With REDIS_URL the security
store (throttle windows, deny-list) is emptied between tests by the root conftest;
the response cache never is, and without REDIS_URL neither is: give each test client
addresses of its own.
"""

import pytest

from tests.replay.stack import Account, ReplayStack, replay_stack


# Package scope: one stack for every reproduction here, stopped before the rest of the
# slow tier runs.
@pytest.fixture(scope="package")
def stack(tmp_path_factory) -> ReplayStack:
    with replay_stack(tmp_path_factory.mktemp("replay")) as running:
        yield running


@pytest.fixture
def account(stack) -> Account:
    return stack.verified_account()
