"""Exports written by PostgreSQL itself: each JSONL line built in SQL, streamed by COPY.

The Python path (``exports.export_sources``, used on SQLite) encodes every value in the
interpreter, which holds a heavy user's export to a fraction of what the database streams.
Here the database writes each line, masks included (``SQL_MASKS``), and Python only moves
bytes into the file. Each line is the Python path's to the character: same keys and order,
same separators, timestamps as ``isoformat()``, strings escaped by ``to_json``. Lines are
concatenated column by column: ``row_to_json`` would cost twice as much per row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import reduce
from json.encoder import encode_basestring
from typing import Any, Protocol

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    or_,
)
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.types import TypeDecorator, TypeEngine

from contracts.vocabulary import Category
from simulators.stores.sources import Scope, Source, SqlMask

FLUSH_BYTES = 1 << 20
COMPILED_SHAPES = 256  # a store has a dozen sources; the bound is only a safety
MASK = "*"
WHOLE, FRACTION = 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM', 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'


#: compiled line queries by shape; see ``_compiled``
_COMPILED: OrderedDict[tuple[Any, ...], Compiled] = OrderedDict()


class LineSink(Protocol):
    counts: Any

    def head(self, category: Category, source: str) -> str: ...

    def write_bytes(self, data: bytes) -> None: ...


def mask_msisdn_sql(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """``exports.mask_msisdn`` in SQL: ``+22376****56``."""
    return case((or_(value.is_(None), func.length(value) < 8), value),
                else_=func.concat(func.substr(value, 1, 6),
                                  func.repeat(MASK, func.length(value) - 8),
                                  func.right(value, 2)))


def mask_rib_sql(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """``exports.mask_rib`` in SQL: all but the last 4 characters, spaces removed, hidden."""
    compact = func.replace(value, " ", "")
    return case((or_(value.is_(None), value == ""), value),
                else_=func.concat(func.repeat(MASK, func.greatest(func.length(compact) - 4, 0)),
                                  func.right(compact, 4)))


def serialisable(db: Connection, source: Source,
                 sql_masks: Mapping[Callable[[Any], Any], SqlMask]) -> bool:
    """Whether the database can write this source's lines: PostgreSQL, every mask in SQL,
    every column of a type rendered here."""
    if db.dialect.name != "postgresql" or any(m not in sql_masks for m in source.masks.values()):
        return False
    columns = source.export_query(lambda table: table.c[0].is_not(None)).selected_columns
    return all(c.key in source.masks or _json_value(c, c.type) is not None for c in columns)


def copy_lines(db: Connection, out: LineSink, source: Source, scope: Scope,
               sql_masks: Mapping[Callable[[Any], Any], SqlMask]) -> None:
    """Stream the source's lines, made by PostgreSQL, into ``out``, in the transaction of
    ``db`` (whose TimeZone becomes UTC, as the Python path renders timestamps)."""
    query = source.export_query(scope, {name: sql_masks[mask]
                                        for name, mask in source.masks.items()})
    parts: list[ColumnElement[Any]] = [_text(out.head(source.category, source.table.name) + "{")]
    for index, column in enumerate(query.selected_columns):
        value = _json_value(column, String() if column.key in source.masks else column.type)
        if value is None:
            raise TypeError(f"cannot export {column.key} in the database")
        parts += [_text(("" if index == 0 else ", ") + encode_basestring(str(column.key)) + ": "),
                  value]
    parts.append(_text("}}"))
    line = reduce(lambda left, right: left.concat(right), parts)
    sql, params = _compiled(db, query.with_only_columns(line))
    cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute("SET LOCAL TimeZone = 'UTC'")
    pending: list[bytes] = []
    size = 0
    with cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
        for row in copy:
            pending.append(bytes(row))
            size += len(row)
            if size >= FLUSH_BYTES:
                out.write_bytes(_unescaped(pending))
                pending, size = [], 0
    out.write_bytes(_unescaped(pending))
    out.counts[source.category] += cursor.rowcount


def _compiled(db: Connection, statement: Select[Any]) -> tuple[str, dict[str, Any]]:
    """The statement's SQL and its parameters. Compiling a line's expression costs more than
    the export of a light subject, so the SQL is compiled once per shape (SQLAlchemy's cache
    key: the statement without its values), and each export binds its own values to it."""
    translate = db.get_execution_options().get("schema_translate_map")
    key = statement._generate_cache_key()
    shape = None if key is None else (key.key, db.dialect, frozenset((translate or {}).items()))
    compiled = None if shape is None else _COMPILED.get(shape)
    if compiled is None:
        compiled = statement.compile(dialect=db.dialect, schema_translate_map=translate,
                                     render_schema_translate=bool(translate), cache_key=key)
        if shape is not None:
            _COMPILED[shape] = compiled
            while len(_COMPILED) > COMPILED_SHAPES:
                _COMPILED.popitem(last=False)
    params = compiled.construct_params(
        extracted_parameters=None if key is None else key.bindparams)
    return str(compiled), dict(params or {})


def iso_timestamp(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """``datetime.isoformat()`` of a timestamp in the session's TimeZone (no microseconds
    when there are none, as Python writes it)."""
    return case((func.date_trunc("second", value) == value, func.to_char(value, WHOLE)),
                else_=func.to_char(value, FRACTION))


def _json_value(value: ColumnElement[Any], type_: TypeEngine[Any]) -> ColumnElement[Any] | None:
    """The JSON text of a column's value, as ``json.dumps`` writes it; None for a type this
    module does not render (the Python path exports such sources)."""
    actual = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    rendered: ColumnElement[Any]
    if isinstance(actual, Boolean):
        return case((value.is_(True), "true"), (value.is_(False), "false"), else_="null")
    if isinstance(actual, Integer | Float):
        rendered = cast(value, Text)
    elif isinstance(actual, DateTime) and actual.timezone:
        rendered = _text('"').concat(iso_timestamp(value)).concat(_text('"'))
    elif isinstance(actual, Date):
        rendered = _text('"').concat(func.to_char(value, "YYYY-MM-DD")).concat(_text('"'))
    elif isinstance(actual, String):
        rendered = cast(func.to_json(value), Text)
    else:
        return None
    return func.coalesce(rendered, "null")


def _text(value: str) -> ColumnElement[str]:
    return literal(value, Text)


def _unescaped(rows: list[bytes]) -> bytes:
    """COPY's text format doubles every backslash; a JSON text has no other character it
    escapes (JSON writes control characters as escapes)."""
    return b"".join(rows).replace(b"\\\\", b"\\")
