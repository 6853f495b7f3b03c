"""Ships the default checklist template (2019) and, on PostgreSQL, byte-order paths.

Organisation paths are compared as byte strings (see ``models.organization``); on
PostgreSQL that needs the "C" collation whatever the database's default locale is.
"""

import json

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.campaign import DEFAULT_TEMPLATE_ID, shipped_template


async def load_default_template(apps, schema_editor) -> None:
    client = schema_editor.client
    data = shipped_template(DEFAULT_TEMPLATE_ID)
    items = [
        {"code": i["code"], "category": i["category"], "title": i["title"]} for i in data["items"]
    ]
    postgres = client.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, 5))
    now = "CURRENT_TIMESTAMP"
    await client.execute_query(
        "INSERT INTO checklist_template (id, name, poor_threshold, items, created_at) "
        f"VALUES ({marks}, {now})",
        [data["id"], data["name"], int(data["poor_threshold"]), json.dumps(items, ensure_ascii=False)],
    )


async def c_collation_paths(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return  # SQLite compares text bytewise (BINARY) by default
    await client.execute_script(
        'ALTER TABLE organization ALTER COLUMN path TYPE VARCHAR(255) COLLATE "C";'
        'ALTER TABLE branch_state ALTER COLUMN branch_path TYPE VARCHAR(255) COLLATE "C";'
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0002_workflow")]

    initial = False

    operations = [
        ops.RunPython(load_default_template),
        ops.RunPython(c_collation_paths),
    ]
