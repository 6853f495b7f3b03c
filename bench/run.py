"""The benchmark (issue 5): ``python -m bench.run --scale 1m`` — see docs/benchmarks.md.

For one data set: makes sure it is in PostgreSQL (``zhengdun generate`` when the
database is missing or empty), starts ``zhengdun serve --workers 2`` on it, drives
every scenario from separate load-generator processes over loopback (bounded by time
and count, every response checked), and beside ours, on the same database in the same
run, the floor (the scenario's SQL alone, asyncpg) and the peer (PostGraphile 4). Prints
one table and the targets; writes them with every number to bench/out/<run>/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench import dataset, load, plan, procstat, report
from bench.measure import sync
from bench.phases import Phases
from bench.server import Server, free_port
from bench.tokens import Tokens

BENCH_DIR = Path(__file__).resolve().parent
SCALES: dict[str, dict[str, Any]] = {
    "tiny": {"branches": 2_000, "picks": 4, "provinces": 2, "writers": 16, "reviews": 30,
             "m2_depth": 200, "duration": 3.0, "write_duration": 3.0, "clients": "8"},
    "100k": {"branches": 100_000, "picks": 60, "provinces": 8, "writers": 200, "reviews": 500,
             "m2_depth": 5000, "duration": 20.0, "write_duration": 60.0, "clients": "8,32"},
    "1m": {"branches": 1_000_000, "picks": 60, "provinces": 8, "writers": 200, "reviews": 500,
           "m2_depth": 5000, "duration": 20.0, "write_duration": 60.0, "clients": "8,32"},
}  # fmt: skip
READS = ["M1", "M2", "M3 root", "M3 province", "M3 county", "M4"]


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--scale", choices=SCALES, default="tiny")
    p.add_argument("--branches", type=int, help="data set size (default: the scale's)")
    p.add_argument("--database", help="default zhengdun_bench_<scale>")
    p.add_argument("--throwaway", action="store_true", help="a fresh database, dropped after")
    p.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="server URL, no database",
    )
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--password", help="of the accounts (default: by the data set's origin)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--clients", help="comma-separated client counts (default: the scale's)")
    p.add_argument("--write-clients", help="client counts of W1 and W2 (default: --clients)")
    p.add_argument("--duration", type=float, help="seconds per read run")
    p.add_argument("--write-duration", type=float, help="seconds per W1 run")
    p.add_argument("--max-requests", type=int, default=200_000, help="per run")
    p.add_argument("--repeat", type=int, default=1, help="rounds of the read comparison")
    p.add_argument("--scenarios", default="M1,M2,M3,M4,W1,W2")
    p.add_argument(
        "--driver",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator (wrk runs writes with one thread per client: bench/load.py)",
    )
    p.add_argument("--no-peer", action="store_true", help="skip PostGraphile")
    p.add_argument("--peer-workers", default="2,1")
    p.add_argument("--no-floor", action="store_true")
    p.add_argument("--profile", default="", help="scenarios to profile with py-spy, e.g. M1,W1")
    p.add_argument("--profile-seconds", type=int, default=20)
    p.add_argument("--out", default=str(BENCH_DIR / "out"))
    for name in ("picks", "provinces", "writers", "reviews", "m2_depth"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    p.add_argument("--m2-lists", type=int, default=4, help="provinces whose list M2 pages")
    args = p.parse_args(argv)
    for key, value in SCALES[args.scale].items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    args.clients = [int(c) for c in str(args.clients).split(",")]
    args.write_clients = [int(c) for c in str(args.write_clients or "").split(",") if c]
    args.write_clients = args.write_clients or args.clients
    args.peer_workers = [int(c) for c in args.peer_workers.split(",") if c]
    args.scenarios = {x.strip() for x in args.scenarios.split(",")}
    if args.throwaway:
        args.database = f"zhengdun_bench_tmp_{uuid.uuid4().hex[:8]}"
    args.database = args.database or f"zhengdun_bench_{args.scale}"
    return args


def git_state() -> str:
    """The commit the server ran, and whether the work tree had uncommitted changes."""
    probe = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=BENCH_DIR
    )
    return probe.stdout.strip() or "unknown"


class Bench(Phases):
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        url = dataset.database_url(args.postgres, args.database)
        out = Path(args.out) / f"{time.strftime('%Y%m%d-%H%M%S')}-{args.database}"
        out.mkdir(parents=True, exist_ok=True)
        driver = args.driver if args.driver != "auto" else "wrk" if load.have_wrk() else "python"
        super().__init__(url, out, driver, args.max_requests)
        self.meta: dict[str, Any] = {"clients": args.clients}

    def run(self) -> int:
        args = self.args
        self.say(f"== data set: {args.database} ({args.branches:,} branches)")
        generation = asyncio.run(
            dataset.ensure(args.postgres, args.database, args.branches, args.seed)
        )
        if generation:
            self.say(
                f"  {generation.command}: {generation.wall_s:.1f} s, generator peak RSS "
                f"{generation.max_rss_mb:.0f} MiB\n{generation.output.strip()[-1500:]}"
            )
            self.meta["generation"] = generation.__dict__
        info = asyncio.run(dataset.describe(self.url))
        self.meta.update(
            dataset=info,
            date=time.strftime("%Y-%m-%d %H:%M %Z"),
            cpu=procstat.cpu_model(),
            cores=os.cpu_count(),
            driver=self.driver,
            command="python -m bench.run " + " ".join(sys.argv[1:]),
            commit=git_state(),
            load_before=os.getloadavg(),
        )
        self.say(f"  {json.dumps(info, ensure_ascii=False)}")
        password = args.password or dataset.default_password(info["root_username"])
        port = free_port()
        self.gql = f"http://127.0.0.1:{port}/graphql"
        env = dict(os.environ, DATABASE_URL=self.url)
        # No line per request, as PostGraphile runs with --disable-query-log (bench/peer.py).
        cmd = [dataset.ZHENGDUN, "serve", "--workers", str(args.workers), "--port", str(port)]
        cmd += ["--no-access-log"]
        settings = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("ZHENGDUN_")]
        self.meta["server"] = " ".join(["DATABASE_URL=…", *settings, "zhengdun", *cmd[1:]])
        self.server = Server("ours", cmd, env, self.out / "server.log")
        self.server.start(self.gql, args.workers)
        self.sampler = procstat.RssSampler(self.server.workers)
        self.sampler.start()
        self.tokens = Tokens(self.gql, password, args.database, keep=not args.throwaway)
        try:
            self.measure_all()
        finally:
            self.sampler.stop()
            self.server.stop()
        return self.finish()

    def measure_all(self) -> None:
        args = self.args
        sync(self.tokens.drop_stale, self.url)
        self.sampler.new_phase()
        campaign = sync(plan.ensure_campaign, self.url, self.gql, self.tokens)
        self.plan = sync(plan.reads, self.url, self.gql, self.tokens, campaign, args)
        self.meta["m2_rows_skipped"] = self.plan.m2_depth
        reads = [r for r in READS if r.split()[0] in args.scenarios]
        self.warm_up(reads)
        self.meta["login_peak"] = self.sampler.new_phase().__dict__
        self.sql_counts(
            [
                {
                    "name": r,
                    # The same request: a running worker has answered it before, so its
                    # caches (the tree's pages among them) hold what it needs.
                    "warm": self.plan.reads[r][0],
                    "count": self.plan.reads[r][0],
                }
                for r in reads
            ]
        )
        for round_ in range(args.repeat):
            self.say(f"== reads, round {round_ + 1} of {args.repeat}")
            self.read_round(reads)
        if "W1" in args.scenarios:
            self.write_submissions()
        if "W2" in args.scenarios:
            self.write_reviews()
        self.write_sql_counts()
        self.meta.update(logins=self.tokens.logins, login_seconds=self.tokens.login_seconds)
        self.meta["load_after"] = os.getloadavg()
        for scenario in [x for x in args.profile.split(",") if x]:
            self.profile(scenario)

    def finish(self) -> int:
        res, args = self.results, self.args
        peers = [f"postgraphile x{w}" for w in args.peer_workers] if not args.no_peer else []
        text = "\n\n".join(
            [
                report.header(args.database, self.meta),
                report.table(res),
                report.ratios(res, args.clients, peers),
                report.targets(res, self.meta),
            ]
        )
        failures = res.failures()
        if failures:
            text += "\n\nFAILURES:\n" + "\n".join(f"- {f}" for f in failures)
        (self.out / "report.md").write_text(text + "\n")
        (self.out / "results.json").write_text(
            json.dumps(
                {"meta": self.meta, "runs": res.runs, "sql": res.sql, "checks": res.checks},
                indent=1,
                ensure_ascii=False,
                default=str,
            )
        )
        self.say("\n" + text + f"\n\n(written to {self.out})")
        return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    bench = Bench(args)
    try:
        return bench.run()
    finally:
        if args.throwaway:
            asyncio.run(dataset.drop(args.postgres, args.database))


if __name__ == "__main__":
    sys.exit(main())
