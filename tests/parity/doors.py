"""The machinery behind the parity table (tests/parity/test_parity.py).

- `build_world()` makes the same small catalog and accounts for every case;
- an `Op` knows how to ask one operation through each door (a REST request, a GraphQL
  document) and how to reduce each answer to door-neutral data;
- `run()` sends a case through one door inside a savepoint that is rolled back, and
  returns an `Outcome`: the meaning of the answer (kind, field, message, data) plus a
  snapshot of the database afterwards.

References to world objects are written symbolically in the table (`M("Heat")`,
`G("Drama")`, `R("alice", "Heat")`, `U("bob")`), and resolved to ids at run time,
so the same line works on SQLite and PostgreSQL.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any
from urllib.parse import urlencode

import time_machine
from django.core.cache import cache
from django.db import transaction
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import TRANSLATIONS
from diary.models import DiaryEntry, DiaryTag
from lists import services as lists_services
from lists.models import MovieListEntry, UserList, UserListItem
from movies.models import Actor, CrewCredit, Genre, Movie, Rating, Review
from movies.services.actors import actor_create
from movies.services.catalog import SITE_OPERATOR, movie_create
from movies.services.genres import genre_create
from movies.services.ratings import rating_set
from movies.services.reviews import review_create
from oauth.tests.helpers import app_token, web_app
from users import otp as otp_lib
from users import services as accounts
from users.models import LoginFailure, User

PASSWORD = "pass-Word-123"
PENDING_PHONE = "+14155550199"
PENDING_CODE = "123456"
UNKNOWN_PHONE = "+14155550188"

_KIND_OF_STATUS = {int(t.status): kind for kind, t in TRANSLATIONS.items()}
_KIND_OF_CODE = {t.graphql_code: kind for kind, t in TRANSLATIONS.items()}


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class M:
    """A movie of the world by title (or a missing id as an int)."""

    title: str | int


@dataclass(frozen=True)
class G:
    """A genre of the world by name (or a missing id as an int)."""

    name: str | int


@dataclass(frozen=True)
class A:
    """An actor of the world by name (or a missing id as an int)."""

    name: str | int


@dataclass(frozen=True)
class U:
    """A user of the world by username."""

    username: str


@dataclass(frozen=True)
class R:
    """A review of the world by author and movie title (or a missing id as an int)."""

    username: str | int
    title: str = ""


@dataclass(frozen=True)
class App:
    """An OAuth client of the world by client id (or a missing id as an int)."""

    client_id: str | int


@dataclass(frozen=True)
class T:
    """A refresh token issued in the world to a user."""

    username: str


MISSING_ID = 999_999


def resolve(value, world):
    """Replace references by ids (ints), recursively."""
    if isinstance(value, M):
        return value.title if isinstance(value.title, int) else world.movies[value.title].pk
    if isinstance(value, G):
        return value.name if isinstance(value.name, int) else world.genres[value.name].pk
    if isinstance(value, A):
        return value.name if isinstance(value.name, int) else world.actors[value.name].pk
    if isinstance(value, U):
        return world.users[value.username].pk
    if isinstance(value, R):
        if isinstance(value.username, int):
            return value.username
        return Review.objects.get(
            user=world.users[value.username], movie=world.movies[value.title]
        ).pk
    if isinstance(value, T):
        return world.refresh[value.username]
    if isinstance(value, App):
        if isinstance(value.client_id, int):
            return value.client_id
        return world.apps[value.client_id].pk
    if isinstance(value, dict):
        return {key: resolve(item, world) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, world) for item in value]
    return value


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """What every case starts from (built fresh for each test)."""

    users: dict[str, User]
    genres: dict[str, Genre]
    actors: dict[str, Actor]
    movies: dict[str, Movie]
    refresh: dict[str, str]
    # OAuth clients by client id: "desk", which alice authorized with `read`.
    apps: dict = dc_field(default_factory=dict)


def build_world(monkeypatch) -> World:
    """Four movies, three genres, three actors, four reviews, one pending sign-up.

    Ratings: Heat 5 (alice) + 3 (bob) = 4.00; The Matrix 4 (bob) = 4.00;
    The Godfather 2 (alice) + 3.5 (bob, a rating without a review) = 2.75;
    John Wick none (unrated: null).
    """
    from users.tests.factories import UserFactory

    users = {
        "alice": UserFactory(username="alice", email="alice@example.com"),
        "bob": UserFactory(username="bob", email="bob@example.com"),
        "staff": UserFactory(username="staff", email="staff@example.com", is_staff=True),
    }
    genres = {
        name: genre_create(user=SITE_OPERATOR, name=name) for name in ("Drama", "Crime", "Sci-Fi")
    }
    actors = {
        name: actor_create(user=SITE_OPERATOR, name=name)
        for name in ("Keanu Reeves", "Al Pacino", "Robert De Niro")
    }

    def movie(title, date, genre_names, actor_names, **ids):
        return movie_create(
            user=SITE_OPERATOR,
            title=title,
            plot=f"The plot of {title}.",
            release_date=date,
            genre_ids=[genres[name].pk for name in genre_names],
            actor_ids=[actors[name].pk for name in actor_names],
            **ids,
        )

    movies = {
        "The Matrix": movie(
            "The Matrix", "1999-03-31", ["Sci-Fi"], ["Keanu Reeves"], imdb_id="tt0133093"
        ),
        "Heat": movie(
            "Heat", "1995-12-15", ["Crime", "Drama"], ["Al Pacino", "Robert De Niro"], tmdb_id=949
        ),
        "The Godfather": movie("The Godfather", "1972-03-24", ["Crime", "Drama"], ["Al Pacino"]),
        "John Wick": movie("John Wick", "2014-10-24", [], ["Keanu Reeves"]),
    }
    for username, title, rating in (
        ("alice", "Heat", 5),
        ("bob", "Heat", 3),
        ("bob", "The Matrix", 4),
        ("alice", "The Godfather", 2),
    ):
        review_create(
            user=users[username], movie_id=movies[title].pk, rating=rating, text=f"{title}!"
        )
    rating_set(user=users["bob"], movie_id=movies["The Godfather"].pk, value=3.5)
    lists_services.movie_list_add(user=users["alice"], movie_id=movies["Heat"].pk, kind="favorite")
    monkeypatch.setattr(otp_lib, "generate_code", lambda: PENDING_CODE)
    accounts.user_register(
        username="pending",
        email="pending@example.com",
        password=PASSWORD,
        password_confirm=PASSWORD,
        phone_number=PENDING_PHONE,
        # Another address than the test client's, so the client's own cooldown is free.
        client_ip="10.9.9.9",
    )
    refresh = {name: accounts.login_tokens(user=user)["refresh"] for name, user in users.items()}
    apps = {"desk": web_app(name="Help desk", client_id="desk")}
    app_token(users["alice"], apps["desk"], "openid read")
    return World(users, genres, actors, dict(movies.items()), refresh, apps)


def snapshot() -> dict:
    """The whole database state a case may change, by names (ids differ across runs)."""
    return {
        "genres": sorted(Genre.objects.values_list("name", flat=True)),
        "actors": sorted(
            Actor.objects.values_list(
                "name",
                "birth_date",
                "death_date",
                "place_of_birth",
                "bio",
                "imdb_id",
                "tmdb_id",
                "known_for_department",
            )
        ),
        "crew": sorted(
            CrewCredit.objects.values_list(
                "movie__title", "person__name", "job", "department", "order"
            )
        ),
        "movies": sorted(
            (
                movie.title,
                movie.plot,
                movie.release_date,
                movie.imdb_id,
                movie.tmdb_id,
                str(movie.average_rating),
                movie.review_count,
                tuple(sorted(g.name for g in movie.genres.all())),
                tuple(c.actor.name for c in movie.castings.order_by("order")),
                movie.rating_count,
                movie.rating_counts(),
            )
            for movie in Movie.objects.prefetch_related("genres", "castings__actor")
        ),
        "reviews": sorted(
            Review.objects.values_list(
                "user__username", "movie__title", "rating", "text", "is_edited"
            )
        ),
        "ratings": sorted(Rating.objects.values_list("user__username", "movie__title", "value")),
        "lists": sorted(
            MovieListEntry.objects.values_list("user__username", "kind", "movie__title")
        ),
        "user_lists": sorted(
            UserList.objects.values_list(
                "owner__username", "name", "description", "is_public", "is_ranked", "item_count"
            )
        ),
        "user_list_items": sorted(
            UserListItem.objects.values_list("list__name", "position", "movie__title", "note")
        ),
        "diary": sorted(
            DiaryEntry.objects.values_list(
                "user__username", "movie__title", "watched_on", "rewatch", "rating", "liked"
            )
        ),
        "diary_tags": sorted(DiaryTag.objects.values_list("entry__movie__title", "name")),
        "users": sorted(User.objects.values_list("username", "email", "is_active")),
        "login_failures": LoginFailure.objects.count(),
        "bios": sorted(User.objects.exclude(bio="").values_list("username", "bio")),
        "revoked_refresh_tokens": sorted(
            BlacklistedToken.objects.values_list("token__user__username", flat=True)
        ),
        "app_tokens": sorted(
            get_access_token_model().objects.values_list(
                "user__username", "application__client_id", "scope"
            )
        ),
    }


def figures(title: str) -> tuple[float, int]:
    """A movie's stored (average_rating, review_count)."""
    movie = Movie.objects.get(title=title)
    return float(movie.average_rating), movie.review_count


