# ruff: noqa: E501 -- one case per line, however long, so the table reads as a table.
"""REST/GraphQL parity: one table of cases, each sent through both doors by one test.

The service promises one domain behind two doors (docs/guide/errors.md). Every line of
CASES below is one request a client can make; `test_both_doors_mean_the_same` sends
it over REST and over GraphQL, each time from the same starting world and rolled
back afterwards, and checks that both answers mean the same:

- the outcome: REST's status class and GraphQL's `extensions.code` name the same row
  of core/errors.py TRANSLATIONS (2xx <-> no error, 400 <-> BAD_USER_INPUT,
  401 <-> UNAUTHENTICATED, 403 <-> FORBIDDEN, 404 <-> NOT_FOUND, 409 <-> CONFLICT,
  429 <-> THROTTLED), and it is the one the case expects;
- the field the error names (GraphQL's camelCase read as REST's snake_case; a
  GraphQL-only argument name such as `genreIds` is mapped by the operation);
- the message text, word for word;
- the resulting data: the answer reduced to door-neutral values (titles, names,
  ratings), the whole database afterwards (tests/parity/doors.py `snapshot`), and,
  for review mutations, that the figures the GraphQL payload shows are the stored ones.

Two exceptions: GraphQL answers `movie(id:)` of a missing movie with null, not an
error, so that case compares the outcome but has no GraphQL message; and an id that
cannot be one (`abc`) is a REST path that names nothing (404) but a GraphQL argument
that is wrong (`BAD_USER_INPUT` on `id`): `test_a_malformed_id_is_refused_by_both_doors`.

Adding a case is one line:

    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 6}, "bob", "invalid", "rating"),

`C(op, args, as_, expect, field, message, given)`: `op` from tests/parity/operations.py;
`args` in REST's field names, with world objects as references (`M("Heat")`,
`G("Drama")`, `A("Al Pacino")`, `U("bob")`, `R("alice", "Heat")`, `T("alice")`,
resolved to ids at run time; `M(999999)` is a missing one); `as_` the caller (None
anonymous, a username of the world, or "garbage"/"expired" for a bad Bearer token);
`expect` "ok" or a TRANSLATIONS key; `field` and `message` optional expectations
(both doors are compared with each other in any case); `given` an optional function
of the world run first. The world: tests/parity/doors.py `build_world`.

A new operation (e.g. a password reset) is one `Op` in operations.py with its REST
request, its GraphQL document and how to read each answer; then its cases here.
"""

import contextlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from movies.models import CrewCredit, Keyword, Movie
from movies.services.ratings import RATING_HAS_REVIEW_MESSAGE
from oauth.access import NOT_FOR_APPS_MESSAGE
from tests.parity.doors import (
    MISSING_ID,
    PASSWORD,
    PENDING_CODE,
    PENDING_PHONE,
    UNKNOWN_PHONE,
    A,
    App,
    Case,
    G,
    M,
    R,
    T,
    U,
    build_world,
    figures,
    run,
)
from tests.parity.operations import (
    ADD_TO_LIST,
    CHANGE_EMAIL,
    CHANGE_PASSWORD,
    CONFIRM_PHONE_CHANGE,
    CREATE_ACTOR,
    CREATE_GENRE,
    CREATE_MOVIE,
    CREATE_REVIEW,
    DELETE_ACCOUNT,
    DELETE_ACTOR,
    DELETE_GENRE,
    DELETE_MOVIE,
    DELETE_REVIEW,
    EXPORT,
    GET_MOVIE,
    GET_PERSON,
    LIST_ACTORS,
    LIST_GENRES,
    LIST_MOVIES,
    LIST_REVIEWS,
    LOGIN,
    LOGOUT,
    ME,
    MY_APPS,
    RATE_MOVIE,
    REFRESH,
    REGISTER,
    REMOVE_FROM_LIST,
    REQUEST_PASSWORD_RESET,
    REQUEST_PHONE_CHANGE,
    RESEND_OTP,
    RESET_PASSWORD,
    REVOKE_APP,
    SIMILAR_MOVIES,
    UNRATE_MOVIE,
    UPDATE_ACTOR,
    UPDATE_GENRE,
    UPDATE_MOVIE,
    UPDATE_PROFILE,
    UPDATE_REVIEW,
    VERIFY_OTP,
)
from users import services
from users.exceptions import TooManyAttempts
from users.models import (
    LoginFailure,
    OTPSendLog,
    PhoneAddressState,
    PhoneVerificationState,
    User,
)
from users.services.usernames import USERNAME_AT_MESSAGE, USERNAME_MIXED_MESSAGE


@dataclass(frozen=True)
class C(Case):
    """One parity case (see the module docstring): tests/parity/doors.py's `Case`, sent
    anonymously unless it names a caller."""

    as_: str | None = None


# --------------------------------------------------------------------------- givens


def pacino_directs(world):
    """Al Pacino directed and wrote The Godfather (a made-up crew, two jobs on one movie)."""
    for job, department in (("Director", "Directing"), ("Screenplay", "Writing")):
        CrewCredit.objects.create(
            movie=world.movies["The Godfather"],
            person=world.actors["Al Pacino"],
            job=job,
            department=department,
        )


def keywords_and_runtimes(world):
    """Heat and The Godfather share the keyword "crime family"; The Matrix has
    "simulation"; runtimes: Heat 170, The Godfather 175, The Matrix 136 (John Wick
    unknown)."""
    family, simulation = (Keyword.objects.create(name=n) for n in ("crime family", "simulation"))
    world.movies["Heat"].keywords.add(family)
    world.movies["The Godfather"].keywords.add(family)
    world.movies["The Matrix"].keywords.add(simulation)
    for title, minutes in (("Heat", 170), ("The Godfather", 175), ("The Matrix", 136)):
        Movie.objects.filter(title=title).update(runtime=minutes)


def failed_logins(username: str, count: int):
    """`count` failed sign-ins for `username` from the test client's address."""

    def given(world):
        now = timezone.now()
        LoginFailure.objects.bulk_create(
            LoginFailure(
                identifier=username,
                user=world.users.get(username),
                client_ip="127.0.0.1",
                created_at=now,
            )
            for _ in range(count)
        )

    return given


