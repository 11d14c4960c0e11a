"""Similar movies on a small hand-made catalog whose right answers are known, both
doors, checked against a brute-force count; pinned query counts; 404s; the cache."""

from http import HTTPStatus

import pytest

from core.caching import invalidation
from movies.models import Casting, CrewCredit, Movie
from movies.selectors.similar import WEIGHTS, movie_similar
from movies.tests.factories import (
    ActorFactory,
    CrewCreditFactory,
    GenreFactory,
    KeywordFactory,
    MovieFactory,
)

pytestmark = pytest.mark.django_db

SIMILAR = """query($id: ID!, $first: Int) { movie(id: $id) { similar(first: $first) {
  score movie { title } because { genres { name } people { name } keywords { name } }
} } }"""


@pytest.fixture
def catalog():
    """Heat and movies that share known things with it.

    Heat: Drama, Crime; heist, police; Pacino and De Niro in the cast, Mann directing.
    Expected, best first (3 per person, 2 per keyword, 1 per genre; ties by id):
    Thief 6 (Crime, heist, Mann), Collateral 6 (Crime, police, Mann), Casino 5 (Drama,
    Crime, De Niro: cast and producer, once), Godfather 5 (Drama, Crime, Pacino),
    Moonlight 1 (Drama). Interstellar shares nothing.
    """
    drama, crime, scifi = (GenreFactory(name=n) for n in ("Drama", "Crime", "Science Fiction"))
    heist, police, space = (KeywordFactory(name=n) for n in ("heist", "police", "space"))
    pacino, de_niro, mann, nolan = (
        ActorFactory(name=n) for n in ("Al Pacino", "Robert De Niro", "Michael Mann", "Nolan")
    )
    heat = MovieFactory(
        title="Heat", genres=[drama, crime], keywords=[heist, police], actors=[pacino, de_niro]
    )
    CrewCreditFactory(movie=heat, person=mann)
    thief = MovieFactory(title="Thief", genres=[crime], keywords=[heist])
    CrewCreditFactory(movie=thief, person=mann)
    collateral = MovieFactory(title="Collateral", genres=[crime], keywords=[police])
    CrewCreditFactory(movie=collateral, person=mann)
    casino = MovieFactory(title="Casino", genres=[drama, crime], actors=[de_niro])
    CrewCreditFactory(movie=casino, person=de_niro, department="Production", job="Producer")
    MovieFactory(title="Godfather", genres=[crime, drama], actors=[pacino])
    MovieFactory(title="Moonlight", genres=[drama])
    interstellar = MovieFactory(title="Interstellar", genres=[scifi], keywords=[space])
    CrewCreditFactory(movie=interstellar, person=nolan)
    return {"heat": heat, "interstellar": interstellar, "casino": casino}


EXPECTED = [
    ("Thief", 6, ["Crime"], ["Michael Mann"], ["heist"]),
    ("Collateral", 6, ["Crime"], ["Michael Mann"], ["police"]),
    ("Casino", 5, ["Crime", "Drama"], ["Robert De Niro"], []),
    ("Godfather", 5, ["Crime", "Drama"], ["Al Pacino"], []),
    ("Moonlight", 1, ["Drama"], [], []),
]


def rest_rows(body) -> list:
    return [
        (
            row["movie"]["title"],
            row["score"],
            *([ref["name"] for ref in row["because"][kind]] for kind in WEIGHTS),
        )
        for row in body["results"]
    ]


def gql_rows(similar) -> list:
    return [
        (
            row["movie"]["title"],
            row["score"],
            *([ref["name"] for ref in row["because"][kind]] for kind in WEIGHTS),
        )
        for row in similar
    ]


def brute_force(movie: Movie) -> list:
    """The answer counted by hand from the ORM: every other movie, every shared thing."""

    def features(m):
        people = set(Casting.objects.filter(movie=m).values_list("actor__name", flat=True))
        people |= set(CrewCredit.objects.filter(movie=m).values_list("person__name", flat=True))
        return {
            "genres": set(m.genres.values_list("name", flat=True)),
            "people": people,
            "keywords": set(m.keywords.values_list("name", flat=True)),
        }

    mine, rows = features(movie), []
    for other in Movie.objects.exclude(pk=movie.pk):
        theirs = features(other)
        shared = {kind: sorted(mine[kind] & theirs[kind]) for kind in WEIGHTS}
        score = sum(WEIGHTS[kind] * len(names) for kind, names in shared.items())
        if score:
            rows.append((-score, other.pk, other.title, shared))
    return [
        (title, -score, *(shared[kind] for kind in WEIGHTS))
        for score, _, title, shared in sorted(rows)
    ]


def test_the_known_answer_on_both_doors(catalog, api_client, gql):
    heat = catalog["heat"]
    # REST
    response = api_client.get(f"/api/movies/{heat.pk}/similar/")
    assert response.status_code == HTTPStatus.OK
    assert rest_rows(response.json()) == EXPECTED
    first = response.json()["results"][0]
    assert first["movie"] == {
        "id": Movie.objects.get(title="Thief").pk,
        "title": "Thief",
        "year": first["movie"]["year"],
        "poster": None,
    }
    # GraphQL
    body = gql(SIMILAR, {"id": str(heat.pk)})
    assert "errors" not in body, body
    assert gql_rows(body["data"]["movie"]["similar"]) == EXPECTED