# --------------------------------------------------------------------------- clients


def client_for(actor: str | None, world: World) -> APIClient:
    """`None` anonymous; a username signed in; "garbage" / "expired" a bad Bearer token;
    "alice@read write:reviews": the access token of an app ("desk") with those scopes."""
    client = APIClient()
    if actor is None:
        return client
    if "@" in actor:
        username, scopes = actor.split("@", 1)
        token = app_token(world.users[username], world.apps["desk"], scopes)
    elif actor == "garbage":
        token = "not.a.token"
    elif actor == "expired":
        an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
        with time_machine.travel(an_hour_ago, tick=False):
            token = str(RefreshToken.for_user(world.users["alice"]).access_token)
    else:
        token = str(RefreshToken.for_user(world.users[actor]).access_token)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --------------------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    """What an answer means, whichever door gave it."""

    kind: str  # "ok" or a key of core.errors.TRANSLATIONS
    field: str | None = None
    message: str | None = None
    data: Any = None
    state: dict = dc_field(default_factory=dict)
    shown: dict = dc_field(default_factory=dict)  # figures a GraphQL payload shows


def snake(name: str | None, renames: dict[str, str]) -> str | None:
    """A GraphQL field path in REST's names: genreIds -> genres, releaseDate -> release_date."""
    if name is None:
        return None
    parts = [re.sub(r"(?<!^)([A-Z])", r"_\1", part).lower() for part in name.split(".")]
    path = ".".join(parts)
    return renames.get(path, path)


