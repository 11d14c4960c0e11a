"""`my_state`: the lists app computes it, the catalog shows it through its hook."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies import viewer_state
from movies.tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

# The diary adds the watch count and the last watch (diary/apps.py).
UNTOUCHED = {
    "favorite": False,
    "watched": False,
    "watchlist": False,
    "rating": None,
    "watch_count": 0,
    "last_watched_on": None,
}


def test_the_catalog_hook_answers_with_the_callers_lists_and_rating(user):
    # given a movie the user has favorited, watched and rated, and one they never touched
    seen, other = MovieFactory(), MovieFactory()
    MovieListEntryFactory(user=user, movie=seen, kind=MovieListEntry.Kind.FAVORITE)
    MovieListEntryFactory(user=user, movie=seen, kind=MovieListEntry.Kind.WATCHED)
    ReviewFactory(user=user, movie=seen, rating=4)

    # when the catalog asks for the states (the hook the lists app fills at start-up)
    states = viewer_state.movie_states_for(user=user, movie_ids=[seen.id, other.id])

    # then each movie has the caller's own state
    assert states == {
        seen.id: {**UNTOUCHED, "favorite": True, "watched": True, "rating": 4},
        other.id: UNTOUCHED,
    }


def test_an_anonymous_caller_gets_untouched_states_without_a_query(
    django_assert_num_queries,
):
    movie = MovieFactory()
    with django_assert_num_queries(0):
        states = viewer_state.movie_states_for(user=AnonymousUser(), movie_ids=[movie.id])
    assert states == {movie.id: UNTOUCHED}


@pytest.mark.parametrize("size", [1, 30])
def test_states_cost_three_queries_for_any_number_of_movies(user, size, django_assert_num_queries):
    movies = MovieFactory.create_batch(size)
    for movie in movies:
        MovieListEntryFactory(user=user, movie=movie, kind=MovieListEntry.Kind.WATCHLIST)
    # the lists, the ratings, the diary's watches
    with django_assert_num_queries(3):
        states = viewer_state.movie_states_for(user=user, movie_ids=[m.id for m in movies])
    assert all(state["watchlist"] for state in states.values())
