"""The discover filters (genre/keyword/person all-or-any, without_genre, min_rating_count,
runtime): the same movies through REST and GraphQL, a 400 naming the filter, and a
query count that no combination changes."""

import json
from http import HTTPStatus

import pytest
from graphene.utils.str_converters import to_camel_case

from core.caching import invalidation
from movies.models import Keyword, Movie
from movies.tests.factories import (
    ActorFactory,
    CrewCreditFactory,
    GenreFactory,
    KeywordFactory,
    MovieFactory,
)

# count + page + genres and cast (one UNION query): as the unfiltered list.
LIST_QUERIES = 3


@pytest.fixture
def catalog(db):
    """Four movies whose genres, keywords, people, runtimes and rating counts are known."""
    drama, comedy, scifi = (GenreFactory(name=n) for n in ("Drama", "Comedy", "Science Fiction"))
    dystopia, time_travel, heist = (
        KeywordFactory(name=n) for n in ("dystopia", "time travel", "heist")
    )
    keanu, lana, hans = (ActorFactory(name=n) for n in ("Keanu", "Lana", "Hans"))
    matrix = MovieFactory(
        title="Matrix", genres=[scifi, drama], keywords=[dystopia], actors=[keanu], runtime=136
    )
    reloaded = MovieFactory(
        title="Reloaded", genres=[scifi], keywords=[dystopia, time_travel], actors=[keanu],
        runtime=138,
    )  # fmt: skip
    big = MovieFactory(title="Big", genres=[comedy, drama], keywords=[time_travel], runtime=104)
    heat = MovieFactory(title="Heat", genres=[drama], keywords=[heist])
    CrewCreditFactory(movie=matrix, person=lana)
    CrewCreditFactory(movie=reloaded, person=lana)
    CrewCreditFactory(movie=reloaded, person=hans, department="Sound", job="Music")
    CrewCreditFactory(movie=big, person=hans, department="Sound", job="Music")
    for movie, count in ((matrix, 10), (reloaded, 5), (big, 3), (heat, 0)):
        Movie.objects.filter(pk=movie.pk).update(rating_count=count)
    return {
        "genres": {"drama": drama.pk, "comedy": comedy.pk, "scifi": scifi.pk},
        "keywords": {"dystopia": dystopia.pk, "time_travel": time_travel.pk, "heist": heist.pk},
        "people": {"keanu": keanu.pk, "lana": lana.pk, "hans": hans.pk},
    }


def cases(ids):
    g, k, p = ids["genres"], ids["keywords"], ids["people"]
    return [
        ({"genre": f"{g['scifi']},{g['drama']}"}, {"Matrix"}),
        ({"genre": "science fiction,DRAMA"}, {"Matrix"}),
        ({"genre": f"{g['scifi']}|{g['comedy']}"}, {"Matrix", "Reloaded", "Big"}),
        ({"genre": f"{g['comedy']}"}, {"Big"}),
        ({"keyword": f"{k['dystopia']},{k['time_travel']}"}, {"Reloaded"}),
        ({"keyword": "dystopia|heist"}, {"Matrix", "Reloaded", "Heat"}),
        ({"keyword": "Time Travel"}, {"Reloaded", "Big"}),
        ({"person": f"{p['keanu']},{p['lana']}"}, {"Matrix", "Reloaded"}),
        ({"person": f"{p['hans']}"}, {"Reloaded", "Big"}),  # crew only
        ({"person": f"{p['keanu']},{p['hans']}"}, {"Reloaded"}),  # cast of one, crew of other
        ({"person": f"{p['keanu']}|{p['hans']}"}, {"Matrix", "Reloaded", "Big"}),
        ({"without_genre": f"{g['drama']}"}, {"Reloaded"}),
        ({"without_genre": f"{g['comedy']}|{g['scifi']}"}, {"Heat"}),
        ({"min_rating_count": "5"}, {"Matrix", "Reloaded"}),
        ({"min_rating_count": "0"}, {"Matrix", "Reloaded", "Big", "Heat"}),
        ({"runtime_min": "137"}, {"Reloaded"}),
        ({"runtime_max": "136"}, {"Matrix", "Big"}),  # unknown runtime never matches
        (
            {
                "genre": f"{g['drama']}",
                "without_genre": "comedy",
                "keyword": "dystopia|heist",
                "person": f"{p['keanu']}|{p['lana']}",
                "min_rating_count": "1",
                "runtime_min": "100",
                "runtime_max": "200",
            },
            {"Matrix"},
        ),
    ]