def rest_outcome(response, op: "Op") -> Outcome:
    """The meaning of a REST answer: status class ↔ kind, first field, message, data."""
    if response.status_code < 400:
        body = response.json() if response.content else None
        return Outcome("ok", data=op.rest_data(body, response.status_code))
    body = response.json()
    kind = _KIND_OF_STATUS.get(response.status_code, f"http_{response.status_code}")
    errors = body.get("errors") or []
    if errors:
        return Outcome(kind, field=errors[0]["field"], message=errors[0]["message"])
    return Outcome(kind, message=body["detail"])


def graphql_outcome(body: dict, op: "Op") -> Outcome:
    """The meaning of a GraphQL answer: extensions.code ↔ kind, field, message, data."""
    errors = body.get("errors") or []
    if errors:
        error = errors[0]
        extensions = error.get("extensions") or {}
        kind = _KIND_OF_CODE.get(extensions.get("code"), extensions.get("code"))
        entries = extensions.get("errors") or []
        if entries:
            return Outcome(
                kind,
                field=snake(entries[0]["field"], op.renames),
                message=entries[0]["message"],
            )
        return Outcome(
            kind, field=snake(extensions.get("field"), op.renames), message=error["message"]
        )
    payload = body["data"][op.gql_root]
    if payload is None:
        # `movie(id:)` of a missing movie is null, GraphQL's "not found" (docs/guide/errors.md).
        return Outcome("not_found", message=None)
    shown = op.gql_shown(payload) if op.gql_shown else {}
    return Outcome("ok", data=op.gql_data(payload), shown=shown)


# --------------------------------------------------------------------------- operations


