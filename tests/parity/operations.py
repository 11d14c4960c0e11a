"""Every operation of the parity table, spelled once for REST and once for GraphQL.

Each `Op` returns door-neutral data: titles, names, ratings, flags; never ids, which
differ between the two runs on PostgreSQL. To add an operation, add an `Op` here and
use it in the table of tests/parity/test_parity.py.
"""

from movies.models import Movie
from tests.parity.doors import Enum, Op, args_text, camel, camel_args, query_string

MOVIE_FIELDS = (
    "title year genres { name } averageRating ratingCount reviewCount "
    "ratingStats { count average counts { value count } } myState { rating } "
    "crew { person { name } job department }"
)
REVIEW_FIELDS = "rating text isEdited user { username } movie { title averageRating reviewCount }"


def _number(value) -> float | None:
    return None if value is None else float(value)


def _movie_card(movie, rest: bool) -> dict:
    genres = movie["genres"]
    stats = movie["rating_stats" if rest else "ratingStats"]
    counts = stats["counts"]
    state = movie["my_state" if rest else "myState"]
    return {
        "title": movie["title"],
        "year": movie["year"],
        "genres": sorted(g["name"] for g in genres),
        "average_rating": _number(movie["average_rating" if rest else "averageRating"]),
        "rating_count": movie["rating_count" if rest else "ratingCount"],
        "review_count": movie["review_count" if rest else "reviewCount"],
        "rating_stats": {
            "count": stats["count"],
            "average": stats["average"],
            "counts": (
                {float(value): n for value, n in counts.items()}
                if rest
                else {row["value"]: row["count"] for row in counts}
            ),
        },
        "my_rating": None if state is None else state["rating"],
        "crew": [(c["person"]["name"], c["job"], c["department"]) for c in movie["crew"]],
    }


def _rest_review(review) -> dict:
    return {
        "rating": review["rating"],
        "text": review["text"],
        "is_edited": review["is_edited"],
        "user": review["user"]["username"],
        "movie": review["movie"]["title"],
    }


def _gql_review(review) -> dict:
    return {
        "rating": review["rating"],
        "text": review["text"],
        "is_edited": review["isEdited"],
        "user": review["user"]["username"],
        "movie": review["movie"]["title"],
    }


def _gql_review_figures(payload) -> dict:
    movie = payload["review"]["movie"]
    return {movie["title"]: (_number(movie["averageRating"]), movie["reviewCount"])}


def _split(args: dict, key: str):
    rest = dict(args)
    return rest.pop(key), rest


# --------------------------------------------------------------------------- catalog reads

# REST query parameter -> GraphQL argument of allMovies / allReviews.
_LIST_ARGS = {"ordering": "orderBy"}


# Arguments typed String or ID in GraphQL that a case may give as a resolved id.
_TEXT_ARGS = {"genre", "actor", "movie", "user", "director", "person", "keyword", "without_genre"}


def _gql_list_args(args: dict) -> dict:
    return {
        _LIST_ARGS.get(key, camel(key)): str(value) if key in _TEXT_ARGS else value
        for key, value in args.items()
    }


LIST_MOVIES = Op(
    "list movies",
    rest=lambda a: ("get", f"/api/movies/?{query_string({**a, 'page_size': 100})}", None),
    gql=lambda a: (
        f"{{ allMovies({args_text({**_gql_list_args(a), 'first': 100})}) "
        "{ edges { node { title } } } }"
    ),
    gql_root="allMovies",
    rest_data=lambda body, status: [m["title"] for m in body["results"]],
    gql_data=lambda p: [edge["node"]["title"] for edge in p["edges"]],
    renames={"order_by": "ordering"},
)

GET_MOVIE = Op(
    "get movie",
    rest=lambda a: ("get", f"/api/movies/{a['id']}/", None),
    gql=lambda a: f'{{ movie(id: "{a["id"]}") {{ {MOVIE_FIELDS} }} }}',
    gql_root="movie",
    rest_data=lambda body, status: _movie_card(body, rest=True),
    gql_data=lambda p: _movie_card(p, rest=False),
)


def _similar_rows(rows, movie_of) -> list:
    return [
        (
            movie_of(row)["title"],
            row["score"],
            *(sorted(ref["name"] for ref in row["because"][kind]) for kind in _REASONS),
        )
        for row in rows
    ]


