"""The OpenAPI words of the catalog and review routes (how they are read:
core/operation_docs.py). Keep them in step with README.md's "Catalog" and
"Reviews" sections."""

from http import HTTPStatus

from django_filters import OrderingFilter

from core.operation_docs import Operation
from movies import shapes
from movies.errors import CatalogErrorCode
from movies.filters import MovieFilterSet, ReviewFilterSet
from movies.services.ratings import RATING_HAS_REVIEW_MESSAGE
from movies.services.reviews import DUPLICATE_REVIEW_MESSAGE

STAFF_WRITE = (
    "Staff only: without a token 401 (with `WWW-Authenticate`), signed in without staff rights 403."
)
NOT_FOUND = "An unknown id is 404 naming the {noun}."
INVALID = "Invalid fields are 400, each named in `errors`."


def _catalog(prefix: str, noun: str, plural: str, filters: str, body: str) -> dict:
    """The six operations of a staff-edited catalog resource (genres, actors)."""
    not_found = NOT_FOUND.format(noun=noun)
    a_noun = f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
    return {
        f"{prefix}_list": Operation(
            f"List {plural}",
            f"A page of {plural}; {filters}. Anyone may call it, no token needed.",
        ),
        f"{prefix}_create": Operation(
            f"Create {a_noun}",
            f"{body} Answers the new {noun}. {STAFF_WRITE} {INVALID}",
        ),
        f"{prefix}_read": Operation(
            f"Get {a_noun}", f"One {noun} by id. Anyone may call it. {not_found}"
        ),
        f"{prefix}_update": Operation(
            f"Replace {a_noun}",
            f"{body} Required fields must be sent. {STAFF_WRITE} {INVALID} {not_found}",
        ),
        f"{prefix}_partial_update": Operation(
            f"Update {a_noun}",
            f"Changes only the fields sent; an empty body changes nothing. {STAFF_WRITE} "
            f"{INVALID} {not_found}",
        ),
        f"{prefix}_delete": Operation(
            f"Delete {a_noun}",
            f"Deletes the {noun} and takes it off every movie; 204 with no body. "
            f"{STAFF_WRITE} {not_found}",
        ),
    }


def _filters(filterset, skip=frozenset()) -> str:
    """The filters of a FilterSet as the OpenAPI words list them: each name, then the
    keys of its ordering, so a new filter or key is listed without a word here."""
    names, ordering = [], ""
    for name, flt in filterset.base_filters.items():
        if isinstance(flt, OrderingFilter):
            keys = [key for key in flt.param_map if not key.startswith("-")]
            ordering = f"; `{name}` by {_words(keys, 'or')} (`-` for descending)"
        elif name not in skip:
            names.append(name)
    return _words(names, "and") + ordering


def _words(names: list[str], last: str) -> str:
    quoted = [f"`{name}`" for name in names]
    return ", ".join(quoted[:-1]) + f" {last} {quoted[-1]}" if len(quoted) > 1 else quoted[0]


# A movie's examples come from its declared fields (movies/shapes.py).
MOVIE = shapes.MOVIE_CARD.example()
MOVIE_DETAIL = shapes.MOVIE_DETAIL.example()
REVIEW_INPUT = {"rating": 4.5, "text": "Still the best action film of its decade."}
REVIEW = {
    "id": 42,
    "movie": {"id": 1, "title": "The Matrix"},
    "user": {"id": 12, "username": "neo"},
    **REVIEW_INPUT,
    "is_edited": False,
    "created_at": "2026-02-01T18:12:45Z",
    "updated_at": "2026-02-01T18:12:45Z",
}

# A person's detail: the actor's fields and their credits (movies/api/people.py).
PERSON = {
    "id": 7,
    "name": "Keanu Reeves",
    "birth_date": "1964-09-02",
    "death_date": None,
    "place_of_birth": "Beirut, Lebanon",
    "bio": "Canadian actor, best known as Neo and John Wick.",
    "photo": "https://api.example.com/media/actors/keanu-reeves.jpg",
    "imdb_id": "nm0000206",
    "tmdb_id": 6384,
    "known_for_department": "Acting",
    "credits": {
        "cast": [
            {
                "movie": {"id": 4, "title": "John Wick", "year": 2014, "poster": None},
                "character": "John Wick",
                "order": 0,
            },
            {"movie": shapes.CREDIT_MOVIE.example(), "character": "Neo", "order": 0},
        ],
        "crew": [
            {
                "movie": {"id": 9, "title": "Man of Tai Chi", "year": 2013, "poster": None},
                "job": "Director",
                "department": "Directing",
            }
        ],
    },
}

