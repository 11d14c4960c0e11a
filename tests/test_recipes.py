"""Deployment recipes, tested as far as this machine allows (no Docker daemon here).

- compose.yaml parses and hands every variable of both .env.example files to its service;
- the Procfile release command (migrations) is idempotent;
- gunicorn.conf.py starts the app, /metrics adds up across recycled workers
  (Prometheus multiprocess mode) and SIGTERM stops it cleanly.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
# .env.example files end their deployed variables at this line; what follows is for
# local tools (demo data, scripts, benchmarks) and never set in a deployment.
LOCAL_ONLY_MARKER = "# --- local tools only"


def example_variables(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        if line.startswith(LOCAL_ONLY_MARKER):
            break
        match = re.match(r"#?\s?([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.append(match.group(1))
    return names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_command(path: Path, process: str) -> str:
    for line in path.read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise AssertionError(f"{path} has no {process} process")


# ---------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_starts_the_whole_system(compose):
    services = compose["services"]
    assert {
        *("proxy", "api", "support", "db", "redis-cache", "redis-security", "s3"),
        *("migrate", "support-migrate"),
    } <= set(services)
    # migrations run once, before the web processes start
    done = {"condition": "service_completed_successfully"}
    assert services["api"]["depends_on"]["migrate"] == done
    assert services["support"]["depends_on"]["support-migrate"] == done
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["support-migrate"]["command"][-2:] == ["migrate", "--noinput"]
    # the web processes run gunicorn with the shared config
    assert "gunicorn.conf.py" in " ".join(services["api"]["command"])
    assert "gunicorn.conf.py" in " ".join(services["support"]["command"])


def redis_option(service: dict, name: str) -> str:
    command = service["command"]
    return command[command.index(f"--{name}") + 1]


def test_compose_keeps_security_state_on_a_redis_that_never_evicts(compose):
    services = compose["services"]
    environment = services["api"]["environment"]
    # given the two stores the API is pointed at
    cache_host = urlsplit(environment["REDIS_URL"]).hostname
    security_host = urlsplit(environment["REDIS_SECURITY_URL"]).hostname
    # then they are two instances (eviction policy and memory are per instance) ...
    assert cache_host != security_host
    # ... the cache bounded and free to evict any key, the security store never evicting
    assert redis_option(services[cache_host], "maxmemory-policy") == "allkeys-lru"
    assert redis_option(services[cache_host], "maxmemory").endswith("mb")
    assert redis_option(services[security_host], "maxmemory-policy") == "noeviction"
    assert {cache_host, security_host} <= set(services["api"]["depends_on"])


@pytest.mark.parametrize(
    ("example", "service"),
    [(".env.example", "api"), ("customer_support/.env.example", "support")],
)
def test_compose_names_every_variable_the_env_example_lists(compose, example, service):
    # given
    names = example_variables(ROOT / example)
    assert len(names) > 10
    # when
    environment = compose["services"][service]["environment"]
    # then
    missing = [name for name in names if name not in environment]
    assert missing == []


def test_the_proxy_limits_request_bodies():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    limits = re.findall(r"client_max_body_size\s+(\d+)m;", conf)
    # uploads are capped at 5 MB by the app (MAX_IMAGE_UPLOAD_BYTES), plus form overhead
    assert limits and all(1 <= int(limit) <= 10 for limit in limits)


def test_compose_mounts_every_file_the_proxy_recipe_includes(compose):
    # given the files deploy/nginx.conf includes (proxy params, the JSON error pages)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    included = set(re.findall(r"include (/etc/nginx/conf\.d/\S+);", conf))
    assert {"/etc/nginx/conf.d/proxy_params.inc", "/etc/nginx/conf.d/json_errors.inc"} <= included
    # then the proxy container gets each of them from deploy/
    mounts = {
        target: source
        for source, target, _ in (v.split(":") for v in compose["services"]["proxy"]["volumes"])
    }
    for path in included:
        assert mounts.get(path) == f"./deploy/{path.rsplit('/', 1)[1]}", path


def test_compose_gives_the_proxy_every_variable_its_recipe_names(compose):
    # given the variables the nginx image fills into deploy/nginx.conf (a variable it
    # is not given stays in the file as written, and nginx refuses or misreads it)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    named = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", conf))
    assert "LOAD_BALANCER_RANGE" in named
    # then the proxy container gets each one, and the operator's example lists it
    environment = compose["services"]["proxy"]["environment"]
    listed = example_variables(ROOT / "deploy" / "compose.env.example")
    assert sorted(named - set(environment)) == []
    assert sorted(named - set(listed)) == []


def test_the_load_balancers_range_has_no_default(compose):
    # a guessed range is wrong one way (everyone shares the load balancer's address and
    # its limits) or the other (clients choose their own): compose refuses to start
    # until .env says which addresses the load balancer connects from
    value = compose["services"]["proxy"]["environment"]["LOAD_BALANCER_RANGE"]
    assert value.startswith("${LOAD_BALANCER_RANGE:?"), value


# ---------------------------------------------------------------- release phase


@pytest.mark.slow
def test_a_gunicorn_worker_freezes_what_it_loaded_at_start_up():
    # given the hook gunicorn calls once a worker has loaded the app
    import gc
    import runpy

    hook = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]
    assert gc.get_freeze_count() == 0
    try:
        # when it runs
        hook(None)
        # then the start-up objects (the URLconf's views and serializers among them)
        # are out of the collector's full passes, and no young object is left over
        assert gc.get_freeze_count() > 10_000
        assert gc.get_count()[0] < 100
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


class FakeWorker:
    """What gunicorn's post_request hook reads and writes of a worker."""

    def __init__(self):
        self.alive, self.pid, self.messages = True, 1234, []
        self.log = self

    def info(self, message, *args):
        self.messages.append(message % args)


