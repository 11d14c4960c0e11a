"""The Swagger 2.0 differ of the API compatibility check, on small documents: what a
client of the wire would notice is breaking, what it would not is not."""

import copy
import json

from scripts.ci.openapi_diff import diff

BASE = {
    "swagger": "2.0",
    "basePath": "/api",
    "paths": {
        "/movies/": {
            "get": {
                "operationId": "movies_list",
                "parameters": [
                    {"name": "ordering", "in": "query", "type": "string", "enum": ["a", "b"]},
                ],
                "responses": {"200": {"schema": {"$ref": "#/definitions/Movie"}}},
            },
            "post": {
                "operationId": "movies_create",
                "parameters": [
                    {"name": "data", "in": "body", "schema": {"$ref": "#/definitions/Movie"}}
                ],
                "responses": {"201": {"schema": {"$ref": "#/definitions/Movie"}}},
            },
        },
    },
    "definitions": {
        "Movie": {
            "type": "object",
            "required": ["title"],
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "title": {"type": "string"},
                "rating": {"type": "integer"},
            },
        }
    },
}


def _changed(edit):
    new = copy.deepcopy(BASE)
    edit(new)
    breaking, dangerous = diff(BASE, new)
    return [c.message for c in breaking], [c.message for c in dangerous]


def test_the_same_document_has_no_change():
    assert diff(BASE, copy.deepcopy(BASE)) == ([], [])


def test_renaming_a_definition_changes_nothing_on_the_wire():
    def rename(doc):
        doc["definitions"]["Film"] = doc["definitions"].pop("Movie")
        text = json.dumps(doc["paths"]).replace("#/definitions/Movie", "#/definitions/Film")
        doc["paths"] = json.loads(text)

    assert _changed(rename) == ([], [])


def test_a_removed_path_and_operation_are_breaking():
    assert _changed(lambda d: d["paths"].pop("/movies/"))[0] == ["/api/movies/ was removed"]
    assert _changed(lambda d: d["paths"]["/movies/"].pop("post"))[0] == [
        "POST /api/movies/ was removed"
    ]


def test_a_success_status_no_longer_answered_is_breaking():
    def to_200(doc):
        responses = doc["paths"]["/movies/"]["post"]["responses"]
        responses["200"] = responses.pop("201")

    assert _changed(to_200)[0] == ["POST /api/movies/: status 201 is no longer answered"]


def test_a_shared_definition_change_is_reported_on_each_operation():
    breaking, _ = _changed(lambda d: d["definitions"]["Movie"]["properties"].pop("rating"))
    assert breaking == [
        "GET /api/movies/: response 200: field `rating` was removed",
        "POST /api/movies/: request body: field `rating` was removed",
        "POST /api/movies/: response 201: field `rating` was removed",
    ]


def test_integer_to_number_widens_a_request_but_breaks_a_response():
    def to_number(doc):
        doc["definitions"]["Movie"]["properties"]["rating"]["type"] = "number"

    assert _changed(to_number)[0] == [
        "GET /api/movies/: response 200 `rating` changed type from integer to number",
        "POST /api/movies/: response 201 `rating` changed type from integer to number",
    ]


def test_a_newly_required_request_field_breaks_but_a_read_only_one_does_not():
    def require(doc):
        doc["definitions"]["Movie"]["required"] = ["title", "rating", "id"]

    assert _changed(require)[0] == [
        "POST /api/movies/: request body: field `rating` is now required"
    ]


def test_a_response_that_may_now_be_null_is_breaking():
    def nullable(doc):
        doc["definitions"]["Movie"]["properties"]["rating"]["x-nullable"] = True

    assert _changed(nullable)[0] == [
        "GET /api/movies/: response 200 `rating` may now be null",
        "POST /api/movies/: response 201 `rating` may now be null",
    ]


def test_enum_values_removed_from_a_parameter_break_a_new_bound_only_warns():
    def narrow(doc):
        parameter = doc["paths"]["/movies/"]["get"]["parameters"][0]
        parameter["enum"] = ["a"]
        parameter["maxLength"] = 3

    breaking, dangerous = _changed(narrow)
    assert breaking == ["GET /api/movies/: query parameter `ordering` no longer accepts b"]
    assert dangerous == ["GET /api/movies/: query parameter `ordering`: maxLength is now 3"]


def test_a_removed_parameter_breaks_a_new_optional_one_does_not():
    assert _changed(lambda d: d["paths"]["/movies/"]["get"]["parameters"].clear())[0] == [
        "GET /api/movies/: query parameter `ordering` was removed"
    ]

    def optional(doc):
        parameter = {"name": "page", "in": "query", "type": "integer", "required": False}
        doc["paths"]["/movies/"]["get"]["parameters"].append(parameter)

    assert _changed(optional) == ([], [])
