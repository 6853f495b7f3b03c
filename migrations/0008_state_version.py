"""Versions of the branches' states, one per parent organisation: raised by every
statement that changes the state of one of its branches.

Each worker keeps the brief states of the branches it has listed (``resolvers/
state_cache.py``), by campaign and parent, with the version of the parent they were read
at; a request reads the versions of the parents it lists (one statement of a few rows
instead of the states of hundreds of branches) and reads again only the states of a
parent whose version moved. Triggers raise the versions, so that every writer counts —
the API, ``zhengdun generate`` (``ENABLE ALWAYS``, as in 0007), a statement in psql. A
parent without a row has version 0.

On PostgreSQL statement triggers with transition tables: a bulk statement (a campaign
carried over, a COPY batch) raises each parent once, by the number of its branches' rows
it changed. Emptying the table (``TRUNCATE``) raises the tree's version (0007), which
empties the workers' caches of the tree and of states alike. SQLite has neither
statement triggers nor ``TRUNCATE``: one row trigger per event. Like ``tree_version``
the table is not a Tortoise model (the test suite empties the models' tables).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from migrations import dialect_script

RAISE = (
    "INSERT INTO state_version (organization_id, version) "
    "SELECT o.parent_id, COUNT(*) FROM changed c JOIN organization o ON o.id = c.branch_id "
    "WHERE o.parent_id IS NOT NULL GROUP BY o.parent_id ORDER BY o.parent_id "
    "ON CONFLICT (organization_id) DO UPDATE SET version = state_version.version + "
    "EXCLUDED.version"
)
POSTGRES = f"""
CREATE TABLE state_version (organization_id INT PRIMARY KEY, version BIGINT NOT NULL);
CREATE FUNCTION raise_state_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {RAISE};
    RETURN NULL;
END $$;
CREATE TRIGGER branch_state_version_insert AFTER INSERT ON branch_state
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION raise_state_version();
CREATE TRIGGER branch_state_version_update AFTER UPDATE ON branch_state
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION raise_state_version();
CREATE TRIGGER branch_state_version_delete AFTER DELETE ON branch_state
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION raise_state_version();
CREATE TRIGGER branch_state_tree_version AFTER TRUNCATE ON branch_state
    FOR EACH STATEMENT EXECUTE FUNCTION raise_tree_version();
ALTER TABLE branch_state ENABLE ALWAYS TRIGGER branch_state_version_insert;
ALTER TABLE branch_state ENABLE ALWAYS TRIGGER branch_state_version_update;
ALTER TABLE branch_state ENABLE ALWAYS TRIGGER branch_state_version_delete;
ALTER TABLE branch_state ENABLE ALWAYS TRIGGER branch_state_tree_version;
"""
POSTGRES_REVERSE = """
DROP TRIGGER branch_state_tree_version ON branch_state;
DROP TRIGGER branch_state_version_delete ON branch_state;
DROP TRIGGER branch_state_version_update ON branch_state;
DROP TRIGGER branch_state_version_insert ON branch_state;
DROP FUNCTION raise_state_version();
DROP TABLE state_version;
"""
# The upsert's SELECT has a WHERE, as SQLite requires before ON CONFLICT.
SQLITE = (
    "CREATE TABLE state_version (organization_id INT PRIMARY KEY, version BIGINT NOT NULL);"
    + "".join(
        f"CREATE TRIGGER branch_state_version_{event.lower()} AFTER {event} ON branch_state "
        "BEGIN INSERT INTO state_version (organization_id, version) SELECT parent_id, 1 "
        f"FROM organization WHERE id = {row}.branch_id AND parent_id IS NOT NULL "
        "ON CONFLICT (organization_id) DO UPDATE SET version = version + 1; END;"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    )
)
SQLITE_REVERSE = "".join(
    f"DROP TRIGGER branch_state_version_{event};" for event in ("insert", "update", "delete")
) + "DROP TABLE state_version;"


class Migration(migrations.Migration):
    dependencies = [("models", "0007_tree_version")]

    initial = False

    operations = [
        ops.RunPython(
            dialect_script(POSTGRES, SQLITE), dialect_script(POSTGRES_REVERSE, SQLITE_REVERSE)
        ),
    ]
