"""Profiling a worker under load with py-spy, and summarising where its time goes.

py-spy (``pip install py-spy`` into the venv; not a project dependency) samples the
worker at 100 Hz without pausing it (``--nonblocking``) and writes collapsed stacks
(``--format raw``); the summary attributes each sample to the package of its innermost
frame, and counts the share of samples that pass through a few telling functions.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")

# py-spy names a frame "function (path/relative/to/sys.path.py:line)": the first
# component of the path is the package.
PACKAGES = {
    "graphql": "graphql-core",
    "strawberry": "strawberry",
    "tortoise": "tortoise",
    "pypika_tortoise": "tortoise",
    "asyncpg": "asyncpg",
    "uvicorn": "uvicorn/starlette/httptools",
    "starlette": "uvicorn/starlette/httptools",
    "httptools": "uvicorn/starlette/httptools",
    "argon2": "argon2",
    "json": "json",
    "asyncio": "asyncio",
    "uvloop": "asyncio",
    "zhengdun": "service (zhengdun, schema, resolvers, models, permissions)",
    "schema": "service (zhengdun, schema, resolvers, models, permissions)",
    "resolvers": "service (zhengdun, schema, resolvers, models, permissions)",
    "models": "service (zhengdun, schema, resolvers, models, permissions)",
    "permissions": "service (zhengdun, schema, resolvers, models, permissions)",
    "<string>": "generated code (dataclass __init__, __hash__, ...)",
}
# A sample "passes through" a stage when one of its frames starts with one of these, or
# (for the permission rules) has its code in permissions/. Stages nest: a resolver's
# database work also counts under GraphQL execution.
STAGES = [
    ("HTTP + ASGI (uvicorn, starlette)", ("RequestResponseCycle.run_asgi",)),
    ("GraphQL parse", ("parse (graphql/language/parser",)),
    ("GraphQL validation", ("validate (graphql/validation/validate",)),
    ("GraphQL execution (graphql-core)", ("Executor.", "IncrementalExecutor.")),
    ("permission rules (has_permission, permissions/)", ("has_permission (",)),
    ("DataLoader batches", ("dispatch_batch (strawberry/dataloader",)),
    ("database: Tortoise + asyncpg", ("AsyncpgDBClient.", "BaseExecutor.", "QuerySet.")),
    ("asyncpg pool release (reset query)", ("PoolConnectionHolder.release",)),
    ("bearer token → viewer", ("viewer_for_token (resolvers/account",)),
    ("result to JSON", ("encode_json", "JSONEncoder.", "dumps (orjson")),
    ("password hashing (argon2)", ("PasswordHasher.verify",)),
]
PERMISSION_CODE = ("(permissions/", "has_permission (")


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    cmd = [PY_SPY, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "100"]
    cmd += ["--nonblocking", "--format", "raw", "--output", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def package_of(frame: str) -> str:
    path = frame.rpartition(" (")[2]
    first = path.split("/", 1)[0] if "/" in path else path.split(":", 1)[0]
    return PACKAGES.get(first, "standard library / other" if "/" not in path else first)


def summarise(paths: list[Path], top: int = 12) -> str:
    by_package: Counter[str] = Counter()
    by_leaf: Counter[str] = Counter()
    by_stage: Counter[str] = Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = stack.split(";")
            total += count
            by_package[package_of(frames[-1])] += count
            by_leaf[frames[-1]] += count
            for stage, needles in STAGES:
                if any(f.startswith(needles) for f in frames) or (
                    stage.startswith("permission")
                    and any(p in f for f in frames for p in PERMISSION_CODE)
                ):
                    by_stage[stage] += count
    if not total:
        return "no samples (is py-spy allowed to attach? it needs ptrace)"
    lines = [f"{total} samples (both workers, CPU only)", "", "innermost frame by package:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in by_package.most_common()]
    lines += ["", "samples passing through:"]
    lines += [f"  {by_stage[s] / total:6.1%}  {s}" for s, _ in STAGES if by_stage[s]]
    lines += ["", f"top {top} innermost frames:"]
    lines += [f"  {n / total:6.1%}  {leaf}" for leaf, n in by_leaf.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m bench.profile RAW_FILE... (re-summarise a recording)
    print(summarise([Path(p) for p in sys.argv[1:]]))
