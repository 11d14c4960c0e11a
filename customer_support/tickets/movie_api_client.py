"""The one way this project talks to the movie API: GraphQL over HTTP with `requests`.

Every query here is read-only, so retrying one is safe even though GraphQL travels by POST.
Failures surface as three exception types, which the REST layer maps once
(see ``support_site.exception_handlers``):

- ``MovieApiUnavailable``: nothing answered in time, or the server failed (5xx) → 503;
- ``MovieApiError``: the API answered, but with GraphQL ``errors`` or a body we cannot read → 503;
- ``MovieNotFound``: ``movie(id)`` answered null; the caller turns it into a 400 on its field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

MOVIE_FIELDS = """
fragment SupportMovieFields on Movie {
  id
  title
  year
  genres { id name }
}
"""

MOVIE_QUERY = (
    """
query SupportMovie($id: ID!) {
  movie(id: $id) { ...SupportMovieFields }
}
"""
    + MOVIE_FIELDS
)

ALL_MOVIES_QUERY = (
    """
query SupportAllMovies(
  $search: String, $title: String, $genre: String, $actor: String, $first: Int, $after: String
) {
  allMovies(
    search: $search, title: $title, genre: $genre, actor: $actor, first: $first, after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ...SupportMovieFields } }
  }
}
"""
    + MOVIE_FIELDS
)

ALL_GENRES_QUERY = """
query SupportAllGenres($name: String, $first: Int, $after: String) {
  allGenres(name: $name, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name } }
  }
}
"""

ALL_ACTORS_QUERY = """
query SupportAllActors($name: String, $first: Int, $after: String) {
  allActors(name: $name, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name } }
  }
}
"""

# Every document this module sends, for the test that validates them against schema.graphql.
DOCUMENTS = {
    "movie": MOVIE_QUERY,
    "allMovies": ALL_MOVIES_QUERY,
    "allGenres": ALL_GENRES_QUERY,
    "allActors": ALL_ACTORS_QUERY,
}

# 5xx answers worth another try: the server (or a proxy in front of it) may recover.
RETRY_STATUSES = (500, 502, 503, 504)


class MovieApiException(Exception):
    """Base of every failure talking to the movie API."""

    code = "movie_api_error"


class MovieApiUnavailable(MovieApiException):
    """The movie API did not answer in time, refused the connection, or failed with a 5xx."""

    code = "movie_api_unavailable"


class MovieApiError(MovieApiException):
    """The movie API answered, but with GraphQL errors or a body that is not GraphQL."""

    code = "movie_api_error"

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class MovieNotFound(MovieApiException):
    """``movie(id)`` answered null: the movie API has no movie with that id."""

    code = "movie_not_found"

    def __init__(self, movie_id: int | str) -> None:
        super().__init__(f"The movie API has no movie with id {movie_id}.")
        self.movie_id = movie_id


@dataclass(frozen=True)
class Named:
    """A genre or an actor as the movie API names it."""

    id: str
    name: str


@dataclass(frozen=True)
class Movie:
    """The slice of a movie this project needs: enough to pick it and snapshot its title."""

    id: str
    title: str
    year: int | None
    genres: tuple[Named, ...]

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> Movie:
        return cls(
            id=str(node["id"]),
            title=node["title"],
            year=node.get("year"),
            genres=tuple(Named(id=str(g["id"]), name=g["name"]) for g in node.get("genres") or ()),
        )


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a Relay connection."""

    items: tuple[T, ...]
    total_count: int
    has_next_page: bool
    end_cursor: str | None


def _page(data: dict[str, Any], field: str, build: Callable[[dict[str, Any]], T]) -> Page[T]:
    try:
        connection = data[field]
        page_info = connection["pageInfo"]
        return Page(
            items=tuple(build(edge["node"]) for edge in connection["edges"]),
            total_count=connection["totalCount"],
            has_next_page=page_info["hasNextPage"],
            end_cursor=page_info.get("endCursor"),
        )
    except (KeyError, TypeError) as exc:
        # A contract drift on their side must read as their error, not as our 500.
        raise MovieApiError(f"The movie API answered {field} in an unexpected shape.") from exc


def _named(node: dict[str, Any]) -> Named:
    return Named(id=str(node["id"]), name=node["name"])


