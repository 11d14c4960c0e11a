"""Our GraphQL documents are valid against the movie API's schema, so drift fails here first."""

from pathlib import Path

import pytest
from django.conf import settings
from graphql import build_schema, parse, validate

from ..movie_api_client.documents import DOCUMENTS

# The movie API's committed SDL, one level above this project.
SCHEMA_FILE = Path(settings.BASE_DIR).parent / "schema.graphql"

# The contract we were given, so the documents are checked even before schema.graphql exists.
CONTRACT_SDL = """
scalar Date
type Query {
  movie(id: ID!): Movie
  allMovies(search: String, title: String, genre: String, actor: String,
            minRating: Float, maxRating: Float, year: Int, minYear: Int, maxYear: Int,
            orderBy: String, first: Int, after: String): MovieConnection
  allGenres(name: String, first: Int, after: String): GenreConnection
  allActors(name: String, first: Int, after: String): ActorConnection
  me: UserProfile
}
type Mutation { tokenAuth(username: String!, password: String!): TokenAuthPayload }
type UserProfile { id: ID! username: String! email: String! isStaff: Boolean! }
type AuthUser { id: ID! username: String! email: String! }
type TokenAuthPayload { access: String! refresh: String! user: AuthUser! }
type Movie {
  id: ID! title: String! plot: String! releaseDate: Date year: Int averageRating: Float!
  reviewCount: Int! genres: [Genre!]! actors: [Actor!]!
}
type Genre { id: ID! name: String! }
type Actor { id: ID! name: String! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type MovieEdge { node: Movie! cursor: String! }
type GenreEdge { node: Genre! cursor: String! }
type ActorEdge { node: Actor! cursor: String! }
type MovieConnection { totalCount: Int! pageInfo: PageInfo! edges: [MovieEdge!]! }
type GenreConnection { totalCount: Int! pageInfo: PageInfo! edges: [GenreEdge!]! }
type ActorConnection { totalCount: Int! pageInfo: PageInfo! edges: [ActorEdge!]! }
"""


def errors_against(sdl: str, document: str) -> list[str]:
    return [error.message for error in validate(build_schema(sdl), parse(document))]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_against_the_agreed_contract(name):
    assert errors_against(CONTRACT_SDL, DOCUMENTS[name]) == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_against_the_movie_apis_schema_file(name):
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"{SCHEMA_FILE} is not written yet")

    assert errors_against(SCHEMA_FILE.read_text(), DOCUMENTS[name]) == []


def test_the_check_catches_a_field_the_schema_lacks():
    drifted = DOCUMENTS["movie"].replace("year", "yearOfRelease")

    assert errors_against(CONTRACT_SDL, drifted) == [
        "Cannot query field 'yearOfRelease' on type 'Movie'."
    ]
