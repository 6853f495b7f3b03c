"""Tortoise configuration and the database dialect helpers."""

from __future__ import annotations

import datetime
import functools
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.fields.data import CharEnumFieldInstance, DatetimeField
from tortoise.models import Model
from tortoise.timezone import get_default_timezone, get_use_tz

from models import MODEL_MODULES

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=tuple)  # type: ignore[type-arg]


async def _nothing_to_reset(connection: Any) -> None:
    """The pool's reset hook on PostgreSQL: the code keeps no session state.

    Tortoise takes a pooled connection for every statement outside a transaction, and
    asyncpg's default reset runs a query (``RESET ALL``, ``UNLISTEN *``, advisory
    unlocks...) each time one is returned: a second round trip per statement. Nothing
    here changes session state (the generator's settings are ``SET LOCAL``, gone with
    its transactions); asyncpg still rolls back an open transaction and drops
    listeners before calling this.
    """


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection: str | dict[str, Any] = database_url
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.asyncpg":
        config["credentials"]["reset"] = _nothing_to_reset
        connection = config
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": "migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(database_url: str) -> None:
    # The global fallback lets request tasks see the connections that the lifespan
    # task opened (Tortoise keeps its context in a contextvar).
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[None]:
    await init_db(database_url)
    try:
        yield
    finally:
        await close_db()


def connection() -> BaseDBAsyncClient:
    return connections.get("default")


def is_postgres(conn: BaseDBAsyncClient | None = None) -> bool:
    return (conn or connection()).capabilities.dialect == "postgres"


def placeholder(conn: BaseDBAsyncClient, index: int) -> str:
    """The n-th (1-based) bind parameter in the connection's dialect."""
    return f"${index}" if is_postgres(conn) else "?"


def placeholders(conn: BaseDBAsyncClient, start: int, count: int) -> str:
    return ", ".join(placeholder(conn, start + i) for i in range(count))


# A statement, its values marked "?" in order (``write_together``: the first may return a row).
Write = tuple[str, list[Any]]


def _db_values(instance: Model, names: Sequence[str]) -> list[Any]:
    """The fields' values as Tortoise writes them (``to_db_value``)."""
    fields = instance._meta.fields_map
    return [fields[name].to_db_value(getattr(instance, name), instance) for name in names]


def insert_rows(model: type[Model], rows: Sequence[Model]) -> Write:
    """An INSERT of ``rows`` (all of ``model``'s columns but a generated primary key)."""
    meta = model._meta
    names = [n for n in meta.fields_db_projection if n not in meta.generated_db_fields]
    assert all(meta.fields_db_projection[n] == n for n in names)  # names are columns
    marks = "(" + ", ".join("?" for _ in names) + ")"
    values = [value for row in rows for value in _db_values(row, names)]
    return (
        f"INSERT INTO {meta.db_table} ({', '.join(names)}) VALUES "
        + ", ".join(marks for _ in rows),
        values,
    )


def update_row(row: Model, names: Sequence[str], given: Mapping[str, Any] | None = None) -> Write:
    """An UPDATE of some columns of one row, by its primary key: the row's values, or
    those ``given`` (a :class:`Returned`, say)."""
    meta = row._meta
    assert all(meta.fields_db_projection[n] == n for n in names)  # names are columns
    sets = ", ".join(f"{name} = ?" for name in names)
    values = _db_values(row, names)
    if given:
        values = [given.get(name, value) for name, value in zip(names, values, strict=True)]
    return (f"UPDATE {meta.db_table} SET {sets} WHERE {meta.db_pk_column} = ?", [*values, row.pk])


class Returned:
    """A value of the row the first of :func:`write_together`'s writes returns, for a
    later write (the id of a form filed in the same statement)."""

    __slots__ = ("column",)

    def __init__(self, column: str) -> None:
        self.column = column

    def __repr__(self) -> str:
        return f"Returned({self.column!r})"


