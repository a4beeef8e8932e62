"""`make run` for a newcomer (issue 12, items 10): the port can be chosen, the demo article's
address is printed, and the development server prints each log line once."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_runserver_prints_each_log_line_once(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status = _get(f"http://127.0.0.1:{port}/no-such-page-marker/")
                    break
                except (ConnectionError, urllib.error.URLError):
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            assert status == 404
            _get(f"http://127.0.0.1:{port}/comments/1/status/?receipt=secret-marker-123")  # no tables: a 503
            # runserver serves each request on its own thread and writes the request line after the
            # response went out, so a later request's line can land first: wait for both before stopping.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                text = log.read_text()
                if '"GET /no-such-page-marker/' in text and '"GET /comments/1/status/' in text:
                    break
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)

    output = log.read_text()
    # Django's warning for the 404 and runserver's request line, once each.
    assert output.count("Not Found: /no-such-page-marker/") == 1, output
    assert output.count('"GET /no-such-page-marker/ HTTP/1.1" 404') == 1, output
    assert output.count('"GET /comments/1/status/?receipt=[redacted] HTTP/1.1"') == 1, output
    assert "secret-marker-123" not in output


@pytest.mark.parametrize(("env", "port"), [({}, "8000"), ({"PORT": "8765"}, "8765")])
def test_make_run_serves_on_port_and_prints_the_demo_article(env, port):
    environment = {k: v for k, v in os.environ.items() if k != "PORT"} | env
    plan = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout

    assert f"runserver 127.0.0.1:{port}" in plan
    assert f"http://127.0.0.1:{port}/articles/drones-target-us-base-in-syrias-hasaka/" in plan
