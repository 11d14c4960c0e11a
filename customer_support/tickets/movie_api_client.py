"""The one way this project talks to the movie API: GraphQL over HTTP with `requests`.

Every query here is read-only, so retrying one is safe even though GraphQL travels by POST;
the one mutation, the help desk's sign-in (``tokenAuth``), is sent once, never retried.
Failures surface as these exception types, which the REST layer maps once
(see ``support_site.exception_handlers``):

- ``MovieApiUnavailable``: nothing answered in time, or the server failed (5xx) → 503;
- ``MovieApiError``: the API answered, but with GraphQL ``errors`` or a body we cannot read → 503;
- ``MovieNotFound``: ``movie(id)`` answered null; the caller turns it into a 400 on its field;
- ``SignInRefused``: ``tokenAuth`` refused the credentials; the sign-in page says so.
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

# The ticket page's side panel: what an agent wants to see about the movie right now.
MOVIE_DETAIL_QUERY = (
    """
query SupportMovieDetail($id: ID!) {
  movie(id: $id) {
    ...SupportMovieFields
    plot
    releaseDate
    averageRating
    reviewCount
    actors { id name }
  }
}
"""
    + MOVIE_FIELDS
)

# Sign-in for the help desk: the movie API checks the password, we keep none.
TOKEN_AUTH_MUTATION = """
mutation SupportTokenAuth($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) { access user { id username email } }
}
"""

ME_QUERY = """
query SupportMe {
  me { id username email isStaff }
}
"""

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
    "movieDetail": MOVIE_DETAIL_QUERY,
    "tokenAuth": TOKEN_AUTH_MUTATION,
    "me": ME_QUERY,
    "allMovies": ALL_MOVIES_QUERY,
    "allGenres": ALL_GENRES_QUERY,
    "allActors": ALL_ACTORS_QUERY,
}

# GraphQL error codes that mean "these credentials are refused", not "the API is broken".
SIGN_IN_REFUSED_CODES = ("UNAUTHENTICATED", "THROTTLED", "BAD_USER_INPUT")

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


class SignInRefused(MovieApiException):
    """The movie API refused the username and password (or is throttling this sign-in)."""

    code = "sign_in_refused"


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


@dataclass(frozen=True)
class MovieDetail:
    """A movie with what an agent reads beside a ticket: plot, release, rating, cast."""

    movie: Movie
    plot: str
    release_date: str | None
    average_rating: float
    review_count: int
    actors: tuple[Named, ...]


@dataclass(frozen=True)
class Account:
    """A movie API user as the help desk links it: id, names and whether they are staff."""

    id: int
    username: str
    email: str
    is_staff: bool


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
            # GraphQL queries go by POST but change nothing; mutations use ``once``.
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
        # Mutations (sign-in) go once: a retried sign-in could count twice against its limits.
        self.once = requests.Session()
        self.once.headers.update(self.session.headers)

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

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        retry: bool = True,
    ) -> dict[str, Any]:
        """Run one GraphQL document and return its ``data``, or raise a typed error.

        ``token`` is sent as the caller's Bearer token; ``retry=False`` for mutations.
        """
        payload = {"query": query, "variables": variables or {}}
        headers = {"Authorization": f"Bearer {token}"} if token else None
        session = self.session if retry else self.once
        try:
            response = session.post(self.url, json=payload, timeout=self.timeout, headers=headers)
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

    def movie_detail(self, movie_id: int | str) -> MovieDetail:
        """The movie with plot, release date, rating and actors, or ``MovieNotFound``."""
        node = self.execute(MOVIE_DETAIL_QUERY, {"id": str(movie_id)}).get("movie")
        if node is None:
            raise MovieNotFound(movie_id)
        try:
            return MovieDetail(
                movie=Movie.from_node(node),
                plot=node["plot"],
                release_date=node.get("releaseDate"),
                average_rating=node["averageRating"],
                review_count=node["reviewCount"],
                actors=tuple(_named(a) for a in node["actors"]),
            )
        except (KeyError, TypeError) as exc:
            raise MovieApiError("The movie API answered movie in an unexpected shape.") from exc

    def sign_in(self, *, username: str, password: str) -> Account:
        """Check credentials with ``tokenAuth``, then read ``me``; ``SignInRefused`` if wrong."""
        variables = {"username": username, "password": password}
        try:
            data = self.execute(TOKEN_AUTH_MUTATION, variables, retry=False)
        except MovieApiError as exc:
            codes = {(e.get("extensions") or {}).get("code") for e in exc.errors}
            if codes & set(SIGN_IN_REFUSED_CODES):
                message = exc.errors[0].get("message") or "Wrong username or password."
                raise SignInRefused(message) from exc
            raise
        try:
            access = data["tokenAuth"]["access"]
            me = self.execute(ME_QUERY, token=access)["me"]
            return Account(
                id=int(me["id"]),
                username=me["username"],
                email=me["email"],
                is_staff=bool(me["isStaff"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MovieApiError("The movie API answered sign-in in an unexpected shape.") from exc

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
