"""Issue 11 (hardening), GraphQL items: validation cost, `__typename`, cursors, ids.

Each test fails on the code before the fix: the duplicated-field and fragment fan-out
documents were validated in full (seconds of CPU; the fan-out grows as 2^levels), a
trailing comment made every copy a cache miss, `__typename` was refused with
introspection off, an `after` cursor past 2^63 was an INTERNAL_SERVER_ERROR and
`deleteActor(id: "")` was NOT_FOUND.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from graphql import get_introspection_query
from graphql_relay import offset_to_cursor

from core.graphql.limits import MAX_SELECTIONS, document_key, parse_and_validate
from movies.models import Actor
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory

URL = "/graphql/"
# The probe's document: 700 copies of one field, 7.7 KB, a random comment at the end.
DUPLICATED = "{movie(id:1){" + "genres{id} " * 700 + "}} #a81f3c"


def post(client, query, variables=None):
    return client.post(URL, {"query": query, "variables": variables or {}}, format="json")


def fan_out(levels: int) -> str:
    """Each fragment spreads the previous one twice: 2^levels fields once expanded."""
    parts = ["fragment F0 on Genre { id name }"]
    parts += [f"fragment F{n} on Genre {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)]
    return f"{{ allGenres {{ edges {{ node {{ ...F{levels} }} }} }} }} " + " ".join(parts)


def assert_refused(response, message_start: str):
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["message"].startswith(message_start), error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.django_db
def test_the_7_7_kb_duplicated_field_document_is_refused_before_validation(api_client):
    # given the 7.7 KB document of the probe (under the 10 KB body cap)
    assert 7_000 < len(DUPLICATED.encode()) < 10 * 1024

    # when it is posted anonymously
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, DUPLICATED)

    # then it is refused by the repeat cap (not "Validation aborted." after the full rules)
    assert_refused(response, "Field 'movie.genres' is selected more than 10 times.")
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_fragment_fan_out_is_refused_without_being_expanded(api_client):
    # given a 1 KB document whose fragments expand to 2^24 fields
    query = fan_out(24)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then it is refused by a cap (the walk stops at the first limit it meets)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["errors"][0]
    assert error["message"].startswith(("Document too large", "Field '")), error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(queries) == 0


@pytest.mark.django_db
def test_more_than_500_distinct_selections_are_refused(api_client):
    # given ~600 selections, none repeated: a movie's fields at 40 nested levels
    level = "id title plot year imdbId tmdbId averageRating reviewCount genres { id name }"
    query = "{ movie(id: 1) { " + f"{level} reviews {{ id rating movie {{ " * 40
    query += level + " }" * 80 + " } }"

    # when
    response = post(api_client, query)

    # then the selection cap refuses it (before the depth rule would)
    assert_refused(response, f"Document too large: at most {MAX_SELECTIONS} selections")


@pytest.mark.django_db
@override_settings(GRAPHQL_INTROSPECTION=True)
def test_the_standard_introspection_query_is_answered_where_introspection_is_on(api_client):
    # given the query GraphiQL sends when it opens (480 selections once its fragments
    # are expanded: over the ordinary cap, under the introspection-only one)
    query = get_introspection_query(descriptions=True)

    # when
    response = post(api_client, query)

    # then the schema comes back
    assert response.status_code == HTTPStatus.OK, response.json().get("errors")
    types = {t["name"] for t in response.json()["data"]["__schema"]["types"]}
    assert {"Query", "Mutation", "__Schema"} <= types


@pytest.mark.django_db
@override_settings(GRAPHQL_INTROSPECTION=True)
def test_mixing_introspection_with_data_keeps_the_ordinary_cap(api_client):
    # given the introspection query with one data field beside it at the root
    query = get_introspection_query().replace(
        "__schema {", "allGenres { totalCount } __schema {", 1
    )

    # when
    response = post(api_client, query)

    # then the ordinary cap applies
    assert_refused(response, f"Document too large: at most {MAX_SELECTIONS} selections")


@pytest.mark.django_db
def test_an_unused_fragment_counts_toward_the_caps(api_client):
    # given a small operation and an unused fragment repeating a field 11 times
    query = "{ allGenres { totalCount } } fragment Big on Genre { " + "name " * 11 + "}"

    # when
    response = post(api_client, query)

    # then the fragment's fields count too (the rules validate it even if unused)
    assert_refused(response, "Field '...Big.name' is selected more than 10 times.")


@pytest.mark.django_db
def test_a_large_ordinary_document_is_accepted(api_client):
    # given a movie and 6 aliases of a full movie selection: 180 selections (cap: 200)
    movie = MovieFactory(genres=[GenreFactory(name="Drama")])
    fields = (
        "id title plot releaseDate year imdbId tmdbId averageRating reviewCount "
        "genres { id name } actors { id name } cast { character order actor { id name } } "
        "reviewStats { total average } myState { favorite watched watchlist rating }"
    )
    aliases = " ".join(f'm{i}: movie(id: "{movie.id}") {{ {fields} }}' for i in range(6))

    # when
    response = post(api_client, "{ " + aliases + " }")

    # then it runs
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert "errors" not in body
    assert body["data"]["m5"]["genres"] == [{"id": str(movie.genres.get().id), "name": "Drama"}]


@pytest.mark.django_db
def test_a_field_repeated_ten_times_is_still_allowed(api_client):
    # given a genre and `name` selected ten times through fragments (the cap)
    GenreFactory(name="Drama")
    spreads = " ".join(f"...N{i}" for i in range(9))
    fragments = " ".join(f"fragment N{i} on Genre {{ name }}" for i in range(9))
    query = f"{{ allGenres {{ edges {{ node {{ name {spreads} }} }} }} }} {fragments}"

    # when
    response = post(api_client, query)

    # then the fields merge as GraphQL says
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["allGenres"]["edges"] == [{"node": {"name": "Drama"}}]


@pytest.mark.django_db
def test_a_comment_does_not_defeat_the_document_cache():
    # given the document cache, empty
    from graphene_django.settings import graphene_settings

    schema = graphene_settings.SCHEMA.graphql_schema
    parse_and_validate.cache_clear()

    # when one document arrives three times with different comments and spacing
    first = parse_and_validate(schema, DUPLICATED + "1", 8, 15, False)
    second = parse_and_validate(schema, DUPLICATED + "2", 8, 15, False)
    third = parse_and_validate(schema, "# lead\n" + DUPLICATED.replace("} ", "}  "), 8, 15, False)

    # then it was parsed and validated once
    assert first is second is third
    assert parse_and_validate.cache_info().hits == 2


@pytest.mark.parametrize(
    ("same", "other"),
    [
        ("{ a b }", "{ a,\n  b }#x\n"),
        ('{ a(x: "#") b }', '{a(x:"#")  b} # y'),
        ("query Q { a }", "\ufeffquery   Q { a } # z"),
    ],
)
def test_the_cache_key_ignores_comments_and_spacing(same, other):
    assert document_key(same) == document_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("{ a b }", "{ ab }"),
        ("{ a(n: 1 2) }", "{ a(n: 12) }"),
        ("{ . . . }", "{ ... }"),
        ('{ a(x: "#") b }', '{ a(x: "") b }'),
        ('{ a(x: "a  b") }', '{ a(x: "a b") }'),
        ("{ a\u00a0b }", "{ a b }"),
    ],
)
def test_the_cache_key_tells_different_documents_apart(one, other):
    assert document_key(one) != document_key(other)


@pytest.mark.django_db
def test_documents_differing_in_a_string_are_cached_apart(api_client):
    # given two genres
    GenreFactory(name="Drama")
    GenreFactory(name="Comedy")

    # when two documents differ only inside a string argument
    drama = post(api_client, '{ allGenres(name: "Drama") { edges { node { name } } } }')
    comedy = post(api_client, '{ allGenres(name: "Comedy") { edges { node { name } } } }')

    # then each gets its own answer
    assert drama.json()["data"]["allGenres"]["edges"] == [{"node": {"name": "Drama"}}]
    assert comedy.json()["data"]["allGenres"]["edges"] == [{"node": {"name": "Comedy"}}]


PROD = {"DEBUG": False, "GRAPHQL_INTROSPECTION": False, "GRAPHQL_GRAPHIQL": False}


@pytest.mark.django_db
@override_settings(**PROD)
def test_typename_works_with_introspection_off(api_client):
    # given a genre, and production settings (introspection off)
    genre = GenreFactory(name="Drama")

    # when an Apollo-style query asks for __typename at every level
    response = post(
        api_client,
        "{ __typename allGenres { __typename edges { __typename node { __typename id } } } }",
    )

    # then it is answered
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"] == {
        "__typename": "Query",
        "allGenres": {
            "__typename": "GenreConnection",
            "edges": [
                {"__typename": "GenreEdge", "node": {"__typename": "Genre", "id": str(genre.id)}}
            ],
        },
    }


@pytest.mark.django_db
@override_settings(**PROD)
@pytest.mark.parametrize(
    "query", ["{ __schema { types { name } } }", '{ __type(name: "Movie") { name } }']
)
def test_schema_and_type_stay_refused_with_introspection_off(api_client, query):
    # when
    response = post(api_client, query)

    # then
    name = query.split()[1].split("(")[0]
    assert_refused(response, f"Cannot query '{name}': introspection is disabled.")


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [2**63 - 1, 2**63, 10**30])
def test_an_after_cursor_past_the_database_range_is_bad_user_input(api_client, offset):
    # given a genre, and a cursor for an offset the database cannot take
    GenreFactory()
    cursor = offset_to_cursor(offset)

    # when
    response = post(
        api_client,
        "query($after: String) { allGenres(first: 5, after: $after) { edges { node { id } } } }",
        {"after": cursor},
    )

    # then BAD_USER_INPUT on `after`, not an internal error
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"
    assert error["message"] == "after: not a cursor from this API."


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["", " ", "abc", "-1", "0", "1.5", "²", str(2**63), "1" * 30])
@pytest.mark.parametrize(
    "mutation",
    [
        'deleteActor(id: "{id}") {{ ok }}',
        'deleteGenre(id: "{id}") {{ ok }}',
        'deleteMovie(id: "{id}") {{ ok }}',
        'updateGenre(id: "{id}", input: {{name: "X"}}) {{ ok }}',
    ],
    ids=["deleteActor", "deleteGenre", "deleteMovie", "updateGenre"],
)
def test_a_malformed_id_on_a_mutation_is_bad_user_input(staff_client, gql, bad_id, mutation):
    # given an actor (so a wrong lookup would have something to delete)
    ActorFactory()

    # when a staff member sends an id that cannot be a database id
    body = gql("mutation { " + mutation.format(id=bad_id) + " }", client=staff_client)

    # then BAD_USER_INPUT naming `id`, and nothing changed
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "id"
    assert "is not a valid id" in error["message"]
    assert Actor.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["", "abc", "0", "-1", str(2**63)])
@pytest.mark.parametrize("field", ["movie", "genre", "actor", "review"])
def test_a_malformed_id_on_a_query_is_bad_user_input(gql, bad_id, field):
    # given one movie (so a wrong lookup would have something to find)
    MovieFactory()

    # when anyone asks for one object by an id that cannot be a database id
    body = gql(f'{{ {field}(id: "{bad_id}") {{ id }} }}')

    # then BAD_USER_INPUT naming `id`, as on the mutations, and no data
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "id"
    assert error["message"] == f"id: '{bad_id}' is not a valid id."
    assert body["data"] is None or body["data"][field] is None


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["movie", "genre", "actor", "review"])
def test_a_well_formed_missing_id_on_a_query_is_null(gql, field):
    # when anyone asks for an object that does not exist
    body = gql(f'{{ {field}(id: "987654") {{ id }} }}')

    # then null, no error (docs/guide/graphql-reference.md)
    assert body == {"data": {field: None}}


@pytest.mark.django_db
def test_a_well_formed_missing_id_is_still_not_found(staff_client, gql):
    # when a staff member deletes an actor that does not exist
    body = gql('mutation { deleteActor(id: "987654") { ok } }', client=staff_client)

    # then NOT_FOUND
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "No actor with id 987654."
