"""The organisation tree's version: a number raised by every statement that changes the tree.

Each worker keeps pages of the tree between requests (``resolvers/tree_cache.py``) and
reads this number with every request's bearer token; a different number empties its
pages. Triggers raise it, so that every writer counts — the API, ``zhengdun generate``
(its COPY runs with ``session_replication_role = replica``, hence ``ENABLE ALWAYS``), a
hand-written statement in psql. The table is not a Tortoise model: the test suite
empties the models' tables between tests, and this row must survive that.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from migrations import dialect_script

POSTGRES = """
CREATE TABLE tree_version (version BIGINT NOT NULL);
INSERT INTO tree_version (version) VALUES (1);
CREATE FUNCTION raise_tree_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tree_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER organization_tree_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organization
    FOR EACH STATEMENT EXECUTE FUNCTION raise_tree_version();
ALTER TABLE organization ENABLE ALWAYS TRIGGER organization_tree_version;
"""
POSTGRES_REVERSE = """
DROP TRIGGER organization_tree_version ON organization;
DROP FUNCTION raise_tree_version();
DROP TABLE tree_version;
"""
# SQLite has no statement triggers: one per changed row (a DELETE without WHERE, too,
# deletes row by row once a trigger exists).
SQLITE = "CREATE TABLE tree_version (version BIGINT NOT NULL);" + (
    "INSERT INTO tree_version (version) VALUES (1);"
) + "".join(
    f"CREATE TRIGGER organization_tree_version_{event.lower()} AFTER {event} ON organization "
    "BEGIN UPDATE tree_version SET version = version + 1; END;"
    for event in ("INSERT", "UPDATE", "DELETE")
)
SQLITE_REVERSE = "".join(
    f"DROP TRIGGER organization_tree_version_{event};" for event in ("insert", "update", "delete")
) + "DROP TABLE tree_version;"


class Migration(migrations.Migration):
    dependencies = [("models", "0006_spot_check")]

    initial = False

    operations = [
        ops.RunPython(
            dialect_script(POSTGRES, SQLITE), dialect_script(POSTGRES_REVERSE, SQLITE_REVERSE)
        ),
    ]
