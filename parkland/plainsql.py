"""Rows read on every signed-in request, in plain SQL.

Each signed-in request reads its session, its user, the user's parks and the data version: four
small reads whose SQL never changes shape. Built through the ORM, each costs a query's compiling
(several times the database's own time for one row); written here once per model, they cost the
round trip. The rows come back as the ORM would give them: the same columns, the database's
values converted by the same converters, instances made by `Model.from_db`.
"""

from django.db import connections


def select_instances(model, *, alias: str, tail: str, params, using: str, extra: tuple[str, ...] = ()):
    """`SELECT <model's columns>[, extra] FROM <model's table> AS alias <tail>`, as
    (instance, *extra values) per row. `tail` names other tables by their `_meta.db_table`."""
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = [f"{alias}.{quote(f.column)}" for f in fields]
    sql = f"SELECT {', '.join(columns + list(extra))} FROM {quote(model._meta.db_table)} {alias} {tail}"
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(alias)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    results = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        results.append((model.from_db(using, names, values[: len(fields)]), *values[len(fields) :]))
    return results


def table(model, using: str) -> str:
    return connections[using].ops.quote_name(model._meta.db_table)
