"""Request ids, JSON logs without secrets, /readyz and /metrics (docs/deploy.md)."""

import io
import itertools
import json
import logging
import re
from http import HTTPStatus

import opskit
import pytest
from prometheus_client import REGISTRY

from core import metrics
from core.security.ratelimit import configured_rates
from users import otp, sms
from users.tests.helpers import LOGIN_URL, REFRESH_URL, VERIFY_URL, registration

METRICS_TOKEN = "metrics-test-token-0123456789"
_phones = itertools.count(7000)


def new_phone() -> str:
    """A fresh valid US number in E.164."""
    return f"+1202555{next(_phones) % 10000:04d}"


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


def sample(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# ---------------------------------------------------------------- request id


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_fresh_one(api_client):
    # when
    first = api_client.get("/api/movies/")
    second = api_client.get("/api/movies/")
    # then
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_valid_incoming_request_id_is_honoured(api_client):
    # given
    incoming = "3f2c9a1e-5b7d-4c8e-9f10-2a3b4c5d6e7f"
    # when
    response = api_client.get("/api/movies/", HTTP_X_REQUEST_ID=incoming)
    # then
    assert response.status_code == HTTPStatus.OK
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 129, "abc def ghi", 'forged"}\n{"level":"ERROR', "../../etc/passwd!"],
)
@pytest.mark.django_db
def test_an_unsafe_incoming_request_id_is_replaced(api_client, incoming):
    # when
    response = api_client.get("/api/movies/", HTTP_X_REQUEST_ID=incoming)
    # then
    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_json_error_bodies_carry_the_request_id(api_client, staff_client):
    # given
    rid = "req-0123456789abcdef"
    # when: an unknown route, a validation error, a missing object
    not_found = api_client.get("/api/nothing-here/", HTTP_X_REQUEST_ID=rid)
    invalid = staff_client.post("/api/movies/genres/", {"name": ""}, HTTP_X_REQUEST_ID=rid)
    missing = api_client.get("/api/movies/999999/", HTTP_X_REQUEST_ID=rid)
    # then: the usual error shape, plus the id the response header carries
    assert not_found.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Not found.",
        "request_id": rid,
    }
    assert invalid.status_code == HTTPStatus.BAD_REQUEST
    assert invalid.json()["errors"][0]["field"] == "name"
    assert invalid.json()["request_id"] == rid
    assert missing.json()["code"] == "not_found"
    assert missing.json()["request_id"] == rid
    assert missing["Content-Length"] == str(len(missing.content))


@pytest.mark.django_db
def test_graphql_errors_carry_the_request_id_in_extensions(api_client):
    # when
    response = api_client.post(
        "/graphql/",
        {"query": "{ movie(id: 1) { nope } }"},
        format="json",
        HTTP_X_REQUEST_ID="gql-request-0001",
    )
    # then
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert body["extensions"] == {"requestId": "gql-request-0001"}


@pytest.mark.django_db
def test_successful_bodies_are_left_alone(api_client):
    response = api_client.get("/api/movies/", HTTP_X_REQUEST_ID="ok-request-0001")
    assert "request_id" not in response.json()


# ---------------------------------------------------------------- logs


