"""End-to-end check of the self-hosted GraphiQL page in a real browser.

Starts the real service (``python -m zhengdun.cli serve``) on a free port and
runs ``tests/browser/graphiql_check.mjs``, which drives Debian's Chromium via
playwright-core: it runs ``{ __typename }`` through the GraphiQL UI and fails
on any request to a host other than 127.0.0.1/localhost.

Needs /usr/bin/chromium, node and ``tests/browser/node_modules`` (see
``tests/browser/install.sh``). Without them the test is skipped locally, but
fails when ``CI=true`` so that CI cannot silently skip it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER_DIR = ROOT / "tests" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
HEALTH_TIMEOUT_S = 20.0


def _missing(message: str) -> None:
    """Skip locally, but fail under CI=true: CI must run this test."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} [CI=true: this test must not be skipped]")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``url`` until it answers 200, the server dies, or time runs out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with opener.open(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer 200 within {HEALTH_TIMEOUT_S:.0f}s:\n{log.read_text()}")


def test_graphiql_runs_query_without_off_machine_requests(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        _missing("no Chromium at /usr/bin/chromium: apt-get install chromium (CI installs it)")
    node = shutil.which("node")
    if node is None:
        _missing("no node on PATH: apt-get install nodejs npm (CI installs it)")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        _missing("no tests/browser/node_modules/playwright-core: run tests/browser/install.sh")
    assert node is not None

    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/t.sqlite3"}
    cli = [sys.executable, "-m", "zhengdun.cli"]
    migrate = subprocess.run(
        [*cli, "migrate"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}"

    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(f"{base}/healthz", server, log)
        check = subprocess.run(
            [node, str(BROWSER_DIR / "graphiql_check.mjs"), base],
            check=False,
            cwd=BROWSER_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, (
            f"browser check failed (exit {check.returncode}):\n{check.stdout}\n{check.stderr}"
            f"\n--- server log ---\n{log.read_text()}"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
