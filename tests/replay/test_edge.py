"""Replays of the findings at the edge: uploads, slow clients, the proxy's refusals.

- a 38-byte WebP declaring 25 megapixels is refused from its header, nothing stored;
- slowloris: sockets that send their headers a line at a time are closed by nginx
  after its client_header_timeout, and /healthz answers all along (gunicorn's sync
  workers, which those sockets held for 35 s without a proxy, never see them);
- an oversized header, a too-long URL and a malformed request line to /api/ are
  answered in the API's JSON error shape with a Content-Security-Policy, whether nginx
  refuses them itself or gunicorn does behind it.
"""

import json
import re
import socket
import threading
import time
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest

from core.tests.image_bombs import webp_bomb
from scripts.faults.proxy import DEPLOY
from tests.replay.stack import REPLAY

pytestmark = REPLAY


def header_timeout_seconds() -> int:
    """client_header_timeout as deploy/nginx.conf sets it (the one place it is written)."""
    match = re.search(r"^client_header_timeout (\d+)s;", (DEPLOY / "nginx.conf").read_text(), re.M)
    assert match, "deploy/nginx.conf sets no client_header_timeout"
    return int(match.group(1))


# ------------------------------------------------------------------ the image bomb


def test_a_38_byte_image_of_25_megapixels_is_refused_and_nothing_is_stored(stack, account):
    # given the finding's file: a lossless WebP declaring 4999 x 5000 pixels in 38 bytes
    bomb = webp_bomb()
    # when it is sent as a profile picture, through the proxy as a browser would
    answer = stack.session.patch(
        f"{stack.edge_url}/api/users/me/",
        headers=account.auth,
        files={"profile_picture": ("me.webp", bomb, "image/webp")},
        timeout=60,
    )
    # then it is refused on the field, for its pixels per byte
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    (error,) = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("profile_picture", "pixels_out_of_proportion")
    # and the profile has no picture
    me = stack.send("GET", "/api/users/me/", account=account)
    assert me.json()["profile_picture"] is None


# ------------------------------------------------------------------ slowloris

SLOW_SOCKETS = 8  # more than gunicorn's 3 workers: enough to hold all of them
TRICKLE_EVERY = 2.0  # seconds between two header lines of a slow client


def slow_client(address, host: str, give_up_after: float, closed: list, sent: list) -> None:
    """Send a request's headers one line per TRICKLE_EVERY, never the blank line that
    ends them; record when the server closed the connection (or None if it never did)."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n".encode())
        lines = 0
        while time.monotonic() - started < give_up_after:
            time.sleep(TRICKLE_EVERY)
            try:
                sock.sendall(f"X-Slow-{lines}: {lines}\r\n".encode())
                lines += 1
                sock.settimeout(0.05)
                if sock.recv(1024) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:  # reset or broken pipe: closed by the server
                break
        else:
            closed.append(None)
            sent.append(lines)
            return
    closed.append(time.monotonic() - started)
    sent.append(lines)


def test_slowloris_sockets_are_closed_by_the_proxy_and_health_answers_meanwhile(stack):
    # given: more slow clients than gunicorn has workers, trickling their headers to the
    # proxy for up to 4 times its header timeout
    timeout = header_timeout_seconds()
    edge = urlsplit(stack.edge_url)
    closed, sent = [], []
    clients = [
        threading.Thread(
            target=slow_client,
            args=((edge.hostname, edge.port), edge.hostname, 4 * timeout, closed, sent),
        )
        for _ in range(SLOW_SOCKETS)
    ]
    for client in clients:
        client.start()
    # when: /healthz is asked through the proxy while they trickle, until all are done
    answers = []
    while any(client.is_alive() for client in clients):
        try:
            answers.append(stack.session.get(f"{stack.edge_url}/healthz", timeout=30).status_code)
        except OSError as error:
            answers.append(type(error).__name__)
        time.sleep(0.5)
    for client in clients:
        client.join()
    # then: the proxy closed every slow socket, none before its header timeout (a
    # timeout never fires early) and each while the client was still sending
    assert None not in closed, f"{closed.count(None)} slow sockets were never closed"
    assert min(closed) >= timeout - 1, closed
    assert all(lines >= 1 for lines in sent), sent
    # and /healthz answered 200 every time it was asked, many times meanwhile
    assert answers.count(HTTPStatus.OK) == len(answers), answers
    assert len(answers) >= 5, answers


# ------------------------------------------------------------------ refusals as JSON


def raw_exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `request` as bytes and read the answer: status, headers (lower-case), body."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def request_bytes(target: str, *extra_headers: str, method: str = "GET") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *extra_headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


REFUSALS = {
    # nginx refuses these itself (its header buffers are 8 KB)
    "header of 10 KB": (request_bytes("/api/movies/", "X-Big: " + "a" * 10_000), 431),
    "URL of 9 KB": (request_bytes("/api/movies/?q=" + "a" * 9_000), 414),
    "malformed request line": (request_bytes("/api/movies/", method="G@T"), 400),
    # gunicorn refuses these behind nginx (request line over 4094 bytes; over 100
    # header fields), and the proxy answers in its stead
    "URL of 5 KB": (request_bytes("/api/movies/?q=" + "a" * 5_000), 414),
    "150 header fields": (request_bytes("/api/movies/", *(f"X-H{i}: 1" for i in range(150))), 431),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refused_requests_to_the_api_are_answered_in_json_with_a_csp(stack, case):
    # given a request the proxy or gunicorn refuses before the app sees it
    request, status = REFUSALS[case]
    # when it is sent through the proxy
    answered, headers, body = raw_exchange(stack.edge_url, request)
    # then the answer is the API's JSON error shape, with its request id, and a CSP
    assert answered == status, body[:300]
    assert headers["content-type"] == "application/json"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    error = json.loads(body)
    assert set(error) == {"status", "code", "detail", "request_id"}
    assert error["status"] == status
    assert error["request_id"] == headers["x-request-id"]
    assert b"<html" not in body.lower()


def test_the_apps_own_errors_pass_the_proxy_unchanged(stack):
    # given a validation error and a missing movie: the app's own 400 and 404
    bad = stack.session.get(f"{stack.edge_url}/api/movies/?ordering=nope", timeout=60)
    missing = stack.session.get(f"{stack.edge_url}/api/movies/99999999/", timeout=60)
    # then they keep the app's detail (the proxy replaces only what the app never sends)
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing.json()["detail"] == "No movie with id 99999999."
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert bad.json()["code"] == "invalid"


def test_a_request_for_an_unknown_host_is_dropped_without_an_answer(stack):
    # given the recipe's default server, which serves no host name
    request = request_bytes("/api/movies/").replace(b"Host: 127.0.0.1", b"Host: elsewhere.test")
    # when a request names another host, then the connection closes with no answer
    parts = urlsplit(stack.edge_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        sock.sendall(request)
        assert sock.recv(65536) == b""
