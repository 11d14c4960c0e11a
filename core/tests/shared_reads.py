"""The catalog and the two signed-in callers of the shared-read tests
(test_shared_cards.py for REST, test_shared_rows.py for GraphQL)."""

from conftest import bearer_client
from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory


def drama_catalog(titles: list[str]) -> list:
    """One movie per title (a Drama, one actor each); the third has a review."""
    drama = GenreFactory(name="Drama")
    movies = [
        MovieFactory(title=title, genres=[drama], actors=[ActorFactory()]) for title in titles
    ]
    ReviewFactory(movie=movies[2], rating=3)
    return movies


def two_callers(movies: list, user, other_user) -> tuple:
    """Clients of two signed-in callers whose states of the same movies differ:
    `user` favorites and rates movies[0] and watched movies[2]; `other_user` keeps
    movies[0] on the watchlist."""
    MovieListEntryFactory(user=user, movie=movies[0])
    MovieListEntryFactory(user=user, movie=movies[2], kind=MovieListEntry.Kind.WATCHED)
    ReviewFactory(user=user, movie=movies[0], rating=5)
    MovieListEntryFactory(user=other_user, movie=movies[0], kind=MovieListEntry.Kind.WATCHLIST)
    return bearer_client(user), bearer_client(other_user)