async def write_together(
    writes: Sequence[Write], *, returning: bool = False
) -> Mapping[str, Any] | None:
    """Statements in one round trip on PostgreSQL; with ``returning``, the row the first
    returns (``… RETURNING``), whose values later writes may use (:class:`Returned`).

    There they are sent as one statement of data-modifying CTEs, which PostgreSQL runs
    on one snapshot, each exactly once (none may read what another writes but through
    the first's returned row: they write different tables); row and statement triggers
    fire, and foreign keys are checked, as for the statements alone. A transaction's
    writes cost a round trip each otherwise (docs/benchmarks.md, changes 39 and 40). On
    SQLite they are sent one by one, the returned values put in.
    """
    conn = connection()
    if not is_postgres(conn):
        first: Mapping[str, Any] | None = None
        for n, (sql, values) in enumerate(writes):
            if first is not None:
                values = [first[v.column] if isinstance(v, Returned) else v for v in values]
            if returning and n == 0:
                first = (await conn.execute_query_dict(sql, values))[0]
            else:
                await conn.execute_query(sql, values)
        return first
    parts: list[str] = []
    params: list[Any] = []
    for sql, values in writes:
        pieces = sql.split("?")
        assert len(pieces) == len(values) + 1, sql
        text = pieces[0]
        for value, piece in zip(values, pieces[1:], strict=True):
            if isinstance(value, Returned):
                assert returning and parts, "only a later write may use the first's row"
                text += f"(SELECT {value.column} FROM w0){piece}"
            else:
                params.append(value)
                text += f"${len(params)}{piece}"
        parts.append(text)
    if len(parts) == 1:  # one statement needs no CTE around it
        sql = parts[0]
    else:
        ctes = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts))
        sql = f"WITH {ctes} SELECT {'* FROM w0' if returning else '1'}"
    if returning:
        return (await conn.execute_query_dict(sql, params))[0]
    await conn.execute_query(sql, params)
    return None


def any_of(conn: BaseDBAsyncClient, index: int, ids: Iterable[int]) -> tuple[str, list[Any]]:
    """``column`` + this: membership in the integers ``ids``, from bind parameter
    ``index`` on.

    On PostgreSQL one parameter (``= ANY(...)``), so that the statement's text, and the
    statement asyncpg prepares for it, do not change with the number of values: the
    array's text (``{1,2,3}``), which PostgreSQL reads as ``int[]``. asyncpg's encoder of
    an array parameter asks of every element whether it is itself a collection
    (``isinstance`` against ``collections.abc``, a Python-level check): for the hundreds
    of branches of a county's tree that cost 2 % of the request (docs/benchmarks.md,
    change 37); PostgreSQL refuses a text that is not a list of integers. On SQLite one
    parameter per value.
    """
    values = list(ids)
    if is_postgres(conn):
        literal = "{" + ",".join(map(str, values)) + "}"
        return f" = ANY(CAST({placeholder(conn, index)} AS text)::int[])", [literal]
    return f" IN ({placeholders(conn, index, len(values))})", values


