"""A row by its primary key through SQL the ORM compiled once per model and connection.

Every signed-in request reads its session and its user by primary key; compiling those two small queries cost the
ORM more time than running them (about 0.4 and 0.8 ms of CPU against 0.1). :func:`get` asks the ORM once for the
SQL, the column order and the value converters of ``Model._default_manager.filter(pk=...)`` and then only runs it:
the same row, the same model instance (``Model.from_db``, as the ORM builds it), the same errors.
"""

import weakref
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    columns: list[str]
    converters: list[tuple[int, tuple[list[Any], Any]]]


# Per connection (their converters are the connection's own), dropped with it.
_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[type[Model], _Plan | None]]" = weakref.WeakKeyDictionary()


def _plan(model: type[Model], connection: BaseDatabaseWrapper, alias: str, sample: object) -> _Plan | None:
    compiler = model._default_manager.db_manager(alias).filter(pk=sample).query.get_compiler(alias)
    sql, params = compiler.as_sql()
    klass_info = compiler.klass_info
    if len(params) != 1 or compiler.annotation_col_map or klass_info is None or klass_info.get("related_klass_infos"):
        return None  # not the plain one-table query this is for: the ORM answers as usual
    select = compiler.select[: compiler.col_count]
    columns = [column.target.attname for column, _sql, _alias in select]
    converters = list(compiler.get_converters([column for column, _sql, _alias in select]).items())
    return _Plan(sql, columns, converters)


def get(model: type[M], pk: object) -> M:
    """``model._default_manager.get(pk=pk)``: the row as a model instance, or ``model.DoesNotExist``."""
    field = model._meta.pk
    if pk is None or field is None:
        return model._default_manager.get_queryset().get(pk=pk)
    alias = router.db_for_read(model)
    connection = connections[alias]
    value = field.get_db_prep_value(field.get_prep_value(pk), connection, prepared=True)
    plans = _plans.setdefault(connection, {})
    if model not in plans:
        plans[model] = _plan(model, connection, alias, pk)
    plan = plans[model]
    if plan is None:
        return model._default_manager.get_queryset().get(pk=pk)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, [value])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")  # type: ignore[attr-defined]
    values = list(row)
    for position, (functions, expression) in plan.converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return model.from_db(alias, plan.columns, values)