def phone_locked(phone: str):
    """The number is locked for this client's address after too many wrong codes (the
    lock is per address: other addresses, the owner's, are not locked)."""

    def given(world):
        PhoneVerificationState.objects.update_or_create(
            phone_number=phone, defaults={"failure_count": 20}
        )
        PhoneAddressState.objects.update_or_create(
            phone_number=phone,
            client_ip="127.0.0.1",
            defaults={"failure_count": 20, "locked_until": timezone.now() + timedelta(hours=1)},
        )

    return given


def sent_just_now(phone: str):
    """This client asked for a code for `phone` a moment ago (the 60 s cooldown runs)."""

    def given(world):
        OTPSendLog.objects.create(phone_number=phone, client_ip="127.0.0.1", sent_at=timezone.now())

    return given


def pending_expired(world):
    """The world's pending registration was made longer ago than a registration lasts."""
    long_ago = timezone.now() - timedelta(seconds=settings.PENDING_ACCOUNT_TTL_SECONDS + 1)
    User.objects.filter(username="pending").update(date_joined=long_ago)


def email_named_account(world):
    """An account registered before the username rule, named with Alice's email."""
    User.objects.create_user(
        username="Alice@Example.com", email="mallory@example.net", password=PASSWORD
    )


def registered_just_now(world):
    """This client registered NEW_ACCOUNT a moment ago (its code was just sent)."""
    services.user_register(**NEW_ACCOUNT, client_ip="127.0.0.1")


def review_deleted(username: str, title: str):
    def given(world):
        world.users[username].reviews.filter(movie=world.movies[title]).delete()

    return given


NEW_ACCOUNT = {
    "username": "carol",
    "email": "carol@example.com",
    "password": "a-Long-pass-42",
    "password_confirm": "a-Long-pass-42",
    "phone_number": "+14155550142",
}
RATING = "A rating is from 0.5 to 5.0 in steps of 0.5."
EXPIRED = "The access token has expired; refresh it or sign in again."
BAD_TOKEN = "The access token is not valid; sign in again."
NO_REVIEW_SCOPE = (
    "This app may not write reviews: its access token lacks the 'write:reviews' scope."
)
NO_LIST_SCOPE = (
    "This app may not change your lists: its access token lacks the 'write:lists' scope."
)
NO_READ_SCOPE = "This app may not read your data: its access token lacks the 'read' scope."
NO_ACCOUNT_SCOPE = (
    "This app may not manage your account: its access token lacks the 'account' scope."
)
SIGN_IN = "Authentication required: send 'Authorization: Bearer <access token>'."
NO_ACCOUNT = "No active account found with the given credentials"
STAFF_ONLY = "Only staff may change the catalog."
CODE_SENT = "If this number can be registered, a code has been sent."
BAD_CODE = "The code is invalid or has expired."

ALICE_PHONE = "+14155550177"
NEW_PHONE = "+14155550166"
NEW_PASSWORD = "Fresh-Start-2026"
RESET_SENT = services.RESET_REQUESTED_MESSAGE
WRONG_PASSWORD = "The current password is not correct."
STEP_UP = services.STEP_UP_MESSAGE


def alice_verified(world):
    """Alice's phone is ALICE_PHONE and verified (a reset can reach her)."""
    User.objects.filter(username="alice").update(
        phone_number=ALICE_PHONE, phone_verified_at=timezone.now()
    )


def reset_code_sent(world):
    """Alice asked for a reset code (PENDING_CODE: build_world fixes the generator)."""
    alice_verified(world)
    services.password_reset_request(phone_number=ALICE_PHONE, client_ip="10.9.9.9")


def phone_code_sent(world):
    """Alice asked to move to NEW_PHONE; its code is PENDING_CODE."""
    services.phone_change_request(
        user=world.users["alice"], password=PASSWORD, phone_number=NEW_PHONE, client_ip="10.9.9.9"
    )


def under_step_up(world):
    """Alice's account has had the account-wide limit of failed sign-ins this hour, each
    from its own address: the password alone passes nowhere (step-up)."""
    alice_verified(world)
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        LoginFailure(
            identifier="alice",
            user=world.users["alice"],
            client_ip=f"10.8.{i // 250}.{i % 250 + 1}",
            created_at=now,
        )
        for i in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR)
    )


def step_up_code_sent(world):
    """Under step-up, Alice's right password texted her sign-in code (PENDING_CODE)."""
    under_step_up(world)
    with contextlib.suppress(TooManyAttempts):
        services.password_confirm(
            user=User.objects.get(username="alice"), password=PASSWORD, client_ip="10.9.9.9"
        )


def both(*givens):
    def given(world):
        for one in givens:
            one(world)

    return given