def gunicorn_config(monkeypatch, **env) -> dict:
    """gunicorn.conf.py's names, read with `env` set (as gunicorn reads it at start)."""
    import runpy

    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_WORKER_MEMORY_MB"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def serve(config, worker, requests: int) -> None:
    for _ in range(requests):
        config["post_request"](worker, None, {}, None)


def test_a_worker_is_not_recycled_by_request_count_by_default(monkeypatch):
    # gunicorn treats 0 as "never": at the cached rate a count restarted workers every
    # few seconds (bench/README.md, "Worker recycling")
    assert gunicorn_config(monkeypatch)["max_requests"] == 0


def test_a_worker_past_the_memory_bound_is_recycled_after_its_request(monkeypatch):
    # given a bound below what any Python process holds (1 MB)
    config = gunicorn_config(monkeypatch, GUNICORN_MAX_WORKER_MEMORY_MB="1")
    worker = FakeWorker()
    # when it serves one check interval of requests
    serve(config, worker, config["_MEMORY_CHECK_EVERY"] - 1)
    assert worker.alive
    serve(config, worker, 1)
    # then gunicorn is told to end it after this request, and the log says why
    assert worker.alive is False
    assert "GUNICORN_MAX_WORKER_MEMORY_MB=1: recycling" in worker.messages[0]


@pytest.mark.parametrize("bound", ["1000000", "0"])
def test_a_worker_within_the_bound_or_with_none_keeps_serving(monkeypatch, bound):
    config = gunicorn_config(monkeypatch, GUNICORN_MAX_WORKER_MEMORY_MB=bound)
    worker = FakeWorker()
    serve(config, worker, 3 * config["_MEMORY_CHECK_EVERY"])
    assert worker.alive and worker.messages == []


