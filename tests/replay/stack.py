"""The production stack the replay starts: gunicorn x3 behind the shipped nginx recipe.

- the movie API under `movie_api.settings.production`, run by gunicorn with the
  shipped gunicorn.conf.py (read from the repository root) and 3 workers;
- PostgreSQL from DATABASE_URL (a database of its own on that server, made and dropped
  here, so the test run's database is untouched); without DATABASE_URL, a SQLite file;
- two Redis stores, as production needs them (docs/deploy.md): the security store
  (deny-list, rate-limit windows) from REDIS_URL, or without it a redis-server of our
  own with `noeviction`; the response cache always on a redis-server of our own,
  `allkeys-lru` with CACHE_BUDGET_BYTES of room (`cache_url`), so a reproduction can
  fill it past its budget;
- NUM_PROXIES=1: the app believes one X-Forwarded-For hop, the proxy's.
  `api_url` is gunicorn itself, where a test plays that proxy and names the client
  address (`send(..., client=...)`); `edge_url` is Debian's nginx with deploy/nginx.conf
  in front (scripts/faults/proxy.py), for what the proxy must stop. Its
  LOAD_BALANCER_RANGE is LOAD_BALANCER, a loopback address of its own: a test plays the
  load balancer in front of nginx by connecting from there (`send_from(LOAD_BALANCER,
  ...)`), and a client facing nginx directly from any other (e.g. DIRECT_CLIENT).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from scripts.faults.procs import (
    BASE_DIR,
    PYTHON,
    Gunicorn,
    RedisServer,
    production_env,
    run,
)
from scripts.faults.proxy import Nginx, nginx_available

# The marks of every replay module: `pytestmark = REPLAY`.
REPLAY = [
    pytest.mark.replay,
    pytest.mark.e2e,  # a real server: the serial slow tier
    pytest.mark.skipif(
        not shutil.which("redis-server"), reason="needs the redis-server binary (the cache's)"
    ),
    pytest.mark.skipif(not nginx_available(), reason="needs nginx: `make nginx`"),
]

WORKERS = 3
REQUEST_TIMEOUT = 60  # a busy 2-core machine; the tests count, they do not time
DEFAULT_CLIENT = "198.51.100.1"  # a documentation address (RFC 5737), never routed
# Linux answers on all of 127.0.0.0/8, so a test may connect from any of these.
LOAD_BALANCER = "127.0.0.2"
DIRECT_CLIENT = "127.0.0.3"
# The response cache's memory on top of what an empty redis-server uses: small, so
# that filling it past its budget takes a few dozen pages.
CACHE_BUDGET_BYTES = 1024 * 1024


@dataclass
class Account:
    """A verified user of the replay stack and its JWT pair."""

    username: str
    password: str
    access: str
    refresh: str
    phone: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


@dataclass
class ReplayStack:
    api_url: str
    edge_url: str
    env: dict[str, str]
    gunicorn: Gunicorn
    nginx: Nginx
    session: requests.Session = field(default_factory=requests.Session)

    def send(
        self,
        method: str,
        path: str,
        *,
        client: str = DEFAULT_CLIENT,
        account: Account | None = None,
        headers: dict[str, str] | None = None,
        **kwargs,
    ) -> requests.Response:
        """`method path` to gunicorn as the load balancer would pass it from `client`."""
        headers = {"X-Forwarded-For": client, **(headers or {})}
        if account is not None:
            headers.update(account.auth)
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return self.session.request(method, self.api_url + path, headers=headers, **kwargs)

    def send_from(
        self,
        source: str,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        edge_url: str | None = None,
        **kwargs,
    ) -> requests.Response:
        """`method path` to nginx (edge_url, or another nginx's) on a connection from
        the local address `source`."""
        session = requests.Session()
        session.mount("http://", SourceAddressAdapter(source))
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        with session:
            return session.request(
                method, (edge_url or self.edge_url) + path, headers=headers, **kwargs
            )

    def manage(self, *args: str) -> str:
        """Run a manage.py command against the stack's database; its output."""
        return run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=self.env).stdout

    def verified_account(self, prefix: str = "replay") -> Account:
        """A new active user with a verified phone, signed in (as load_demo_data makes
        its demo user; the sign-up flow itself is the accounts tests' subject)."""
        suffix = uuid.uuid4().hex[:10]
        username, password = f"{prefix}{suffix}", f"Replay-pass-{suffix}"
        phone = f"+1415{int(suffix, 16) % 10**7:07d}"
        self.manage(
            "shell",
            "-c",
            "from django.utils import timezone; from users.models import User; "
            f"User.objects.create_user({username!r}, {username + '@example.com'!r}, "
            f"{password!r}, phone_number={phone!r}, phone_verified_at=timezone.now(), "
            "is_active=True)",
        )
        # each account signs in from an address of its own: no sign-in limit is shared
        client = f"198.51.100.{int(suffix[:2], 16) % 250 + 2}"
        answer = self.send(
            "POST",
            "/api/users/login/",
            client=client,
            json={"username": username, "password": password},
        )
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        return Account(username, password, tokens["access"], tokens["refresh"], phone)

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell` against the stack's database; what it printed."""
        return self.manage("shell", "--no-imports", "-c", code)

    def texted_code(self, phone: str) -> str:
        """The live code last texted to `phone`, as its owner would read it.

        The stack's SMS backend is the console's, whose log lines the production JSON log
        redacts (codes and numbers masked), and only the code's keyed hash is stored. So
        the harness plays the phone: it gives the live code known digits (the same
        hash the server would have made of them) and returns those. Waits for a code
        sent off the request (the sign-in step-up's)."""
        code = "246810"
        done = self.shell(
            "import time; from users import otp; from users.models import OTPCode\n"
            "for _ in range(100):\n"
            f"    live = OTPCode.objects.filter(phone_number={phone!r}, used_at=None,"
            " voided_at=None).order_by('-created_at', '-id').first()\n"
            "    if live: break\n"
            "    time.sleep(0.3)\n"
            f"live.code_hash = otp.hash_code(code={code!r}, phone_number={phone!r},"
            " nonce=live.nonce)\n"
            "live.save(update_fields=['code_hash']); print('set')"
        )
        assert done.strip().endswith("set"), done
        return code

    def log_tail(self) -> str:
        gunicorn = self.gunicorn.log_path.read_text(errors="replace")[-3000:]
        return f"gunicorn:\n{gunicorn}\nnginx:\n{self.nginx.error_log()[-2000:]}"


class SourceAddressAdapter(HTTPAdapter):
    """Connects from the local address `source` (any port)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


@contextlib.contextmanager
def database(workdir: Path) -> Iterator[str]:
    """A database URL of the replay's own: on DATABASE_URL's server, or a SQLite file."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'replay.sqlite3'}"
        return
    import psycopg2

    parts = urlsplit(given)
    name = f"{parts.path.lstrip('/') or 'movie_api'}_replay"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql: str) -> None:
        connection = psycopg2.connect(admin)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def security_store_url() -> Iterator[str]:
    """The security store (deny-list, rate-limit windows): REDIS_URL when given (the
    root conftest then empties it between tests); else a redis-server of our own that
    never evicts, as docs/deploy.md asks of production's."""
    given = os.environ.get("REDIS_URL", "")
    if given:
        yield given
        return
    with RedisServer(options=("--maxmemory-policy", "noeviction")) as redis:
        yield redis.url()


@contextlib.contextmanager
def response_cache_url() -> Iterator[str]:
    """The response cache: always a redis-server of our own, evicting as compose's does
    (allkeys-lru), with CACHE_BUDGET_BYTES of room, so a reproduction can fill it."""
    import redis as redis_client

    with RedisServer(options=("--maxmemory-policy", "allkeys-lru")) as server:
        admin = redis_client.Redis.from_url(server.url())
        admin.config_set("maxmemory", admin.info("memory")["used_memory"] + CACHE_BUDGET_BYTES)
        admin.close()
        yield server.url()


@contextlib.contextmanager
def replay_stack(workdir: Path) -> Iterator[ReplayStack]:
    with (
        database(workdir) as database_url,
        response_cache_url() as cache_url,
        security_store_url() as security_url,
    ):
        env = production_env(
            database_url=database_url,
            redis_url=cache_url,
            REDIS_SECURITY_URL=security_url,
            NUM_PROXIES="1",
            # its own keys in a shared Redis
            CACHE_KEY_PREFIX=f"replay-{uuid.uuid4().hex[:8]}",
            MEDIA_ROOT=str(workdir / "media"),
            STATIC_ROOT=str(workdir / "static"),
        )
        run([PYTHON, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR, env=env)
        log = workdir / "gunicorn.log"
        with Gunicorn(env, workers=WORKERS, log_path=log, access_log=True) as gunicorn:
            gunicorn.wait_until_every_worker_serves("/healthz")
            with Nginx(
                api_port=gunicorn.port,
                workdir=workdir / "nginx",
                load_balancer_range=LOAD_BALANCER,
            ) as nginx:
                yield ReplayStack(
                    api_url=gunicorn.url,
                    edge_url=nginx.url,
                    env=env,
                    gunicorn=gunicorn,
                    nginx=nginx,
                )
