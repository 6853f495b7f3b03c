"""Instructions per request of one scenario: a measure the machine's drift cannot move.

The machine's speed drifts by tens of percent within minutes (docs/benchmarks.md), so
two versions of the code a few percent apart cannot be told apart by their time. The
number of instructions executed can: this runs :mod:`bench.inprocess` under valgrind's
callgrind twice, once with no requests measured and once with ``-n`` of them, and
prints the difference divided by ``-n`` (start-up, warm-up and imports cancel out).
Run against a database the benchmark has filled::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhengdun_bench_1m \\
        .venv/bin/python -m bench.instructions M1 -n 100

W1 files forms (``bench.inprocess``): run it on a copy of the database. It counts this
process's instructions only (not PostgreSQL's, nor the kernel's: a round trip's system
calls are not in it), with ``PYTHONHASHSEED`` fixed; repeated runs of the same code agreed
to 0.01 % here. Each run takes about a minute (valgrind is some 50 times slower than the
code alone).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.inprocess import DOCUMENTS

COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(scenario: str, n: int, orgs: int, depth: int | None) -> int:
    """Instructions of one ``bench.inprocess`` run measuring ``n`` requests."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={Path(folder) / 'callgrind.out'}",
            sys.executable,
            "-m",
            "bench.inprocess",
            scenario,
            "-n",
            str(n),
            "--orgs",
            str(orgs),
        ]
        if depth is not None:
            command += ["--depth", str(depth)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench.inprocess under valgrind failed (exit {done.returncode})")
    return int(found.group(1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", choices=DOCUMENTS)
    p.add_argument("-n", type=int, default=100, help="requests measured")
    p.add_argument("--orgs", type=int, default=20, help="how many organisations, in id order")
    p.add_argument("--depth", type=int, help="as bench.inprocess")
    args = p.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    base = instructions(args.scenario, 0, args.orgs, args.depth)
    measured = instructions(args.scenario, args.n, args.orgs, args.depth)
    print(
        f"{args.scenario} ({args.orgs} organisations, {args.n} requests): "
        f"{(measured - base) / args.n / 1e6:.2f} M instructions per request "
        f"(callgrind: {base:,} with none, {measured:,} with {args.n})"
    )


if __name__ == "__main__":
    main()
