"""The words of the OpenAPI document: one entry per operation, kept in one table per app.

Each app has a small module (`movies/api/docs.py`, `users/api/docs.py`,
`lists/api/docs.py`) with `OPERATIONS`: operation id -> `Operation(summary,
description, request=..., responses=...)`. MovieAPIAutoSchema (core/openapi.py)
reads the merged table for every operation it writes, so the summary, the description
and the examples of an operation live in exactly one place, keyed by the operation id
the document shows (`operationId` in /swagger.json). A view's docstring is for the
reader of the code; it is not copied into the document.

Why a table rather than `swagger_auto_schema(operation_summary=...)` on each view: the
text stays out of the view code, one view class serving several routes (the three
movie lists) gets one entry per route, and a later "one description per operation"
source (e.g. shared with the GraphQL docs) only has to replace `operation_docs()`.

An operation missing from the table keeps drf-yasg's default (its docstring, without a
summary); `core/tests/test_openapi.py` fails until it has an entry.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Operation:
    """What the document says about one operation.

    `summary` is short and imperative ("List movies"); `description` says what it does,
    who may call it and its main errors (Markdown). `request` is an example body;
    `responses` maps a status code to an example response body. Examples are checked
    against the operation's own schema by the tests, so they follow the serializers.
    """

    summary: str
    description: str
    request: dict | None = None
    responses: dict[int, object] = field(default_factory=dict)


def docs_modules() -> list[str]:
    """`<app>.api.docs` of every installed app that has one, in INSTALLED_APPS order.

    Found, not listed: this package is below the apps and names none of them."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "api"):
            api = import_module(f"{config.name}.api")
            if module_has_submodule(api, "docs"):
                found.append(f"{config.name}.api.docs")
    return found


@cache
def operation_docs() -> dict[str, Operation]:
    """operation id -> Operation, from every app's `OPERATIONS`; an id twice is a bug."""
    merged: dict[str, Operation] = {}
    for module_name in docs_modules():
        operations = import_module(module_name).OPERATIONS
        duplicated = merged.keys() & operations.keys()
        if duplicated:
            raise ValueError(f"{module_name} documents {sorted(duplicated)} again")
        merged.update(operations)
    return merged
