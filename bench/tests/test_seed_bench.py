"""seed_bench at size XS: counts, unique reviews and exact derived ratings.

The `bench` app is installed by the bench settings only, so the tests hand
call_command the command object rather than its name.
"""

from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from bench.management.commands.seed_bench import BENCH_PASSWORD, SIZES, Command, zipf_counts
from lists.models import MovieListEntry
from movies.models import Actor, Casting, Genre, Movie, Review
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db
XS = SIZES["XS"]


def seed(*args):
    out = StringIO()
    call_command(Command(), "--size", "XS", "--seed", "42", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "movies": list(Movie.objects.order_by("tmdb_id").values_list("title", "release_date")),
        "reviews": sorted(Review.objects.values_list("user__username", "movie__tmdb_id", "rating")),
        "genres": sorted(Movie.genres.through.objects.values_list("movie__tmdb_id", "genre__name")),
        "lists": sorted(
            MovieListEntry.objects.values_list("user__username", "kind", "movie__tmdb_id")
        ),
    }


def test_xs_has_the_table_counts_and_prints_timings():
    # when
    output = seed()

    # then
    assert Movie.objects.count() == XS.movies == 50
    assert Genre.objects.count() == XS.genres == 10
    assert Actor.objects.count() == XS.actors == 100
    assert get_user_model().objects.filter(username__startswith="bench-").count() == XS.users
    assert Review.objects.count() == XS.reviews == 200
    assert MovieListEntry.objects.count() == XS.list_entries == 200
    per_movie_genres = Movie.objects.annotate(n=Count("genres")).values_list("n", flat=True)
    per_movie_actors = Movie.objects.annotate(n=Count("castings")).values_list("n", flat=True)
    assert set(per_movie_genres) <= set(range(1, 6))
    assert set(per_movie_actors) <= set(range(3, 11))
    assert "reviews:" in output and "done in" in output


def test_reviews_are_unique_per_user_and_movie_and_skewed_to_3_and_4():
    # when
    seed()

    # then
    pairs = list(Review.objects.values_list("user_id", "movie_id"))
    assert len(pairs) == len(set(pairs))
    ratings = list(Review.objects.values_list("rating", flat=True))
    middle = sum(1 for r in ratings if r in (3, 4))
    assert middle > len(ratings) / 2
    assert set(ratings) <= {1, 2, 3, 4, 5}


def test_derived_ratings_equal_fresh_aggregates():
    # when
    seed()

    # then
    for movie in Movie.objects.all():
        ratings = list(movie.reviews.values_list("rating", flat=True))
        assert movie.review_count == len(ratings)
        expected = (
            (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if ratings
            else Decimal("0.00")
        )
        assert movie.average_rating == expected, movie.pk


def test_same_seed_gives_the_same_data_and_clear_replaces_it():
    # given
    seed()
    first = snapshot()

    # when
    seed("--clear")

    # then
    assert snapshot() == first
    assert Movie.objects.count() == XS.movies
    assert Casting.objects.filter(movie__in=Movie.objects.all()).count() == Casting.objects.count()


def test_bench_users_can_log_in_with_the_documented_password(api_client):
    # given
    seed()

    # when
    user = get_user_model().objects.get(username="bench-000001")

    # then
    assert user.check_password(BENCH_PASSWORD)
    assert user.is_active and not user.is_staff
    favorites = MovieListEntry.objects.filter(user=user, kind="favorite").count()
    assert favorites >= XS.movies // 2


def test_refuses_a_catalog_that_is_not_empty_without_clear():
    # given
    MovieFactory(title="Keep me")

    # when / then
    with pytest.raises(CommandError, match="--clear"):
        seed()
    assert list(Movie.objects.values_list("title", flat=True)) == ["Keep me"]


def test_zipf_counts_respect_the_total_and_the_cap():
    # given
    import random

    # when
    counts = zipf_counts(random.Random(1), 1000, 20_000, 500)

    # then
    assert sum(counts) == 20_000
    assert max(counts) == 500
    ranked = sorted(counts, reverse=True)
    # Heavy head: the top 1% of items take far more than 1% of the rows.
    assert sum(ranked[:10]) > 0.2 * 20_000
    assert ranked[len(ranked) // 2] < 20_000 / 1000
