"""Process statistics from /proc: resident memory, CPU time, and a background sampler.

The benchmark reports the server's peak resident memory (the sum over the uvicorn
worker processes, sampled every 100 ms, and each worker's own high-water mark) and the
CPU time spent per request by the server, PostgreSQL and the load generator.

A process may exit between being listed and being read: /proc then answers ENOENT or
ESRCH (``ProcessLookupError``), and it is skipped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError):
        return {}


def rss_mb(pid: int) -> float:
    """Resident set size now, in MiB (0 when the process is gone)."""
    value = _status(pid).get("VmRSS", "0 kB").split()[0]
    return int(value) / 1024


def hwm_mb(pid: int) -> float:
    """The process's own peak resident set size since it started, in MiB."""
    value = _status(pid).get("VmHWM", "0 kB").split()[0]
    return int(value) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(p) for p in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def postgres_pids(database: str) -> list[int]:
    """PostgreSQL's backends serving ``database`` and its own processes (checkpointer, WAL
    writer, ...), found by their process titles; not other databases' backends."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        title = cmdline(int(entry))
        if not title.startswith("postgres: "):
            continue
        words = title.split()
        client = "(" in title  # "postgres: 15/main: user database host(port) state"
        if (client or "autovacuum worker" in title) and database not in words:
            continue
        found.append(int(entry))
    return found


class CpuMeter:
    """CPU seconds used by a changing set of processes between start() and stop().

    The set is polled during the run, so processes that start and end within it (the
    floor's connections, say) are counted up to their last poll.
    """

    def __init__(self, pids: Callable[[], Iterable[int]], interval: float = 0.25) -> None:
        self.pids, self.interval = pids, interval
        self.start_values: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _poll(self) -> None:
        for pid in self.pids():
            now = cpu_seconds(pid)
            if now:
                self.last[pid] = now

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._poll()

    def start(self) -> None:
        self.start_values = {pid: cpu_seconds(pid) for pid in self.pids()}
        self.last = dict(self.start_values)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._poll()
        # A process first seen during the run was born during it: all its CPU counts.
        return sum(now - self.start_values.get(pid, 0.0) for pid, now in self.last.items())


@dataclass
class Peak:
    total_mb: float = 0.0  # the largest sum over the workers seen in one sample
    per_worker_mb: float = 0.0  # the largest single worker seen in one sample


@dataclass
class RssSampler:
    """Samples the summed RSS of the worker processes every ``interval`` seconds."""

    workers: Callable[[], list[int]]
    interval: float = 0.1
    overall: Peak = field(default_factory=Peak)
    phase: Peak = field(default_factory=Peak)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [rss_mb(pid) for pid in self.workers()]
            if sizes:
                for peak in (self.overall, self.phase):
                    peak.total_mb = max(peak.total_mb, sum(sizes))
                    peak.per_worker_mb = max(peak.per_worker_mb, max(sizes))
            time.sleep(self.interval)

    def new_phase(self) -> Peak:
        """Ends the current phase: its peak; sampling goes on into a fresh phase."""
        ended, self.phase = self.phase, Peak()
        return ended

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
