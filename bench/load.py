"""Load generators, each a separate process: wrk with bench/wrk.lua, or Python (httpx).

Both read the same entries file (one request a line: ``<token or ->\\t<JSON body>``),
keep N clients busy until a deadline or a request count, whichever comes first, and
check every response the same way: HTTP 200 with no top-level ``errors`` key and the
scenario's marker is ok; 200 without the marker is "rejected" (a user error or a null
result); anything else is an error.

The write scenarios need an exact count of successes (forms in the database must equal
the successes seen), so nothing may be in flight when the generator stops. The Python
driver stops sending at the deadline and waits for the requests in flight. wrk abandons
the requests in flight when its own time is up, so for writes (:func:`run_wrk` with
``exact``) it runs one thread per client (one connection each): a thread stops at the
first response after the deadline, when it has nothing in flight, and wrk's own time
is the deadline plus a grace period; bench/wrk.lua counts requests sent and answered,
and any left unanswered are reported as errors. wrk's CPU per request is a small
fraction of the Python driver's, which on two cores leaves more to the server.

``python -m bench.load SPEC.json`` runs the Python driver and prints one line
``BENCH_RESULT {json}``.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk.lua"


@dataclass
class LoadSpec:
    url: str  # the GraphQL endpoint
    entries: str  # path of the entries file
    clients: int
    duration: float
    max_requests: int
    marker: str  # what an ok response contains
    once: bool = False  # each entry at most once (reviews); else cycle through them


def write_entries(path: Path, entries: list[tuple[str | None, dict[str, Any]]]) -> None:
    with path.open("w") as f:
        for token, body in entries:
            f.write(f"{token or '-'}\t{json.dumps(body, ensure_ascii=False)}\n")


def read_entries(path: str) -> list[tuple[str | None, bytes]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            token, body = line.rstrip("\n").split("\t", 1)
            out.append((None if token == "-" else token, body.encode()))
    return out


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[str, float, str]:
    """Runs a command to its end: its stdout, its CPU seconds (user + system), its stderr."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read()
        if proc.returncode != 0:
            stderr = f"exit {proc.returncode}: {stderr}"
        return out.read(), usage.ru_utime + usage.ru_stime, stderr


def result_line(out: str) -> dict[str, Any]:
    for line in out.splitlines():
        if line.startswith("BENCH_RESULT "):
            return dict(json.loads(line.removeprefix("BENCH_RESULT ")))
    raise RuntimeError(f"load generator printed no result:\n{out[-2000:]}")


def finish(result: dict[str, Any], driver: str, clients: int, cpu: float) -> dict[str, Any]:
    elapsed = result["elapsed_s"] or 1e-9
    result.update(
        driver=driver,
        clients=clients,
        rps=result["requests"] / elapsed,
        ok_per_s=result["ok"] / elapsed,
        loadgen_cpu_s=cpu,
    )
    return result


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


EXACT_GRACE_S = 10  # wrk's time beyond the deadline, for the last responses of an exact run


def run_wrk(spec: LoadSpec, threads: int = 1, exact: bool = False) -> dict[str, Any]:
    """A run under wrk; ``exact``: one thread per client, every request answered (writes)."""
    threads = spec.clients if exact else max(1, min(threads, spec.clients))
    per_thread = max(1, spec.max_requests // threads)
    seconds = max(1, math.ceil(spec.duration)) + (EXACT_GRACE_S if exact else 0)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{spec.clients}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        spec.url,
        "--",
        spec.entries,
        "once" if spec.once else "cycle",
        str(per_thread),
        str(spec.duration),
        spec.marker,
        str(threads),
    ]
    out, cpu, err = run_child(cmd)
    if "BENCH_RESULT" not in out:
        raise RuntimeError(f"wrk failed: {err}")
    result = result_line(out)
    unanswered = result["sent"] - result["requests"]
    if exact and unanswered:
        result["errors"] += unanswered
        result["first_error"] = (
            f"{unanswered} requests sent but not answered when wrk stopped; "
            + result["first_error"]
        )
    return finish(result, "wrk", spec.clients, cpu)


def run_python(spec: LoadSpec) -> dict[str, Any]:
    """The Python driver in its own process (uvloop when installed)."""
    spec_path = Path(spec.entries).with_suffix(".spec.json")
    spec_path.write_text(json.dumps(asdict(spec)))
    out, cpu, err = run_child([sys.executable, "-m", "bench.load", str(spec_path)])
    if "BENCH_RESULT" not in out:
        raise RuntimeError(f"python load generator failed: {err}")
    result = result_line(out)
    return finish(result, "python-httpx", spec.clients, result.pop("cpu_s", cpu))


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def classify(status: int, body: bytes, marker: bytes) -> str:
    if status != 200:
        return "error"
    try:
        json.loads(body)
    except ValueError:
        return "error"
    if b'"errors":' in body:
        return "error"
    return "ok" if marker in body else "rejected"


async def drive(spec: LoadSpec) -> dict[str, Any]:
    import httpx

    entries = read_entries(spec.entries)
    marker = spec.marker.encode()
    limit = min(spec.max_requests, len(entries)) if spec.once else spec.max_requests
    counts = {"ok": 0, "rejected": 0, "errors": 0}
    samples: dict[str, str] = {}
    latencies: list[float] = []
    issued = 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    deadline = started + spec.duration
    last_done = started
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=spec.clients, max_keepalive_connections=spec.clients)
    async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:

        async def one_client(index: int) -> None:
            nonlocal issued, last_done
            # Client i takes entries i, i + n, ...: two clients never share one.
            mine = entries[index :: spec.clients] or entries
            turn = 0
            while issued < limit and time.perf_counter() < deadline:
                if spec.once and turn >= len(mine):
                    return
                token, body = mine[turn % len(mine)]
                turn += 1
                issued += 1
                h = dict(headers, Authorization=f"Bearer {token}") if token else headers
                t0 = time.perf_counter()
                try:
                    response = await client.post(spec.url, content=body, headers=h)
                    kind = classify(response.status_code, response.content, marker)
                    text = response.text
                except httpx.HTTPError as error:
                    kind, text = "error", repr(error)
                t1 = time.perf_counter()
                latencies.append(t1 - t0)
                last_done = max(last_done, t1)
                counts[kind if kind != "error" else "errors"] += 1
                if kind != "ok":
                    samples.setdefault(kind, text[:400])

        await asyncio.gather(*(one_client(i) for i in range(spec.clients)))
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(latencies),
        **counts,
        "socket_errors": 0,
        "elapsed_s": last_done - started,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else 0.0,
        "first_error": samples.get("error", ""),
        "first_rejected": samples.get("rejected", ""),
        # The load's own CPU, without the interpreter's start (imports) and exit.
        "cpu_s": time.process_time() - cpu_started,
    }


def main() -> int:
    spec = LoadSpec(**json.loads(Path(sys.argv[1]).read_text()))
    try:
        import uvloop

        result = uvloop.run(drive(spec))
    except ImportError:
        result = asyncio.run(drive(spec))
    sys.stdout.write("BENCH_RESULT " + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