def read_tuples(model: type[Model], into: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
    """Named tuples of some of ``model``'s columns, each value what ``read_models`` gives.

    For hot reads that show a few columns of many rows (a county's branch states): the
    fields of ``into`` name columns of ``model`` (whose attributes have the same names),
    the rows hold at least those columns, in any order.
    """
    return _reader(model).tuples(into, rows)


def read_models(model: type[M], rows: Iterable[Mapping[str, Any]]) -> list[M]:
    """Instances of ``model`` from rows holding all its columns (``SELECT *``).

    The same instances as Tortoise's ``Model._init_from_db(**row)`` (a test compares
    them), for the rows read by hand-written SQL on hot paths: the per-model work is done
    once, and once per layout of columns a reader is generated (:meth:`_Reader.compile`);
    enum columns are looked up instead of converted, UTC datetimes are kept as asyncpg
    returns them (:class:`_UTCDatetime`), and rows need not be dicts (asyncpg's records
    and sqlite's rows are read by position). Columns the model does not have are ignored; a row
    missing one of its columns is left to ``_init_from_db``, which builds a partial model.
    """
    return _reader(model).read(rows)


class _Reader:
    """How rows become instances of one model (built once per model)."""

    def __init__(self, model: type[Model]) -> None:
        meta = model._meta
        self.model = model
        self.columns: dict[str, tuple[str, Callable[[Any], Any] | None]] = {
            key: (attribute, None) for key, attribute, _ in meta.db_native_fields
        }
        for key, attribute, field in meta.db_default_fields:
            self.columns[key] = (attribute, _unless_none(field.field_type))
        for key, attribute, field in meta.db_complex_fields:
            convert: Callable[[Any], Any] = field.to_python_value
            if isinstance(field, CharEnumFieldInstance):
                convert = _EnumLookup(field)
            elif isinstance(field, DatetimeField):
                convert = _utc_datetime(field)
            self.columns[key] = (attribute, convert)
        self.fixed = {
            "_partial": False,
            "_saved_in_db": True,
            "_custom_generated_pk": meta.db_pk_column not in meta.generated_db_fields,
        }
        # Tortoise sets these with object.__setattr__ on an instance from object.__new__;
        # where no class attribute of that name intercepts it (a descriptor), giving the
        # instance its __dict__ whole (object.__setattr__ too: Model.__setattr__ would
        # look at it) is the same.
        names = [*self.fixed, "_await_when_save", *(a for a, _ in self.columns.values())]
        self.plain = model.__new__ is object.__new__ and all(
            not hasattr(type(getattr(model, n, None)), "__set__") for n in names
        )
        self.readers: dict[
            tuple[bool, tuple[str, ...]], Callable[[list[Any]], list[Any]] | None
        ] = {}
        self.tuple_readers: dict[
            tuple[type, bool, tuple[str, ...]], Callable[[list[Any]], list[Any]]
        ] = {}

    def read(self, rows: Iterable[Mapping[str, Any]]) -> list[Any]:
        rows = list(rows)
        if not rows:
            return []
        by_key = type(rows[0]) is dict
        keys = tuple(rows[0].keys())
        shape = (by_key, keys)
        if shape not in self.readers and len(self.readers) < 64:
            self.readers[shape] = self.compile(keys, by_key)
        read = self.readers.get(shape)
        if read is None:  # a column missing: partial models, as Tortoise builds them
            return [self.model._init_from_db(**dict(row)) for row in rows]
        return read(rows)

    def values(self, layout: _Layout, row: Any) -> dict[str, Any]:
        """One row's instance attributes, converted one by one (the reference path)."""
        names, conversions, extras = layout
        values = dict(zip(names, row.values() if type(row) is dict else row, strict=True))
        for attribute, convert in conversions:
            values[attribute] = convert(values[attribute])
        for extra in extras:
            del values[extra]
        values.update(self.fixed, _await_when_save={})
        return values

    def compile(
        self, keys: tuple[str, ...], by_key: bool
    ) -> Callable[[list[Any]], list[Any]] | None:
        """A reader for rows of these columns: one dict display per row.

        Generated once per result layout, as ``dataclasses`` generates ``__init__``:
        each attribute read from its column by position (by name for dict rows), enum
        members looked up inline, UTC datetimes passed through inline; a row whose
        lookup fails goes through :meth:`values`, which converts as Tortoise does (or
        raises what Tortoise raises). Models whose attributes are set through
        descriptors are built by :meth:`values` and ``object.__setattr__``.
        """
        layout = self.layout(keys)
        if layout is None:
            return None
        model, new, values = self.model, self.model.__new__, self.values
        if not self.plain:

            def read_each(rows: list[Any]) -> list[Any]:
                built = []
                for row in rows:
                    instance = new(model)
                    for name, value in values(layout, row).items():
                        object.__setattr__(instance, name, value)
                    built.append(instance)
                return built

            return read_each
        namespace: dict[str, Any] = {
            "new": new, "model": model, "values": values, "layout": layout,
            "set_attribute": object.__setattr__,
            "DT": datetime.datetime, "UTC": datetime.UTC,
        }  # fmt: skip
        entries = [
            f"{self.columns[key][0]!r}: {self.cell(position, key, by_key, namespace)}"
            for position, key in enumerate(keys)
            if key in self.columns
        ]
        entries += [f"{name!r}: {value!r}" for name, value in self.fixed.items()]
        entries.append("'_await_when_save': {}")
        return _generated_reader(
            f"<read_models {model.__name__}>",
            namespace,
            fast=f"{{{', '.join(entries)}}}",
            slow="values(layout, row)",
            append=["instance = new(model)", "set_attribute(instance, '__dict__', value)"],
            built="instance",
        )

    def cell(self, position: int, key: str, by_key: bool, namespace: dict[str, Any]) -> str:
        """The expression of one column's Python value in a generated reader: enum
        members looked up, UTC datetimes passed through, anything else converted."""
        convert = self.columns[key][1]
        cell = f"row[{key!r}]" if by_key else f"row[{position}]"
        if convert is None:
            return cell
        if isinstance(convert, _EnumLookup):
            namespace[f"E{position}"] = convert.members
            return f"E{position}[{cell}]"
        namespace[f"C{position}"] = convert
        if isinstance(convert, _UTCDatetime):  # NULL stays None (Tortoise's conversion)
            return (
                f"(v{position} if (v{position} := {cell}) is None or type(v{position}) is DT "
                f"and v{position}.tzinfo is UTC else C{position}(v{position}))"
            )
        return f"C{position}({cell})"

    def tuples(self, into: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
        rows = list(rows)
        if not rows:
            return []
        by_key = type(rows[0]) is dict
        shape = (into, by_key, tuple(rows[0].keys()))
        read = self.tuple_readers.get(shape)
        if read is None:
            read = self.compile_tuples(into, shape[2], by_key)
            if len(self.tuple_readers) < 64:
                self.tuple_readers[shape] = read
        return read(rows)

    def compile_tuples(
        self, into: type[Any], keys: tuple[str, ...], by_key: bool
    ) -> Callable[[list[Any]], list[Any]]:
        """A reader of rows into ``into``'s fields, each cell as :meth:`compile` reads
        it; a row whose look-up fails is converted cell by cell as Tortoise converts."""
        fields: tuple[str, ...] = into._fields  # type: ignore[attr-defined]
        positions = {key: position for position, key in enumerate(keys)}
        unknown = [f for f in fields if f not in self.columns or self.columns[f][0] != f]
        missing = [f for f in fields if f not in positions]
        if unknown or missing:
            raise ValueError(f"{into.__name__}: not columns of the rows: {unknown + missing}")
        namespace: dict[str, Any] = {
            "new": tuple.__new__, "into": into, "DT": datetime.datetime, "UTC": datetime.UTC,
            "slowly": self.converted(fields, positions, by_key),
        }  # fmt: skip
        cells = [self.cell(positions[f], f, by_key, namespace) for f in fields]
        return _generated_reader(
            f"<read_tuples {into.__name__}>",
            namespace,
            fast=f"({', '.join(cells)},)",
            slow="slowly(row)",
            append=[],
            built="new(into, value)",
        )

    def converted(
        self, fields: tuple[str, ...], positions: dict[str, int], by_key: bool
    ) -> Callable[[Any], tuple[Any, ...]]:
        """One row's values of ``fields``, each through its conversion (the reference path)."""
        steps = [
            (field if by_key else positions[field], self.columns[field][1] or (lambda v: v))
            for field in fields
        ]
        return lambda row: tuple(convert(row[where]) for where, convert in steps)

    def layout(self, keys: tuple[str, ...]) -> _Layout | None:
        """Attribute names by position, the conversions, and the columns to drop."""
        if not set(self.columns) <= set(keys) or len(set(keys)) != len(keys):
            return None
        attributes = {attribute for attribute, _ in self.columns.values()}
        extras = [key for key in keys if key not in self.columns]
        if any(extra in attributes for extra in extras):
            return None  # an extra column named like an attribute: keep it simple
        names = [self.columns[key][0] if key in self.columns else key for key in keys]
        conversions = [
            (attribute, convert)
            for attribute, convert in self.columns.values()
            if convert is not None
        ]
        return names, conversions, extras


def _generated_reader(
    name: str, namespace: dict[str, Any], *, fast: str, slow: str, append: list[str], built: str
) -> Callable[[list[Any]], list[Any]]:
    """``read(rows)``, generated: each row's ``value`` is the expression ``fast``, or
    ``slow`` where one of its look-ups fails; ``append`` lines then ``built`` make the
    row's result from it."""
    source = "\n".join(
        [
            "def read(rows):",
            "    built = []",
            "    for row in rows:",
            "        try:",
            f"            value = {fast}",
            "        except (KeyError, TypeError):",
            f"            value = {slow}",
            *(f"        {line}" for line in append),
            f"        built.append({built})",
            "    return built",
        ]
    )
    exec(compile(source, name, "exec"), namespace)
    read: Callable[[list[Any]], list[Any]] = namespace["read"]
    return read


# Attribute (or extra column) names in the row's order, conversions, extra columns.
_Layout = tuple[list[str], list[tuple[str, Callable[[Any], Any]]], list[str]]


@functools.cache
def _reader(model: type[Model]) -> _Reader:
    return _Reader(model)


class _UTCDatetime:
    """Tortoise's conversion, except for what asyncpg returns: aware, in UTC.

    With ``use_tz`` and UTC as the default zone, Tortoise converts such a value to the
    same instant with ``ZoneInfo("UTC")`` in place of ``datetime.UTC``; it is kept as
    it is (the same instant, offset and name: equal, and printed alike).
    """

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert

    def __call__(self, value: Any) -> Any:
        if value is None or type(value) is datetime.datetime and value.tzinfo is datetime.UTC:
            return value
        return self.convert(value)


def _utc_datetime(field: DatetimeField) -> Callable[[Any], Any]:
    convert = field.to_python_value
    zone = get_default_timezone()
    if not get_use_tz() or zone.utcoffset(None) != datetime.timedelta(0):
        return convert
    return _UTCDatetime(convert)


def _unless_none(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: value if value is None else convert(value)


class _EnumLookup:
    """An enum column's member by its value (``None`` for NULL); Tortoise's conversion,
    with its errors, for anything else."""

    def __init__(self, field: CharEnumFieldInstance) -> None:
        self.members: dict[Any, Any] = {member.value: member for member in field.enum_type}
        self.members[None] = None
        self.convert = field.to_python_value

    def __call__(self, value: Any) -> Any:
        try:
            return self.members[value]
        except (KeyError, TypeError):
            return self.convert(value)


def _tortoise_cli_config() -> dict[str, Any]:
    from zhengdun.config import load_settings

    return tortoise_config(load_settings().database_url)


# For Tortoise's own CLI (``tortoise makemigrations``), named in pyproject.toml.
TORTOISE_ORM = _tortoise_cli_config()