_REASONS = ("genres", "people", "keywords")

# The similar movies: REST's route, GraphQL's `movie(id) { similar }` (null for a
# missing movie, as `movie(id)` is).
SIMILAR_MOVIES = Op(
    "similar movies",
    rest=lambda a: (
        "get",
        f"/api/movies/{a['id']}/similar/"
        + (f"?{query_string({'first': a['first']})}" if "first" in a else ""),
        None,
    ),
    gql=lambda a: (
        f'{{ movie(id: "{a["id"]}") {{ similar'
        + (f"(first: {a['first']})" if "first" in a else "")
        + " { score movie { title } because { genres { name } people { name } "
        "keywords { name } } } } }"
    ),
    gql_root="movie",
    rest_data=lambda body, status: _similar_rows(body["results"], lambda row: row["movie"]),
    gql_data=lambda p: _similar_rows(p["similar"], lambda row: row["movie"]),
)

LIST_GENRES = Op(
    "list genres",
    rest=lambda a: ("get", f"/api/movies/genres/?{query_string({**a, 'page_size': 100})}", None),
    gql=lambda a: (
        f"{{ allGenres({args_text({**a, 'first': 100})}) {{ edges {{ node {{ name }} }} }} }}"
    ),
    gql_root="allGenres",
    rest_data=lambda body, status: [g["name"] for g in body["results"]],
    gql_data=lambda p: [edge["node"]["name"] for edge in p["edges"]],
)

LIST_ACTORS = Op(
    "list actors",
    rest=lambda a: ("get", f"/api/movies/actors/?{query_string({**a, 'page_size': 100})}", None),
    gql=lambda a: (
        f"{{ allActors({args_text({**a, 'first': 100})}) {{ edges {{ node {{ name }} }} }} }}"
    ),
    gql_root="allActors",
    rest_data=lambda body, status: [g["name"] for g in body["results"]],
    gql_data=lambda p: [edge["node"]["name"] for edge in p["edges"]],
)


def _credits(name: str, cast: list, crew: list) -> dict:
    return {
        "name": name,
        "cast": [(c["movie"]["title"], c["movie"]["year"], c["character"]) for c in cast],
        "crew": [(c["movie"]["title"], c["job"], c["department"]) for c in crew],
    }


def _gql_credits(actor) -> dict:
    nodes = {
        key: [edge["node"] for edge in actor[key]["edges"]]
        for key in ("castCredits", "crewCredits")
    }
    return _credits(actor["name"], nodes["castCredits"], nodes["crewCredits"])


# The person detail: REST lists every credit, GraphQL pages them (100 is all of the
# world's).
GET_PERSON = Op(
    "get person",
    rest=lambda a: ("get", f"/api/movies/actors/{a['id']}/", None),
    gql=lambda a: (
        f'{{ actor(id: "{a["id"]}") {{ name '
        "castCredits(first: 100) { edges { node { movie { title year } character } } } "
        "crewCredits(first: 100) { edges { node { movie { title } job department } } } } }"
    ),
    gql_root="actor",
    rest_data=lambda body, status: _credits(
        body["name"], body["credits"]["cast"], body["credits"]["crew"]
    ),
    gql_data=_gql_credits,
)

LIST_REVIEWS = Op(
    "list reviews",
    rest=lambda a: ("get", f"/api/movies/reviews/?{query_string({**a, 'page_size': 100})}", None),
    gql=lambda a: (
        f"{{ allReviews({args_text({**_gql_list_args(a), 'first': 100})}) "
        "{ edges { node { rating user { username } movie { title } } } } }"
    ),
    gql_root="allReviews",
    rest_data=lambda body, status: [
        (r["user"]["username"], r["movie"]["title"], r["rating"]) for r in body["results"]
    ],
    gql_data=lambda p: [
        (e["node"]["user"]["username"], e["node"]["movie"]["title"], e["node"]["rating"])
        for e in p["edges"]
    ],
    renames={"order_by": "ordering"},
)

ME = Op(
    "me",
    rest=lambda a: ("get", "/api/users/me/", None),
    gql=lambda a: "{ me { username email bio } }",
    gql_root="me",
    rest_data=lambda body, status: {k: body[k] for k in ("username", "email", "bio")},
    gql_data=lambda p: p,
)

