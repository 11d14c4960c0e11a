"""How the server logs and reports errors (libs/opskit, docs/deploy.md): one line per
record on the console, as JSON for log shippers or plain text for a terminal; Sentry when
a DSN is set.
"""


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: `log_format` "json" or "plain", the root logger at `level`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": "opskit.JsonFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The access line ("GET api/movies/ 200") is the request log; Django's own
            # duplicates it.
            "django.server": {"level": "WARNING"},
        },
    }


def start_error_tracking(*, dsn: str, **options) -> None:
    """Send errors to Sentry when `dsn` is set, scrubbed (opskit.scrub_event)."""
    if dsn:
        from opskit import init_sentry

        init_sentry(dsn=dsn, **options)
