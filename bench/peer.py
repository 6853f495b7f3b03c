"""The peer: PostGraphile 4 serving the same tables, for M1.

Installed by the benchmark with npm into ``bench/.peer/`` (git-ignored). PostGraphile
builds its schema from the tables: ``organizationById``, the back relation of
``organization.parent_id`` as ``organizationsByParentId`` and that of
``branch_state.branch_id`` as ``branchStatesByBranchId``. It has no permission checks
here (it runs as the database owner; no row-level security): every caller sees
everything, where our server checks on every field that the viewer may see the
organisation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bench.server import Server, post_json

PEER_DIR = Path(__file__).resolve().parent / ".peer"
PACKAGE = "postgraphile@4"
BIN = PEER_DIR / "node_modules" / ".bin" / "postgraphile"

# M1 in PostGraphile's schema: a county, its children (first 100, in tree order), and
# theirs, each branch with its state row in the campaign (at most one: the pair is unique).
M1_PEER = """query M1Peer($id: Int!, $campaign: Int!) { organizationById(id: $id) { id name
  children: organizationsByParentId(first: 100, orderBy: PATH_ASC) { edges { node {
  id name sector children: organizationsByParentId(first: 100, orderBy: PATH_ASC) {
  edges { node { id name sector rectification: branchStatesByBranchId(
  condition: {campaignId: $campaign}, first: 1) { nodes { status latestPoor } } } } } } } } } }"""
PEER_MARKER = '"data":{"organizationById":{'
NEEDED = {
    "Query": {"organizationById"},
    "Organization": {"organizationsByParentId", "branchStatesByBranchId"},
    "BranchState": {"status", "latestPoor"},
}


def install() -> str:
    """Installs PostGraphile 4 into bench/.peer unless present; returns its version."""
    if not BIN.exists():
        if shutil.which("npm") is None:
            raise RuntimeError("npm is needed for the PostGraphile peer (or pass --no-peer)")
        PEER_DIR.mkdir(exist_ok=True)
        package_json = PEER_DIR / "package.json"
        if not package_json.exists():
            package_json.write_text('{"name": "zhengdun-bench-peer", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", PACKAGE],
            cwd=PEER_DIR,
            check=True,
            capture_output=True,
        )
    return subprocess.run(
        [str(BIN), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def server(dsn: str, port: int, workers: int, log: Path) -> Server:
    cmd = [str(BIN), "-c", dsn, "--schema", "public", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--disable-graphiql", "--disable-query-log"]
    # Read-only: its generated CRUD mutations clash with self_check.client_mutation_id.
    cmd += ["--disable-default-mutations"]
    if workers > 1:
        cmd += ["--cluster-workers", str(workers)]
    env = dict(os.environ, NODE_ENV="production")
    return Server(f"postgraphile x{workers}", cmd, env, log)


def check_schema(url: str) -> None:
    """Asks PostGraphile what it generated; fails unless M1Peer's fields are there."""
    query = "query { __schema { types { name fields { name } } } }"
    types = post_json(url, {"query": query})["data"]["__schema"]["types"]
    fields = {t["name"]: {f["name"] for f in t["fields"] or []} for t in types}
    for type_name, wanted in NEEDED.items():
        missing = wanted - fields.get(type_name, set())
        if missing:
            raise RuntimeError(f"PostGraphile's {type_name} lacks {sorted(missing)}")
