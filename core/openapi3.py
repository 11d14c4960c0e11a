"""OpenAPI 3.1 (`/openapi.json`), converted at run time from drf-yasg's Swagger 2.0.

The operations are described once, by drf-yasg and core/openapi.py, as the Swagger 2.0
document that /swagger/, /redoc/ and /swagger.json serve. Clients and generators that
want OpenAPI 3 (openapi-python-client refuses Swagger 2.0) get the same document
converted, so the two can never disagree. No maintained Python package converts
Swagger 2.0 to OpenAPI 3 (the reference converter, swagger2openapi, is JavaScript), and
the part of Swagger 2.0 that drf-yasg writes is small, so the conversion is here:

- `definitions` become `components/schemas`, `securityDefinitions` become
  `components/securitySchemes`, and every `#/definitions/` reference follows;
- a `body` parameter becomes the `requestBody`, `formData` parameters one object
  schema of a form body, each under the media types of `consumes`;
- a response's `schema`, `examples` and `headers` go under `content` (the media types
  of `produces`) and `headers`;
- `x-nullable` becomes JSON Schema's `null` type (3.1 is JSON Schema 2020-12), a
  `file` a binary string, a parameter's type and bounds its `schema`.

The document is checked against the OpenAPI 3.1 schema (openapi-spec-validator) and
for the same paths, operations and statuses in core/tests/test_openapi3.py; a client
generated from it runs a tour of the live server in tests/test_generated_client.py.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_yasg.codecs import OpenAPICodecJson
from drf_yasg.renderers import SwaggerJSONRenderer

OPENAPI_VERSION = "3.1.0"
OPERATION_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# A parameter's keywords that describe its value: they move into its `schema`.
VALUE_KEYWORDS = (
    "type", "format", "items", "default", "enum", "pattern", "multipleOf",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "x-nullable",
)  # fmt: skip
# Swagger 2.0's collectionFormat of an array parameter, as OpenAPI 3's style and explode.
COLLECTION_STYLES = {
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
}
FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def swagger_to_openapi3(swagger: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document saying what the Swagger 2.0 document `swagger` says."""
    swagger = _resolve_shared(copy.deepcopy(swagger))
    consumes = swagger.get("consumes") or ["application/json"]
    produces = swagger.get("produces") or ["application/json"]
    document: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": swagger["info"]}
    document["servers"] = _servers(swagger)
    for key in ("tags", "externalDocs", "security"):
        if key in swagger:
            document[key] = swagger[key]
    document["paths"] = {
        path: _path_item(item, consumes, produces) for path, item in swagger["paths"].items()
    }
    components: dict[str, Any] = {}
    if swagger.get("definitions"):
        components["schemas"] = {
            name: convert_schema(schema) for name, schema in swagger["definitions"].items()
        }
    if swagger.get("securityDefinitions"):
        components["securitySchemes"] = {
            name: _security_scheme(scheme)
            for name, scheme in swagger["securityDefinitions"].items()
        }
    if components:
        document["components"] = components
    document.update({k: v for k, v in swagger.items() if k.startswith("x-")})
    return document


