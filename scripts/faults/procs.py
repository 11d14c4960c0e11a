"""Throwaway servers for fault tests: a Redis, a PostgreSQL cluster, gunicorn.

Each one is started on a free loopback port, owned by the caller, and removed on
exit. The machine's own PostgreSQL (5432) and Redis (6379) are never touched: other
engineers and CI use them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


class RedisServer:
    """A redis-server subprocess of our own, with nothing saved to disk."""

    def __init__(self, *, unix_socket: Path | None = None, options: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.unix_socket = unix_socket  # also listen there (a Redis on the same host)
        # More redis-server options, e.g. ("--maxmemory", "4mb", "--maxmemory-policy", ...).
        self.options = options
        self.process: subprocess.Popen | None = None
        self.paused = False

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def socket_url(self, db: int = 0) -> str:
        return f"unix://{self.unix_socket}?db={db}"

    def start(self) -> RedisServer:
        command = [
            shutil.which("redis-server") or "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            *("--loglevel", "warning"),
            *self.options,
        ]
        if self.unix_socket is not None:
            command += ["--unixsocket", str(self.unix_socket), "--unixsocketperm", "700"]
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port)
        return self

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers (a hung Redis)."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.paused = False

    def stop(self) -> None:
        """Terminate (a Redis that is down: connections are refused)."""
        if self.process is None or self.process.poll() is not None:
            return
        if self.paused:
            self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def random_secret(length: int = 64) -> str:
    return secrets.token_urlsafe(length)[:length]


def production_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Environment for gunicorn with the production settings on loopback, no TLS."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="movie_api.settings.production",
        SECRET_KEY=random_secret(64),
        JWT_SIGNING_KEY=random_secret(48),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # One Redis for both stores: a test rig's choice (production needs two).
        REDIS_SECURITY_URL=redis_url,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Gunicorn:
    """`gunicorn movie_api.wsgi` on a free loopback port, as production runs it."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int = 3,
        log_path: Path | None = None,
        access_log: bool = False,
    ):
        """access_log: write "ACCESS <worker pid> <status> <path>" lines to the log."""
        self.env = env
        self.access_log = access_log
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            [
                str(gunicorn),
                "movie_api.wsgi",
                *("--workers", str(self.workers)),
                *("--bind", f"127.0.0.1:{self.port}"),
                *("--timeout", "30", "--graceful-timeout", "5"),
                *(
                    ("--access-logfile", "-", "--access-logformat", "ACCESS %(p)s %(s)s %(U)s")
                    if self.access_log
                    else ()
                ),
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(self.port, timeout=60)
        except TimeoutError:
            self.stop()
            raise
        return self

    def wait_until_every_worker_serves(self, path: str = "/healthz", timeout: float = 180.0):
        """Block until each of the workers has answered a request (needs access_log).

        The arbiter binds the port before its workers have imported Django, so an open
        port is not a ready server: on a busy machine a worker can take many seconds
        to boot, and requests queued behind it would look like a slow server. Sends
        concurrent warm-up requests until the access log names `workers` distinct
        worker pids; raises with the log's tail if that takes longer than `timeout`.
        """
        import requests  # the fault scripts' only third-party client

        if not (self.access_log and self.log_path):
            raise ValueError("wait_until_every_worker_serves needs access_log and a log_path")
        deadline = time.monotonic() + timeout
        with ThreadPoolExecutor(max_workers=2 * self.workers) as pool:
            while time.monotonic() < deadline:
                list(pool.map(lambda _: _get_quietly(requests, self.url + path), range(16)))
                if len(self.pids_in_access_log(path)) >= self.workers:
                    return
                time.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise TimeoutError(
            f"only {len(self.pids_in_access_log(path))} of {self.workers} gunicorn workers "
            f"answered {path} within {timeout} s; log tail:\n{tail}"
        )

    def pids_in_access_log(self, path: str) -> set[str]:
        """Worker pids that answered `path`, from the "ACCESS <pid> <status> <path>" lines."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return {
            line.split()[1]
            for line in lines
            if line.startswith("ACCESS ") and line.split()[-1] == path
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # gunicorn's arbiter stops its workers on SIGTERM
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _get_quietly(requests, url: str) -> None:
    """One warm-up GET; a refused or slow answer only means "not ready yet"."""
    with contextlib.suppress(requests.RequestException):
        requests.get(url, timeout=30)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a tool, failing loudly with its output."""
    completed = subprocess.run(command, capture_output=True, text=True, **kwargs)  # noqa: S603
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {completed.returncode}:\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed


class PgCluster:
    """A throwaway PostgreSQL cluster of our own (pg_createcluster, Debian's tools).

    Needs root (pg_createcluster). Trust authentication on loopback only; the data
    directory is removed by drop(). Never the machine's `main` cluster.
    """

    def __init__(self, version: str | None = None, name: str | None = None) -> None:
        if version is None:
            versions = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: float(p.name))
            version = versions[-1].name
        self.version = version
        self.name = name or f"faults{os.getpid()}"
        self.port = free_port()
        self.created = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, action: str) -> None:
        run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action])

    def create(self) -> PgCluster:
        self.created = True  # from here on drop() must clean up, even a half-made cluster
        run(
            [
                "pg_createcluster",
                *("--port", str(self.port), "--start-conf", "manual"),
                self.version,
                self.name,
                "--",
                "--auth=trust",
            ]
        )
        self.start()
        return self

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as in a crash-restart or failover."""
        self._ctl("stop")

    def accepts_connections(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(
                host="127.0.0.1",
                port=self.port,
                user="postgres",
                dbname="postgres",
                connect_timeout=1,
            ).close()
        except psycopg2.OperationalError:
            return False
        return True

    def wait_until_accepting(self, timeout: float = 30.0) -> float:
        """Poll until a new connection succeeds; returns time.monotonic() of that moment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.accepts_connections():
                return time.monotonic()
            time.sleep(0.05)
        raise TimeoutError(f"cluster {self.name} does not accept connections")

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()

    def drop(self) -> None:
        if self.created:
            completed = subprocess.run(  # noqa: S603
                ["pg_dropcluster", "--stop", self.version, self.name],  # noqa: S607
                capture_output=True,
                text=True,
            )
            if completed.returncode != 0 and "does not exist" not in completed.stderr:
                raise RuntimeError(f"pg_dropcluster {self.name}: {completed.stderr}")
            self.created = False

    def __enter__(self) -> PgCluster:
        try:
            return self.create()
        except BaseException:
            self.drop()
            raise

    def __exit__(self, *exc) -> None:
        self.drop()
