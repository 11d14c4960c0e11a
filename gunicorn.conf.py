"""gunicorn settings for both projects (the movie API and customer_support).

    gunicorn -c gunicorn.conf.py movie_api.wsgi
    gunicorn -c gunicorn.conf.py --chdir customer_support support_site.wsgi

Every knob is an environment variable (docs/deploy.md, "Scaling knobs").
"""

import os
import shutil
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# All interfaces by default: in a container the proxy reaches us over its network.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104
# Processes; each holds one database connection per thread. 2-4 per core is typical.
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
# A request still running after `timeout` seconds gets its worker killed and restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, a scale-down) workers finish what they serve for this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy that keeps connections open to us.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A slow leak must never grow without bound, so a worker whose resident memory passed
# GUNICORN_MAX_WORKER_MEMORY_MB is recycled (`post_request`, below). Not by request count:
# at the cached rate (~1,000 requests/s per worker) the former 2,000 restarted every
# worker every two seconds, each re-importing Django on a busy core with cold caches,
# which cut the cached list's requests/s by half to four fifths (bench/README.md,
# "Worker recycling"). A worker measured ~100 MB steady; the bound leaves room for big
# legitimate requests (a 25-megapixel image is decoded in memory). 0 turns it off.
_MAX_WORKER_MEMORY_MB = _int("GUNICORN_MAX_WORKER_MEMORY_MB", 512)
# Reading the resident size costs a file read: every this many requests is enough.
_MEMORY_CHECK_EVERY = 100
# Recycling by count stays available (0 = never): jitter spreads the restarts.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Heartbeat files on tmpfs: a container's overlay disk can stall them into timeouts.
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's documented advice, not a temp file
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# The proxy in front sets X-Forwarded-*; trust it only from where it runs.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Django writes the request log (one JSON line with the request id, route, user,
# status and duration). gunicorn's own access log is off unless asked for
# (GUNICORN_ACCESS_LOG=-), and then it is JSON with the same request id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '{"logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
    '"request_id": "%({x-request-id}o)s", "user_agent": "%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Keep what a worker loads at start-up out of the garbage collector's full passes.

    A full collection walks every tracked object, and a loaded process holds ~130,000
    (the URLconf with every view, serializer and GraphQL type): each took ~80 ms, which
    stalled every request queued on that worker and made a list's p99 8x its median
    over HTTP (bench/README.md). Start-up objects live as long as the process, so they
    are loaded now (the URLconf is imported lazily otherwise) and frozen: later full
    collections walk only what requests leave behind.
    """
    import gc

    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.collect()
    gc.freeze()


def resident_mb() -> float:
    """This process's resident memory in MB (Linux's /proc; elsewhere the peak)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def post_request(worker, req, environ, resp):
    """Recycle this worker after the current request once its memory is past the bound.

    `alive = False` is how gunicorn itself ends a worker at max_requests: it finishes
    what it serves and exits, and the arbiter starts a fresh one.
    """
    if not _MAX_WORKER_MEMORY_MB:
        return
    worker.requests_since_memory_check = getattr(worker, "requests_since_memory_check", 0) + 1
    if worker.requests_since_memory_check < _MEMORY_CHECK_EVERY:
        return
    worker.requests_since_memory_check = 0
    resident = resident_mb()
    if resident > _MAX_WORKER_MEMORY_MB and worker.alive:
        worker.log.info(
            "Worker %s resident memory %.0f MB > GUNICORN_MAX_WORKER_MEMORY_MB=%d: recycling",
            worker.pid,
            resident,
            _MAX_WORKER_MEMORY_MB,
        )
        worker.alive = False


# Prometheus multiprocess mode: every worker writes its metrics to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds them up; see libs/opskit.
def on_starting(server):
    """Start from an empty metrics folder: files of an earlier run would be counted."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """A recycled or crashed worker's counters stay; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
