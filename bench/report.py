"""The report: one table of every measured run, the ratios, and the targets of issue 5."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

Run = dict[str, Any]


@dataclass
class Results:
    runs: list[Run] = field(default_factory=list)
    sql: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (name, ok, detail)

    def add(self, run: Run) -> None:
        self.runs.append(run)

    def median(self, system: str, scenario: str, clients: int, key: str) -> float | None:
        values = [
            r[key]
            for r in self.runs
            if r["system"] == system and r["scenario"] == scenario and r["clients"] == clients
        ]
        return statistics.median(values) if values else None

    def groups(self) -> list[tuple[str, str, int]]:
        seen: dict[tuple[str, str, int], None] = {}
        for r in self.runs:
            seen[(r["system"], r["scenario"], r["clients"])] = None
        return list(seen)

    def failures(self) -> list[str]:
        bad = [
            f"{r['system']} {r['scenario']} x{r['clients']}: {r['errors']} errors "
            f"(first: {r['first_error'][:300]})"
            for r in self.runs
            if r["errors"]
        ]
        bad += [
            f"{r['system']} {r['scenario']} x{r['clients']}: {r['rejected']} rejected "
            f"(first: {r['first_rejected'][:300]})"
            for r in self.runs
            if r["rejected"] and not r["scenario"].startswith("W")
        ]
        bad += [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]
        return bad


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def sql_cell(sql: dict[str, Any], scenario: str) -> str:
    counts = sql.get(scenario)
    if not counts:
        return "–"
    return f"{counts['statements']} ({counts['round_trips']})"


def table(results: Results) -> str:
    """Medians over the repeats; each row names its system, scenario and clients."""
    lines = [
        "| system | scenario | clients | driver | runs | requests | req/s | ok/s | p50 ms "
        "| p95 ms | p99 ms | errors | rejected | CPU ms/req server / PG / load | "
        "peak RSS MiB (sum / max worker) | SQL/req (round trips) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for system, scenario, clients in results.groups():
        runs = [
            r
            for r in results.runs
            if (r["system"], r["scenario"], r["clients"]) == (system, scenario, clients)
        ]

        def med(key: str, *, runs: list[Run] = runs) -> float | None:
            values = [r[key] for r in runs if r.get(key) is not None]
            return statistics.median(values) if values else None

        cpu = " / ".join(fmt(med(k), 2) for k in ("server_cpu_ms", "pg_cpu_ms", "loadgen_cpu_ms"))
        rss = f"{fmt(med('rss_sum_mb'), 0)} / {fmt(med('rss_worker_mb'), 0)}"
        lines.append(
            f"| {system} | {scenario} | {clients} | {runs[0]['driver']} | {len(runs)} "
            f"| {sum(r['requests'] for r in runs):,} | {fmt(med('rps'))} | {fmt(med('ok_per_s'))} "
            f"| {fmt(med('p50_ms'), 2)} | {fmt(med('p95_ms'), 2)} | {fmt(med('p99_ms'), 2)} "
            f"| {sum(r['errors'] for r in runs)} | {sum(r['rejected'] for r in runs)} | {cpu} "
            f"| {rss} | {sql_cell(results.sql, scenario) if system == 'ours' else '–'} |"
        )
    return "\n".join(lines)


def _drivers(driver: str) -> str:
    if driver == "wrk":
        return "wrk for the reads and, one thread per client, for the writes"
    return "Python (httpx) for the reads and the writes"


def ratios(results: Results, clients: list[int], peers: list[str]) -> str:
    lines = [
        "| scenario | clients | versus | req/s ours / theirs | p50 ours / theirs | "
        "p99 ours / theirs |",
        "|---|---|---|---|---|---|",
    ]
    pairs = [("M1", p) for p in peers] + [
        (s, "floor") for s in ("M1", "M3 root", "M3 province", "M3 county")
    ]
    for scenario, other in pairs:
        for c in clients:
            cells = []
            for key in ("rps", "p50_ms", "p99_ms"):
                ours = results.median("ours", scenario, c, key)
                theirs = results.median(other, scenario, c, key)
                cells.append(fmt(ours / theirs, 2) if ours and theirs else "–")
            if cells != ["–"] * 3:
                lines.append(f"| {scenario} | {c} | {other} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def targets(results: Results, meta: dict[str, Any]) -> str:
    """Issue 5's targets, each with the measured value and the margin."""
    out = []
    gen = meta.get("generation")
    if gen:
        minutes = gen["wall_s"] / 60
        out.append(
            f"- generate + load ({gen['command']}): {gen['wall_s']:.1f} s, generator peak RSS "
            f"{gen['max_rss_mb']:.0f} MiB — target ≤ 3 min and ≤ 1 GiB: "
            f"{target(minutes <= 3 and gen['max_rss_mb'] <= 1024)}"
        )
    else:
        out.append("- generate + load: not run (the data set was reused)")
    top = max(meta["clients"])
    root = results.median("ours", "M3 root", min(meta["clients"]), "p50_ms")
    county = results.median("ours", "M3 county", min(meta["clients"]), "p50_ms")
    if root is not None:
        out.append(
            f"- M3 root p50 at {min(meta['clients'])} clients: {root:.2f} ms — target ≤ 10 ms: "
            f"{target(root <= 10)} ({root / 10:.2f}× the target)"
        )
    if root is not None and county:
        out.append(
            f"- M3 root p50 / county p50: {root / county:.2f} — target ≤ 1.5: "
            f"{target(root / county <= 1.5)}"
        )
    ours = results.median("ours", "M1", top, "rps")
    peer = results.median("postgraphile x2", "M1", top, "rps")
    p99 = results.median("ours", "M1", top, "p99_ms")
    if ours and peer:
        out.append(
            f"- M1 req/s ours / PostGraphile x2 at {top} clients: {ours / peer:.2f} — target "
            f"≥ 1.0: {target(ours / peer >= 1.0)}"
        )
    if p99 is not None:
        out.append(
            f"- M1 p99 at {top} clients: {p99:.1f} ms — target ≤ 100 ms: {target(p99 <= 100)}"
        )
    for r in results.runs:
        if r["scenario"] == "W1" and r["system"] == "ours":
            sustained = r["elapsed_s"] >= 60
            out.append(
                f"- W1 at {r['clients']} clients: {r['ok_per_s']:.1f} accepted/s over "
                f"{r['elapsed_s']:.1f} s, forms added {r.get('forms_added')} vs successes "
                f"{r['ok']} — target ≥ 500/s sustained 60 s: "
                f"{target(r['ok_per_s'] >= 500 and sustained)}"
                + ("" if sustained else " (run shorter than 60 s)")
            )
    worker = max(
        (r.get("rss_worker_mb") or 0 for r in results.runs if r["system"] == "ours"), default=None
    )
    if worker:
        out.append(
            f"- server RSS per worker (peak over the measured runs): {worker:.0f} MiB — target "
            f"≤ 200 MiB: {target(worker <= 200)}"
        )
    login = meta.get("login_peak")
    if login:
        out.append(
            f"- server RSS per worker while logging in ({meta['logins']} logins): "
            f"{login['per_worker_mb']:.0f} MiB (sum {login['total_mb']:.0f} MiB)"
        )
    return "\n".join(out)


