"""Breaking changes between two Swagger 2.0 documents, as a client of the wire sees them.

A focused differ rather than a library: no maintained Python tool reads Swagger 2.0
(docs/guide/versions.md says what was weighed). It compares operation by operation,
with every `$ref` resolved, so renaming a definition (which changes no byte on the wire)
is no change, and a change to a shared definition is reported on each operation that
sends or answers it.

Breaking (an existing client fails or silently misbehaves):
- a path or an operation removed; a success status (2xx, 304) no longer answered;
- a parameter removed, newly required, of another type, or losing enum values;
- in a request body: a property removed, newly required, narrowed (another type,
  fewer enum values, no longer nullable);
- in a response body: a property removed, of another type, newly nullable.

Dangerous (reported, never fails): new enum values in a response, a bound or pattern
added or tightened on an input (the server usually enforced it already and the
document only caught up), a response property no longer listed as required
(drf-yasg's `required` mirrors the write rule, not presence), a new operationId
(generated clients rename the method).
"""

from __future__ import annotations

from dataclasses import dataclass

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# Bounds whose rise (minimum-like) or fall (maximum-like) narrows what is accepted.
LOWER_BOUNDS = ("minimum", "minLength", "minItems")
UPPER_BOUNDS = ("maximum", "maxLength", "maxItems")
# Refs nested deeper than this are not followed (drf-yasg's definitions are not
# recursive today; this keeps a future self-reference from looping).
MAX_DEPTH = 12


@dataclass(frozen=True)
class Change:
    """One difference: the operation's path as a client calls it (`/api/movies/{id}/`),
    the leaf name of the field or parameter (None for a path or operation), and what
    happened, in words."""

    path: str
    name: str | None
    message: str


