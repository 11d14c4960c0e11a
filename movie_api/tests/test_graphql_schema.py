"""The committed schema.graphql matches the schema the code builds, and is documented."""

from pathlib import Path

from django.conf import settings
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, print_schema

from movie_api.schema import schema

SDL_FILE = Path(settings.BASE_DIR) / "schema.graphql"
REGENERATE = "python manage.py graphql_schema --schema movie_api.schema.schema --out schema.graphql"


def test_committed_schema_graphql_matches_the_code():
    # given the SDL printed from the code and the committed file
    printed = print_schema(schema.graphql_schema).strip()
    committed = SDL_FILE.read_text().strip()

    # then they are identical
    assert printed == committed, f"schema.graphql is out of date; regenerate it with: {REGENERATE}"


def test_every_type_field_and_argument_has_a_description():
    # given every type we define (not the introspection or built-in scalar types)
    missing = []
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.startswith("__") or not isinstance(
            graphql_type, GraphQLObjectType | GraphQLInputObjectType | GraphQLEnumType
        ):
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")

    # then nothing lacks a description
    assert missing == []


def test_contract_names_exist():
    # given the names other programs (customer_support, the seeder) code against
    query = schema.graphql_schema.query_type.fields
    mutation = schema.graphql_schema.mutation_type.fields

    # then every one is there
    assert {
        "movie",
        "allMovies",
        "allGenres",
        "genre",
        "allActors",
        "actor",
        "allReviews",
        "me",
    } <= set(query)
    assert {
        "tokenAuth",
        "refreshToken",
        "register",
        "verifyOtp",
        "resendOtp",
        "createGenre",
        "updateGenre",
        "deleteGenre",
        "createActor",
        "updateActor",
        "deleteActor",
        "createMovie",
        "updateMovie",
        "deleteMovie",
        "createReview",
        "updateReview",
        "deleteReview",
        "addMovieToList",
        "removeMovieFromList",
    } <= set(mutation)
    all_movies_args = set(query["allMovies"].args)
    assert all_movies_args == {
        "search",
        "title",
        "genre",
        "actor",
        "minRating",
        "maxRating",
        "year",
        "minYear",
        "maxYear",
        "imdbId",
        "tmdbId",
        "orderBy",
        "first",
        "after",
        # people and discovery (README, "Discovery")
        "crew",
        "director",
        "person",
        "keyword",
        "withoutGenre",
        "minRatingCount",
        "runtimeMin",
        "runtimeMax",
    }
