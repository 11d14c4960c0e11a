"""The HTTP side: timeouts, bounded retries, typed errors, and one method per question we ask.

Every query is read-only, so retrying one is safe even though GraphQL travels by POST;
the one mutation, the help desk's sign-in (``tokenAuth``), is sent once, never retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import caller
from .documents import (
    ALL_ACTORS_QUERY,
    ALL_GENRES_QUERY,
    ALL_MOVIES_QUERY,
    MOVIE_DETAIL_QUERY,
    MOVIE_QUERY,
)
from .errors import MovieApiError, MovieApiSessionEnded, MovieApiUnavailable, MovieNotFound
from .results import Movie, MovieDetail, Named, Page, T, parse

logger = logging.getLogger(__name__)

# A GraphQL error code that means "this access token is not accepted" (besides HTTP 401).
UNAUTHENTICATED = "UNAUTHENTICATED"

# 5xx answers worth another try: the server (or a proxy in front of it) may recover.
RETRY_STATUSES = (500, 502, 503, 504)


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
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers.update(headers or {})
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
            headers=public_headers(),
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

        ``token`` is sent as the caller's Bearer token; without one, the signed-in person's
        access token (``caller``), so the API's per-user limits count per person. A 401 to
        that token is ``MovieApiSessionEnded``; ``retry=False`` for mutations.
        """
        payload = {"query": query, "variables": variables or {}}
        person = caller.current() if token is None else None
        token = token or (person.access_token if person else None)
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
            # The address stays in our logs: an internal URL is no business of the page's reader.
            logger.warning("movie API at %s unreachable: %s", self.url, exc)
            raise MovieApiUnavailable("The movie API is unreachable.") from exc
        if token and _refuses_token(response):
            if person is not None:
                person.ended = True  # the middleware ends the desk's session after the view
            raise MovieApiSessionEnded(
                "The movie API no longer accepts your sign-in (it was revoked or has expired)."
            )
        return _data(response)

    def movie(self, movie_id: int | str) -> Movie:
        """The movie with this id, or ``MovieNotFound``."""
        return parse(Movie.from_node, self._movie_node(MOVIE_QUERY, movie_id), answer="movie")

    def movie_detail(self, movie_id: int | str) -> MovieDetail:
        """The movie with plot, release date, rating and actors, or ``MovieNotFound``."""
        node = self._movie_node(MOVIE_DETAIL_QUERY, movie_id)
        return parse(MovieDetail.from_node, node, answer="movie")

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
        return _page(data, "allGenres", Named.from_node)

    def all_actors(
        self, *, name: str | None = None, first: int = 20, after: str | None = None
    ) -> Page[Named]:
        """One page of actors, filtered by name."""
        data = self.execute(ALL_ACTORS_QUERY, {"name": name, "first": first, "after": after})
        return _page(data, "allActors", Named.from_node)

    def _movie_node(self, document: str, movie_id: int | str) -> Any:
        try:
            node = self.execute(document, {"id": str(movie_id)}).get("movie")
        except MovieApiError as exc:
            # An id that cannot be a movie's (0) is BAD_USER_INPUT on `id`: no such movie.
            if any(_is_bad_id(error) for error in exc.errors):
                raise MovieNotFound(movie_id) from exc
            raise
        if node is None:
            raise MovieNotFound(movie_id)
        return node

    def _timeout_text(self) -> str:
        connect, read = self.timeout
        return f"{connect:g}s to connect and {read:g}s to answer"


def _is_bad_id(error: dict[str, Any]) -> bool:
    extensions = error.get("extensions") or {}
    return extensions.get("code") == "BAD_USER_INPUT" and extensions.get("field") == "id"


def public_headers() -> dict[str, str]:
    """Headers that make a call to the API's internal address look like one to its public name.

    In compose the desk calls ``http://api:8000`` on the private network, but the API in
    production refuses a Host it does not serve (``bad_host``) and redirects plain http to
    https (a 301, which would turn the POST into a GET). The desk sits where the reverse
    proxy sits, so it says what the proxy would: the public Host and ``X-Forwarded-Proto``.
    Nothing is added when ``MOVIE_API_INTERNAL_URL`` is not set apart from ``MOVIE_API_URL``.
    """
    if settings.MOVIE_API_INTERNAL_URL == settings.MOVIE_API_URL:
        return {}
    public = urlsplit(settings.MOVIE_API_URL)
    return {"Host": public.netloc, "X-Forwarded-Proto": public.scheme}


def _refuses_token(response: requests.Response) -> bool:
    """HTTP 401, or a GraphQL answer whose errors say UNAUTHENTICATED."""
    if response.status_code == 401:
        return True
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return False
    return any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == UNAUTHENTICATED
        for e in errors
    )


def _data(response: requests.Response) -> dict[str, Any]:
    """The ``data`` of a GraphQL answer, or the typed error its status or body calls for."""
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


def _page(data: dict[str, Any], field: str, build: Callable[[dict[str, Any]], T]) -> Page[T]:
    return parse(lambda d: Page.from_connection(d[field], build), data, answer=field)


def get_movie_api_client() -> MovieApiClient:
    """The client configured by settings; tests swap settings, not this function."""
    return MovieApiClient.from_settings()
