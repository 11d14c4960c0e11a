"""The client's address through the shipped proxy chain: load balancer -> nginx -> app.

The load balancer appends the address it saw to X-Forwarded-For; nginx believes that
header only from LOAD_BALANCER_RANGE and passes the address it found on, alone; the
app believes that one hop (NUM_PROXIES=1). Here the load balancer is a loopback address
of its own (stack.LOAD_BALANCER) and the stack's nginx trusts exactly it.

What the API sees is read from what it exposes: the per-address rate limit's
X-RateLimit-Remaining (each address has its own count, and a request sent straight to
gunicorn as nginx would pass it, `stack.send(client=...)`, reads that address's count)
and the per-address sign-in lockout.
"""

import json
import random
from http import HTTPStatus

from django.conf import settings

from scripts.faults.proxy import Nginx
from tests.replay.stack import DIRECT_CLIENT, LOAD_BALANCER, REPLAY
from users.services.attempts import TOO_MANY_SIGN_INS_MESSAGE

pytestmark = REPLAY

# An endpoint with a per-address limit that no edge cache answers for: a sign-up with
# an empty form is refused (400) without side effects, after being counted.
COUNTED = "/api/users/register/"


def documentation_address() -> str:
    """A random client address from 203.0.113.0/24 (RFC 5737: never routed), below
    the fixed ones of the sign-in test."""
    return f"203.0.113.{random.randint(1, 199)}"


def remaining(answer) -> int:
    assert "X-RateLimit-Remaining" in answer.headers, (answer.status_code, answer.text[:300])
    return int(answer.headers["X-RateLimit-Remaining"])


def count_of(stack, address: str) -> int:
    """The remaining requests of `address` (this request counted), asked as nginx would."""
    return remaining(stack.send("POST", COUNTED, client=address, json={}))


def access_log_line(nginx: Nginx, request_id: str) -> dict:
    for line in (nginx.workdir / "access.log").read_text().splitlines():
        entry = json.loads(line)
        if entry["request_id"] == request_id:
            return entry
    raise AssertionError(f"no access log line for request {request_id}")


def test_a_request_through_the_load_balancer_is_counted_against_the_client(stack):
    # given a client whose count the API already holds
    client = documentation_address()
    before = count_of(stack, client)
    # when the load balancer passes on a request from that client (its X-Forwarded-For)
    through = stack.send_from(
        LOAD_BALANCER, "POST", COUNTED, headers={"X-Forwarded-For": client}, json={}
    )
    # then the API counted it against the client, once: not against the load balancer
    assert through.status_code == HTTPStatus.BAD_REQUEST, through.text
    assert remaining(through) == before - 1
    assert count_of(stack, client) == before - 2
    # and nginx's log names the client, and the load balancer as the connection's peer
    logged = access_log_line(stack.nginx, through.headers["X-Request-ID"])
    assert (logged["remote"], logged["peer"]) == (client, LOAD_BALANCER)


def test_a_client_behind_the_load_balancer_cannot_choose_its_address(stack):
    # given a client that writes another address into X-Forwarded-For itself, which the
    # load balancer keeps and appends the client's real address to
    client, forged = documentation_address(), "192.0.2.66"
    client_before, forged_before = count_of(stack, client), count_of(stack, forged)
    # when the load balancer passes the request on
    stack.send_from(
        LOAD_BALANCER, "POST", COUNTED, headers={"X-Forwarded-For": f"{forged}, {client}"}, json={}
    )
    # then it was counted against the client's real address, never the forged one
    assert count_of(stack, client) == client_before - 2
    assert count_of(stack, forged) == forged_before - 1


def test_a_client_facing_nginx_directly_cannot_choose_its_address(stack):
    # given a client that bypasses the load balancer and claims another address
    forged = "192.0.2.67"
    direct_before, forged_before = count_of(stack, DIRECT_CLIENT), count_of(stack, forged)
    # when it sends its X-Forwarded-For to nginx itself
    stack.send_from(DIRECT_CLIENT, "POST", COUNTED, headers={"X-Forwarded-For": forged}, json={})
    # then the header was ignored: the request counted against the connection's address
    assert count_of(stack, DIRECT_CLIENT) == direct_before - 2
    assert count_of(stack, forged) == forged_before - 1


def test_a_sign_in_lockout_earned_behind_the_load_balancer_locks_out_only_that_client(
    stack, account
):
    # given an attacker behind the load balancer who fails to sign in as the account
    # until the per-address lockout refuses it
    attacker, owner = "203.0.113.250", "203.0.113.251"
    failures = settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE

    def sign_in(address: str, password: str):
        return stack.send_from(
            LOAD_BALANCER,
            "POST",
            "/api/users/login/",
            headers={"X-Forwarded-For": address},
            json={"username": account.username, "password": password},
        )

    for _ in range(failures):
        assert sign_in(attacker, "wrong-password").status_code == HTTPStatus.UNAUTHORIZED
    locked = sign_in(attacker, account.password)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS, locked.text
    assert locked.json()["detail"] == TOO_MANY_SIGN_INS_MESSAGE
    # when the account's owner signs in through the same load balancer
    answer = sign_in(owner, account.password)
    # then the owner is let in: the attacker's lockout is not the owner's
    assert answer.status_code == HTTPStatus.OK, answer.text
    assert set(answer.json()) >= {"access", "refresh"}


def test_with_nothing_in_front_no_address_believes_x_forwarded_for(stack, tmp_path):
    # given the recipe with LOAD_BALANCER_RANGE=unix:, for nginx facing clients itself
    forged = "192.0.2.68"
    with Nginx(
        api_port=int(stack.api_url.rsplit(":", 1)[1]), workdir=tmp_path, load_balancer_range="unix:"
    ) as alone:
        peer_before, forged_before = count_of(stack, LOAD_BALANCER), count_of(stack, forged)
        # when a client, from the address a load balancer would have, sends X-Forwarded-For
        answer = stack.send_from(
            LOAD_BALANCER,
            "POST",
            COUNTED,
            headers={"X-Forwarded-For": forged},
            json={},
            edge_url=alone.url,
        )
    # then it was counted against the connection's own address
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    assert count_of(stack, LOAD_BALANCER) == peer_before - 2
    assert count_of(stack, forged) == forged_before - 1
