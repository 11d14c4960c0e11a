"""Sentry: an unhandled error reaches a local sink as an envelope, without secrets.

Slow tier: runs the app in a subprocess whose SENTRY_DSN points at an HTTP sink on a
free loopback port in this process.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

PASSWORD = "Sturdy-pass-42-never-sent"
PHONE = "+14155550142"
OTP_CODE = "918273"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViamVjdCJ9.c2lnbmF0dXJlLXNlY3JldA"

# The request that fails: a registration whose service blows up with secrets in its
# arguments, its locals and its message.
FAILING_REQUEST = f"""
from django.test import Client
from users import services
import sentry_sdk

def failing_register(*, username, email, password, password_confirm, phone_number, client_ip):
    code = "{OTP_CODE}"
    raise RuntimeError(f"SMS gateway exploded for {{phone_number}} sending code {{code}}")

services.user_register = failing_register
response = Client(raise_request_exception=False).post(
    "/api/users/register/",
    {{"username": "ana", "email": "ana@example.com", "password": "{PASSWORD}",
      "password_confirm": "{PASSWORD}", "phone_number": "{PHONE}"}},
    content_type="application/json",
    HTTP_AUTHORIZATION="Bearer {TOKEN}",
    HTTP_X_REQUEST_ID="sentry-test-request-1",
)
print("STATUS", response.status_code, response.json())
sentry_sdk.flush(timeout=20)
"""


class Sink(ThreadingHTTPServer):
    """Keeps the body of every POST (Sentry envelopes), decompressed."""

    def __init__(self):
        self.bodies: list[bytes] = []
        super().__init__(("127.0.0.1", 0), SinkHandler)


class SinkHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    server = Sink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def events(bodies: list[bytes]) -> list[dict]:
    """The "event" items of the envelopes (header line, then item header + payload pairs)."""
    found = []
    for body in bodies:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_an_unhandled_error_is_reported_with_release_and_without_secrets(sink, tmp_path):
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.test",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{sink.server_port}/42",
        "RELEASE": "release-abc123",
        "SENTRY_ENVIRONMENT": "ci-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "LOG_FORMAT": "json",
    }
    # when
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{FAILING_REQUEST}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    # then: the client got the usual JSON 500 with the request id
    assert result.returncode == 0, result.stderr
    assert "STATUS 500" in result.stdout
    assert "'request_id': 'sentry-test-request-1'" in result.stdout
    # and Sentry got one event for it, with the release, environment and request id
    reported = events(sink.bodies)
    assert len(reported) == 1, sink.bodies
    event = reported[0]
    assert event["release"] == "release-abc123"
    assert event["environment"] == "ci-test"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "sentry-test-request-1"
    assert event["transaction"] == "/api/users/register/"
    # the body is reported with its secret fields masked
    assert event["request"]["data"]["username"] == "ana"
    assert event["request"]["data"]["password"] == "[redacted]"
    assert event["request"]["data"]["phone_number"] == "[redacted]"
    # and nothing secret went over the wire, in any form
    raw = b"\n".join(sink.bodies).decode()
    for secret in [PASSWORD, PHONE, PHONE[1:], "4155550142", OTP_CODE, TOKEN, TOKEN[:36]]:
        assert secret not in raw
    # nor into the JSON log lines that recorded the same failure
    assert '"logger": "django.request"' in result.stderr
    for secret in [PASSWORD, PHONE, OTP_CODE, TOKEN]:
        assert secret not in result.stderr
