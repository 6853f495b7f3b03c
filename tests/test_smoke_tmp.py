from tests.api import admin, build_tree, gid


async def test_login_and_tree(api):
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    data = await api.data(
        "query($id:ID!){organization(id:$id){id name branchCount children(first:1){totalCount "
        "pageInfo{hasNextPage endCursor} edges{node{name parent{name} ancestors{name} children{edges{node{name}}}}}}}}",
        {"id": gid(tree.county)}, token)
    print(data)
    me = await api.data("{me{account{username displayName organization{name}}}}", token=token)
    print(me)