@pytest.mark.django_db
def test_each_request_writes_one_json_access_line(auth_client, user, json_log):
    # when
    auth_client.get("/api/users/me/", HTTP_X_REQUEST_ID="access-line-0001")
    # then
    lines = [line for line in json_log() if line["logger"] == "access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "access-line-0001"
    assert line["method"] == "GET"
    assert line["route"] == "api/users/me/"
    assert line["status"] == 200
    assert line["user_id"] == user.pk
    assert line["duration_ms"] >= 0
    assert line["db_queries"] >= 1
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_no_secret_reaches_a_log_line(api_client, monkeypatch, json_log):
    # given: a whole sign-up, sign-in and refresh, with the codes the SMS carried
    phone = new_phone()
    body = registration(phone)
    sent = []
    original_send = sms.ConsoleBackend.send

    def record(self, *, to, body):
        sent.append(re.search(r"\d{6}", body).group())
        original_send(self, to=to, body=body)

    monkeypatch.setattr(sms.ConsoleBackend, "send", record)
    # when
    assert api_client.post("/api/users/register/", body).status_code == HTTPStatus.CREATED
    wrong = "000000" if sent[0] != "000000" else "111111"
    api_client.post(VERIFY_URL, {"phone_number": phone, "code": wrong})
    verified = api_client.post(VERIFY_URL, {"phone_number": phone, "code": sent[0]})
    assert verified.status_code == HTTPStatus.OK
    login = api_client.post(
        LOGIN_URL, {"username": body["username"], "password": body["password"]}
    ).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login['access']}")
    api_client.post(REFRESH_URL, {"refresh": login["refresh"]})
    api_client.post(LOGIN_URL, {"username": body["username"], "password": "Wrong-pass-99"})
    # then
    text = "\n".join(json.dumps(line) for line in json_log())
    assert '"logger": "users.sms"' in text  # the code was logged, masked
    assert '"logger": "access"' in text
    for secret in [body["password"], sent[0], phone, phone[1:], login["access"], login["refresh"]]:
        assert secret not in text
    assert "Wrong-pass-99" not in text


def test_the_formatter_masks_secrets_in_text_and_extra_fields():
    # given
    record = logging.LogRecord("users.sms", logging.INFO, __file__, 1, "SMS to %s: %s", None, None)
    record.args = ("+14155550142", "Your code is 654321. Authorization: Bearer abc.def-ghij")
    record.password = "hunter2-hunter2"
    # when
    line = json.loads(opskit.JsonFormatter().format(record))
    # then
    assert "654321" not in line["message"]
    assert "4155550142" not in line["message"]
    assert "abc.def-ghij" not in line["message"]
    assert line["password"] == "[redacted]"


# ---------------------------------------------------------------- readiness


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_migrations(api_client):
    response = api_client.get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
    }


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_unapplied(api_client, monkeypatch):
    # given: a deploy whose code is ahead of its database
    monkeypatch.setattr(opskit, "_migrations_applied", False)
    monkeypatch.setattr(
        opskit.MigrationExecutor, "migration_plan", lambda self, targets: [("movies", False)]
    )
    # when
    response = api_client.get("/readyz")
    # then
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["migrations"] == "error: 1 unapplied"
    assert response.json()["status"] == "unavailable"
    # /healthz (liveness) does not look at migrations
    assert api_client.get("/healthz").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_fails(api_client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    response = api_client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] == "error: ConnectionError"


# ---------------------------------------------------------------- metrics


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", METRICS_TOKEN])
@pytest.mark.django_db
def test_metrics_are_hidden_without_the_token(api_client, settings, authorization):
    # given
    settings.METRICS_TOKEN = METRICS_TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    # when
    response = api_client.get("/metrics", **headers)
    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"http_request_duration_seconds" not in response.content


@pytest.mark.django_db
def test_metrics_are_off_when_no_token_is_set(api_client, settings):
    settings.METRICS_TOKEN = ""
    response = api_client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_metrics_count_requests_by_route_status_class_and_queries(api_client, settings):
    # given
    settings.METRICS_TOKEN = METRICS_TOKEN
    route = {"route": "api/movies/genres/", "method": "GET"}
    before_count = sample("http_request_duration_seconds_count", **route)
    before_2xx = sample("http_responses_total", status_class="2xx")
    before_404 = sample("http_responses_total", status_class="4xx")
    before_queries = sample("http_request_db_queries_count", route="api/movies/genres/")
    # when
    for _ in range(3):
        api_client.get("/api/movies/genres/")
    api_client.get("/api/missing/")
    response = api_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    # then
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    assert b'http_request_duration_seconds_bucket{le="0.005"' in response.content
    assert sample("http_request_duration_seconds_count", **route) == before_count + 3
    assert sample("http_responses_total", status_class="2xx") >= before_2xx + 3
    assert sample("http_responses_total", status_class="4xx") >= before_404 + 1
    assert sample("http_request_db_queries_count", route="api/movies/genres/") == (
        before_queries + 3
    )
    assert sample("http_request_db_queries_sum", route="api/movies/genres/") > 0


