"""The shipped reverse proxy recipe (deploy/nginx.conf) run by Debian's nginx.

One configuration is the source: deploy/nginx.conf and its includes are rendered as
the compose recipe renders them (the nginx image fills in ${API_HOST}, ${SUPPORT_HOST}
and ${LOAD_BALANCER_RANGE}), plus the few names that only make sense inside compose, replaced
here: the containers' addresses become loopback ports, port 80 a free port, and the
image's folders a temporary one. Each replaced text must occur in the recipe as
expected, so a changed recipe fails loudly here rather than being tested half-rendered.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from scripts.faults.procs import BASE_DIR, free_port, wait_for_port

DEPLOY = BASE_DIR / "deploy"
INCLUDES = ("proxy_params.inc", "json_errors.inc")
# Installed by `make nginx` (scripts/ci/install_nginx.sh).
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_available() -> bool:
    return Path(NGINX).exists()


def render(text: str, replacements: dict[str, str], *, where: str) -> str:
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(
                f"{where} no longer contains {old!r}: update scripts/faults/proxy.py"
            )
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx with the shipped recipe in front of an API on a loopback port."""

    def __init__(
        self,
        *,
        api_port: int,
        workdir: Path,
        api_host: str = "127.0.0.1",
        load_balancer_range: str = "unix:",
    ) -> None:
        """load_balancer_range: LOAD_BALANCER_RANGE, the addresses whose X-Forwarded-For
        nginx believes; `unix:` (no TCP peer) as with nothing in front of nginx."""
        self.api_port = api_port
        self.api_host = api_host
        self.load_balancer_range = load_balancer_range
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        folder = self.workdir
        (folder / "cache").mkdir(parents=True, exist_ok=True)
        site = render(
            (DEPLOY / "nginx.conf").read_text(),
            {
                # what the nginx image's envsubst step fills in
                "${API_HOST}": self.api_host,
                "${SUPPORT_HOST}": "support.invalid",
                "${LOAD_BALANCER_RANGE}": self.load_balancer_range,
                # compose's names and the image's folders
                "server api:8000;": f"server 127.0.0.1:{self.api_port};",
                # customer_support is not started: nothing listens there (a closed port)
                "server support:8001;": f"server 127.0.0.1:{free_port()};",
                "listen 80": f"listen 127.0.0.1:{self.port}",
                "/var/cache/nginx/api": str(folder / "cache"),
                "/etc/nginx/conf.d/": f"{folder}/",
                "access_log /dev/stdout json;": f"access_log {folder / 'access.log'} json;",
            },
            where="deploy/nginx.conf",
        )
        (folder / "site.conf").write_text(site)
        for name in INCLUDES:
            shutil.copy(DEPLOY / name, folder / name)
        # The image's own nginx.conf, reduced to what the site needs; everything writable
        # in the temporary folder. Workers run as the caller (root in CI) so they can read
        # a folder only its owner may enter.
        main = f"""
            {"user root;" if _is_root() else ""}
            worker_processes 1;
            pid {folder}/nginx.pid;
            error_log {folder}/error.log info;
            events {{ worker_connections 1024; }}
            http {{
                default_type application/octet-stream;
                client_body_temp_path {folder}/client_body;
                proxy_temp_path {folder}/proxy;
                fastcgi_temp_path {folder}/fastcgi;
                uwsgi_temp_path {folder}/uwsgi;
                scgi_temp_path {folder}/scgi;
                include {folder}/site.conf;
            }}
        """
        config = folder / "nginx.conf"
        config.write_text(main)
        return config

    def start(self) -> Nginx:
        config = self.write_config()
        command = [
            NGINX,
            "-p",
            str(self.workdir),
            "-c",
            str(config),
            "-e",
            str(self.workdir / "error.log"),
        ]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)  # noqa: S603
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered recipe:\n{checked.stderr}")
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            [*command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port)
        return self

    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # nginx's fast shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _is_root() -> bool:
    import os

    return os.geteuid() == 0