def convert_schema(schema: Any) -> Any:
    """A Swagger 2.0 Schema Object as a JSON Schema 2020-12 one (OpenAPI 3.1)."""
    if isinstance(schema, list):
        return [convert_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            converted[key] = value.replace("#/definitions/", "#/components/schemas/", 1)
        elif key in ("properties", "definitions"):
            converted[key] = {name: convert_schema(sub) for name, sub in value.items()}
        elif key == "discriminator" and isinstance(value, str):
            converted[key] = {"propertyName": value}
        elif key == "example":
            converted[key] = value  # an example, not a schema: copied as it is
        elif key != "x-nullable":
            converted[key] = convert_schema(value)
    if converted.get("type") == "file":
        converted.update(type="string", format="binary")
    if schema.get("x-nullable"):
        converted = _nullable(converted)
    return converted


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null: a type list where there is a type, else `anyOf` with null (a
    `$ref` or `allOf` has no type of its own to extend)."""
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    schema = {**schema, "type": [*types, "null"] if "null" not in types else types}
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _resolve_shared(swagger: dict[str, Any]) -> dict[str, Any]:
    """Inline the document-level `parameters` and `responses` their `$ref`s name: OpenAPI
    3 keeps a shared body parameter elsewhere (requestBodies), so resolving is simpler."""
    shared = {
        "parameters": swagger.pop("parameters", {}),
        "responses": swagger.pop("responses", {}),
    }

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith(("#/parameters/", "#/responses/")):
                _, section, name = ref.split("/", 2)
                return resolve(copy.deepcopy(shared[section][name]))
            return {key: resolve(sub) for key, sub in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    swagger["paths"] = resolve(swagger["paths"])
    return swagger


def _servers(swagger: dict[str, Any]) -> list[dict[str, str]]:
    base_path = swagger.get("basePath", "/")
    if "host" not in swagger:
        return [{"url": base_path}]
    return [
        {"url": f"{scheme}://{swagger['host']}{base_path.rstrip('/')}"}
        for scheme in swagger.get("schemes") or ["https"]
    ]


def _path_item(item: dict[str, Any], consumes: list, produces: list) -> dict[str, Any]:
    shared = item.get("parameters", [])
    converted = {key: value for key, value in item.items() if key.startswith("x-")}
    if shared:
        converted["parameters"] = [_parameter(p) for p in shared if p["in"] in _PLAIN]
    for method in OPERATION_METHODS:
        if method in item:
            converted[method] = _operation(item[method], shared, consumes, produces)
    return converted


_PLAIN = ("path", "query", "header", "cookie")


def _operation(
    operation: dict[str, Any], shared: list, consumes: list, produces: list
) -> dict[str, Any]:
    converted = {
        key: value
        for key, value in operation.items()
        if key not in ("parameters", "responses", "consumes", "produces", "schemes")
    }
    consumes = operation.get("consumes") or consumes
    produces = operation.get("produces") or produces
    parameters = operation.get("parameters", [])
    plain = [_parameter(p) for p in parameters if p["in"] in _PLAIN]
    if plain:
        converted["parameters"] = plain
    # The operation's own body or form fields, else the path item's.
    body = [p for p in parameters if p["in"] in ("body", "formData")] or [
        p for p in shared if p["in"] in ("body", "formData")
    ]
    if body:
        converted["requestBody"] = _request_body(body, consumes)
    converted["responses"] = {
        status: _response(response, produces) for status, response in operation["responses"].items()
    }
    return converted


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    converted = {
        key: value
        for key, value in parameter.items()
        if key not in VALUE_KEYWORDS and key not in ("collectionFormat", "allowEmptyValue")
    }
    converted["schema"] = convert_schema(
        {k: parameter[k] for k in VALUE_KEYWORDS if k in parameter}
    )
    if parameter.get("type") == "array":
        style, explode = COLLECTION_STYLES[parameter.get("collectionFormat", "csv")]
        converted.update(style=style, explode=explode)
    if parameter.get("allowEmptyValue") and parameter["in"] == "query":
        converted["allowEmptyValue"] = True
    return converted


def _request_body(parameters: list[dict[str, Any]], consumes: list) -> dict[str, Any]:
    """One `body` parameter, or the `formData` fields as one object of a form."""
    body = next((p for p in parameters if p["in"] == "body"), None)
    if body is not None:
        converted = {"content": {t: {"schema": convert_schema(body["schema"])} for t in consumes}}
        if "description" in body:
            converted["description"] = body["description"]
        converted["required"] = bool(body.get("required"))
        return converted
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    for field in parameters:
        values = {k: field[k] for k in VALUE_KEYWORDS if k in field}
        if "description" in field:
            values["description"] = field["description"]
        schema["properties"][field["name"]] = convert_schema(values)
        if field.get("required"):
            schema.setdefault("required", []).append(field["name"])
    media_types = [t for t in consumes if t in FORM_MEDIA_TYPES] or ["multipart/form-data"]
    return {
        "content": {t: {"schema": schema} for t in media_types},
        "required": "required" in schema,
    }


def _response(response: dict[str, Any], produces: list) -> dict[str, Any]:
    converted = {"description": response.get("description", "")}
    if response.get("headers"):
        converted["headers"] = {name: _header(h) for name, h in response["headers"].items()}
    examples = response.get("examples", {})
    if "schema" in response:
        schema = convert_schema(response["schema"])
        content = {}
        for media_type in produces:
            content[media_type] = {"schema": schema}
            if media_type in examples:
                content[media_type]["example"] = examples[media_type]
        converted["content"] = content
    converted.update({k: v for k, v in response.items() if k.startswith("x-")})
    return converted


def _header(header: dict[str, Any]) -> dict[str, Any]:
    converted = {"schema": convert_schema({k: header[k] for k in VALUE_KEYWORDS if k in header})}
    if "description" in header:
        converted["description"] = header["description"]
    return converted


def _security_scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    description = {"description": scheme["description"]} if "description" in scheme else {}
    if scheme["type"] == "basic":
        return {"type": "http", "scheme": "basic", **description}
    if scheme["type"] == "apiKey":
        return {"type": "apiKey", "name": scheme["name"], "in": scheme["in"], **description}
    flow_names = {
        "implicit": "implicit",
        "password": "password",
        "application": "clientCredentials",
        "accessCode": "authorizationCode",
    }
    flow = {"scopes": scheme.get("scopes", {})}
    for key in ("authorizationUrl", "tokenUrl"):
        if key in scheme:
            flow[key] = scheme[key]
    return {"type": "oauth2", "flows": {flow_names[scheme["flow"]]: flow}, **description}


class OpenAPI3Codec(OpenAPICodecJson):
    """drf-yasg's JSON codec, writing the converted document."""

    def generate_swagger_object(self, swagger):
        return swagger_to_openapi3(super().generate_swagger_object(swagger))


class OpenAPI3JSONRenderer(SwaggerJSONRenderer):
    """Renders the schema view's Swagger document as OpenAPI 3.1 JSON: the view, its
    generator and its cache stay drf-yasg's (movie_api/urls.py)."""

    codec_class = OpenAPI3Codec
