"""`zhengdun serve --workers 2`: the parent hands the connections to the workers in turn, so
clients that connect at once are spread evenly; a worker that dies is replaced; the address
cannot be taken twice; SIGTERM stops the whole server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench import procstat
from bench.server import free_port

TIMEOUT = 60.0
Served = tuple[subprocess.Popen[bytes], int, Path]  # the server, its port, its log


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def workers_of(server: subprocess.Popen[bytes]) -> list[int]:
    kids = procstat.children(server.pid)
    return [pid for pid in kids if "resource_tracker" not in procstat.cmdline(pid)]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def serve(database_url: str, port: int, log: Path, *options: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "zhengdun.cli", "serve", "--workers", "2", "--port", str(port)]
    command += options
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def server(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    process = serve(migrated, port, log)
    try:
        # Both workers started (the first one answers before the second has started).
        wait_until(lambda: started(log) == 2 and healthy(port), "two workers")
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def started(log: Path) -> int:
    return log.read_text().count("Application startup complete")


def sockets(port: int, state: str) -> set[str]:
    """The kernel's TCP sockets on the local port in this state (01 established, 0A
    listening), as /proc/<pid>/fd names them."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in list(f)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    found.add(f"socket:[{fields[9]}]")
    return found


def connections_by_worker(port: int, workers: list[int]) -> Counter[int]:
    """How many established connections to the port each worker holds (from /proc)."""
    inodes = sockets(port, "01")
    held: Counter[int] = Counter()
    for pid in workers:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    held[pid] += 1
            except FileNotFoundError:
                continue
    return held


def test_clients_that_connect_at_once_are_spread_evenly_over_the_workers(server: Served) -> None:
    process, port, _ = server
    workers = workers_of(process)
    # Both workers paused, as when 32 clients connect in the same instant: one shared socket
    # would give them all to whichever worker runs first, a socket per worker (SO_REUSEPORT)
    # splits them by a hash of their addresses (11/21 seen with 32).
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        clients = [
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(16)
        ]
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        held = connections_by_worker(port, workers)
        assert sorted(held.values()) == [8, 8], held
    finally:
        for client in clients:
            client.close()


def test_the_address_cannot_be_served_twice(server: Served, migrated: str, tmp_path: Path) -> None:
    _, port, _ = server
    second = serve(migrated, port, tmp_path / "second.log")
    assert second.wait(TIMEOUT) == 3  # uvicorn's start-up failure
    assert "Address already in use" in (tmp_path / "second.log").read_text()
    assert healthy(port)


def test_the_access_log_can_be_left_to_a_proxy(
    server: Served, migrated: str, tmp_path: Path
) -> None:
    """A line per request by default; none with ``--no-access-log`` (the workers' too)."""
    _, port, log = server
    assert healthy(port)
    wait_until(lambda: '"GET /healthz HTTP/1.1" 200' in log.read_text(), "the access log")
    quiet_port, quiet_log = free_port(), tmp_path / "quiet.log"
    quiet = serve(migrated, quiet_port, quiet_log, "--no-access-log")
    try:
        wait_until(lambda: started(quiet_log) == 2 and healthy(quiet_port), "two workers")
        assert all(healthy(quiet_port) for _ in range(4))  # both workers answered
        quiet.send_signal(signal.SIGTERM)
        assert quiet.wait(TIMEOUT) == 0
        assert "/healthz" not in quiet_log.read_text()
    finally:
        if quiet.poll() is None:
            quiet.kill()
            quiet.wait()


def test_a_worker_that_dies_is_replaced(server: Served) -> None:
    process, port, log = server
    before, started_before = workers_of(process), started(log)
    os.kill(before[0], signal.SIGKILL)
    wait_until(
        lambda: before[0] not in workers_of(process) and started(log) == started_before + 1,
        "a replacement worker started",
    )
    assert "starting another" in log.read_text()
    # Connections go to both workers in turn again, the new one included.
    assert all(healthy(port) for _ in range(6))
    assert len(workers_of(process)) == 2


def test_sigterm_stops_the_server_and_its_workers(server: Served) -> None:
    process, port, log = server
    workers = workers_of(process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(TIMEOUT) == 0
    assert not any(os.path.exists(f"/proc/{pid}") for pid in workers)
    assert log.read_text().count("Application shutdown complete") >= 2
    assert not healthy(port)