def header(database: str, meta: dict[str, Any]) -> str:
    d = meta["dataset"]
    load = meta.get("load_before"), meta.get("load_after")
    lines = [
        f"# {database}: {meta['date']}",
        "",
        f"- machine: {meta['cpu']}, {meta['cores']} cores; load average (1, 5, 15 min) "
        f"before {fmt_load(load[0])}, after {fmt_load(load[1])}",
        f"- code: {meta['commit']}; server: `{meta['server']}`",
        f"- command: `{meta['command']}`",
        f"- data set: {d['organizations']:,} organisations, {d['branches']:,} branches, "
        f"{d['states']:,} branch states, {d['forms']:,} forms, {d['accounts']:,} accounts; "
        f"database {d['database_mb']:,} MiB; PostgreSQL {d['postgres']}, shared_buffers "
        f"{d['shared_buffers']}",
        f"- load generators: {_drivers(meta['driver'])}, asyncpg for the floor",
    ]
    if meta.get("peer"):
        lines.append(f"- peer: PostGraphile {meta['peer']} (no permission checks)")
    if meta.get("logins") is not None:
        lines.append(
            f"- logins through the server for this run: {meta['logins']} in "
            f"{meta['login_seconds']:.1f} s (cached tokens reused otherwise)"
        )
    return "\n".join(lines)


def fmt_load(values: Any) -> str:
    return "–" if not values else ", ".join(f"{v:.2f}" for v in values)