CASE_COUNT = 18


def rest_titles(client, params) -> set:
    response = client.get("/api/movies/", {**params, "page_size": 100})
    assert response.status_code == HTTPStatus.OK, response.json()
    return {movie["title"] for movie in response.json()["results"]}


INTEGERS = {"min_rating_count", "runtime_min", "runtime_max"}


def graphql_arguments(params) -> str:
    """`name: value` pairs of a GraphQL document: integers bare, the rest as strings."""
    return ", ".join(
        f"{to_camel_case(name)}: {value if name in INTEGERS else json.dumps(value)}"
        for name, value in params.items()
    )


def graphql_titles(gql, params) -> set:
    arguments = graphql_arguments(params)
    body = gql(f"{{ allMovies(first: 100, {arguments}) {{ edges {{ node {{ title }} }} }} }}")
    assert "errors" not in body, body
    return {edge["node"]["title"] for edge in body["data"]["allMovies"]["edges"]}


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_each_filter_finds_exactly_its_movies_on_both_doors(catalog, api_client, gql, index):
    # given the catalog, when one combination of filters is asked on both doors
    params, expected = cases(catalog)[index]
    # then both answer exactly the movies that match
    assert rest_titles(api_client, params) == expected
    assert graphql_titles(gql, params) == expected


def test_the_case_list_is_complete(catalog):
    assert len(cases(catalog)) == CASE_COUNT


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_no_combination_changes_the_query_count(
    catalog, api_client, django_assert_num_queries, index
):
    params, _ = cases(catalog)[index]
    with django_assert_num_queries(LIST_QUERIES):
        assert api_client.get("/api/movies/", params).status_code == HTTPStatus.OK


BAD = [
    ("genre", "1,2|3", "Use either , (all of them) or | (any of them), not both."),
    ("genre", "1,,2", "A value between separators is empty."),
    ("keyword", "|".join(str(n) for n in range(1, 22)), "At most 20 values."),
    ("person", "keanu", "Give ids separated by , (all of them) or | (any of them)."),
    ("person", "0", "Give ids separated by , (all of them) or | (any of them)."),
    ("without_genre", "|drama", "A value between separators is empty."),
    ("min_rating_count", "-1", "Ensure this value is greater than or equal to 0."),
    ("runtime_min", "0", "Ensure this value is greater than or equal to 1."),
    ("runtime_max", "1001", "Ensure this value is less than or equal to 1000."),
    ("runtime_max", "long", "Enter a whole number."),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_a_bad_value_is_a_400_naming_the_filter(catalog, api_client, gql, name, value, message):
    # REST: 400 naming the query parameter
    response = api_client.get("/api/movies/", {name: value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["errors"]
    assert [(error["field"], error["message"]) for error in errors] == [(name, message)]
    # GraphQL: the same message on the argument
    if name in INTEGERS and not value.lstrip("-").isdigit():
        return  # not an Int: GraphQL's own parser refuses it
    body = gql(f"{{ allMovies({graphql_arguments({name: value})}) {{ totalCount }} }}")
    (error,) = body["errors"]
    assert error["extensions"]["field"] == to_camel_case(name)
    assert error["message"] == f"{to_camel_case(name)}: {message}"


@pytest.fixture
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.mark.usefixtures("_cache_on")
@pytest.mark.parametrize(
    ("query", "write"),
    [
        pytest.param(
            "keyword=heist",
            lambda: Movie.objects.get(title="Big").keywords.add(Keyword.objects.get(name="heist")),
            id="keyword-link",
        ),
        pytest.param(
            "person={hans}",
            lambda: CrewCreditFactory(
                movie=Movie.objects.get(title="Heat"),
                person=Movie.objects.get(title="Big").crew_credits.get().person,
                department="Sound",
                job="Music",
            ),
            id="crew-credit",
        ),
    ],
)
def test_a_filtered_list_is_dead_after_a_write_to_a_table_it_reads(
    catalog, api_client, query, write
):
    url = "/api/movies/?" + query.format(**catalog["people"])
    # given a cached filtered page
    with invalidation.recording() as tables:
        first = api_client.get(url)
    assert invalidation.dependencies(tables) is not None
    assert api_client.get(url)["X-Cache"] == "HIT"
    # when a link the filter reads is written
    write()
    # then the next read misses and shows the new movie
    again = api_client.get(url)
    assert again.get("X-Cache") != "HIT"
    assert len(again.json()["results"]) == len(first.json()["results"]) + 1
