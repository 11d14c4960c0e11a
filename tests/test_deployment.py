"""Production configuration: the deploy gate and the shared throttle store rule."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "api.example.com",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        # Never connected to by these checks; a separate instance, as production needs.
        "REDIS_SECURITY_URL": "redis://127.0.0.1:6380/0",
        # An empty database: these checks never touch a table.
        "DATABASE_URL": "sqlite://:memory:",
    }
    env.pop("DEBUG", None)
    env.update(overrides)
    return env


def run_django(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_responses_carry_security_headers():
    # given: a request as it arrives through the TLS-terminating proxy
    code = """
import json
from django.test import Client
response = Client().get("/api/no-such-route/", secure=True, HTTP_HOST="api.example.com")
print(json.dumps({k: v for k, v in response.headers.items()} | {"status": response.status_code}))
"""
    # when
    result = run_django(code, production_env())
    # then
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    # (an unknown route: the answer needs neither the database nor Redis)
    assert headers["status"] == 404
    hsts = headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert "includeSubDomains" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers.get("Access-Control-Allow-Origin") != "*"


def test_production_settings_are_hardened():
    code = """
import json
from django.conf import settings
print(json.dumps({"debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
                  "cache": settings.CACHES["default"]["BACKEND"],
                  "security": settings.CACHES["security"]}))
"""
    result = run_django(code, production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["hosts"] == ["api.example.com"]
    # Throttles live in the shared cache, never in one worker's memory.
    assert values["cache"] == "django_redis.cache.RedisCache"
    # The deny-list and the windows live in the security store named by
    # REDIS_SECURITY_URL, never in the (evictable) response cache's Redis.
    assert values["security"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert values["security"]["LOCATION"] == production_env()["REDIS_SECURITY_URL"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"JWT_SIGNING_KEY": ""}, "JWT_SIGNING_KEY must be set"),
        ({"JWT_SIGNING_KEY": "too-short-key"}, "JWT_SIGNING_KEY must be set"),
        ({"REDIS_URL": ""}, "REDIS_URL must be set"),
        ({"REDIS_SECURITY_URL": ""}, "REDIS_SECURITY_URL must be set"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(overrides, message):
    # when
    result = run_django("print('started')", production_env(**overrides))
    # then
    assert result.returncode != 0
    assert message in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_a_jwt_key_equal_to_the_secret_key():
    key = secrets.token_urlsafe(50)
    result = run_django("print('started')", production_env(SECRET_KEY=key, JWT_SIGNING_KEY=key))
    assert result.returncode != 0
    assert "different from SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("num_proxies", "secure"), [("0", False), ("1", True)])
def test_x_forwarded_proto_is_believed_only_behind_a_configured_proxy(num_proxies, secure):
    # given a plain-HTTP request that claims to have arrived over TLS
    code = """
from django.test import RequestFactory
request = RequestFactory().get("/", HTTP_HOST="api.example.com", HTTP_X_FORWARDED_PROTO="https")
print(request.is_secure())
"""
    # when production settings judge it, without or with a proxy in front
    result = run_django(code, production_env(NUM_PROXIES=num_proxies))
    # then the header counts only when NUM_PROXIES says a proxy sets it
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(secure)


def test_production_api_is_json_only_and_ignores_sessions():
    # given a browser-like request and a staff session cookie, under production settings
    code = """
import json
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from users.models import User
staff = User.objects.create_user("boss", "boss@example.com", "pass-Word-123", is_staff=True)
client = Client(HTTP_HOST="api.example.com")
client.force_login(staff)
browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
response = client.get("/api/users/me/", secure=True, HTTP_ACCEPT=browser)
print(json.dumps({"status": response.status_code, "type": response["Content-Type"],
                  "body": response.content.decode()[:200]}))
"""
    # when the API is asked for HTML with only the session
    # (no Redis needed: a refused connection makes the general throttles fail open)
    result = run_django(code, production_env(REDIS_URL="redis://127.0.0.1:9/0"))
    # then the answer is JSON (no browsable API) and the session does not authenticate
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["type"] == "application/json"
    assert answer["status"] == 401
    assert json.loads(answer["body"])["code"] == "not_authenticated"
