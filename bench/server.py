"""Starting and stopping the servers under test, and finding their worker processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench import procstat


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post_json(url: str, payload: dict, token: str | None = None, timeout: float = 60) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(payload).encode(), headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return dict(json.loads(response.read()))


class Server:
    """A server process tree started from a command line; its workers are its children
    (or the process itself when it has none)."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.cmd, self.env, self.log_path = name, cmd, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self._workers: list[int] = []

    def start(self, url: str, expect_workers: int, timeout: float = 120) -> None:
        self.url = url
        self.log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
            try:
                if "data" in post_json(url, {"query": "{ __typename }"}, timeout=5):
                    workers = self.find_workers()
                    if len(workers) >= expect_workers:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in {timeout}s; see {self.log_path}")
            time.sleep(0.3)
        self._workers = self.find_workers()

    def find_workers(self) -> list[int]:
        assert self.proc is not None
        kids = [
            pid
            for pid in procstat.children(self.proc.pid)
            # uvicorn's spawned workers; not multiprocessing's resource tracker
            if "resource_tracker" not in procstat.cmdline(pid)
        ]
        return kids or [self.proc.pid]

    def workers(self) -> list[int]:
        return self._workers

    def all_pids(self) -> list[int]:
        assert self.proc is not None
        return [self.proc.pid, *procstat.descendants(self.proc.pid)]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)  # its own session: only its processes
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()
