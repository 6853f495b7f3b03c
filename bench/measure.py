"""One measured run: the load, and around it the CPU and memory of server and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import asyncpg

from bench import load, plan, procstat, report
from bench.server import Server

Result = dict[str, Any]


def sync(coro_fn: Callable[..., Coroutine[Any, Any, Any]], url: str, *a: Any) -> Any:
    """Runs ``coro_fn(conn, *a)`` on a fresh connection to ``url``."""

    async def go() -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await coro_fn(conn, *a)
        finally:
            await conn.close()

    return asyncio.run(go())


async def count_rows(conn: asyncpg.Connection, table: str) -> int:
    return int(await conn.fetchval(f"SELECT COUNT(*) FROM {table}"))


class Measurer:
    """Runs loads and records them in ``results``; the files go to ``out``."""

    def __init__(self, url: str, out: Path, driver: str, max_requests: int) -> None:
        self.url, self.out, self.driver, self.max_requests = url, out, driver, max_requests
        self.database = url.rsplit("/", 1)[1]
        self.results = report.Results()
        (out / "entries").mkdir(parents=True, exist_ok=True)

    def say(self, text: str) -> None:
        print(text, flush=True)

    def measure(
        self,
        system: str,
        scenario: str,
        clients: int,
        run: Callable[[], Result],
        server: Server | None = None,
        sampler: procstat.RssSampler | None = None,
    ) -> Result:
        """Runs the load; adds CPU per request (server, PostgreSQL, load generator) and the
        peak RSS of the server's workers during the run."""
        pg = procstat.CpuMeter(lambda: procstat.postgres_pids(self.database))
        cpu = procstat.CpuMeter(server.all_pids) if server else None
        pg.start()
        if cpu:
            cpu.start()
        if sampler:
            sampler.new_phase()
        result = run()
        peak = sampler.new_phase() if sampler else procstat.Peak()
        n = max(1, result["requests"])
        result.update(
            system=system,
            scenario=scenario,
            server_cpu_ms=cpu.stop() * 1000 / n if cpu else None,
            pg_cpu_ms=pg.stop() * 1000 / n,
            loadgen_cpu_ms=result["loadgen_cpu_s"] * 1000 / n,
            rss_sum_mb=peak.total_mb or None,
            rss_worker_mb=peak.per_worker_mb or None,
        )
        self.results.add(result)
        self.say(
            f"  {system:16} {scenario:12} x{clients:<3} {result['rps']:8.1f} req/s  "
            f"p50 {result['p50_ms']:7.2f}  p95 {result['p95_ms']:7.2f}  p99 "
            f"{result['p99_ms']:7.2f} ms  ok {result['ok']}  rejected {result['rejected']}  "
            f"errors {result['errors']}"
        )
        return result

    def spec(
        self,
        name: str,
        url: str,
        entries: list[plan.Entry],
        clients: int,
        duration: float,
        marker: str,
        once: bool = False,
    ) -> load.LoadSpec:
        path = plan.save(self.out / "entries" / f"{name.replace(' ', '_')}.tsv", entries)
        return load.LoadSpec(url, path, clients, duration, self.max_requests, marker, once)

    def read_load(self, spec: load.LoadSpec) -> Callable[[], Result]:
        if self.driver == "wrk":
            return lambda: load.run_wrk(spec)
        return lambda: load.run_python(spec)

    def write_load(self, spec: load.LoadSpec) -> Callable[[], Result]:
        """Writes need every request answered: wrk with one thread per client, or Python."""
        if self.driver == "wrk":
            return lambda: load.run_wrk(spec, exact=True)
        return lambda: load.run_python(spec)

    def floor(
        self, kind: str, ids: list[int], clients: int, duration: float, campaign_id: int
    ) -> Callable[[], Result]:
        """The floor's load (bench/floor.py) in its own process."""

        def run() -> Result:
            spec = {
                "kind": kind,
                "org_ids": ids,
                "clients": clients,
                "dsn": self.url,
                "duration": duration,
                "max_requests": self.max_requests,
                "campaign_id": campaign_id,
            }
            path = self.out / "entries" / f"floor-{kind}.json"
            path.write_text(json.dumps(spec))
            out, cpu, err = load.run_child([sys.executable, "-m", "bench.floor", str(path)])
            if "BENCH_RESULT" not in out:
                raise RuntimeError(f"floor failed: {err}")
            result = load.result_line(out)
            return load.finish(result, "asyncpg", clients, result.pop("cpu_s", cpu))

        return run

    def sql_counts(self, requests: list[dict[str, Any]]) -> None:
        """Statements per request of each named request (bench/sqlcount.py)."""
        path = self.out / "entries" / f"sqlcount-{len(self.results.sql)}.json"
        path.write_text(json.dumps({"database_url": self.url, "requests": requests}))
        out, _, err = load.run_child([sys.executable, "-m", "bench.sqlcount", str(path)])
        if "BENCH_RESULT" not in out:
            raise RuntimeError(f"counting SQL failed: {err}")
        for name, c in load.result_line(out).items():
            self.results.checks.append((f"SQL count {name}", c["ok"], "the request had errors"))
            self.say(
                f"  SQL per request {name:12} {c['statements']} statements, {c['round_trips']} "
                f"round trips ({c['transaction']} transaction, {c['resets']} pool resets, "
                f"{c['prepares']} prepares)"
            )
            self.results.sql[name] = c
