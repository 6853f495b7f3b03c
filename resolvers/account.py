"""Accounts and sessions: login with a rate limit, bearer tokens, creating accounts."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from strawberry.types import Info
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from models.account import (
    LOGIN_FAILURE_WINDOW,
    USERNAME_MAX_LENGTH,
    Account,
    LoginAttempt,
    Session,
    locked_until,
)
from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.organization import Organization, clean_name
from resolvers.audit import record
from resolvers.loaders import day_value, open_on
from resolvers.organization import organization_by_global_id
from zhengdun.clock import Clock
from zhengdun.context import Context, Viewer
from zhengdun.db import connection, placeholder, read_models

Ctx = Info[Context, Any]
T = TypeVar("T")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("zhengdun-unknown-user")
PASSWORD_MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# One argon2 computation at a time per worker process: each holds 64 MiB (the
# library's default memory cost) and a core for a few tens of ms, so more at once
# only adds memory (docs/benchmarks.md: a login burst took a worker past 300 MiB).
_ARGON2_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


async def _argon2(work: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    slot = _ARGON2_SLOTS.get(loop)
    if slot is None:
        slot = _ARGON2_SLOTS[loop] = asyncio.Semaphore(1)
    async with slot:
        return await asyncio.to_thread(work, *args)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def viewer_for_token(token: str, clock: Clock) -> Viewer | None:
    """The viewer a bearer token stands for, if it is live and its account active.

    Asked on every request: one statement, written once per dialect, instead of an ORM
    query built each time; the row becomes the session, account and organisation models,
    the campaign open today (Beijing date; most requests need it, and then need not ask
    again: ``zhengdun/context.py``) and the tree's version (``resolvers/tree_cache.py``).
    """
    conn = connection()
    query = _viewer_query(open_on(conn, 1), placeholder(conn, 3))
    today = clock.today()
    on = day_value(conn, today)
    _, rows = await conn.execute_query(query.sql, [on, on, token_digest(token)])
    if not rows:
        return None
    row = tuple(rows[0])
    session = cast(Session, query.model(0, row))
    account = cast(Account, query.model(1, row))
    organization = cast(Organization, query.model(2, row))
    if session.revoked_at is not None or session.expires_at <= clock.now():
        return None
    if not account.is_active:
        return None
    campaign_id = row[query.parts[3][2] + query.parts[3][1].index("id")]
    campaign = None if campaign_id is None else cast(Campaign, query.model(3, row))
    return Viewer(
        account=account,
        organization=organization,
        session_id=session.id,
        tree_version=row[-1],
        open_campaign=(today, campaign),
    )


@dataclass(frozen=True)
class _ViewerQuery:
    sql: str
    parts: tuple[tuple[type[Model], tuple[str, ...], int], ...]  # model, columns, offset

    def model(self, index: int, row: tuple[Any, ...]) -> Model:
        """One of the row's models, as ``_init_from_db`` builds it (``zhengdun.db.read_models``)."""
        model, columns, offset = self.parts[index]
        return read_models(model, [dict(zip(columns, row[offset:], strict=False))])[0]


@functools.cache
def _viewer_query(open_campaign: str, token: str) -> _ViewerQuery:
    """Built on first use: the models' columns are known once Tortoise is initialised.

    ``open_campaign`` is ``resolvers.loaders.open_on`` (marks 1 and 2, the day), then the
    token's mark: in the order they appear, as SQLite binds by position.
    """
    parts: list[tuple[type[Model], tuple[str, ...], int]] = []
    selected: list[str] = []
    for model, alias in ((Session, "s"), (Account, "a"), (Organization, "o"), (Campaign, "c")):
        columns = tuple(sorted(model._meta.db_fields))
        parts.append((model, columns, len(selected)))
        selected += [f'{alias}."{c}"' for c in columns]
    sql = (
        f"SELECT {', '.join(selected)}, (SELECT version FROM tree_version) FROM session s "
        "JOIN account a ON a.id = s.account_id "
        "JOIN organization o ON o.id = a.organization_id "
        f"LEFT JOIN campaign c ON c.id = ({open_campaign}) "
        f"WHERE s.token_hash = {token}"
    )
    return _ViewerQuery(sql, tuple(parts))


