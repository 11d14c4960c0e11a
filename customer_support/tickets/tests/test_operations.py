"""Operations: request ids, JSON logs without secrets, /healthz, /readyz, /metrics, and
the production deploy check (docs/deploy.md at the repository root)."""

import base64
import io
import json
import logging
import os
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import opskit
import pytest

PROJECT = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "support-metrics-token-0123456789"


@pytest.fixture
def json_log():
    """Every log line written during the test, as the production JSON formatter makes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(opskit.JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_error_bodies_and_headers_carry_the_request_id(api_client):
    # when: an anonymous caller lists tickets, with its own request id
    response = api_client.get("/api/tickets/", HTTP_X_REQUEST_ID="support-req-000001")
    # then
    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert response["X-Request-ID"] == "support-req-000001"
    assert response.json()["request_id"] == "support-req-000001"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_an_unsafe_request_id_is_replaced(api_client):
    response = api_client.get("/api/tickets/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_access_lines_are_json_with_user_and_no_password(api_client, user, json_log):
    # given: a script signing in with basic auth
    user.set_password("Basic-secret-pass-1")
    user.save()
    credentials = base64.b64encode(b"alice:Basic-secret-pass-1").decode()
    # when
    response = api_client.get(
        "/api/tickets/", HTTP_AUTHORIZATION=f"Basic {credentials}", HTTP_X_REQUEST_ID="rid-00000001"
    )
    # then
    assert response.status_code == HTTPStatus.OK
    [line] = [line for line in json_log() if line["logger"] == "access"]
    assert line["request_id"] == "rid-00000001"
    assert line["user_id"] == user.pk
    assert line["status"] == 200
    assert line["route"] == "api/tickets/"
    text = json.dumps(json_log())
    assert "Basic-secret-pass-1" not in text
    assert credentials not in text


@pytest.mark.django_db
def test_healthz_and_readyz(api_client):
    assert api_client.get("/healthz").json() == {"status": "ok"}
    ready = api_client.get("/readyz")
    assert ready.status_code == HTTPStatus.OK
    assert ready.json() == {"status": "ok", "database": "ok", "cache": "ok", "migrations": "ok"}


@pytest.mark.django_db
def test_metrics_need_the_token(api_client, settings):
    # given
    settings.METRICS_TOKEN = METRICS_TOKEN
    api_client.get("/healthz")
    # when
    hidden = api_client.get("/metrics")
    shown = api_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    # then
    assert hidden.status_code == HTTPStatus.NOT_FOUND
    assert shown.status_code == HTTPStatus.OK
    assert 'http_request_duration_seconds_count{method="GET",route="healthz"}' in shown.text
    assert 'http_responses_total{status_class="2xx"}' in shown.text


def test_check_deploy_is_clean_under_production_settings():
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "support_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "support.example.com",
    }
    env.pop("DEBUG", None)
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