# --------------------------------------------------------------------------- catalog writes


def _named_write(kind: str, root: str, fields: str, rest_fields: tuple, gql_names: dict):
    """create/update/delete ops of genres and actors."""

    def rest_shape(body):
        return {key: body[key] for key in rest_fields}

    def gql_shape(payload):
        obj = payload[kind]
        return {key: obj[gql_names.get(key, key)] for key in rest_fields}

    path = f"/api/movies/{kind}s/"
    create = Op(
        f"create {kind}",
        rest=lambda a: ("post", path, a),
        gql=lambda a: (
            f"mutation {{ create{root}(input: {{{camel_args(a)}}}) {{ {kind} {{ {fields} }} }} }}"
        ),
        gql_root=f"create{root}",
        rest_data=lambda body, status: rest_shape(body),
        gql_data=gql_shape,
    )

    def update_gql(a):
        pk, values = _split(a, "id")
        values = camel_args(values)
        return (
            f'mutation {{ update{root}(id: "{pk}", input: {{{values}}}) '
            f"{{ {kind} {{ {fields} }} }} }}"
        )

    def update_rest(a):
        pk, values = _split(a, "id")
        return ("patch", f"{path}{pk}/", values)

    update = Op(
        f"update {kind}",
        rest=update_rest,
        gql=update_gql,
        gql_root=f"update{root}",
        rest_data=lambda body, status: rest_shape(body),
        gql_data=gql_shape,
    )
    delete = Op(
        f"delete {kind}",
        rest=lambda a: ("delete", f"{path}{a['id']}/", None),
        gql=lambda a: f'mutation {{ delete{root}(id: "{a["id"]}") {{ ok }} }}',
        gql_root=f"delete{root}",
        rest_data=lambda body, status: True,
        gql_data=lambda p: p["ok"],
    )
    return create, update, delete


CREATE_GENRE, UPDATE_GENRE, DELETE_GENRE = _named_write("genre", "Genre", "name", ("name",), {})
CREATE_ACTOR, UPDATE_ACTOR, DELETE_ACTOR = _named_write(
    "actor",
    "Actor",
    "name birthDate bio deathDate placeOfBirth imdbId tmdbId knownForDepartment",
    (
        "name",
        "birth_date",
        "bio",
        "death_date",
        "place_of_birth",
        "imdb_id",
        "tmdb_id",
        "known_for_department",
    ),
    {
        "birth_date": "birthDate",
        "death_date": "deathDate",
        "place_of_birth": "placeOfBirth",
        "imdb_id": "imdbId",
        "tmdb_id": "tmdbId",
        "known_for_department": "knownForDepartment",
    },
)

# REST movie field -> GraphQL input field, where camelCase is not enough.
_MOVIE_INPUT = {"genres": "genreIds", "actors": "actorIds"}
_MOVIE_RENAMES = {"genre_ids": "genres", "actor_ids": "actors"}


def _movie_input(values: dict) -> str:
    return args_text({_MOVIE_INPUT.get(k, camel(k)): v for k, v in values.items()})


def _rest_movie_write(body, status) -> dict:
    card = _movie_card(body, rest=True)
    card["actors"] = [a["name"] for a in body["actors"]]
    return card


def _gql_movie_write(payload) -> dict:
    movie = payload["movie"]
    card = _movie_card(movie, rest=False)
    card["actors"] = [a["name"] for a in movie["actors"]]
    return card


CREATE_MOVIE = Op(
    "create movie",
    rest=lambda a: ("post", "/api/movies/", a),
    gql=lambda a: (
        f"mutation {{ createMovie(input: {{{_movie_input(a)}}}) "
        f"{{ movie {{ {MOVIE_FIELDS} actors {{ name }} }} }} }}"
    ),
    gql_root="createMovie",
    rest_data=_rest_movie_write,
    gql_data=_gql_movie_write,
    renames=_MOVIE_RENAMES,
)


def _update_movie_gql(a):
    pk, values = _split(a, "id")
    return (
        f'mutation {{ updateMovie(id: "{pk}", input: {{{_movie_input(values)}}}) '
        f"{{ movie {{ {MOVIE_FIELDS} actors {{ name }} }} }} }}"
    )


