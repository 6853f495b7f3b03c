"""Bad input never gives a 500 and never writes anything."""

from __future__ import annotations

import logging

import pytest

from models.audit import AuditEntry
from models.organization import Organization
from schema.ids import encode_id
from tests.api import Api, admin, build_tree, gid

CREATE_ORG = """mutation($p:ID!,$n:String!,$t:OrgType!,$s:Sector!){createOrganization(input:{
  parentId:$p,name:$n,type:$t,sector:$s}){organization{name type depth branchCount parent{name}}
  userErrors{code message field}}}"""


async def _county_admin(api: Api):
    tree = await build_tree()
    await admin(tree.county, "county")
    return tree, await api.login("county")


async def test_create_organization(api: Api) -> None:
    tree, token = await _county_admin(api)
    variables = {
        "p": gid(tree.committees[0]),
        "n": "  高1(4)班团支部 ",
        "t": "BRANCH",
        "s": "HIGH_SCHOOL",
    }
    data = await api.data(CREATE_ORG, variables, token)
    assert data["createOrganization"] == {
        "organization": {
            "name": "高1(4)班团支部",
            "type": "BRANCH",
            "depth": 5,
            "branchCount": 0,
            "parent": {"name": "甲县第1中学团委"},
        },
        "userErrors": [],
    }
    await tree.county.refresh_from_db()
    await tree.root.refresh_from_db()
    assert tree.county.branch_count == 7 and tree.root.branch_count == 7
    assert await AuditEntry.filter(action="createOrganization").count() == 1


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"n": ""}, "INVALID_INPUT", "name"),
        ({"n": "   "}, "INVALID_INPUT", "name"),
        ({"n": "团" * 101}, "INVALID_INPUT", "name"),
        ({"p": "not-an-id!"}, "INVALID_INPUT", "parentId"),
        ({"p": encode_id("Account", 1)}, "INVALID_INPUT", "parentId"),
        ({"p": encode_id("Organization", 999999)}, "NOT_FOUND", "parentId"),
        ({"p": "branch"}, "INVALID_STATE", "parentId"),  # branches are leaves
    ],
)
async def test_create_organization_refusals_write_nothing(api: Api, change, code, field) -> None:
    tree, token = await _county_admin(api)
    if change.get("p") == "branch":
        change = {"p": gid(tree.branches[0])}
    before = await Organization.all().count()
    variables = {
        "p": gid(tree.committees[0]),
        "n": "新团支部",
        "t": "BRANCH",
        "s": "HIGH_SCHOOL",
        **change,
    }
    data = await api.data(CREATE_ORG, variables, token)
    errors = data["createOrganization"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, ["input", field])]
    assert errors[0]["message"]  # a Chinese sentence for the user
    assert data["createOrganization"]["organization"] is None
    assert await Organization.all().count() == before
    assert await AuditEntry.filter(action="createOrganization").count() == 0


async def test_create_organization_outside_ones_subtree_is_forbidden(api: Api) -> None:
    tree, token = await _county_admin(api)
    before = await Organization.all().count()
    variables = {"p": gid(tree.sibling_county), "n": "新团委", "t": "COMMITTEE", "s": "RURAL"}
    assert await api.error_codes(CREATE_ORG, variables, token) == ["FORBIDDEN"]
    assert await api.error_codes(CREATE_ORG, variables) == ["UNAUTHENTICATED"]
    assert await Organization.all().count() == before


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.client.post(
        "/graphql", content=b'{"query": "{ me {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


async def test_unknown_fields_and_wrong_types_are_validation_errors(api: Api) -> None:
    body = await api.post("{ me { nonsense } }")
    assert body.get("data") is None
    assert "Cannot query field 'nonsense'" in body["errors"][0]["message"]
    body = await api.post("mutation{createOrganization(input:{parentId:1}){userErrors{code}}}")
    assert body["errors"]


async def test_garbage_ids_in_queries(api: Api) -> None:
    tree, token = await _county_admin(api)
    for bad in ("%%%", encode_id("Nope", 1), encode_id("Account", "x")):
        body = await api.post("query($id:ID!){node(id:$id){id}}", {"id": bad}, token)
        assert (
            body["data"] == {"node": None}
            or body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
        )
    body = await api.post(
        "query($id:ID!){organization(id:$id){name}}", {"id": encode_id("Account", 1)}, token
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    body = await api.post(
        "query($id:ID!){organization(id:$id){name}}",
        {"id": encode_id("Organization", 424242)},
        token,
    )
    assert body == {"data": {"organization": None}}
    body = await api.post(
        'query($id:ID!){organization(id:$id){children(first:5, after:"zzz"){totalCount}}}',
        {"id": gid(tree.county)},
        token,
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    body = await api.post(
        "query($id:ID!){organization(id:$id){children(first:1000){totalCount}}}",
        {"id": gid(tree.county)},
        token,
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_query_depth_is_limited(api: Api) -> None:
    nested = "parent{" * 12 + "name" + "}" * 12
    body = await api.post("query($id:ID!){organization(id:$id){" + nested + "}}", {"id": "x"})
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_aliases_and_tokens_are_limited(api: Api) -> None:
    aliases = " ".join(f"a{i}: me {{ unreadCount: __typename }}" for i in range(40))
    body = await api.post("{" + aliases + "}")
    assert "aliases" in body["errors"][0]["message"]
    tokens = "{ " + " ".join("__typename" for _ in range(6000)) + " }"
    body = await api.post(tokens)
    assert "token" in body["errors"][0]["message"].lower()


async def test_introspection_is_not_cut_by_the_depth_limit(api: Api) -> None:
    from graphql import get_introspection_query

    body = await api.post(get_introspection_query())
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_unexpected_errors_are_masked_and_logged(api: Api, monkeypatch, caplog) -> None:
    tree, token = await _county_admin(api)

    async def broken(info, org):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("resolvers.organization.ancestors", broken)
    with caplog.at_level(logging.ERROR, logger="zhengdun.errors"):
        body = await api.post(
            "query($id:ID!){organization(id:$id){ancestors{name}}}", {"id": gid(tree.county)}, token
        )
    error = body["errors"][0]
    assert error["message"] == "服务器内部错误"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in str(body)
    assert error["extensions"]["requestId"] in caplog.text
    assert "secret internal detail" in caplog.text


async def test_documents_are_validated_once_and_the_caches_are_bounded(api: Api) -> None:
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    from zhengdun.config import Settings

    size = Settings(database_url="").document_cache_size
    validate, parse = _get_validate_cache(size), _get_parse_cache(size)
    query = "{ me { account { username } } __typename }"
    await api.post(query)
    before = (validate.cache_info().hits, parse.cache_info().hits)
    await api.post(query)
    after = (validate.cache_info().hits, parse.cache_info().hits)
    assert after == (before[0] + 1, before[1] + 1)
    assert validate.cache_info().maxsize == parse.cache_info().maxsize == size