class _Diff:
    def __init__(self, old: dict, new: dict):
        self.old, self.new = old, new
        self.breaking: list[Change] = []
        self.dangerous: list[Change] = []

    def run(self) -> _Diff:
        base = self.new.get("basePath", "").rstrip("/")
        for route, old_item in self.old.get("paths", {}).items():
            path = base + route
            new_item = self.new.get("paths", {}).get(route)
            if new_item is None:
                self._breaking(path, None, f"{path} was removed")
                continue
            for method in METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {path}"
                if method not in new_item:
                    self._breaking(path, None, f"{where} was removed")
                    continue
                self._operation(path, where, old_item, new_item, method)
        return self

    def _breaking(self, path, name, message):
        self.breaking.append(Change(path, name, message))

    def _dangerous(self, path, name, message):
        self.dangerous.append(Change(path, name, message))

    # Operations

    def _operation(self, path, where, old_item, new_item, method):
        old_op, new_op = old_item[method], new_item[method]
        if old_op.get("operationId") != new_op.get("operationId"):
            self._dangerous(
                path,
                None,
                f"{where}: operationId {old_op.get('operationId')} is now "
                f"{new_op.get('operationId')} (generated clients rename the method)",
            )
        old_params = self._parameters(old_item, old_op, self.old)
        new_params = self._parameters(new_item, new_op, self.new)
        for key, old_param in old_params.items():
            new_param = new_params.get(key)
            if key == ("body", "body"):
                continue
            if new_param is None:
                self._breaking(path, key[1], f"{where}: {key[0]} parameter `{key[1]}` was removed")
            else:
                label = f"{where}: {key[0]} parameter"
                self._schema(path, label, key[1], old_param, new_param, "in")
        for key, new_param in new_params.items():
            if key in old_params or key == ("body", "body"):
                continue
            if new_param.get("required"):
                self._breaking(path, key[1], f"{where}: new required {key[0]} parameter `{key[1]}`")
        old_body, new_body = old_params.get(("body", "body")), new_params.get(("body", "body"))
        if old_body is not None and new_body is not None:
            if new_body.get("required") and not old_body.get("required"):
                self._breaking(path, None, f"{where}: the request body is now required")
            self._schema(
                path, f"{where}: request body", None, old_body["schema"], new_body["schema"], "in"
            )
        self._responses(path, where, old_op.get("responses", {}), new_op.get("responses", {}))

    def _parameters(self, item, operation, document) -> dict:
        """Path-level and operation-level parameters by (in, name); the body as
        ("body", "body") whatever its name, since a client does not send the name."""
        parameters = {}
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = _resolve(parameter, document)
            if parameter["in"] == "body":
                parameters["body", "body"] = parameter
            else:
                parameters[parameter["in"], parameter["name"]] = parameter
        return parameters

    def _responses(self, path, where, old, new):
        for status, old_response in old.items():
            if not _is_success(status):
                continue  # an error no longer documented is not one a client relies on
            new_response = new.get(status)
            if new_response is None:
                self._breaking(path, None, f"{where}: status {status} is no longer answered")
                continue
            old_schema = _resolve(old_response, self.old).get("schema")
            new_schema = _resolve(new_response, self.new).get("schema")
            if old_schema is not None and new_schema is not None:
                label = f"{where}: response {status}"
                self._schema(path, label, None, old_schema, new_schema, "out")
            elif old_schema is not None:
                self._breaking(path, None, f"{where}: response {status} no longer has a body")

    # Schemas, in one direction: "in" (the client sends it) or "out" (the client reads it)

    def _schema(self, path, where, name, old, new, direction, depth=0):
        if depth > MAX_DEPTH:
            return
        old, new = _flatten(old, self.old), _flatten(new, self.new)
        label = f"{where} `{name}`" if name else where
        old_type, new_type = old.get("type"), new.get("type")
        if old_type and new_type and old_type != new_type:
            widened = direction == "in" and (old_type, new_type) == ("integer", "number")
            if not widened:
                self._breaking(path, name, f"{label} changed type from {old_type} to {new_type}")
                return
        self._enum(path, label, name, old, new, direction)
        old_null, new_null = bool(old.get("x-nullable")), bool(new.get("x-nullable"))
        if direction == "out" and new_null and not old_null:
            self._breaking(path, name, f"{label} may now be null")
        if direction == "in" and old_null and not new_null:
            self._breaking(path, name, f"{label} no longer accepts null")
        if direction == "in":
            self._bounds(path, label, name, old, new)
        if "items" in old and "items" in new:
            item_name = name if name else None
            self._schema(path, where, item_name, old["items"], new["items"], direction, depth + 1)
        if "properties" in old or "properties" in new:
            self._properties(path, where, name, old, new, direction, depth)

    def _properties(self, path, where, name, old, new, direction, depth):
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        prefix = f"{where} `{name}`" if name else where
        for prop, old_prop in old_props.items():
            read_only = _flatten(old_prop, self.old).get("readOnly")
            if direction == "in" and read_only:
                continue  # never sent by a client
            if prop not in new_props:
                self._breaking(path, prop, f"{prefix}: field `{prop}` was removed")
                continue
            self._schema(path, where, prop, old_prop, new_props[prop], direction, depth + 1)
            if direction == "out" and prop in old_required and prop not in new_required:
                self._dangerous(path, prop, f"{prefix}: field `{prop}` is no longer required")
        if direction != "in":
            return
        for prop in new_required - old_required:
            if _flatten(new_props.get(prop, {}), self.new).get("readOnly"):
                continue
            self._breaking(path, prop, f"{prefix}: field `{prop}` is now required")

    def _enum(self, path, label, name, old, new, direction):
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if direction == "in" and new_enum is not None:
            lost = sorted(map(str, set(old_enum or []) - set(new_enum))) if old_enum else None
            if lost:
                self._breaking(path, name, f"{label} no longer accepts {', '.join(lost)}")
            elif old_enum is None:
                self._dangerous(path, name, f"{label} is now limited to {len(new_enum)} values")
        if direction == "out" and old_enum is not None:
            added = sorted(map(str, set(new_enum or []) - set(old_enum))) if new_enum else None
            if added or new_enum is None:
                self._dangerous(path, name, f"{label} may answer new values {added or 'any'}")

    def _bounds(self, path, label, name, old, new):
        for key in LOWER_BOUNDS + UPPER_BOUNDS:
            if key not in new:
                continue
            tighter = key not in old or (
                new[key] > old[key] if key in LOWER_BOUNDS else new[key] < old[key]
            )
            if tighter:
                self._dangerous(path, name, f"{label}: {key} is now {new[key]}")
        if "pattern" in new and new.get("pattern") != old.get("pattern"):
            self._dangerous(path, name, f"{label}: pattern is now {new['pattern']}")


def _is_success(status: str) -> bool:
    return status.startswith("2") or status == "304"


def _resolve(node: dict, document: dict) -> dict:
    """The object a local `$ref` (#/definitions/X, #/parameters/X) points to."""
    seen = 0
    while "$ref" in node and seen < MAX_DEPTH:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node, seen = target, seen + 1
    return node


def _flatten(schema: dict, document: dict) -> dict:
    """The schema with its `$ref` resolved and its `allOf` parts merged (drf-yasg wraps a
    body in allOf to carry an example)."""
    schema = _resolve(schema, document)
    if "allOf" not in schema:
        return schema
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _flatten(part, document)
        merged.setdefault("type", part.get("type"))
        merged["properties"] = {**part.get("properties", {}), **merged.get("properties", {})}
        merged["required"] = sorted({*part.get("required", []), *merged.get("required", [])})
        for key, value in part.items():
            merged.setdefault(key, value)
    return merged


def diff(old: dict, new: dict) -> tuple[list[Change], list[Change]]:
    """The breaking and the dangerous changes from document `old` to `new`."""
    result = _Diff(old, new).run()
    return _unique(result.breaking), _unique(result.dangerous)


def _unique(changes: list[Change]) -> list[Change]:
    return list(dict.fromkeys(changes))