def test_the_release_command_is_idempotent(tmp_path):
    # given: the release phase of the Procfile, on a fresh database
    command = procfile_command(ROOT / "Procfile", "release")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'release.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.local",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }

    def release():
        return subprocess.run(
            command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    # when: it runs twice, as two deploys of the same code do
    first, second = release(), release()
    # then
    assert first.returncode == 0, first.stderr
    assert "Applying movies.0001_initial... OK" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "No migrations to apply." in second.stdout


# ---------------------------------------------------------------- gunicorn


@pytest.fixture
def gunicorn_server(tmp_path):
    """The movie API under gunicorn.conf.py: 2 workers, each recycled after 5 requests."""
    database = tmp_path / "gunicorn.sqlite3"
    metrics_dir = tmp_path / "prometheus"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{database}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "5",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "GUNICORN_GRACEFUL_TIMEOUT": "20",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": "gunicorn-test-metrics-token",
        "LOG_FORMAT": "json",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "movie_api.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        yield process, base, metrics_dir, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


# Read timeout for a request that may have to wait for a recycled worker to boot.
WORKER_BOOT = 180


def metric_value(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.mark.slow
def test_gunicorn_serves_the_app_and_metrics_add_up_across_workers(gunicorn_server):
    process, base, metrics_dir, log = gunicorn_server
    token = {"Authorization": "Bearer gunicorn-test-metrics-token"}
    # when: 30 requests, each on a new connection; workers are recycled every 5, so a
    # request may wait for a fresh worker to import Django: on a busy machine that alone
    # has taken over 30 s, hence the generous bound (the test counts, it does not time)
    statuses = [
        requests.get(f"{base}/api/movies/genres/", timeout=WORKER_BOOT).status_code
        for _ in range(30)
    ]
    ready = requests.get(f"{base}/readyz", timeout=WORKER_BOOT)
    scrape = requests.get(f"{base}/metrics", headers=token, timeout=WORKER_BOOT)
    # then: every request was served, by more than one worker process
    assert statuses == [HTTPStatus.OK] * 30
    assert ready.json() == {"status": "ok", "database": "ok", "cache": "ok", "migrations": "ok"}
    pids = {
        match.group(1)
        for f in metrics_dir.iterdir()
        if (match := re.search(r"_(\d+)\.db$", f.name))
    }
    assert len(pids) >= 3, pids
    # and the scrape counts all 30, including those served by workers now gone
    assert scrape.status_code == HTTPStatus.OK
    count = metric_value(
        scrape.text,
        "http_request_duration_seconds_count",
        'method="GET",route="api/movies/genres/"',
    )
    assert count == 30
    assert (
        metric_value(scrape.text, "http_request_db_queries_count", 'route="api/movies/genres/"')
        == 30
    )
    assert requests.get(f"{base}/metrics", timeout=WORKER_BOOT).status_code == HTTPStatus.NOT_FOUND
    # and the image's HEALTHCHECK command passes against it
    port = base.rsplit(":", 1)[1]
    check = subprocess.run(
        [sys.executable, "scripts/healthcheck.py", "/healthz"],
        cwd=ROOT,
        env={**os.environ, "PORT": port, "ALLOWED_HOSTS": "localhost,127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    # when: the platform stops it
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    # then: a clean, graceful exit
    output = log.read_text()
    assert process.returncode == 0, output
    assert "Shutting down: Master" in output
    # and the request log is JSON lines with request ids
    access = [line for line in output.splitlines() if '"logger": "access"' in line]
    assert len(access) >= 30
    assert all('"request_id": "' in line for line in access)


# ---------------------------------------------------------------- monitoring files


def test_alert_rules_use_only_metrics_the_apps_export():
    # given
    from prometheus_client import REGISTRY

    import core.metrics  # noqa: F401 - registers the API's own metrics

    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    expressions = " ".join(rule["expr"] for group in rules["groups"] for rule in group["rules"])
    # when
    used = set(re.findall(r"\b((?:http|movie_api)_[a-z_]+)", expressions))
    families = {family.name for family in REGISTRY.collect()}
    exported = {
        f"{name}{suffix}"
        for name in families
        for suffix in ("", "_total", "_bucket", "_sum", "_count")
    }
    # (read from Redis at scrape time by core.metrics.RedisCacheCollector)
    exported |= {
        "movie_api_cache_hits_total",
        "movie_api_cache_misses_total",
        "movie_api_cache_hit_ratio",
    }
    # then
    assert used and used <= exported, used - exported
