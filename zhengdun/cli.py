"""The ``zhengdun`` command: migrate, bootstrap, seed-demo, generate, serve, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

from zhengdun.config import load_settings


async def _migrate(url: str) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from zhengdun.db import tortoise_config

    try:
        await migrate(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()


def cmd_migrate(args: argparse.Namespace) -> int:
    asyncio.run(_migrate(load_settings().database_url))
    print("数据库已迁移到最新版本 / database migrated")
    return 0


def _with_db(work: Callable[[], Awaitable[int]]) -> int:
    from zhengdun.db import database

    async def run() -> int:
        async with database(load_settings().database_url):
            return await work()

    return asyncio.run(run())


def cmd_bootstrap(args: argparse.Namespace) -> int:
    from zhengdun.setup import bootstrap

    async def work() -> int:
        message = await bootstrap(
            args.root_name, args.username, args.password, args.display_name or args.username
        )
        print(message)
        return 0 if message.startswith("已创建") else 1

    return _with_db(work)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from zhengdun.demo import seed_demo

    async def work() -> int:
        print(await seed_demo(only_if_empty=args.if_empty))
        return 0

    return _with_db(work)


def cmd_compact(args: argparse.Namespace) -> int:
    from resolvers.progress import fold_deltas

    async def work() -> int:
        counted = removed = 0
        while (folded := await fold_deltas()).counted:  # until no group is left to count
            counted += folded.counted
            removed += folded.removed
        print(
            f"已计入进度合计 {counted} 行，合并后减少 {removed} 行 / "
            f"counted {counted} progress delta rows into the totals, {removed} rows fewer"
        )
        return 0

    return _with_db(work)


def cmd_generate(args: argparse.Namespace) -> int:
    from datetime import date, datetime

    from zhengdun.clock import CHINA
    from zhengdun.generate import GenerateError, generate

    now = None
    if args.today:  # 18:00 Beijing time on that day
        day = date.fromisoformat(args.today)
        now = datetime(day.year, day.month, day.day, 18, tzinfo=CHINA)

    async def work() -> int:
        try:
            summary = await generate(
                args.branches,
                args.seed,
                replace=args.replace,
                now=now,
                check_foreign_keys=args.check_foreign_keys,
                connections=args.connections,
            )
        except GenerateError as error:
            print(error, file=sys.stderr)
            return 1
        print(summary.text())
        return 0

    return _with_db(work)


def cmd_serve(args: argparse.Namespace) -> int:
    from zhengdun.serve import serve

    return serve(args.host, args.port, args.workers, args.access_log)


def cmd_export_schema(args: argparse.Namespace) -> int:
    from schema.build import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhengdun", description="团支部整理整顿 GraphQL 服务")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    boot = sub.add_parser("bootstrap", help="create the root organisation and its admin")
    boot.add_argument("--root-name", required=True)
    boot.add_argument("--username", required=True)
    boot.add_argument("--password", required=True)
    boot.add_argument("--display-name")
    boot.set_defaults(func=cmd_bootstrap)
    demo = sub.add_parser("seed-demo", help="create the demo tree, accounts and campaign")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when data exists")
    demo.set_defaults(func=cmd_seed_demo)
    gen = sub.add_parser(
        "generate", help="load a national-scale generated tree and campaign (load tests)"
    )
    gen.add_argument("--branches", type=int, required=True, help="number of 团支部")
    gen.add_argument("--seed", type=int, default=2019, help="same seed, same data")
    gen.add_argument("--replace", action="store_true", help="empty the project's tables first")
    gen.add_argument("--today", help="YYYY-MM-DD (Beijing) instead of today, for reproducibility")
    gen.add_argument(
        "--check-foreign-keys",
        action="store_true",
        help="let PostgreSQL check every foreign key while loading (slower)",
    )
    gen.add_argument("--connections", type=int, default=2, help="PostgreSQL COPY connections")
    gen.set_defaults(func=cmd_generate)
    serve = sub.add_parser("serve", help="serve GraphQL over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="no log line per request (where a proxy in front logs them)",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("export-schema", help="print the SDL").set_defaults(func=cmd_export_schema)
    sub.add_parser("compact", help="fold the progress deltas now").set_defaults(func=cmd_compact)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
