"""Page-number totals memoised per (COUNT query, generation): exact, or not used.

Transactional tests: the memo is never used inside a transaction (it could see its own
uncommitted rows), and pytest-django's plain `db` tests run inside one.
"""

from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from core.caching import counts
from movie_api.settings.stores import redis_caches
from movies.models import Movie, Review
from movies.tests.factories import GenreFactory, MovieFactory
from users.models import LoginFailure

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/api/movies/"
TOTAL = "{ allMovies(first: 2) { totalCount edges { node { title } } } }"


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    # Whole anonymous answers would hide the count; the memo is what is tested here.
    settings.RESPONSE_CACHE_ENABLED = False
    settings.COUNT_CACHE_ENABLED = True


def counts_in(queries) -> int:
    return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def test_second_page_read_skips_the_count_and_answers_the_same_total(
    api_client, django_assert_num_queries
):
    MovieFactory.create_batch(3)
    # the first read counts (count, page, genres and cast)...
    with django_assert_num_queries(3) as first:
        assert api_client.get(LIST, {"page_size": 2}).json()["count"] == 3
    assert counts_in(first) == 1
    # ...the next page of the same list takes the memo: the page and its refs only
    with django_assert_num_queries(2) as second:
        page_two = api_client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert counts_in(second) == 0
    assert page_two["count"] == 3 and len(page_two["results"]) == 1
    assert page_two["previous"] is not None and page_two["next"] is None


def test_the_total_follows_creates_and_deletes_through_the_api(api_client, staff):
    MovieFactory.create_batch(2)
    assert api_client.get(LIST).json()["count"] == 2
    created = bearer_client(staff).post(LIST, {"title": "New"}, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.content
    assert api_client.get(LIST).json()["count"] == 3
    assert bearer_client(staff).delete(f"{LIST}{created.json()['id']}/").status_code == 204
    body = api_client.get(LIST).json()
    assert body["count"] == 2
    assert "New" not in [movie["title"] for movie in body["results"]]


def test_the_total_follows_orm_writes_and_each_filter_has_its_own(api_client):
    drama = GenreFactory(name="Drama")
    MovieFactory.create_batch(2, genres=[drama])
    MovieFactory()
    assert api_client.get(LIST, {"genre": drama.pk}).json()["count"] == 2
    assert api_client.get(LIST).json()["count"] == 3
    # a bulk write outside any service, then a delete by queryset
    Movie.objects.bulk_create([Movie(title="Bulk")])
    assert api_client.get(LIST).json()["count"] == 4
    assert api_client.get(LIST, {"genre": drama.pk}).json()["count"] == 2
    Movie.objects.filter(genres=drama).delete()
    assert api_client.get(LIST, {"genre": drama.pk}).json()["count"] == 0
    assert api_client.get(LIST).json()["count"] == 2


def test_graphql_total_count_shares_the_memo_and_follows_writes(gql, api_client):
    MovieFactory.create_batch(3)
    assert gql(TOTAL)["data"]["allMovies"]["totalCount"] == 3
    with CaptureQueriesContext(connection) as queries:
        assert gql(TOTAL)["data"]["allMovies"]["totalCount"] == 3
    assert counts_in(queries) == 0
    # REST's unfiltered list is the same COUNT: its entry serves both doors
    assert api_client.get(LIST).json()["count"] == 3
    MovieFactory()
    assert gql(TOTAL)["data"]["allMovies"]["totalCount"] == 4


def test_a_store_that_is_down_means_a_count_every_time(settings, api_client):
    MovieFactory.create_batch(2)
    # nothing listens on the discard port: every call to either store is refused
    settings.CACHES = redis_caches("redis://127.0.0.1:9/0")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(LIST)
        assert response.status_code == HTTPStatus.OK
        assert response.json()["count"] == 2
        assert counts_in(queries) == 1


def test_inside_a_transaction_the_memo_is_neither_read_nor_written(api_client):
    MovieFactory.create_batch(2)
    assert api_client.get(LIST).json()["count"] == 2  # stored for this generation
    with transaction.atomic():
        MovieFactory()
        key_inside = counts.count_key(Movie.objects.all())
        with CaptureQueriesContext(connection) as queries:
            # its own uncommitted row is counted
            assert counts.exact_count(Movie.objects.all()) == 3
        assert counts_in(queries) == 1
        transaction.set_rollback(True)
    assert key_inside is None
    assert api_client.get(LIST).json()["count"] == 2


def test_only_queries_over_tables_whose_writes_bump_are_memoised():
    assert counts.count_key(Movie.objects.filter(genres__name="Drama")) is not None
    # a join that only loads the author (reviews show usernames) is not part of a COUNT
    assert counts.count_key(Review.objects.select_related("user").filter(rating=5)) is not None
    # sign-in failures: no app watches them, so a write there bumps nothing
    assert counts.count_key(LoginFailure.objects.all()) is None
    # a movie filter reaching into users_user (only its username is watched)
    assert counts.count_key(Movie.objects.filter(reviews__user__is_active=True)) is None
    # pinned by the caller to a database: counted as asked
    assert counts.count_key(Movie.objects.using("default")) is None


def test_the_key_ignores_ordering_but_not_filters():
    newest, by_title = Movie.objects.order_by("-created_at"), Movie.objects.order_by("title")
    assert counts.count_key(newest) == counts.count_key(by_title)
    assert counts.count_key(Movie.objects.filter(release_date__year=2000)) != counts.count_key(
        Movie.objects.filter(release_date__year=2001)
    )