def _update_movie_rest(a):
    pk, values = _split(a, "id")
    return ("patch", f"/api/movies/{pk}/", values)


UPDATE_MOVIE = Op(
    "update movie",
    rest=_update_movie_rest,
    gql=_update_movie_gql,
    gql_root="updateMovie",
    rest_data=_rest_movie_write,
    gql_data=_gql_movie_write,
    renames=_MOVIE_RENAMES,
)

DELETE_MOVIE = Op(
    "delete movie",
    rest=lambda a: ("delete", f"/api/movies/{a['id']}/", None),
    gql=lambda a: f'mutation {{ deleteMovie(id: "{a["id"]}") {{ ok }} }}',
    gql_root="deleteMovie",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

# --------------------------------------------------------------------------- reviews


def _create_review_rest(a):
    movie, values = _split(a, "movie")
    return ("post", f"/api/movies/{movie}/reviews/", values)


def _create_review_gql(a):
    movie, values = _split(a, "movie")
    return (
        f'mutation {{ createReview(input: {{movieId: "{movie}", {args_text(values)}}}) '
        f"{{ review {{ {REVIEW_FIELDS} }} }} }}"
    )


CREATE_REVIEW = Op(
    "create review",
    rest=_create_review_rest,
    gql=_create_review_gql,
    gql_root="createReview",
    rest_data=lambda body, status: _rest_review(body),
    gql_data=lambda p: _gql_review(p["review"]),
    gql_shown=_gql_review_figures,
)


def _update_review_rest(a):
    pk, values = _split(a, "id")
    return ("patch", f"/api/movies/reviews/{pk}/", values)


def _update_review_gql(a):
    pk, values = _split(a, "id")
    return (
        f'mutation {{ updateReview(id: "{pk}", input: {{{args_text(values)}}}) '
        f"{{ review {{ {REVIEW_FIELDS} }} }} }}"
    )


UPDATE_REVIEW = Op(
    "update review",
    rest=_update_review_rest,
    gql=_update_review_gql,
    gql_root="updateReview",
    rest_data=lambda body, status: _rest_review(body),
    gql_data=lambda p: _gql_review(p["review"]),
    gql_shown=_gql_review_figures,
)

DELETE_REVIEW = Op(
    "delete review",
    rest=lambda a: ("delete", f"/api/movies/reviews/{a['id']}/", None),
    gql=lambda a: f'mutation {{ deleteReview(id: "{a["id"]}") {{ ok }} }}',
    gql_root="deleteReview",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

# --------------------------------------------------------------------------- ratings


def _rate_movie_rest(a):
    movie, values = _split(a, "movie")
    return ("put", f"/api/movies/{movie}/rating/", values)


def _rate_movie_gql(a):
    movie, values = _split(a, "movie")
    return (
        f'mutation {{ rateMovie(movieId: "{movie}", {args_text(values)}) '
        "{ rating { value movie { averageRating ratingCount } } } }"
    )


RATE_MOVIE = Op(
    "rate movie",
    rest=_rate_movie_rest,
    gql=_rate_movie_gql,
    gql_root="rateMovie",
    rest_data=lambda body, status: (
        body["value"],
        _number(body["movie"]["average_rating"]),
        body["movie"]["rating_count"],
    ),
    gql_data=lambda p: (
        p["rating"]["value"],
        _number(p["rating"]["movie"]["averageRating"]),
        p["rating"]["movie"]["ratingCount"],
    ),
)

UNRATE_MOVIE = Op(
    "unrate movie",
    rest=lambda a: ("delete", f"/api/movies/{a['movie']}/rating/", None),
    gql=lambda a: f'mutation {{ unrateMovie(movieId: "{a["movie"]}") {{ ok }} }}',
    gql_root="unrateMovie",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

# --------------------------------------------------------------------------- movie lists

_LIST_PATHS = {"FAVORITE": "favorites", "WATCHED": "watched", "WATCHLIST": "watchlist"}

ADD_TO_LIST = Op(
    "add to list",
    rest=lambda a: ("post", f"/api/users/me/{_LIST_PATHS[a['list']]}/", {"movie_id": a["movie"]}),
    gql=lambda a: (
        f'mutation {{ addMovieToList(movieId: "{a["movie"]}", list: {Enum(a["list"]).name}) '
        "{ ok created } }"
    ),
    gql_root="addMovieToList",
    rest_data=lambda body, status: {"created": status == 201},
    gql_data=lambda p: {"created": p["created"]},
)

REMOVE_FROM_LIST = Op(
    "remove from list",
    rest=lambda a: ("delete", f"/api/users/me/{_LIST_PATHS[a['list']]}/{a['movie']}/", None),
    gql=lambda a: (
        f'mutation {{ removeMovieFromList(movieId: "{a["movie"]}", list: {a["list"]}) {{ ok }} }}'
    ),
    gql_root="removeMovieFromList",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

# --------------------------------------------------------------------------- accounts

REGISTER = Op(
    "register",
    rest=lambda a: ("post", "/api/users/register/", a),
    gql=lambda a: f"mutation {{ register(input: {{{camel_args(a)}}}) {{ ok message }} }}",
    gql_root="register",
    rest_data=lambda body, status: body["detail"],
    gql_data=lambda p: p["message"],
)

VERIFY_OTP = Op(
    "verify otp",
    rest=lambda a: ("post", "/api/users/otp/verify/", a),
    gql=lambda a: (
        f"mutation {{ verifyOtp({camel_args(a)}) "
        "{ message access refresh user { username email } } }"
    ),
    gql_root="verifyOtp",
    rest_data=lambda body, status: {
        "message": body["detail"],
        "tokens": bool(body["access"] and body["refresh"]),
        "user": {k: body["user"][k] for k in ("username", "email")},
    },
    gql_data=lambda p: {
        "message": p["message"],
        "tokens": bool(p["access"] and p["refresh"]),
        "user": p["user"],
    },
)

RESEND_OTP = Op(
    "resend otp",
    rest=lambda a: ("post", "/api/users/otp/resend/", a),
    gql=lambda a: f"mutation {{ resendOtp({camel_args(a)}) {{ ok message }} }}",
    gql_root="resendOtp",
    rest_data=lambda body, status: body["detail"],
    gql_data=lambda p: p["message"],
)

LOGIN = Op(
    "login",
    rest=lambda a: ("post", "/api/users/login/", a),
    gql=lambda a: (
        f"mutation {{ tokenAuth({args_text(a)}) {{ access refresh user {{ username }} }} }}"
    ),
    gql_root="tokenAuth",
    rest_data=lambda body, status: {
        "tokens": bool(body["access"] and body["refresh"]),
        "user": body["user"]["username"],
    },
    gql_data=lambda p: {
        "tokens": bool(p["access"] and p["refresh"]),
        "user": p["user"]["username"],
    },
)

REFRESH = Op(
    "refresh token",
    rest=lambda a: ("post", "/api/users/token/refresh/", a),
    gql=lambda a: f"mutation {{ refreshToken({args_text(a)}) {{ access refresh }} }}",
    gql_root="refreshToken",
    rest_data=lambda body, status: bool(body["access"] and body["refresh"]),
    gql_data=lambda p: bool(p["access"] and p["refresh"]),
)

LOGOUT = Op(
    "logout",
    rest=lambda a: ("post", "/api/users/logout/", a),
    gql=lambda a: f"mutation {{ logout({args_text(a)}) {{ ok message }} }}",
    gql_root="logout",
    rest_data=lambda body, status: body["detail"],
    gql_data=lambda p: p["message"],
)


def _change_password_gql(a):
    args = dict(a)
    return (
        f"mutation {{ changePassword({camel_args(args)}) "
        "{ access refresh user { username } } }"
    )


CHANGE_PASSWORD = Op(
    "change password",
    rest=lambda a: ("post", "/api/users/me/password/", a),
    gql=_change_password_gql,
    gql_root="changePassword",
    rest_data=lambda body, status: {
        "tokens": bool(body["access"] and body["refresh"]),
        "user": body["user"]["username"],
    },
    gql_data=lambda p: {
        "tokens": bool(p["access"] and p["refresh"]),
        "user": p["user"]["username"],
    },
)

_ID_LISTS = ("favorite_movie_ids", "watched_movie_ids", "watchlist_movie_ids")


def _titles(ids) -> list[str]:
    """Movie ids as titles, in the order given (ids differ between runs on PostgreSQL)."""
    titles = dict(Movie.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[int(pk)] for pk in ids]


def _profile(profile: dict, rest: bool) -> dict:
    names = {key: key if rest else camel(key) for key in ("bio", *_ID_LISTS)}
    return {
        "bio": profile[names["bio"]],
        **{key: _titles(profile[names[key]]) for key in _ID_LISTS},
    }


UPDATE_PROFILE = Op(
    "update profile",
    rest=lambda a: ("patch", "/api/users/me/", a),
    gql=lambda a: (
        f"mutation {{ updateProfile(input: {{{camel_args(a)}}}) "
        f"{{ profile {{ bio {' '.join(camel(key) for key in _ID_LISTS)} }} }} }}"
    ),
    gql_root="updateProfile",
    rest_data=lambda body, status: _profile(body, rest=True),
    gql_data=lambda p: _profile(p["profile"], rest=False),
)

# --------------------------------------------------------------------- account lifetime


def _message(body, status):
    return body["detail"]


def _without_moment(document: dict) -> dict:
    """The export without `exported_at`, which differs between the two requests."""
    return {key: value for key, value in document.items() if key != "exported_at"}


def _message_op(name: str, path: str, root: str) -> Op:
    """An account-lifetime write whose answer is one message (REST `detail`, GraphQL `message`)."""
    return Op(
        name,
        rest=lambda a: ("post", path, a),
        gql=lambda a: f"mutation {{ {root}({camel_args(a)}) {{ ok message }} }}",
        gql_root=root,
        rest_data=_message,
        gql_data=lambda p: p["message"],
    )


REQUEST_PASSWORD_RESET = _message_op(
    "request password reset", "/api/users/password/reset/", "requestPasswordReset"
)
RESET_PASSWORD = _message_op(
    "reset password", "/api/users/password/reset/confirm/", "resetPassword"
)
REQUEST_PHONE_CHANGE = _message_op(
    "request phone change", "/api/users/me/phone/", "requestPhoneChange"
)
DELETE_ACCOUNT = _message_op("delete account", "/api/users/me/delete/", "deleteAccount")

CONFIRM_PHONE_CHANGE = Op(
    "confirm phone change",
    rest=lambda a: ("post", "/api/users/me/phone/confirm/", a),
    gql=lambda a: (
        f"mutation {{ confirmPhoneChange({camel_args(a)}) {{ ok message phoneNumber }} }}"
    ),
    gql_root="confirmPhoneChange",
    rest_data=lambda body, status: (body["detail"], body["phone_number"]),
    gql_data=lambda p: (p["message"], p["phoneNumber"]),
)

CHANGE_EMAIL = Op(
    "change email",
    rest=lambda a: ("post", "/api/users/me/email/", a),
    gql=lambda a: (
        f"mutation {{ changeEmail({camel_args(a)}) {{ ok message email verificationRequired }} }}"
    ),
    gql_root="changeEmail",
    rest_data=lambda body, status: (body["detail"], body["email"], body["verification_required"]),
    gql_data=lambda p: (p["message"], p["email"], p["verificationRequired"]),
)

EXPORT = Op(
    "export my data",
    rest=lambda a: ("get", "/api/users/me/export/", None),
    gql=lambda a: "{ me { export } }",
    gql_root="me",
    rest_data=lambda body, status: _without_moment(body),
    gql_data=lambda p: _without_moment(p["export"]),
)


# --------------------------------------------------------------------------- authorized apps

MY_APPS = Op(
    "my_apps",
    rest=lambda a: ("get", "/api/users/me/apps/", None),
    gql=lambda a: "{ myApps { name clientId scopes } }",
    gql_root="myApps",
    rest_data=lambda body, status: [(x["name"], x["client_id"], x["scopes"]) for x in body],
    gql_data=lambda p: [(x["name"], x["clientId"], x["scopes"]) for x in p],
)

REVOKE_APP = Op(
    "revoke_app",
    rest=lambda a: ("delete", f"/api/users/me/apps/{a['id']}/", None),
    gql=lambda a: f"mutation {{ revokeApp({args_text(a)}) {{ ok }} }}",
    gql_root="revokeApp",
)
