"""The movie API's answers as frozen dataclasses, and the one way a node becomes one.

A node in a shape we do not expect (a missing key, a null where a list should be) is a
contract drift on their side: it must read as their error (``MovieApiError``, a 503),
not as our 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import MovieApiError

T = TypeVar("T")


@dataclass(frozen=True)
class Named:
    """A genre or an actor as the movie API names it."""

    id: str
    name: str

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> Named:
        return cls(id=str(node["id"]), name=node["name"])


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
            genres=tuple(Named.from_node(g) for g in node.get("genres") or ()),
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

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> MovieDetail:
        return cls(
            movie=Movie.from_node(node),
            plot=node["plot"],
            release_date=node.get("releaseDate"),
            average_rating=node["averageRating"],
            review_count=node["reviewCount"],
            actors=tuple(Named.from_node(a) for a in node["actors"]),
        )


@dataclass(frozen=True)
class Account:
    """A movie API user as the help desk links it: subject id, names, staff or not.

    Read from the OpenID Connect claims (ID token or userinfo, scope ``profile``): ``sub`` is
    the movie API user's id, the one key the desk links people by.
    """

    id: int
    username: str
    email: str
    is_staff: bool

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Account:
        return cls(
            id=int(claims["sub"]),
            username=str(claims.get("preferred_username") or f"user{claims['sub']}"),
            email=str(claims.get("email") or ""),
            is_staff=claims.get("is_staff") is True,
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a Relay connection."""

    items: tuple[T, ...]
    total_count: int
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def from_connection(
        cls, connection: dict[str, Any], build: Callable[[dict[str, Any]], T]
    ) -> Page[T]:
        page_info = connection["pageInfo"]
        return cls(
            items=tuple(build(edge["node"]) for edge in connection["edges"]),
            total_count=connection["totalCount"],
            has_next_page=page_info["hasNextPage"],
            end_cursor=page_info.get("endCursor"),
        )


def parse(build: Callable[[Any], T], node: Any, *, answer: str) -> T:
    """``build(node)``, with a node of the wrong shape reported as ``MovieApiError``.

    ``answer`` names what the movie API was answering (``movie``, ``allGenres``, …).
    """
    try:
        return build(node)
    except (KeyError, TypeError, ValueError) as exc:
        raise MovieApiError(f"The movie API answered {answer} in an unexpected shape.") from exc