@pytest.mark.parametrize("title", ["Heat", "Casino", "Thief", "Moonlight", "Interstellar"])
def test_every_answer_is_the_brute_force_count(catalog, title):
    movie = Movie.objects.get(title=title)
    rows = movie_similar(movie=movie.pk, first=100)
    titles = dict(Movie.objects.values_list("pk", "title"))
    got = [
        (titles[row.movie_id], row.score, *([r.name for r in row.because[k]] for k in WEIGHTS))
        for row in rows
    ]
    assert got == brute_force(movie)


def test_first_cuts_the_ranking(catalog, api_client, gql):
    heat = catalog["heat"]
    response = api_client.get(f"/api/movies/{heat.pk}/similar/?first=2")
    assert rest_rows(response.json()) == EXPECTED[:2]
    body = gql(SIMILAR, {"id": str(heat.pk), "first": 2})
    assert gql_rows(body["data"]["movie"]["similar"]) == EXPECTED[:2]


def test_a_movie_sharing_nothing_has_an_empty_answer(catalog, api_client, gql):
    movie = catalog["interstellar"]
    Movie.objects.filter(genres__name="Science Fiction").exclude(pk=movie.pk).delete()
    response = api_client.get(f"/api/movies/{movie.pk}/similar/")
    assert (response.status_code, response.json()) == (HTTPStatus.OK, {"results": []})
    assert gql(SIMILAR, {"id": str(movie.pk)})["data"]["movie"]["similar"] == []


def test_an_unknown_movie_is_not_found_on_both_doors(catalog, api_client, gql):
    response = api_client.get("/api/movies/987654/similar/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"] == "No movie with id 987654."
    # GraphQL answers movie(id) of a missing movie with null, as for every field of it
    body = gql(SIMILAR, {"id": "987654"})
    assert body == {"data": {"movie": None}}


@pytest.mark.parametrize("first", ["0", "101", "two", "-1"])
def test_a_bad_first_is_a_400_naming_it(catalog, api_client, gql, first):
    heat = catalog["heat"]
    response = api_client.get(f"/api/movies/{heat.pk}/similar/?first={first}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    (error,) = response.json()["errors"]
    assert (error["field"], error["message"]) == ("first", "A whole number from 1 to 100.")
    if first.lstrip("-").isdigit():
        body = gql(SIMILAR, {"id": str(heat.pk), "first": int(first)})
        (gql_error,) = body["errors"]
        assert gql_error["extensions"]["field"] == "first"
        assert gql_error["message"].endswith("A whole number from 1 to 100.")


def test_the_query_count_is_pinned(catalog, api_client, django_assert_num_queries):
    heat = catalog["heat"]
    # the scores, the shared names, the movies' columns
    with django_assert_num_queries(3):
        assert api_client.get(f"/api/movies/{heat.pk}/similar/?first=1").status_code == 200
    with django_assert_num_queries(3):
        assert api_client.get(f"/api/movies/{heat.pk}/similar/?first=100").status_code == 200


def test_graphql_query_count_is_pinned(catalog, gql, django_assert_num_queries):
    heat = catalog["heat"]
    document = """query($id: ID!, $first: Int) { movie(id: $id) { title similar(first: $first) {
      score movie { title genres { name } cast { actor { name } } keywords { name } } } } }"""
    # movie + its refs; scores + names; the similar movies + their refs + their keywords
    for first in (1, 5):
        with django_assert_num_queries(6):
            body = gql(document, {"id": str(heat.pk), "first": first})
        assert len(body["data"]["movie"]["similar"]) == first


@pytest.fixture
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


WRITES = {
    "keyword-link": lambda c: c["casino"].keywords.add(*c["heat"].keywords.all()),
    "crew-credit": lambda c: CrewCreditFactory(movie=c["interstellar"], person=c["casino"]
                                               .actors.get()),
    "cast": lambda c: Casting.objects.filter(movie__title="Godfather").delete(),
    "genre-link": lambda c: c["interstellar"].genres.add(*c["heat"].genres.all()),
    "person-name": lambda c: CrewCredit.objects.get(movie=c["casino"]).person.__class__.objects
    .filter(name="Michael Mann").update(name="M. Mann"),
}  # fmt: skip


@pytest.mark.usefixtures("_cache_on")
@pytest.mark.parametrize("write", list(WRITES))
def test_the_cached_answer_is_dead_after_a_write_to_what_it_read(catalog, api_client, write):
    url = f"/api/movies/{catalog['heat'].pk}/similar/"
    with invalidation.recording() as tables:
        first = api_client.get(url)
    assert invalidation.dependencies(tables) is not None
    assert api_client.get(url)["X-Cache"] == "HIT"
    WRITES[write](catalog)
    again = api_client.get(url)
    assert again.get("X-Cache") != "HIT"
    assert again.json() != first.json()