def literal(value) -> str:
    """A Python value as a GraphQL literal (enums are written as `Enum("FAVORITE")`)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


@dataclass(frozen=True)
class Enum:
    """A GraphQL enum value in a literal."""

    name: str


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def args_text(args: dict) -> str:
    return ", ".join(f"{key}: {literal(value)}" for key, value in args.items())


def camel_args(args: dict) -> str:
    """REST field names and values as GraphQL arguments: {"birth_date": x} -> birthDate: x."""
    return args_text({camel(key): value for key, value in args.items()})


@dataclass
class Op:
    """One operation, as each door spells it.

    rest(args) -> (method, path, body); gql(args) -> (root field, document); the two
    `*_data` functions reduce each door's answer to the same door-neutral value.
    `renames` maps GraphQL argument names (snake-cased) to REST's field names.
    """

    name: str
    rest: Callable[[dict], tuple[str, str, Any]]
    gql: Callable[[dict], str]
    gql_root: str
    rest_data: Callable[[Any, int], Any] = lambda body, status: None
    gql_data: Callable[[Any], Any] = lambda payload: None
    gql_shown: Callable[[Any], dict] | None = None
    renames: dict[str, str] = dc_field(default_factory=dict)


def run(op: Op, args: dict, actor, world: World, door: str, given=None) -> Outcome:
    """Send one case through one door; the database is rolled back afterwards.

    `given(world)` runs first, inside the same savepoint (extra state for this case).
    """

    class _RollBack(Exception):
        pass

    cache.clear()  # per-address throttle counters: each door starts equal
    outcome = None
    try:
        with transaction.atomic():
            if given is not None:
                given(world)
            resolved = resolve(args, world)
            client = client_for(actor, world)
            if door == "rest":
                method, path, body = op.rest(resolved)
                response = (
                    getattr(client, method)(path, body, format="json")
                    if body is not None
                    else getattr(client, method)(path)
                )
                outcome = rest_outcome(response, op)
            else:
                document = op.gql(resolved)
                response = client.post("/graphql/", {"query": document}, format="json")
                outcome = graphql_outcome(response.json(), op)
            outcome.state = snapshot()
            raise _RollBack
    except _RollBack:
        pass
    return outcome


def query_string(params: dict) -> str:
    return urlencode(dict(params.items()), doseq=True)


def ids_masked(message: str | None) -> str | None:
    """A message with the ids it names masked: each door's run creates the case's rows
    anew, and on PostgreSQL a rolled-back insert still uses up its id, so the two runs'
    rows have different ids ("No list with id 210." / "... 212.")."""
    return None if message is None else re.sub(r"\bid \d+", "id N", message)


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    """One parity case of an app's table (tests/parity/test_lists_parity.py,
    test_diary_parity.py): op, args (REST names), caller, expected kind, field and
    message, and the `given` that makes its starting world. An app's table subclasses
    it to change the defaults (its usual caller, its usual given)."""

    op: Any
    args: dict
    as_: str | None = "alice"
    expect: str = "ok"
    field: str | None = None
    message: str | None = None
    given: Any = None

    def __str__(self):
        args = ",".join(f"{key}={str(value)[:24]}" for key, value in self.args.items())
        # A given other than the table's usual one is part of the case's name: the same
        # request from another start is another case.
        usual = type(self).__dataclass_fields__["given"].default
        # A given made by a factory is named by the factory (its closure's qualname).
        name = self.given.__qualname__.split(".")[0] if self.given else ""
        given = f"given={name}," if self.given not in (None, usual) else ""
        return f"{self.op.name}[{given}{args}]as={self.as_}->{self.expect}"


def assert_doors_agree(case: Case, world: World) -> tuple[Outcome, Outcome]:
    """Send `case` through REST, then (from the same start) through GraphQL, and check
    that both mean what it expects and the same as each other: kind, field, message
    (with ids masked, `ids_masked`), data and the database afterwards."""
    rest = run(case.op, case.args, case.as_, world, "rest", case.given)
    graphql = run(case.op, case.args, case.as_, world, "graphql", case.given)
    assert (rest.kind, rest.field) == (case.expect, case.field), rest
    assert (graphql.kind, graphql.field) == (rest.kind, rest.field), graphql
    if case.message is not None:
        assert rest.message == case.message
    assert ids_masked(graphql.message) == ids_masked(rest.message)
    assert graphql.data == rest.data
    assert graphql.state == rest.state
    return rest, graphql
