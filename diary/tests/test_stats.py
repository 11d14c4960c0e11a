"""The year in review: exact against a brute-force computation over random diaries,
the same on both doors, a fixed number of queries, and a cached answer that a diary
write changes."""

import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal
from http import HTTPStatus

import pytest

from conftest import bearer_client
from diary.models import DiaryEntry
from diary.stats import TOP_N, year_in_review
from diary.tests.factories import DiaryEntryFactory
from movies.models import RATINGS, Casting, CrewCredit
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STATS = "/api/users/me/stats/"


def _random_world(rng: random.Random, user) -> None:
    genres = [GenreFactory(name=f"G{n}") for n in range(5)]
    people = [ActorFactory(name=f"P{n % 4}") for n in range(8)]  # shared names: ties by id
    movies = []
    for _ in range(12):
        movie = MovieFactory(
            runtime=rng.choice([None, 90, 101, 145]),
            genres=rng.sample(genres, rng.randint(0, 3)),
        )
        for order, person in enumerate(rng.sample(people, rng.randint(0, 3))):
            Casting.objects.create(movie=movie, actor=person, order=order)
        for person in rng.sample(people, rng.randint(0, 2)):
            CrewCredit.objects.create(
                movie=movie, person=person, department="Directing", job="Director"
            )
        movies.append(movie)
    for _ in range(60):
        DiaryEntryFactory(
            user=user,
            movie=rng.choice(movies),
            watched_on=datetime.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), 1)
            + datetime.timedelta(days=rng.randint(0, 27)),
            rewatch=rng.random() < 0.3,
            rating=rng.choice([None, *RATINGS]),
        )
    # someone else's diary never counts
    DiaryEntryFactory(user=UserFactory(), movie=movies[0], watched_on=datetime.date(2025, 1, 1))


def _brute_force(user, year: int) -> dict:
    """Every figure from the entries in Python, one row at a time."""
    entries = [
        e
        for e in DiaryEntry.objects.filter(user=user).select_related("movie")
        if e.watched_on.year == year
    ]
    movies = {e.movie for e in entries}
    genre_movies: dict = defaultdict(set)
    person_movies: dict = defaultdict(set)
    for movie in movies:
        for genre in movie.genres.all():
            genre_movies[(genre.pk, genre.name)].add(movie.pk)
        for casting in Casting.objects.filter(movie=movie):
            person_movies[(casting.actor_id, casting.actor.name)].add(movie.pk)
        for credit in CrewCredit.objects.filter(movie=movie):
            person_movies[(credit.person_id, credit.person.name)].add(movie.pk)

    def top(counted):
        ranked = sorted(counted.items(), key=lambda kv: (-len(kv[1]), kv[0][1], kv[0][0]))
        return [{"id": k[0], "name": k[1], "movies": len(v)} for k, v in ranked[:TOP_N]]

    rated = [e for e in entries if e.rating is not None]
    best = max((e.rating for e in rated), default=None)
    latest: dict = {}
    for e in rated:
        if e.rating == best and (
            e.movie_id not in latest or (e.watched_on, e.pk) > latest[e.movie_id]
        ):
            latest[e.movie_id] = (e.watched_on, e.pk)
    by_movie = {e.movie_id: e.movie for e in entries}
    highest = sorted(latest.items(), key=lambda kv: (-kv[1][0].toordinal(), by_movie[kv[0]].title))
    months = Counter(e.watched_on.month for e in entries)
    histogram = Counter(e.rating for e in rated)
    return {
        "year": year,
        "entries": len(entries),
        "movies": len(movies),
        "rewatches": sum(e.rewatch for e in entries),
        "minutes_watched": sum(e.movie.runtime or 0 for e in entries),
        "entries_without_runtime": sum(e.movie.runtime is None for e in entries),
        "by_month": [{"month": m, "entries": months[m]} for m in range(1, 13)],
        "top_genres": top(genre_movies),
        "top_people": top(person_movies),
        "rating_histogram": [{"rating": float(v), "entries": histogram[v]} for v in RATINGS],
        "highest_rated": [
            {
                "movie": {
                    "id": movie_id,
                    "title": by_movie[movie_id].title,
                    "year": by_movie[movie_id].release_date.year,
                },
                "rating": float(best),
                "watched_on": on,
            }
            for movie_id, (on, _) in highest[:TOP_N]
        ],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_year_in_review_is_exact_against_brute_force(seed, user):
    _random_world(random.Random(seed), user)
    for year in (2024, 2025, 2026, 2023):
        assert year_in_review(user=user, year=year) == _brute_force(user, year)


def test_both_doors_answer_the_same(gql, user):
    _random_world(random.Random(7), user)
    expected = _brute_force(user, 2025)
    client = bearer_client(user)
    rest = client.get(f"{STATS}?year=2025")
    assert rest.status_code == HTTPStatus.OK
    body = rest.json()
    assert body["minutes_watched"] == expected["minutes_watched"]
    assert body["by_month"] == expected["by_month"]
    assert body["top_people"] == expected["top_people"]
    graphql = gql(
        """{ me { yearInReview(year: 2025) { entries movies rewatches minutesWatched
             byMonth { month entries } topPeople { id name movies }
             ratingHistogram { rating entries }
             highestRated { movie { id title } rating watchedOn } } } }""",
        client=client,
    )["data"]["me"]["yearInReview"]
    assert graphql["entries"] == body["entries"]
    assert graphql["minutesWatched"] == body["minutes_watched"]
    assert graphql["byMonth"] == body["by_month"]
    assert graphql["ratingHistogram"] == body["rating_histogram"]
    assert [(p["name"], p["movies"]) for p in graphql["topPeople"]] == [
        (p["name"], p["movies"]) for p in body["top_people"]
    ]
    assert [h["watchedOn"] for h in graphql["highestRated"]] == [
        h["watched_on"] for h in body["highest_rated"]
    ]


def test_an_invalid_year_is_400_naming_it(user):
    response = bearer_client(user).get(f"{STATS}?year=abc")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "year"


@pytest.mark.parametrize("size", [2, 40])
def test_the_stats_cost_the_same_whatever_the_diary(size, user, django_assert_num_queries):
    genre = GenreFactory()
    for n in range(size):
        movie = MovieFactory(runtime=100, genres=[genre])
        Casting.objects.create(movie=movie, actor=ActorFactory())
        DiaryEntryFactory(
            user=user, movie=movie, watched_on=datetime.date(2025, 1 + n % 12, 1), rating=Decimal(4)
        )
    # totals, months, ratings, genres, cast, crew, highest rated (best, then its rows)
    with django_assert_num_queries(8):
        figures = year_in_review(user=user, year=2025)
    assert figures["entries"] == size


def test_a_diary_write_changes_the_cached_answers(user):
    # given a read of the diary and the stats
    client = bearer_client(user)
    assert client.get("/api/users/me/diary/").json()["results"] == []
    assert client.get(f"{STATS}?year=2025").json()["entries"] == 0
    movie = MovieFactory()
    # when a watch is logged
    client.post(
        "/api/users/me/diary/", {"movie_id": movie.pk, "watched_on": "2025-02-02"}, format="json"
    )
    # then both answers show it, and so does the movie's my_state
    assert len(client.get("/api/users/me/diary/").json()["results"]) == 1
    assert client.get(f"{STATS}?year=2025").json()["entries"] == 1
    state = client.get(f"/api/movies/{movie.pk}/").json()["my_state"]
    assert (state["watch_count"], state["last_watched_on"]) == (1, "2025-02-02")