MOVIE_BODY = (
    "Takes `title` (required), `plot`, `release_date`, `imdb_id`, `tmdb_id`, genre ids in "
    "`genres`, and either actor ids in `actors` (billing order = list order) or `cast` "
    "entries `{actor, character, order}`; the `crew` as `{person, job, department}` "
    "entries in TMDB's names (an unknown person, department or job is 400 on `crew` "
    "naming the entry); a `poster` as multipart. `average_rating`, "
    "`rating_count` and `review_count` come from the ratings and cannot be written. An "
    "`imdb_id` or `tmdb_id` another movie has is 400 on that field."
)
MOVIE_NOT_FOUND = NOT_FOUND.format(noun="movie")
REVIEW_NOT_FOUND = NOT_FOUND.format(noun="review")
REVIEW_FILTERS = (
    f"{_filters(ReviewFilterSet, skip={'movie'})}; `page`/`page_size`, or `cursor` (empty "
    "to start, then follow `next`; `count` is null in that mode, a tampered cursor is 400 "
    "naming `cursor`)"
)
REVIEW_CHANGE = (
    "Only the review's author: without a token 401, anyone else 403 (checked before the "
    "body). Sets `is_edited` and recomputes the movie's `average_rating`. The rating is "
    "0.5 to 5 in half steps (the author's one rating of the movie), else 400 naming "
    "`rating`. An unknown id is 404."
)