async def login(info: Ctx, username: str, password: str) -> tuple[str, Viewer]:
    """Checks the password and opens a session; refusals are recorded for the rate limit."""
    ctx = info.context
    now = ctx.clock.now()
    username = username.strip()
    last_success = (
        await LoginAttempt.filter(username=username, succeeded=True)
        .order_by("-attempted_at")
        .first()
        .values_list("attempted_at", flat=True)
    )
    since: datetime = now - 2 * LOGIN_FAILURE_WINDOW
    if isinstance(last_success, datetime):
        since = max(since, last_success)
    failures = await LoginAttempt.filter(
        username=username, succeeded=False, attempted_at__gt=since
    ).values_list("attempted_at", flat=True)
    until = locked_until([cast(datetime, f) for f in failures])
    if until is not None and until > now:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        raise RuleError(UserErrorCode.RATE_LIMITED, f"登录失败次数过多，请 {minutes} 分钟后再试")
    account = await Account.filter(username=username).select_related("organization").first()
    ok = await _argon2(_verify, account.password_hash if account else _DUMMY_HASH, password)
    ok = ok and account is not None and account.is_active
    await LoginAttempt.create(
        username=username[:USERNAME_MAX_LENGTH], attempted_at=now, succeeded=ok
    )
    if not ok or account is None:
        raise RuleError(UserErrorCode.INVALID_CREDENTIALS, "用户名或密码错误")
    token = secrets.token_urlsafe(32)
    session = await Session.create(
        token_hash=token_digest(token),
        account=account,
        created_at=now,
        expires_at=now + ctx.settings.token_ttl,
    )
    viewer = Viewer(account=account, organization=account.organization, session_id=session.id)
    ctx.viewer = viewer
    await record(info, "login", "Account", account.id)
    return token, viewer


async def logout(info: Ctx) -> bool:
    viewer = info.context.viewer
    if viewer is None:
        return False
    revoked = await Session.filter(id=viewer.session_id, revoked_at=None).update(
        revoked_at=info.context.clock.now()
    )
    await record(info, "logout", "Account", viewer.account.id)
    return revoked > 0


def clean_username(raw: str) -> str:
    username = raw.strip()
    if not username or len(username) > USERNAME_MAX_LENGTH:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"用户名须为 1 到 {USERNAME_MAX_LENGTH} 个字符",
            ["input", "username"],
        )
    if any(ch.isspace() for ch in username):
        raise RuleError(
            UserErrorCode.INVALID_INPUT, "用户名不能包含空白字符", ["input", "username"]
        )
    return username


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH or len(password) > 256:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"密码长度须为 {PASSWORD_MIN_LENGTH} 到 256 个字符",
            ["input", "password"],
        )


async def create_account(
    info: Ctx, organization_id: str, username: str, display_name: str, password: str
) -> Account:
    username = clean_username(username)
    display_name = clean_name(display_name, ["input", "displayName"])
    check_password(password)
    org = await organization_by_global_id(info, organization_id, ["input", "organizationId"])
    if await Account.filter(username=username).exists():
        raise RuleError(UserErrorCode.ALREADY_EXISTS, "用户名已被使用", ["input", "username"])
    password_hash = await _argon2(hash_password, password)
    try:
        account = await Account.create(
            username=username,
            display_name=display_name,
            organization=org,
            password_hash=password_hash,
        )
    except IntegrityError:  # a concurrent request took the username first
        raise RuleError(
            UserErrorCode.ALREADY_EXISTS, "用户名已被使用", ["input", "username"]
        ) from None
    await record(info, "createAccount", "Account", account.id, {"username": username})
    return account