class MovieApiClient:
    """A GraphQL client for the movie API with timeouts, bounded retries and typed errors.

    ``retries`` extra attempts are made after a connection error (nothing was processed)
    or a 5xx answer, with exponential ``backoff`` seconds between them. A read timeout is
    not retried: the server is slow, and asking again would only multiply the caller's wait.
    """

    def __init__(
        self,
        *,
        url: str,
        token: str = "",
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
    ) -> None:
        self.url = url
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        retry = Retry(
            total=retries,
            connect=retries,
            read=False,  # re-raise a read timeout as is: the server is slow, not gone
            status=retries,
            other=0,
            # GraphQL queries go by POST but change nothing; we never send mutations.
            allowed_methods=frozenset({"POST"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff,
            # A Retry-After of minutes must not hold the caller past our own timeout.
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @classmethod
    def from_settings(cls) -> MovieApiClient:
        """Build a client from the ``MOVIE_API_*`` settings."""
        return cls(
            url=settings.MOVIE_API_GRAPHQL_URL,
            token=settings.MOVIE_API_TOKEN,
            connect_timeout=settings.MOVIE_API_CONNECT_TIMEOUT,
            read_timeout=settings.MOVIE_API_READ_TIMEOUT,
            retries=settings.MOVIE_API_RETRIES,
            backoff=settings.MOVIE_API_RETRY_BACKOFF,
        )

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one GraphQL document and return its ``data``, or raise a typed error."""
        payload = {"query": query, "variables": variables or {}}
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.Timeout as exc:
            logger.warning("movie API timed out: %s", exc)
            raise MovieApiUnavailable(
                f"The movie API did not answer within {self._timeout_text()}."
            ) from exc
        except requests.RequestException as exc:
            logger.warning("movie API unreachable: %s", exc)
            raise MovieApiUnavailable(f"The movie API at {self.url} is unreachable.") from exc

        if response.status_code >= 500:
            raise MovieApiUnavailable(f"The movie API failed with HTTP {response.status_code}.")
        try:
            body = response.json()
        except ValueError as exc:
            raise MovieApiError(
                f"The movie API answered HTTP {response.status_code} with a body that is not JSON."
            ) from exc
        if not isinstance(body, dict):
            raise MovieApiError("The movie API answered with JSON that is not a GraphQL response.")
        errors = body.get("errors")
        if errors:
            messages = "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict))
            logger.warning("movie API GraphQL errors: %s", messages)
            raise MovieApiError(
                f"The movie API answered with an error: {messages or errors}", errors=errors
            )
        if response.status_code != 200 or not isinstance(body.get("data"), dict):
            raise MovieApiError(f"The movie API answered HTTP {response.status_code} without data.")
        return body["data"]

    def movie(self, movie_id: int | str) -> Movie:
        """The movie with this id, or ``MovieNotFound``."""
        node = self.execute(MOVIE_QUERY, {"id": str(movie_id)}).get("movie")
        if node is None:
            raise MovieNotFound(movie_id)
        try:
            return Movie.from_node(node)
        except (KeyError, TypeError) as exc:
            raise MovieApiError("The movie API answered movie in an unexpected shape.") from exc

    def all_movies(
        self,
        *,
        search: str | None = None,
        title: str | None = None,
        genre: str | None = None,
        actor: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Page[Movie]:
        """One page of movies matching text (title and plot), title, genre and actor filters."""
        variables = {
            "search": search,
            "title": title,
            "genre": genre,
            "actor": actor,
            "first": first,
            "after": after,
        }
        data = self.execute(ALL_MOVIES_QUERY, variables)
        return _page(data, "allMovies", Movie.from_node)

    def all_genres(
        self, *, name: str | None = None, first: int = 20, after: str | None = None
    ) -> Page[Named]:
        """One page of genres, filtered by name."""
        data = self.execute(ALL_GENRES_QUERY, {"name": name, "first": first, "after": after})
        return _page(data, "allGenres", _named)

    def all_actors(
        self, *, name: str | None = None, first: int = 20, after: str | None = None
    ) -> Page[Named]:
        """One page of actors, filtered by name."""
        data = self.execute(ALL_ACTORS_QUERY, {"name": name, "first": first, "after": after})
        return _page(data, "allActors", _named)

    def _timeout_text(self) -> str:
        connect, read = self.timeout
        return f"{connect:g}s to connect and {read:g}s to answer"


def get_movie_api_client() -> MovieApiClient:
    """The client configured by settings; tests swap settings, not this function."""
    return MovieApiClient.from_settings()