OPERATIONS = {
    "movies_list": Operation(
        "List movies",
        "A page of movies (`count`, `next`, `previous`, `results`). Filters (each "
        f"parameter says what it matches): {_filters(MovieFilterSet)}. Anyone may call it; with a "
        "token, each movie's `my_state` holds the caller's lists and rating (null "
        "otherwise). Answers an `ETag` (send it as `If-None-Match` for 304). An invalid "
        "filter is 400 naming it.",
        responses={
            200: {
                "count": 1,
                "next": None,
                "previous": None,
                "results": [MOVIE],
            }
        },
    ),
    "movies_create": Operation(
        "Create a movie", f"{MOVIE_BODY} Answers the new movie's detail. {STAFF_WRITE} {INVALID}"
    ),
    "movies_read": Operation(
        "Get a movie",
        "One movie with its `cast` (in billing order) and `rating_stats` (count, average, "
        "null when unrated, and the count of each half step); `review_stats` is deprecated "
        "(whole stars; `Deprecation` and `Sunset` headers). Anyone may call it; `my_state` "
        "as in the list. "
        f"Answers an `ETag`. {MOVIE_NOT_FOUND}",
        responses={200: MOVIE_DETAIL},
    ),
    "movies_similar": Operation(
        "Similar movies",
        "The movies most like this one, best first: 3 points per person in the cast or "
        "crew of both, 2 per shared keyword, 1 per shared genre; ties by lowest id; never "
        "the movie itself, nor a movie sharing nothing. Each row says what it shares "
        "(`because`). `first`: how many, 1 to 100 (default 20; otherwise 400 naming "
        f"`first`). Anyone may call it. {MOVIE_NOT_FOUND}",
        responses={
            200: {
                "results": [
                    {
                        "movie": {
                            "id": 604,
                            "title": "The Matrix Reloaded",
                            "year": 2003,
                            "poster": None,
                        },
                        "score": 8,
                        "because": {
                            "genres": [{"id": 3, "name": "Science Fiction"}],
                            "people": [{"id": 7, "name": "Keanu Reeves"}],
                            "keywords": [{"id": 31, "name": "dystopia"}],
                        },
                    }
                ]
            }
        },
    ),
    "movies_update": Operation(
        "Replace a movie",
        f"{MOVIE_BODY} Answers the movie's detail. {STAFF_WRITE} {INVALID} {MOVIE_NOT_FOUND}",
    ),
    "movies_partial_update": Operation(
        "Update a movie",
        "Changes only the fields sent (those of `PUT`); `genres`, `actors`, `cast` and "
        f"`crew` replace the whole list. {STAFF_WRITE} {INVALID} {MOVIE_NOT_FOUND}",
    ),
    "movies_delete": Operation(
        "Delete a movie",
        f"Deletes the movie with its reviews and list entries; 204 with no body. "
        f"{STAFF_WRITE} {MOVIE_NOT_FOUND}",
    ),
    **_catalog(
        "movies_genres",
        "genre",
        "genres",
        "filter `name`",
        "Takes a `name`, unique in any case (a taken one is 400 naming `name`).",
    ),
    **_catalog(
        "movies_actors",
        "actor",
        "actors",
        "filter `name` (part of it)",
        "Takes `name` (required), `birth_date` (not in the future), `bio` and a `photo` "
        "as multipart.",
    ),
    # Replaces the generic entry above: the detail is the person's page.
    "movies_actors_read": Operation(
        "Get a person",
        "One person (an actor, a crew member, or both) with `credits`: `cast` (`{movie, "
        "character, order}`) and `crew` (`{movie, job, department}`), each newest movie "
        "first (unknown release dates last); every credit, in a fixed number of queries. "
        "The list shows no credits. Anyone may call it. " + NOT_FOUND.format(noun="actor"),
        responses={200: PERSON},
    ),
    "movies_movie_reviews_list": Operation(
        "List a movie's reviews",
        f"The movie's reviews, newest first; filters {REVIEW_FILTERS}. Anyone may call it. "
        f"{MOVIE_NOT_FOUND}",
    ),
    "movies_movie_reviews_create": Operation(
        "Review a movie",
        "Adds the caller's review: `rating` (0.5 to 5 in half steps, required; it becomes "
        "the caller's one rating of the movie) and "
        "`text`. Needs a token (without one 401) of an active account (else 403). "
        "One review per user per movie: a second is 409 `duplicate_review`. The movie's "
        "`average_rating` and `review_count` are updated in the same transaction. "
        f"{INVALID} {MOVIE_NOT_FOUND}",
        request=REVIEW_INPUT,
        responses={
            201: REVIEW,
            409: {
                "status": HTTPStatus.CONFLICT,
                "code": CatalogErrorCode.DUPLICATE_REVIEW,
                "detail": DUPLICATE_REVIEW_MESSAGE,
                "request_id": "3f1c2a9be0d84b6c9f0e1d2c3b4a5968",
            },
        },
    ),
    "movies_reviews_list": Operation(
        "List all reviews",
        f"Reviews of every movie, newest first; filters `movie`, {REVIEW_FILTERS}. Anyone "
        "may call it.",
    ),
    "movies_reviews_read": Operation(
        "Get a review",
        f"One review with its movie and author. Anyone may call it. {REVIEW_NOT_FOUND}",
    ),
    "movies_reviews_update": Operation(
        "Replace a review",
        f"Replaces the caller's own review: `rating` required, a missing `text` means an "
        f"empty one. {REVIEW_CHANGE}",
    ),
    "movies_reviews_partial_update": Operation(
        "Update a review",
        f"Changes the `rating` and/or `text` of the caller's own review. {REVIEW_CHANGE}",
    ),
    "movies_reviews_delete": Operation(
        "Delete a review",
        "Deletes a review and its rating and recomputes the movie's figures; 204 with no "
        "body. Its author "
        f"or staff: without a token 401, anyone else 403. {REVIEW_NOT_FOUND}",
    ),
    "movies_rating_update": Operation(
        "Rate a movie",
        "Sets the caller's rating of the movie without a review: `value`, 0.5 to 5 in half "
        "steps (else 400 naming `value`). One rating per user per movie: a review of it "
        "shows the same value. Answers the rating with the movie's new `average_rating` "
        f"and `rating_count`. Needs a token (401) of an active account (403). {MOVIE_NOT_FOUND}",
        request={"value": 3.5},
        responses={
            200: {
                "movie": {"id": 1, "average_rating": 4.25, "rating_count": 4},
                "value": 3.5,
                "created_at": "2026-02-01T18:12:45Z",
                "updated_at": "2026-02-03T09:00:00Z",
            }
        },
    ),
    "movies_rating_delete": Operation(
        "Remove your rating",
        "Removes the caller's rating of the movie; 204 with no body, 404 without one. While "
        "the caller's review of the movie holds the rating it is 409 `rating_has_review` "
        "(delete the review instead). Needs a token (401).",
        responses={
            409: {
                "status": HTTPStatus.CONFLICT,
                "code": CatalogErrorCode.RATING_HAS_REVIEW,
                "detail": RATING_HAS_REVIEW_MESSAGE,
                "request_id": "8d2f6a41c3e94b0f9a7e5c1d2b3a4f60",
            },
        },
    ),
}
