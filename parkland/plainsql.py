"""Rows read on every signed-in request, in plain SQL.

Each signed-in request reads its session, its user with the user's parks, and the data version:
small reads whose SQL never changes shape. Built through the ORM, each costs a query's compiling
(several times the database's own time for one row); written here once per model, they cost the
round trip, and reads that belong together share one. The rows come back as the ORM would give
them: the same columns, the database's values converted by the same converters, instances made by
`Model.from_db`.
"""

from django.db import connections


class Columns:
    """A model's concrete columns under a table alias in a SELECT, and the instance of a row's
    values for them (None where an outer join found no row)."""

    def __init__(self, model, alias: str, using: str) -> None:
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model, self.using, self.connection = model, using, connection
        self.sql = [f"{alias}.{quote(f.column)}" for f in fields]
        self.names = [f.attname for f in fields]
        self.pk_index = fields.index(model._meta.pk)
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def __len__(self) -> int:
        return len(self.sql)

    def build(self, row):
        values = list(row)
        if values[self.pk_index] is None:
            return None
        for index, column, functions in self.converters:
            for convert in functions:
                values[index] = convert(values[index], column, self.connection)
        return self.model.from_db(self.using, self.names, values)


def fetch(sql: str, params, using: str) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def select_instances(model, *, alias: str, tail: str, params, using: str, extra: tuple[str, ...] = ()):
    """`SELECT <model's columns>[, extra] FROM <model's table> AS alias <tail>`, as
    (instance, *extra values) per row. `tail` names other tables by their `_meta.db_table`."""
    columns = Columns(model, alias, using)
    sql = f"SELECT {', '.join(columns.sql + list(extra))} FROM {table(model, using)} {alias} {tail}"
    width = len(columns)
    return [(columns.build(row[:width]), *row[width:]) for row in fetch(sql, params, using)]


def table(model, using: str) -> str:
    return connections[using].ops.quote_name(model._meta.db_table)