@pytest.mark.django_db
def test_metrics_count_throttle_refusals_by_scope(api_client, monkeypatch):
    # given a login rate of two a minute
    monkeypatch.setitem(configured_rates(), "login", "2/min")
    before = sample("movie_api_throttle_refusals_total", scope="login")
    # when
    statuses = [
        api_client.post(LOGIN_URL, {"username": "nobody", "password": "x"}).status_code
        for _ in range(4)
    ]
    # then
    assert statuses.count(HTTPStatus.TOO_MANY_REQUESTS) == 2
    assert sample("movie_api_throttle_refusals_total", scope="login") == before + 2


@pytest.mark.django_db
def test_metrics_count_otp_sends_failures_and_sms_errors(api_client, monkeypatch):
    # given
    before_sent = sample("movie_api_otp_events_total", event="sent")
    before_failed = sample("movie_api_otp_events_total", event="verify_failed")
    before_send_failed = sample("movie_api_otp_events_total", event="send_failed")
    before_sms = sample("movie_api_sms_errors_total", kind="unavailable")
    phone = new_phone()
    monkeypatch.setattr(otp, "generate_code", lambda: "123456")
    # when: one code sent, one wrong code, then the SMS provider goes down
    api_client.post("/api/users/register/", registration(phone))
    wrong = api_client.post(VERIFY_URL, {"phone_number": phone, "code": "654321"})
    assert wrong.json()["errors"][0]["field"] == "code"

    def down(self, *, to, body):
        raise sms.SMSUnavailable("provider down")

    monkeypatch.setattr(sms.ConsoleBackend, "send", down)
    failed = api_client.post("/api/users/register/", registration(new_phone()))
    # then
    assert failed.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert sample("movie_api_otp_events_total", event="sent") == before_sent + 1
    assert sample("movie_api_otp_events_total", event="verify_failed") == before_failed + 1
    assert sample("movie_api_otp_events_total", event="send_failed") == before_send_failed + 1
    assert sample("movie_api_sms_errors_total", kind="unavailable") == before_sms + 1


class FakeRedis:
    """Answers INFO stats like Redis does."""

    def __init__(self, stats=None, error=None):
        self.stats, self.error = stats, error

    def info(self, section):
        if self.error:
            raise self.error
        return self.stats


class FakeCache:
    def __init__(self, redis):
        self.client = type("Client", (), {"get_client": lambda _, write: redis})()


def test_cache_hit_ratio_is_read_from_redis(monkeypatch):
    # given: Redis has counted 300 hits and 100 misses
    monkeypatch.setattr(
        metrics, "cache", FakeCache(FakeRedis({"keyspace_hits": 300, "keyspace_misses": 100}))
    )
    # when
    families = {
        family.name: family.samples[0].value for family in metrics.RedisCacheCollector().collect()
    }
    # then
    assert families == {
        "movie_api_cache_hits": 300,
        "movie_api_cache_misses": 100,
        "movie_api_cache_hit_ratio": 0.75,
    }


def test_cache_figures_are_left_out_when_redis_fails_or_is_not_the_cache(monkeypatch):
    monkeypatch.setattr(metrics, "cache", FakeCache(FakeRedis(error=ConnectionError("down"))))
    assert list(metrics.RedisCacheCollector().collect()) == []
    monkeypatch.setattr(metrics, "cache", object())
    assert list(metrics.RedisCacheCollector().collect()) == []