# fmt: off
CASES = [
    # ---- movie filters and orderings (anyone)
    C(LIST_MOVIES, {}),
    C(LIST_MOVIES, {"search": "matrix"}),
    C(LIST_MOVIES, {"search": "plot of heat"}),
    C(LIST_MOVIES, {"title": "god"}),
    C(LIST_MOVIES, {"genre": "drama"}),
    C(LIST_MOVIES, {"genre": G("Crime")}),
    C(LIST_MOVIES, {"genre": "Western"}),
    C(LIST_MOVIES, {"actor": "pacino"}),
    C(LIST_MOVIES, {"actor": A("Keanu Reeves")}),
    C(LIST_MOVIES, {"crew": A("Al Pacino")}, given=pacino_directs),
    C(LIST_MOVIES, {"crew": A("Keanu Reeves")}, given=pacino_directs),  # no crew job: none
    C(LIST_MOVIES, {"crew": "abc"}, None, "invalid", "crew"),
    C(LIST_MOVIES, {"director": "pacino"}, given=pacino_directs),
    C(LIST_MOVIES, {"director": A("Al Pacino")}, given=pacino_directs),
    C(LIST_MOVIES, {"director": "keanu"}, given=pacino_directs),
    C(LIST_MOVIES, {"min_rating": 3}),
    C(LIST_MOVIES, {"max_rating": 2.5}),
    C(LIST_MOVIES, {"min_rating": 2, "max_rating": 4}),
    C(LIST_MOVIES, {"year": 1999}),
    C(LIST_MOVIES, {"min_year": 1990, "max_year": 2000}),
    C(LIST_MOVIES, {"imdb_id": "tt0133093"}),
    C(LIST_MOVIES, {"tmdb_id": 949}),
    C(LIST_MOVIES, {"ordering": "title"}),
    C(LIST_MOVIES, {"ordering": "-average_rating"}),
    C(LIST_MOVIES, {"ordering": "average_rating"}),  # unrated John Wick last both ways
    C(LIST_MOVIES, {"max_rating": 5}),  # unrated movies match no rating filter
    C(LIST_MOVIES, {"ordering": "release_date"}),
    C(LIST_MOVIES, {"ordering": "-review_count"}),
    C(LIST_MOVIES, {"genre": "crime", "ordering": "-release_date"}),
    C(LIST_MOVIES, {"ordering": "bogus"}, None, "invalid", "ordering"),
    C(LIST_MOVIES, {"min_rating": 7}, None, "invalid", "min_rating"),
    C(LIST_MOVIES, {"year": -1}, None, "invalid", "year"),
    C(LIST_MOVIES, {"search": "matrix"}, "alice"),
    # ---- token problems on public reads: refused on both doors (docs/guide/errors.md)
    C(LIST_MOVIES, {}, "garbage", "unauthenticated", None, BAD_TOKEN),
    C(LIST_MOVIES, {}, "expired", "unauthenticated", None, EXPIRED),
    C(GET_MOVIE, {"id": M("Heat")}, "expired", "unauthenticated", None, EXPIRED),
    C(LIST_GENRES, {}, "garbage", "unauthenticated", None, BAD_TOKEN),
    C(ME, {}, None, "unauthenticated", None, SIGN_IN),
    C(ME, {}, "expired", "unauthenticated", None, EXPIRED),
    C(ME, {}, "alice"),
    # ---- one movie, genres, actors, reviews
    C(GET_MOVIE, {"id": M("Heat")}),
    C(GET_MOVIE, {"id": M("John Wick")}, "bob"),
    C(GET_MOVIE, {"id": M("The Godfather")}, "bob"),  # half steps; bob's rating-only 3.5
    C(GET_MOVIE, {"id": M(MISSING_ID)}, None, "not_found"),
    C(LIST_GENRES, {}),
    C(LIST_GENRES, {"name": "dra"}),
    C(GET_PERSON, {"id": A("Al Pacino")}),  # two movies, newest first; no crew
    C(GET_PERSON, {"id": A("Al Pacino")}, "bob", given=pacino_directs),  # cast and crew
    C(GET_PERSON, {"id": A(MISSING_ID)}, None, "not_found"),
    C(GET_MOVIE, {"id": M("The Godfather")}, given=pacino_directs),  # the crew, in order
    # ---- discovery: similar movies and the discover filters (anyone)
    C(SIMILAR_MOVIES, {"id": M("Heat")}),  # The Godfather: Crime, Drama, Al Pacino
    C(SIMILAR_MOVIES, {"id": M("The Matrix")}, "bob"),  # John Wick: Keanu Reeves
    C(SIMILAR_MOVIES, {"id": M("Heat")}, None, given=keywords_and_runtimes),
    C(SIMILAR_MOVIES, {"id": M("The Godfather")}, None, given=pacino_directs),  # once
    C(SIMILAR_MOVIES, {"id": M("Heat"), "first": 1}),
    C(SIMILAR_MOVIES, {"id": M("Heat"), "first": 0}, None, "invalid", "first"),
    C(SIMILAR_MOVIES, {"id": M("Heat"), "first": 101}, None, "invalid", "first"),
    C(SIMILAR_MOVIES, {"id": M(MISSING_ID)}, None, "not_found"),
    C(LIST_MOVIES, {"genre": "crime,drama"}),
    C(LIST_MOVIES, {"genre": "sci-fi|crime"}),
    C(LIST_MOVIES, {"genre": "crime|drama,sci-fi"}, None, "invalid", "genre"),
    C(LIST_MOVIES, {"without_genre": "drama"}),
    C(LIST_MOVIES, {"person": A("Al Pacino")}),
    C(LIST_MOVIES, {"person": A("Al Pacino")}, None, given=pacino_directs),
    C(LIST_MOVIES, {"person": "pacino"}, None, "invalid", "person"),
    C(LIST_MOVIES, {"keyword": "crime family"}, None, given=keywords_and_runtimes),
    C(LIST_MOVIES, {"keyword": "crime family|simulation"}, None, given=keywords_and_runtimes),
    C(LIST_MOVIES, {"runtime_min": 150, "runtime_max": 172}, None, given=keywords_and_runtimes),
    C(LIST_MOVIES, {"runtime_max": 0}, None, "invalid", "runtime_max"),
    C(LIST_MOVIES, {"min_rating_count": 2}),
    C(LIST_ACTORS, {"name": "al"}),
    C(LIST_ACTORS, {"name": "nobody"}),
    C(LIST_REVIEWS, {}),
    C(LIST_REVIEWS, {"movie": M("Heat")}),
    C(LIST_REVIEWS, {"user": U("bob")}),
    C(LIST_REVIEWS, {"rating": 5}),
    C(LIST_REVIEWS, {"min_rating": 3, "max_rating": 4}),
    C(LIST_REVIEWS, {"genre": "crime"}),
    C(LIST_REVIEWS, {"text": "matrix"}),
    C(LIST_REVIEWS, {"ordering": "rating"}),
    C(LIST_REVIEWS, {"ordering": "-rating"}),
    C(LIST_REVIEWS, {"ordering": "bogus"}, None, "invalid", "ordering"),
    # ---- genres (staff write)
    C(CREATE_GENRE, {"name": "Western"}, "staff"),
    C(CREATE_GENRE, {"name": "Western"}, "alice", "forbidden", None, STAFF_ONLY),
    C(CREATE_GENRE, {"name": "Western"}, None, "unauthenticated", None, SIGN_IN),
    C(CREATE_GENRE, {"name": "drama"}, "staff", "invalid", "name"),
    C(CREATE_GENRE, {"name": ""}, "staff", "invalid", "name"),
    C(CREATE_GENRE, {"name": "x" * 51}, "staff", "invalid", "name"),
    C(UPDATE_GENRE, {"id": G("Drama"), "name": "Dramatic"}, "staff"),
    C(UPDATE_GENRE, {"id": G("Drama"), "name": "CRIME"}, "staff", "invalid", "name"),
    C(UPDATE_GENRE, {"id": G(MISSING_ID), "name": "Dramatic"}, "staff", "not_found", None, "No genre with id 999999."),
    C(UPDATE_GENRE, {"id": G("Drama"), "name": "Dramatic"}, "bob", "forbidden", None, STAFF_ONLY),
    C(DELETE_GENRE, {"id": G("Sci-Fi")}, "staff"),
    C(DELETE_GENRE, {"id": G(MISSING_ID)}, "staff", "not_found"),
    C(DELETE_GENRE, {"id": G("Sci-Fi")}, "alice", "forbidden"),
    # ---- actors (staff write)
    C(CREATE_ACTOR, {"name": "Carrie-Anne Moss", "birth_date": "1967-08-21", "bio": "Trinity."}, "staff"),
    C(CREATE_ACTOR, {"name": "Nobody Yet", "birth_date": "2999-01-01"}, "staff", "invalid", "birth_date"),
    C(CREATE_ACTOR, {"name": "Nobody", "birth_date": "21/08/1967"}, "staff", "invalid", "birth_date"),
    C(CREATE_ACTOR, {"name": ""}, "staff", "invalid", "name"),
    C(CREATE_ACTOR, {"name": "x" * 201}, "staff", "invalid", "name"),
    C(CREATE_ACTOR, {"name": "Carrie-Anne Moss"}, "bob", "forbidden"),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "bio": "Michael."}, "staff"),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "birth_date": "2999-01-01"}, "staff", "invalid", "birth_date"),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "death_date": "2999-01-01", "place_of_birth": "New York"}, "staff", "invalid", "death_date"),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "place_of_birth": "New York City", "imdb_id": "nm0000199", "tmdb_id": 1158, "known_for_department": "Acting"}, "staff"),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "imdb_id": "tt0000199"}, "staff", "invalid", "imdb_id", "IMDb person ids look like nm0000206."),
    C(UPDATE_ACTOR, {"id": A("Al Pacino"), "known_for_department": "Music"}, "staff", "invalid", "known_for_department"),
    C(UPDATE_ACTOR, {"id": A(MISSING_ID), "bio": "?"}, "staff", "not_found", None, "No actor with id 999999."),
    C(DELETE_ACTOR, {"id": A("Robert De Niro")}, "staff"),
    C(DELETE_ACTOR, {"id": A(MISSING_ID)}, "staff", "not_found"),
    C(DELETE_ACTOR, {"id": A("Robert De Niro")}, None, "unauthenticated"),
    # ---- movies (staff write); every validation rule of movie_create / movie_update
    C(CREATE_MOVIE, {"title": "Speed", "release_date": "1994-06-10", "genres": [G("Crime")], "actors": [A("Keanu Reeves")]}, "staff"),
    C(CREATE_MOVIE, {"title": "Speed", "actors": [A("Keanu Reeves"), A("Al Pacino")]}, "staff"),
    C(CREATE_MOVIE, {"title": "Speed", "genres": [G("Drama"), G("Drama")]}, "staff"),
    C(CREATE_MOVIE, {"title": ""}, "staff", "invalid", "title"),
    C(CREATE_MOVIE, {"title": "x" * 256}, "staff", "invalid", "title"),
    C(CREATE_MOVIE, {"title": "Speed", "genres": [G(MISSING_ID)]}, "staff", "invalid", "genres", "Unknown genre id(s): 999999."),
    C(CREATE_MOVIE, {"title": "Speed", "actors": [A(MISSING_ID)]}, "staff", "invalid", "actors"),
    C(CREATE_MOVIE, {"title": "Speed", "genres": [G("Drama")] * 101}, "staff", "invalid", "genres"),
    C(CREATE_MOVIE, {"title": "Speed", "imdb_id": "nm0000206"}, "staff", "invalid", "imdb_id"),
    C(CREATE_MOVIE, {"title": "Speed", "imdb_id": "tt0133093"}, "staff", "invalid", "imdb_id"),
    C(CREATE_MOVIE, {"title": "Speed", "tmdb_id": 949}, "staff", "invalid", "tmdb_id"),
    C(CREATE_MOVIE, {"title": "Speed", "tmdb_id": 0}, "staff", "invalid", "tmdb_id"),
    C(CREATE_MOVIE, {"title": "Speed", "release_date": "tomorrow"}, "staff", "invalid", "release_date"),
    C(CREATE_MOVIE, {"title": "Speed", "actors": [A("Al Pacino")], "cast": [{"actor": A("Keanu Reeves")}]}, "staff", "invalid", "cast"),
    C(CREATE_MOVIE, {"title": "Speed", "crew": [{"person": A("Keanu Reeves"), "job": "Director", "department": "Directing"}]}, "staff"),
    C(CREATE_MOVIE, {"title": "Speed", "crew": [{"person": A(MISSING_ID), "job": "Director", "department": "Directing"}]}, "staff", "invalid", "crew", "Entry 0: unknown person id 999999."),
    C(CREATE_MOVIE, {"title": "Speed"}, "bob", "forbidden", None, STAFF_ONLY),
    C(CREATE_MOVIE, {"title": "Speed"}, None, "unauthenticated", None, SIGN_IN),
    C(UPDATE_MOVIE, {"id": M("Heat"), "title": "Heat (1995)"}, "staff"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "genres": [G("Drama")]}, "staff"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "actors": [A("Robert De Niro"), A("Al Pacino")]}, "staff"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "crew": [{"person": A("Al Pacino"), "job": "Director", "department": "Directing"}, {"person": A("Al Pacino"), "job": "Screenplay", "department": "Writing"}]}, "staff"),
    C(UPDATE_MOVIE, {"id": M("The Godfather"), "crew": []}, "staff", given=pacino_directs),  # cleared
    C(UPDATE_MOVIE, {"id": M("Heat"), "crew": [{"person": A("Al Pacino"), "job": "Director", "department": "Direction"}]}, "staff", "invalid", "crew"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "crew": [{"person": A("Robert De Niro"), "job": "Composer", "department": "Sound"}]}, "staff", "invalid", "crew"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "crew": [{"person": A("Al Pacino"), "job": "Director", "department": "Directing"}, {"person": A("Al Pacino"), "job": "Screenplay", "department": "Writing"}]}, "bob", "forbidden"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "title": ""}, "staff", "invalid", "title"),
    C(UPDATE_MOVIE, {"id": M("Heat"), "imdb_id": "tt0133093"}, "staff", "invalid", "imdb_id"),
    C(UPDATE_MOVIE, {"id": M(MISSING_ID), "title": "Gone"}, "staff", "not_found", None, "No movie with id 999999."),
    C(UPDATE_MOVIE, {"id": M("Heat"), "title": "Mine"}, "alice", "forbidden"),
    C(DELETE_MOVIE, {"id": M("Heat")}, "staff"),
    C(DELETE_MOVIE, {"id": M(MISSING_ID)}, "staff", "not_found"),
    C(DELETE_MOVIE, {"id": M("Heat")}, "bob", "forbidden"),
    # ---- reviews: rules, ownership, conflicts, and the figures shown after each change
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 4, "text": "Fun."}, "bob"),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 1}, "staff"),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 6}, "bob", "invalid", "rating", RATING),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 0}, "staff", "invalid", "rating", RATING),
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 3, "text": "x" * 10_001}, "bob", "invalid", "text"),
    C(CREATE_REVIEW, {"movie": M(MISSING_ID), "rating": 3}, "bob", "not_found", None, "No movie with id 999999."),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 2}, "alice", "conflict", None, "You have already reviewed this movie; edit or delete that review instead."),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 2}, None, "unauthenticated", None, SIGN_IN),
    C(CREATE_REVIEW, {"movie": M("Heat"), "rating": 2}, "garbage", "unauthenticated", None, BAD_TOKEN),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 1}, "alice"),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "text": "Changed my mind."}, "alice"),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 5}, "alice"),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 6}, "alice", "invalid", "rating", RATING),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 1}, "bob", "forbidden", None, "Only the author may change this review."),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 1}, "staff", "forbidden"),
    C(UPDATE_REVIEW, {"id": R(MISSING_ID), "rating": 1}, "alice", "not_found", None, "No review with id 999999."),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 1}, None, "unauthenticated"),
    C(DELETE_REVIEW, {"id": R("alice", "Heat")}, "alice"),
    C(DELETE_REVIEW, {"id": R("bob", "The Matrix")}, "staff"),
    C(DELETE_REVIEW, {"id": R("alice", "Heat")}, "bob", "forbidden", None, "Only the author or staff may delete this review."),
    C(DELETE_REVIEW, {"id": R(MISSING_ID)}, "alice", "not_found"),
    # ---- half stars, and a rating with or without a review: one per user per movie
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 3.5, "text": "Half."}, "bob"),
    C(CREATE_REVIEW, {"movie": M("The Godfather"), "rating": 4.5}, "bob"),  # takes his rating
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 3.25}, "bob", "invalid", "rating", RATING),
    C(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 2.5}, "alice"),
    C(RATE_MOVIE, {"movie": M("John Wick"), "value": 3.5}, "bob"),
    C(RATE_MOVIE, {"movie": M("John Wick"), "value": 4}, "alice"),
    C(RATE_MOVIE, {"movie": M("The Godfather"), "value": 0.5}, "bob"),
    C(RATE_MOVIE, {"movie": M("Heat"), "value": 4.5}, "alice"),  # her review shows it too
    C(RATE_MOVIE, {"movie": M("Heat"), "value": 2.25}, "staff", "invalid", "value", RATING),
    C(RATE_MOVIE, {"movie": M("Heat"), "value": 0}, "staff", "invalid", "value", RATING),
    C(RATE_MOVIE, {"movie": M("Heat"), "value": 5.5}, "staff", "invalid", "value", RATING),
    C(RATE_MOVIE, {"movie": M(MISSING_ID), "value": 3}, "bob", "not_found", None, "No movie with id 999999."),
    C(RATE_MOVIE, {"movie": M("Heat"), "value": 3}, None, "unauthenticated", None, SIGN_IN),
    C(UNRATE_MOVIE, {"movie": M("The Godfather")}, "bob"),
    C(UNRATE_MOVIE, {"movie": M("Heat")}, "alice", "conflict", None, RATING_HAS_REVIEW_MESSAGE),
    C(UNRATE_MOVIE, {"movie": M("John Wick")}, "bob", "not_found", None, "You have not rated this movie."),
    C(UNRATE_MOVIE, {"movie": M("Heat")}, None, "unauthenticated", None, SIGN_IN),
    # ---- movie lists
    C(ADD_TO_LIST, {"movie": M("Heat"), "list": "FAVORITE"}, "bob"),
    C(ADD_TO_LIST, {"movie": M("Heat"), "list": "FAVORITE"}, "alice"),
    C(ADD_TO_LIST, {"movie": M("The Matrix"), "list": "WATCHLIST"}, "alice"),
    C(ADD_TO_LIST, {"movie": M(MISSING_ID), "list": "WATCHED"}, "alice", "invalid", "movie_id", "No movie with id 999999."),
    C(ADD_TO_LIST, {"movie": M("Heat"), "list": "FAVORITE"}, None, "unauthenticated"),
    C(REMOVE_FROM_LIST, {"movie": M("Heat"), "list": "FAVORITE"}, "alice"),
    C(REMOVE_FROM_LIST, {"movie": M("The Matrix"), "list": "FAVORITE"}, "alice", "not_found"),
    C(REMOVE_FROM_LIST, {"movie": M("Heat"), "list": "WATCHED"}, "alice", "not_found"),
    # ---- sign-up and codes
    C(REGISTER, NEW_ACCOUNT, None, "ok", None, None),
    C(REGISTER, {**NEW_ACCOUNT, "phone_number": "+14155550000"}, None),
    C(REGISTER, {**NEW_ACCOUNT, "username": "alice"}, None, "invalid", "username"),
    C(REGISTER, {**NEW_ACCOUNT, "username": "x" * 151}, None, "invalid", "username"),
    # The username rule (users/services/usernames.py): no "@", no look-alikes (escapes: a
    # Cyrillic a, a full-width a), NFKC.
    C(REGISTER, {**NEW_ACCOUNT, "username": "Bob@Example.com"}, None, "invalid", "username", USERNAME_AT_MESSAGE),
    C(REGISTER, {**NEW_ACCOUNT, "username": "\u0430lice"}, None, "invalid", "username", USERNAME_MIXED_MESSAGE),
    C(REGISTER, {**NEW_ACCOUNT, "username": "\uff41lice"}, None, "invalid", "username", "A user with that username already exists."),
    C(REGISTER, {**NEW_ACCOUNT, "email": "not-an-email"}, None, "invalid", "email"),
    # A pending registration holds its names only for PENDING_ACCOUNT_TTL_SECONDS.
    C(REGISTER, {**NEW_ACCOUNT, "username": "pending"}, None, "invalid", "username"),
    C(REGISTER, {**NEW_ACCOUNT, "username": "pending", "email": "pending@example.com"}, None, given=pending_expired),
    C(RESEND_OTP, {"phone_number": PENDING_PHONE}, None, given=pending_expired),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": PENDING_CODE}, None, "invalid", "code", BAD_CODE, pending_expired),
    # A taken email answers as a new one; only the phone is told, by SMS (docs/guide/accounts.md).
    C(REGISTER, {**NEW_ACCOUNT, "email": "alice@example.com"}, None),
    C(REGISTER, {**NEW_ACCOUNT, "password_confirm": "another-Pass-42"}, None, "invalid", "password_confirm"),
    C(REGISTER, {**NEW_ACCOUNT, "password": "123", "password_confirm": "123"}, None, "invalid", "password"),
    C(REGISTER, {**NEW_ACCOUNT, "phone_number": "not a phone"}, None, "invalid", "phone_number"),
    C(REGISTER, {**NEW_ACCOUNT, "phone_number": "+1" + "4" * 40}, None, "invalid", "phone_number"),
    C(REGISTER, {**NEW_ACCOUNT, "email": "a" * 250 + "@example.com"}, None, "invalid", "email"),
    C(REGISTER, {**NEW_ACCOUNT, "password": "Aa-1" * 33, "password_confirm": "Aa-1" * 33}, None, "invalid", "password", "At most 128 characters."),
    C(REGISTER, NEW_ACCOUNT, "garbage"),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": PENDING_CODE}, None),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": "000000"}, None, "invalid", "code", BAD_CODE),
    C(VERIFY_OTP, {"phone_number": UNKNOWN_PHONE, "code": "000000"}, None, "invalid", "code", BAD_CODE),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": "12"}, None, "invalid", "code"),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": "1" * 40}, None, "invalid", "code", "Enter the 6-digit code."),
    C(VERIFY_OTP, {"phone_number": PENDING_PHONE, "code": PENDING_CODE}, None, "throttled", given=phone_locked(PENDING_PHONE)),
    C(RESEND_OTP, {"phone_number": PENDING_PHONE}, None, "ok", None, None),
    C(RESEND_OTP, {"phone_number": UNKNOWN_PHONE}, None),
    # Inside this address's own cooldown a resend answers as a send and sends nothing,
    # so a registration a moment ago does not show (a 429 would).
    C(RESEND_OTP, {"phone_number": PENDING_PHONE}, None, given=sent_just_now(PENDING_PHONE)),
    C(RESEND_OTP, {"phone_number": UNKNOWN_PHONE}, None, given=sent_just_now(UNKNOWN_PHONE)),
    C(RESEND_OTP, {"phone_number": NEW_ACCOUNT["phone_number"]}, None, given=registered_just_now),
    C(RESEND_OTP, {"phone_number": "not a phone"}, None, "invalid", "phone_number"),
    # ---- account lifetime: password reset, phone and email change, deletion, export
    C(REQUEST_PASSWORD_RESET, {"phone_number": ALICE_PHONE}, None, "ok", given=alice_verified),
    C(REQUEST_PASSWORD_RESET, {"phone_number": UNKNOWN_PHONE}, None),
    C(REQUEST_PASSWORD_RESET, {"username": "alice"}, None, "ok", given=alice_verified),
    C(REQUEST_PASSWORD_RESET, {"username": "nobody"}, None),
    C(REQUEST_PASSWORD_RESET, {"phone_number": PENDING_PHONE}, None),
    C(REQUEST_PASSWORD_RESET, {"phone_number": ""}, None, "invalid", "phone_number"),
    C(REQUEST_PASSWORD_RESET, {"phone_number": UNKNOWN_PHONE, "username": "alice"}, None, "invalid", "phone_number"),
    C(REQUEST_PASSWORD_RESET, {"phone_number": "not a phone"}, None, "invalid", "phone_number"),
    # Inside this address's cooldown a reset answers as a send and sends nothing (as resend).
    C(REQUEST_PASSWORD_RESET, {"phone_number": ALICE_PHONE}, None, "ok", given=both(alice_verified, sent_just_now(ALICE_PHONE))),
    C(REQUEST_PASSWORD_RESET, {"phone_number": UNKNOWN_PHONE}, None, "ok", given=sent_just_now(UNKNOWN_PHONE)),
    C(RESET_PASSWORD, {"phone_number": ALICE_PHONE, "code": PENDING_CODE, "new_password": NEW_PASSWORD}, None, given=reset_code_sent),
    C(RESET_PASSWORD, {"phone_number": ALICE_PHONE, "code": "000000", "new_password": NEW_PASSWORD}, None, "invalid", "code", BAD_CODE, given=reset_code_sent),
    C(RESET_PASSWORD, {"phone_number": ALICE_PHONE, "code": PENDING_CODE, "new_password": "123"}, None, "invalid", "new_password", given=reset_code_sent),
    C(RESET_PASSWORD, {"phone_number": PENDING_PHONE, "code": PENDING_CODE, "new_password": NEW_PASSWORD}, None, "invalid", "code", BAD_CODE),
    C(RESET_PASSWORD, {"phone_number": UNKNOWN_PHONE, "code": "000000", "new_password": NEW_PASSWORD}, None, "invalid", "code", BAD_CODE),
    C(RESET_PASSWORD, {"phone_number": ALICE_PHONE, "code": PENDING_CODE, "new_password": NEW_PASSWORD}, None, "throttled", given=both(reset_code_sent, phone_locked(ALICE_PHONE))),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": NEW_PHONE}, "alice"),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": NEW_PHONE}, "alice", "throttled", given=sent_just_now(NEW_PHONE)),
    C(REQUEST_PHONE_CHANGE, {"password": "wrong", "phone_number": NEW_PHONE}, "alice", "invalid", "password", WRONG_PASSWORD),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": "not a phone"}, "alice", "invalid", "phone_number"),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": NEW_PHONE}, None, "unauthenticated", None, SIGN_IN),
    C(CONFIRM_PHONE_CHANGE, {"phone_number": NEW_PHONE, "code": PENDING_CODE}, "alice", given=phone_code_sent),
    C(CONFIRM_PHONE_CHANGE, {"phone_number": NEW_PHONE, "code": "000000"}, "alice", "invalid", "code", BAD_CODE, given=phone_code_sent),
    C(CONFIRM_PHONE_CHANGE, {"phone_number": NEW_PHONE, "code": PENDING_CODE}, "bob", "invalid", "code", BAD_CODE, given=phone_code_sent),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "new.alice@example.com"}, "alice"),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "BOB@example.com"}, "alice", "invalid", "email"),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "not-an-email"}, "alice", "invalid", "email"),
    C(CHANGE_EMAIL, {"password": "wrong", "email": "new.alice@example.com"}, "alice", "invalid", "password", WRONG_PASSWORD),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "new.alice@example.com"}, None, "unauthenticated", None, SIGN_IN),
    C(DELETE_ACCOUNT, {"password": PASSWORD}, "alice"),
    C(DELETE_ACCOUNT, {"password": "wrong"}, "alice", "invalid", "password", WRONG_PASSWORD),
    C(DELETE_ACCOUNT, {"password": PASSWORD}, None, "unauthenticated", None, SIGN_IN),
    # ---- a current password is a sign-in: under the account's step-up it needs the texted code
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "new.alice@example.com"}, "alice", "throttled", None, STEP_UP, under_step_up),
    C(CHANGE_EMAIL, {"password": "wrong", "email": "new.alice@example.com"}, "alice", "throttled", None, STEP_UP, under_step_up),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "new.alice@example.com", "code": PENDING_CODE}, "alice", given=step_up_code_sent),
    C(CHANGE_EMAIL, {"password": PASSWORD, "email": "new.alice@example.com", "code": "000000"}, "alice", "throttled", None, STEP_UP, step_up_code_sent),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": NEW_PHONE}, "alice", "throttled", None, STEP_UP, under_step_up),
    C(REQUEST_PHONE_CHANGE, {"password": PASSWORD, "phone_number": NEW_PHONE, "code": PENDING_CODE}, "alice", given=step_up_code_sent),
    C(DELETE_ACCOUNT, {"password": PASSWORD}, "alice", "throttled", None, STEP_UP, under_step_up),
    C(DELETE_ACCOUNT, {"password": PASSWORD, "code": PENDING_CODE}, "alice", given=step_up_code_sent),
    C(LOGIN, {"username": "alice", "password": PASSWORD}, None, "throttled", None, STEP_UP, under_step_up),
    C(EXPORT, {}, "alice"),
    C(EXPORT, {}, "bob"),
    C(EXPORT, {}, None, "unauthenticated", None, SIGN_IN),
    # ---- sign-in and tokens
    C(LOGIN, {"username": "alice", "password": PASSWORD}),
    C(LOGIN, {"username": "alice@example.com", "password": PASSWORD}),
    C(LOGIN, {"username": "alice@example.com", "password": PASSWORD}, given=email_named_account),
    C(LOGIN, {"username": "alice", "password": PASSWORD}, "expired"),
    C(LOGIN, {"username": "alice", "password": "wrong"}, None, "unauthenticated", None, NO_ACCOUNT),
    C(LOGIN, {"username": "nobody", "password": PASSWORD}, None, "unauthenticated", None, NO_ACCOUNT),
    C(LOGIN, {"username": "pending", "password": PASSWORD}, None, "unauthenticated", None, NO_ACCOUNT),
    C(LOGIN, {"username": "alice", "password": PASSWORD}, None, "throttled", None, "Too many failed sign-in attempts. Try again later.", failed_logins("alice", 5)),
    C(REFRESH, {"refresh": T("alice")}),
    C(REFRESH, {"refresh": "garbage"}, None, "unauthenticated", None, "Token is invalid or expired"),
    C(REFRESH, {"refresh": "x" * 5000}, None, "unauthenticated", None, "Token is invalid or expired"),
    C(LOGIN, {"username": "alice", "password": "x" * 200}, None, "unauthenticated", None, NO_ACCOUNT),
    C(LOGIN, {"username": "a" * 300, "password": PASSWORD}, None, "unauthenticated", None, NO_ACCOUNT),
    # ---- the GraphQL door's sign-out, password change and profile edit, as REST's
    C(LOGOUT, {"refresh": T("alice")}, "alice"),
    C(LOGOUT, {"refresh": T("bob")}, "alice", "invalid", "refresh", "Token is invalid or expired."),
    C(LOGOUT, {"refresh": "garbage"}, "alice", "invalid", "refresh", "Token is invalid or expired."),
    C(LOGOUT, {"refresh": T("alice")}, None, "unauthenticated", None, SIGN_IN),
    C(LOGOUT, {"refresh": T("alice")}, "alice@read account", "forbidden", None, NOT_FOR_APPS_MESSAGE),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, "alice"),
    C(CHANGE_PASSWORD, {"current_password": "wrong", "new_password": NEW_PASSWORD}, "alice", "invalid", "current_password", WRONG_PASSWORD),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": "123"}, "alice", "invalid", "new_password"),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, None, "unauthenticated", None, SIGN_IN),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, "alice", "throttled", None, STEP_UP, under_step_up),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "code": PENDING_CODE}, "alice", given=step_up_code_sent),
    C(CHANGE_PASSWORD, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, "alice@read", "forbidden", None, NO_ACCOUNT_SCOPE),
    C(UPDATE_PROFILE, {"bio": "Film nerd."}, "alice"),
    C(UPDATE_PROFILE, {"bio": ""}, "alice"),
    C(UPDATE_PROFILE, {"favorite_movie_ids": [M("John Wick"), M("The Matrix"), M("Heat")]}, "alice"),
    C(UPDATE_PROFILE, {"watched_movie_ids": [M("Heat")], "watchlist_movie_ids": []}, "bob"),
    C(UPDATE_PROFILE, {"bio": "x" * 2001}, "alice", "invalid", "bio"),
    C(UPDATE_PROFILE, {"favorite_movie_ids": [M(MISSING_ID)]}, "alice", "invalid", "favorite_movie_ids", "No movie with id 999999."),
    C(UPDATE_PROFILE, {"bio": "Nobody."}, None, "unauthenticated", None, SIGN_IN),
    C(UPDATE_PROFILE, {"bio": "An app wrote this."}, "alice@read", "forbidden", None, NO_ACCOUNT_SCOPE),
    C(UPDATE_PROFILE, {"bio": "An app wrote this."}, "alice@read account"),
    # --- Sign in with Movie API: an app's token within its scopes (oauth/access.py) ---
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 4}, "bob@read", "forbidden", None, NO_REVIEW_SCOPE),
    C(CREATE_REVIEW, {"movie": M("John Wick"), "rating": 4}, "bob@read write:reviews"),
    C(RATE_MOVIE, {"movie": M("John Wick"), "value": 4}, "bob@read", "forbidden", None, NO_REVIEW_SCOPE),
    C(RATE_MOVIE, {"movie": M("John Wick"), "value": 4}, "bob@read write:reviews"),
    C(UNRATE_MOVIE, {"movie": M("The Godfather")}, "bob@read write:lists", "forbidden", None, NO_REVIEW_SCOPE),
    C(DELETE_REVIEW, {"id": R("bob", "Heat")}, "bob@read write:lists", "forbidden", None, NO_REVIEW_SCOPE),
    C(ADD_TO_LIST, {"movie": M("Heat"), "list": "WATCHED"}, "alice@read", "forbidden", None, NO_LIST_SCOPE),
    C(ADD_TO_LIST, {"movie": M("Heat"), "list": "WATCHED"}, "alice@read write:lists"),
    C(ME, {}, "alice@openid profile", "forbidden", None, NO_READ_SCOPE),
    C(ME, {}, "alice@read"),
    C(CREATE_GENRE, {"name": "Noir"}, "staff@read write:reviews write:lists account", "forbidden", None, NOT_FOR_APPS_MESSAGE),
    C(DELETE_ACCOUNT, {"password": PASSWORD}, "alice@read", "forbidden", None, NO_ACCOUNT_SCOPE),
    # --- the caller's authorized apps ---
    C(MY_APPS, {}, "alice"),
    C(MY_APPS, {}, "bob"),
    C(MY_APPS, {}, None, "unauthenticated", None, SIGN_IN),
    C(REVOKE_APP, {"id": App("desk")}, "alice"),
    C(REVOKE_APP, {"id": App("desk")}, "bob", "not_found"),
    C(REVOKE_APP, {"id": App(MISSING_ID)}, "alice", "not_found", None, f"No authorized app with id {MISSING_ID}."),
    C(REVOKE_APP, {"id": App("desk")}, "alice@read", "forbidden", None, NO_ACCOUNT_SCOPE),
    C(REVOKE_APP, {"id": App("desk")}, None, "unauthenticated", None, SIGN_IN),
]
# fmt: on


