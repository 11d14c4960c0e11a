"""/openapi.json: OpenAPI 3.1, converted from the Swagger 2.0 document (core/openapi3.py),
valid and saying what /swagger.json says."""

import json
from http import HTTPStatus

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from core.openapi3 import convert_schema, swagger_to_openapi3


@pytest.fixture
def documents(api_client, db):
    swagger = api_client.get("/swagger.json")
    openapi = api_client.get("/openapi.json")
    assert openapi.status_code == HTTPStatus.OK
    assert openapi["Content-Type"].startswith("application/json")
    return json.loads(swagger.content), json.loads(openapi.content)


def test_the_document_is_valid_openapi_3_1(documents):
    _, document = documents
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)  # raises on the first error


def test_every_path_operation_and_status_of_the_swagger_document_is_there(documents):
    # given what the Swagger 2.0 document describes
    swagger, document = documents

    def statuses(paths):
        return {
            (path, method, status)
            for path, item in paths.items()
            for method, operation in item.items()
            if method != "parameters"
            for status in operation["responses"]
        }

    expected = statuses(swagger["paths"])
    assert len(expected) > 400
    # then the OpenAPI 3 document has each one, and no other
    assert statuses(document["paths"]) == expected
    assert document["servers"] == [{"url": "http://testserver/api"}]
    assert set(document["components"]["schemas"]) == set(swagger["definitions"])


def test_bodies_responses_and_security_move_to_their_openapi_3_places(documents):
    _, document = documents
    create = document["paths"]["/movies/{movie_id}/reviews/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"] == [{"$ref": "#/components/schemas/ReviewInput"}]
    assert "example" in body
    created = create["responses"]["201"]["content"]["application/json"]
    assert created["schema"] == {"$ref": "#/components/schemas/Review"}
    # every error, the 409 a view declares by its words too, is the one Error component
    for status in ("400", "404", "409", "429"):
        error = create["responses"][status]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}, status
    # a GET's 304 has no body and says its ETag
    not_modified = document["paths"]["/movies/{id}/"]["get"]["responses"]["304"]
    assert "content" not in not_modified
    assert not_modified["headers"]["ETag"]["schema"] == {"type": "string"}
    key = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert key == {
        "name": "Idempotency-Key",
        "in": "header",
        "description": key["description"],
        "required": False,
        "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    }
    assert document["components"]["securitySchemes"]["Bearer"]["type"] == "apiKey"
    # x-nullable became JSON Schema's null type
    field = document["components"]["schemas"]["Error"]["properties"]["errors"]["items"]
    assert field["properties"]["field"]["type"] == ["string", "null"]


def test_form_fields_become_one_form_body_and_nullable_refs_an_any_of():
    # given a Swagger 2.0 operation with formData fields (drf-yasg's for a parser
    # without JSON), a file among them
    swagger = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "basePath": "/api",
        "consumes": ["multipart/form-data"],
        "paths": {
            "/upload/": {
                "post": {
                    "parameters": [
                        {"name": "picture", "in": "formData", "type": "file", "required": True},
                        {"name": "tags", "in": "query", "type": "array",
                         "items": {"type": "string"}, "collectionFormat": "multi"},
                    ],
                    "responses": {"204": {"description": "Stored",
                                          "headers": {"ETag": {"type": "string"}}}},
                }
            }
        },
    }  # fmt: skip
    # when converted
    document = swagger_to_openapi3(swagger)
    # then the file is a binary string of a multipart body, the array a form-exploded query
    operation = document["paths"]["/upload/"]["post"]
    assert operation["requestBody"] == {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"picture": {"type": "string", "format": "binary"}},
                    "required": ["picture"],
                }
            }
        },
        "required": True,
    }
    assert operation["parameters"][0]["style"] == "form"
    assert operation["parameters"][0]["explode"] is True
    assert operation["responses"]["204"] == {
        "description": "Stored",
        "headers": {"ETag": {"schema": {"type": "string"}}},
    }
    assert document["servers"] == [{"url": "/api"}]
    validate(document, cls=OpenAPIV31SpecValidator)
    # and a nullable reference, which has no type to extend, is "the reference or null"
    assert convert_schema({"$ref": "#/definitions/A", "x-nullable": True}) == {
        "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]
    }
    assert convert_schema({"type": "string", "enum": ["a"], "x-nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
