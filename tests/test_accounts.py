"""Accounts and sessions through HTTP: login, logout, expiry, the rate limit."""

from __future__ import annotations

from datetime import timedelta

from models.account import Account, LoginAttempt, Session
from tests.api import PASSWORD, Api, admin, build_tree, gid

LOGIN = """mutation($u:String!,$p:String!){login(username:$u,password:$p){token
  viewer{account{username displayName} organization{name}} userErrors{code message}}}"""
ME = "{me{account{username} organization{name}}}"


async def login_codes(api: Api, username: str, password: str) -> list[str]:
    data = await api.data(LOGIN, {"u": username, "p": password})
    return [e["code"] for e in data["login"]["userErrors"]]


async def test_login_me_logout(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county", "赵敏")
    data = await api.data(LOGIN, {"u": "county", "p": PASSWORD})
    payload = data["login"]
    assert payload["userErrors"] == []
    assert payload["viewer"]["account"] == {"username": "county", "displayName": "赵敏"}
    token = payload["token"]
    assert (await api.data(ME, token=token))["me"]["organization"]["name"] == "甲县团委"
    assert await Session.filter(token_hash=token).count() == 0  # only a digest is stored

    assert (await api.data("mutation{logout}", token=token)) == {"logout": True}
    assert (await api.data(ME, token=token)) == {"me": None}
    codes = await api.error_codes(
        "query($id:ID!){organization(id:$id){name}}", {"id": gid(tree.county)}, token
    )
    assert codes == ["UNAUTHENTICATED"]


async def test_tokens_expire(api: Api, clock) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    clock.advance(timedelta(hours=11, minutes=59))
    assert (await api.data(ME, token=token))["me"] is not None
    clock.advance(timedelta(minutes=2))
    assert (await api.data(ME, token=token)) == {"me": None}


async def test_wrong_password_and_unknown_user_look_the_same(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    wrong = await api.data(LOGIN, {"u": "county", "p": "wrong-password"})
    unknown = await api.data(LOGIN, {"u": "nobody", "p": "wrong-password"})
    assert wrong == unknown
    assert wrong["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["login"]["token"] is None


async def test_sixth_wrong_password_is_rate_limited_for_15_minutes(api: Api, clock) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    await admin(tree.sibling_county, "neighbour")
    for _ in range(5):
        assert await login_codes(api, "county", "wrong-password") == ["INVALID_CREDENTIALS"]
    assert await login_codes(api, "county", "wrong-password") == ["RATE_LIMITED"]
    # Even the right password waits; other usernames of the same office do not.
    assert await login_codes(api, "county", PASSWORD) == ["RATE_LIMITED"]
    assert await login_codes(api, "neighbour", PASSWORD) == []
    assert await LoginAttempt.filter(username="county").count() == 5  # refusals not counted
    clock.advance(timedelta(minutes=14))
    assert await login_codes(api, "county", PASSWORD) == ["RATE_LIMITED"]
    clock.advance(timedelta(minutes=1, seconds=1))
    assert await login_codes(api, "county", PASSWORD) == []


async def test_failures_spread_over_more_than_15_minutes_do_not_lock(api: Api, clock) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    for _ in range(5):
        assert await login_codes(api, "county", "wrong-password") == ["INVALID_CREDENTIALS"]
        clock.advance(timedelta(minutes=4))
    assert await login_codes(api, "county", PASSWORD) == []


async def test_inactive_account_cannot_log_in(api: Api) -> None:
    tree = await build_tree()
    account = await admin(tree.county, "county")
    token = await api.login("county")
    account.is_active = False
    await account.save()
    assert await login_codes(api, "county", PASSWORD) == ["INVALID_CREDENTIALS"]
    assert (await api.data(ME, token=token)) == {"me": None}


CREATE_ACCOUNT = """mutation($o:ID!,$u:String!,$n:String!,$p:String!){createAccount(input:{
  organizationId:$o,username:$u,displayName:$n,password:$p}){account{username displayName
  organization{name}} userErrors{code field}}}"""


async def test_create_account_under_ones_organisation(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    variables = {"o": gid(tree.committees[0]), "u": "  c1 ", "n": " 钱进 ", "p": "secret-pass"}
    data = await api.data(CREATE_ACCOUNT, variables, token)
    assert data["createAccount"]["account"] == {
        "username": "c1",
        "displayName": "钱进",
        "organization": {"name": "甲县第1中学团委"},
    }
    assert await login_codes(api, "c1", "secret-pass") == []

    duplicate = await api.data(CREATE_ACCOUNT, variables, token)
    assert duplicate["createAccount"]["userErrors"] == [
        {"code": "ALREADY_EXISTS", "field": ["input", "username"]}
    ]
    assert await Account.filter(username="c1").count() == 1


async def test_create_account_refusals_write_nothing(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    before = await Account.all().count()
    own = {"o": gid(tree.county), "u": "x1", "n": "某人", "p": "secret-pass"}
    assert await api.error_codes(CREATE_ACCOUNT, own, token) == ["FORBIDDEN"]
    other = {**own, "o": gid(tree.sibling_county)}
    assert await api.error_codes(CREATE_ACCOUNT, other, token) == ["FORBIDDEN"]
    assert await api.error_codes(CREATE_ACCOUNT, {**own, "o": gid(tree.committees[0])}) == [
        "UNAUTHENTICATED"
    ]
    below = {**own, "o": gid(tree.committees[0])}
    for change, code, field in [
        ({"n": "  "}, "INVALID_INPUT", "displayName"),
        ({"n": "名" * 101}, "INVALID_INPUT", "displayName"),
        ({"u": ""}, "INVALID_INPUT", "username"),
        ({"p": "short"}, "INVALID_INPUT", "password"),
        ({"o": "bm9wZQ"}, "INVALID_INPUT", "organizationId"),
    ]:
        data = await api.data(CREATE_ACCOUNT, {**below, **change}, token)
        assert data["createAccount"]["userErrors"] == [{"code": code, "field": ["input", field]}]
    assert await Account.all().count() == before


async def test_concurrent_logins_verify_one_password_at_a_time(api: Api, monkeypatch) -> None:
    """Each argon2 verification holds 64 MiB: a worker runs one at a time (README #20)."""
    import asyncio
    import threading

    import resolvers.account as accounts

    tree = await build_tree(committees=1, branches_per_committee=0)
    for i in range(4):
        await admin(tree.county, f"c{i}")
    running, most = 0, 0
    lock = threading.Lock()
    verify = accounts._verify

    def counting_verify(password_hash: str, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return verify(password_hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(accounts, "_verify", counting_verify)
    tokens = await asyncio.gather(*(api.login(f"c{i}") for i in range(4)))
    assert len(set(tokens)) == 4
    assert most == 1
