"""Every example of the API guide (docs/guide/*.md) runs against a live server.

The convention (which blocks run, in what order, with which variables) is written in
scripts/docs/examples.py and docs/guide/index.md. One server on demo data serves the
whole module; each (page, language) is one test, running that language's examples of
the page in order. A non-zero exit fails the test with the example's output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import requests

from scripts.docs.examples import guide_examples
from tests.live_server import live_server

pytestmark = pytest.mark.slow

RUNS = guide_examples()
# The console SMS backend logs "SMS to <number>: Your Movie API verification code is NNNNNN".
SMS_CODE = re.compile(r"code is (\d{6})")
EXAMPLE_SECONDS = 60


@pytest.fixture(scope="module")
def guide_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("guide")
    # The SMS lines are INFO; the live server logs WARNING and up by default.
    with live_server(workdir, extra_env={"LOG_LEVEL": "INFO"}) as server:
        answer = requests.post(
            f"{server.url}/api/users/login/",
            json={"username": "demo", "password": "demo-Pass-123"},
            timeout=30,
        )
        answer.raise_for_status()
        yield server, answer.json()["access"]


def test_the_guide_has_examples_in_every_language():
    # given the guide's pages / then each language has examples, and the quick start
    # shows all three
    languages = {language for _page, language in RUNS}
    assert languages == {"sh", "python", "js"}
    quickstart = {language for page, language in RUNS if page.endswith("quickstart.md")}
    assert quickstart == {"sh", "python", "js"}


@pytest.mark.parametrize(
    ("page", "language"), list(RUNS), ids=[f"{p.split('/')[-1]}-{lang}" for p, lang in RUNS]
)
def test_guide_examples_run(guide_server, page, language):
    server, access = guide_server
    if language == "js" and shutil.which("node") is None:
        pytest.fail("node (20 or later) is needed to run the guide's JavaScript examples")
    for example in RUNS[(page, language)]:
        # given the newest code the server texted (the quick start's verification step)
        codes = SMS_CODE.findall(server.log_text())
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "BASE": server.url,
            "ACCESS": access,
            "CODE": codes[-1] if codes else "",
        }
        # when the example runs as a reader would run it
        done = subprocess.run(
            _command(example), env=env, capture_output=True, text=True, timeout=EXAMPLE_SECONDS
        )
        # then it exits 0
        assert done.returncode == 0, (
            f"{example.name} exited {done.returncode}\n--- stdout\n{done.stdout}\n"
            f"--- stderr\n{done.stderr}\n--- code\n{example.code}"
        )


def _command(example):
    from scripts.docs.examples import command

    return command(example, sys.executable)