@pytest.fixture
def world(db, monkeypatch):
    return build_world(monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_both_doors_mean_the_same(world, case):
    # given the same world before each door
    # when the case goes through REST, then (from the same start) through GraphQL
    rest = run(case.op, case.args, case.as_, world, "rest", case.given)
    graphql = run(case.op, case.args, case.as_, world, "graphql", case.given)

    # then both mean what the case expects, and the same thing as each other
    assert (rest.kind, rest.field) == (case.expect, case.field), rest
    assert (graphql.kind, graphql.field) == (rest.kind, rest.field), graphql
    if case.message is not None:
        assert rest.message == case.message
    if graphql.message is not None or rest.kind != "not_found":
        assert graphql.message == rest.message
    assert graphql.data == rest.data
    assert graphql.state == rest.state
    # and a GraphQL payload shows the figures as stored after the change
    for title, shown in graphql.shown.items():
        stored = {
            movie[0]: (None if movie[5] == "None" else float(movie[5]), movie[6])
            for movie in graphql.state["movies"]
        }
        assert shown == stored[title]


def test_the_table_is_large_enough_and_covers_every_outcome():
    # given the table; then it has at least 80 cases and every kind of answer
    assert len(CASES) >= 80
    assert {case.expect for case in CASES} >= {
        "ok",
        "invalid",
        "unauthenticated",
        "forbidden",
        "not_found",
        "conflict",
        "throttled",
    }
    assert len({str(case) for case in CASES}) == len(CASES)


def test_update_review_payload_shows_the_new_average(world):
    # given alice's 5 on Heat (average 4.00 with bob's 3)
    assert figures("Heat") == (4.0, 2)
    # when she changes it to 1 through GraphQL
    outcome = run(UPDATE_REVIEW, {"id": R("alice", "Heat"), "rating": 1}, "alice", world, "graphql")
    # then the payload shows 2.00, as stored, not the stale 4.00
    assert outcome.shown == {"Heat": (2.0, 2)}


@pytest.mark.parametrize(
    ("op", "args", "throttle", "scope"),
    [
        (LIST_MOVIES, {}, "AnonRateThrottle", "anon"),
        (LOGIN, {"username": "alice", "password": PASSWORD}, "OperationRateThrottle", "login"),
        (RESEND_OTP, {"phone_number": UNKNOWN_PHONE}, "OperationRateThrottle", "otp_resend"),
    ],
    ids=["anonymous rate", "login address rate", "resend address rate"],
)
def test_rate_limits_answer_alike(world, monkeypatch, op, args, throttle, scope):
    # given a rate that is already used up (REST and GraphQL share the throttle classes)
    from core.security.ratelimit import configured_rates

    monkeypatch.setitem(configured_rates(), scope, "0/min")
    # when the operation goes through each door
    rest = run(op, args, None, world, "rest")
    graphql = run(op, args, None, world, "graphql")
    # then both refuse it the same way, and nothing changed
    assert (rest.kind, rest.message) == ("throttled", "Too many requests; try again later.")
    assert (graphql.kind, graphql.message) == (rest.kind, rest.message)
    assert graphql.state == rest.state


@pytest.mark.parametrize(
    ("op", "args", "as_"),
    [
        (GET_MOVIE, {"id": "abc"}, None),
        (GET_MOVIE, {"id": "0"}, None),
        (UPDATE_GENRE, {"id": "abc", "name": "Dramatic"}, "staff"),
        (DELETE_ACTOR, {"id": "abc"}, "staff"),
        (UPDATE_REVIEW, {"id": "abc", "rating": 1}, "alice"),
        (DELETE_MOVIE, {"id": str(2**63)}, "staff"),
    ],
    ids=lambda value: getattr(value, "name", None) or str(value)[:24],
)
def test_a_malformed_id_is_refused_by_both_doors(world, op, args, as_):
    # when an id that cannot be a database id goes through each door
    rest = run(op, args, as_, world, "rest")
    graphql = run(op, args, as_, world, "graphql")

    # then REST's path names nothing (404), GraphQL's argument is wrong (on `id`),
    # and neither changed anything
    assert rest.kind == "not_found", rest
    assert (graphql.kind, graphql.field) == ("invalid", "id"), graphql
    assert graphql.message == f"'{args['id']}' is not a valid id."
    assert graphql.state == rest.state
