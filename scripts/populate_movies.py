#!/usr/bin/env python
"""Fill a RUNNING Movie API server with demo data through its public API.

    python scripts/populate_movies.py --url http://127.0.0.1:8000 \\
        --username admin --password '...' [--via rest|graphql] [--count 100] [--seed 42]

or with MOVIE_API_URL, MOVIE_API_USERNAME and MOVIE_API_PASSWORD in the environment.
Needs only `requests` and `tqdm` (both in requirements.txt), not Django.

It signs in with JWT (REST `POST /api/users/login/` or GraphQL `tokenAuth`), checks the
account is staff, then creates 13 genres, 15 people (birth date, place of birth,
department) and `--count` movies (1-3 genres, 2-5 actors, a director from the same
people, a plot and a release date each), all drawn from `--seed`. Before creating
anything it looks it up: genres and actors by name, movies by their synthetic TMDB id
(900000000 + 100000 * (seed % 1000) + n), so a rerun creates nothing new.

`--reviews` adds one review by the signed-in account to each demo movie (skipped where
that account already reviewed it). Reviews by other demo users are not made: a new
account is only active after an SMS code check, which a script cannot pass through the
public API; use the bench app's `seed_bench` (bench/README.md) for many reviewers.

Exit status: 0 all done; 1 a fatal problem (server unreachable, login refused, account
not staff), printed as one line on stderr; 2 bad arguments, or finished but some items
failed (each listed on stderr).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

TIMEOUT = (5, 30)  # connect, read (seconds)
MAX_RETRIES_429 = 3
TMDB_ID_BASE = 900_000_000

GENRES = [
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama",
    "Family", "Fantasy", "Horror", "Romance", "Science Fiction", "Thriller",
]  # fmt: skip
ACTORS = [
    "Ava Castellano", "Bruno Lindqvist", "Chiara Okoye", "Dmitri Vasquez", "Elif Moreau",
    "Felix Nakamura", "Greta Adeyemi", "Hamid Sorensen", "Iris Kowalczyk", "Jonah Ferreira",
    "Kiri Blackwood", "Lena Mbatha", "Mateo Haugen", "Nadia Petrescu", "Oscar Tremblay",
]  # fmt: skip
TITLE_A = [
    "The Silent", "The Last", "A Distant", "The Hidden", "The Broken", "Midnight", "The Iron",
    "The Paper", "Golden", "The Northern", "The Glass", "Electric",
]  # fmt: skip
TITLE_B = [
    "Harbor", "Orchard", "Signal", "Kingdom", "Letter", "Station", "Horizon", "Garden",
    "River", "Machine", "Summer", "Crown", "Island", "Storm",
]  # fmt: skip
HEROES = [
    "A retired lighthouse keeper", "Two rival chefs", "A young cartographer",
    "An out-of-work magician", "A night-shift nurse", "A stubborn archivist",
    "A small-town radio host", "Three estranged sisters",
]  # fmt: skip
TURNS = [
    "finds a map that should not exist", "is drawn into a decades-old mystery",
    "must win back a lost fortune", "takes a road trip with a stranger",
    "races a storm to deliver a message", "uncovers a secret under the town square",
]  # fmt: skip
REVIEW_TEXTS = ["Loved it.", "Solid and well acted.", "Not my kind of film.", "A fun ride."]
PLACES = ["Lisbon, Portugal", "Osaka, Japan", "Lagos, Nigeria", "Toronto, Canada", "Oslo, Norway"]
# Each movie's crew: one of the demo people directs it (TMDB's Directing / Director).
DIRECTOR_JOB = {"job": "Director", "department": "Directing"}


class PopulateError(Exception):
    """A problem that stops the run; its message is the one line shown to the user."""


# --------------------------------------------------------------------------- dataset


@dataclass(frozen=True)
class ActorSpec:
    name: str
    birth_date: str
    bio: str
    place_of_birth: str = ""
    known_for_department: str = "Acting"


@dataclass(frozen=True)
class MovieSpec:
    title: str
    plot: str
    release_date: str
    tmdb_id: int
    genres: tuple[str, ...]
    actors: tuple[str, ...]
    director: str = ""


@dataclass(frozen=True)
class Dataset:
    genres: list[str]
    actors: list[ActorSpec]
    movies: list[MovieSpec]


def build_dataset(*, seed: int, count: int) -> Dataset:
    """The demo catalog for a seed: same seed and count, same data."""
    rng = random.Random(seed)
    actors = [
        ActorSpec(
            name=name,
            birth_date=datetime.date(
                1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ).isoformat(),
            bio=f"{name.split()[0]} is a fictional actor made up for the demo catalog.",
            # Not drawn from the generator, so the rest of the catalog stays as it was.
            place_of_birth=PLACES[index % len(PLACES)],
        )
        for index, name in enumerate(ACTORS)
    ]
    base = TMDB_ID_BASE + 100_000 * (seed % 1000)
    movies = []
    for n in range(count):
        title = f"{rng.choice(TITLE_A)} {rng.choice(TITLE_B)}"
        release = datetime.date(
            1960 + rng.randrange(65), 1 + rng.randrange(12), 1 + rng.randrange(28)
        )
        movies.append(
            MovieSpec(
                # The number keeps titles unique across a run of any size.
                title=f"{title} {n + 1}",
                plot=f"{rng.choice(HEROES)} {rng.choice(TURNS)}.",
                release_date=release.isoformat(),
                tmdb_id=base + n + 1,
                genres=tuple(rng.sample(GENRES, rng.randint(1, 3))),
                actors=tuple(rng.sample(ACTORS, rng.randint(2, 5))),
                director=ACTORS[n % len(ACTORS)],
            )
        )
    return Dataset(genres=list(GENRES), actors=actors, movies=movies)


# --------------------------------------------------------------------------- HTTP


class Http:
    """A requests session bound to one server: timeouts, JSON, Bearer token, 429 retries."""

    def __init__(self, base_url: str, *, timeout=TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"

    def set_token(self, access: str) -> None:
        self.session.headers["Authorization"] = f"Bearer {access}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = f"{self.base_url}{path}"
        for attempt in range(MAX_RETRIES_429 + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.exceptions.Timeout:
                raise PopulateError(
                    f"the server at {self.base_url} did not answer in time"
                ) from None
            except requests.exceptions.RequestException as exc:
                reason = exc.__class__.__name__
                raise PopulateError(
                    f"cannot reach the server at {self.base_url} ({reason})"
                ) from None
            if response.status_code != 429 or attempt == MAX_RETRIES_429:
                return response
            time.sleep(min(_retry_after(response), 60))
        return response  # pragma: no cover - the loop always returns

    def json(self, response: requests.Response) -> dict:
        try:
            return response.json()
        except ValueError:
            raise PopulateError(
                f"{response.request.method} {response.url} answered {response.status_code} "
                "with a body that is not JSON; is --url the Movie API?"
            ) from None


def _retry_after(response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def _error_text(body) -> str:
    """One line out of the API's error shape {"detail", "errors": [{field, message}]}."""
    if not isinstance(body, dict):
        return str(body)[:200]
    errors = body.get("errors") or []
    parts = [
        f"{e.get('field')}: {e.get('message')}" if e.get("field") else e.get("message")
        for e in errors
        if isinstance(e, dict)
    ]
    return "; ".join(str(p) for p in parts) or str(body.get("detail") or body)[:200]


class ItemError(Exception):
    """One item could not be created; the run goes on."""


# --------------------------------------------------------------------------- clients


class CatalogClient:
    """What the populate run needs from a server; one REST and one GraphQL version."""

    user: dict

    def login(self, username: str, password: str) -> dict:
        raise NotImplementedError

    def is_staff(self) -> bool:
        raise NotImplementedError

    def find_genre(self, name: str) -> int | None:
        raise NotImplementedError

    def create_genre(self, name: str) -> int:
        raise NotImplementedError

    def find_actor(self, name: str) -> int | None:
        raise NotImplementedError

    def create_actor(self, spec: ActorSpec) -> int:
        raise NotImplementedError

    def find_movie(self, tmdb_id: int) -> int | None:
        raise NotImplementedError

    def create_movie(
        self, spec: MovieSpec, genre_ids: list[int], actor_ids: list[int], director_id: int
    ) -> int:
        raise NotImplementedError

    def has_my_review(self, movie_id: int) -> bool:
        raise NotImplementedError

    def create_review(self, movie_id: int, rating: int, text: str) -> None:
        raise NotImplementedError


def _exact(items: list[dict], name: str) -> int | None:
    # The APIs filter names by substring; the exact (case-insensitive) match is ours.
    for item in items:
        if item["name"].casefold() == name.casefold():
            return int(item["id"])
    return None


class RestClient(CatalogClient):
    """The catalog through the REST API."""

    def __init__(self, http: Http):
        self.http = http

    def _call(self, method, path, *, expected=(200,), **kwargs) -> dict:
        response = self.http.request(method, path, **kwargs)
        if response.status_code in (401, 403):
            raise PopulateError(
                f"{method} {path} was refused ({response.status_code}): "
                f"{_error_text(self._body(response))}"
            )
        if response.status_code not in expected:
            raise ItemError(f"{response.status_code} {_error_text(self._body(response))}")
        return self.http.json(response)

    @staticmethod
    def _body(response):
        try:
            return response.json()
        except ValueError:
            return response.text[:200]

    def login(self, username, password):
        response = self.http.request(
            "POST", "/api/users/login/", json={"username": username, "password": password}
        )
        if response.status_code == 404:
            raise PopulateError(
                f"no login endpoint at {self.http.base_url}; is --url the Movie API?"
            )
        if response.status_code != 200:
            raise PopulateError(
                f"login refused ({response.status_code}): {_error_text(self._body(response))}"
            )
        body = self.http.json(response)
        self.http.set_token(body["access"])
        self.user = body["user"]
        return self.user

    def is_staff(self):
        return bool(self._call("GET", "/api/users/me/").get("is_staff"))

    def find_genre(self, name):
        return _exact(
            self._call("GET", "/api/movies/genres/", params={"name": name, "page_size": 100})[
                "results"
            ],
            name,
        )

    def create_genre(self, name):
        return self._call("POST", "/api/movies/genres/", json={"name": name}, expected=(201,))["id"]

    def find_actor(self, name):
        return _exact(
            self._call("GET", "/api/movies/actors/", params={"name": name, "page_size": 100})[
                "results"
            ],
            name,
        )

    def create_actor(self, spec):
        body = {
            "name": spec.name,
            "birth_date": spec.birth_date,
            "bio": spec.bio,
            "place_of_birth": spec.place_of_birth,
            "known_for_department": spec.known_for_department,
        }
        return self._call("POST", "/api/movies/actors/", json=body, expected=(201,))["id"]

    def find_movie(self, tmdb_id):
        results = self._call("GET", "/api/movies/", params={"tmdb_id": tmdb_id})["results"]
        return int(results[0]["id"]) if results else None

    def create_movie(self, spec, genre_ids, actor_ids, director_id):
        body = {
            "title": spec.title,
            "plot": spec.plot,
            "release_date": spec.release_date,
            "tmdb_id": spec.tmdb_id,
            "genres": genre_ids,
            "actors": actor_ids,
            "crew": [{"person": director_id, **DIRECTOR_JOB}],
        }
        return self._call("POST", "/api/movies/", json=body, expected=(201,))["id"]

    def has_my_review(self, movie_id):
        params = {"movie": movie_id, "user": self.user["id"]}
        return self._call("GET", "/api/movies/reviews/", params=params)["count"] > 0

    def create_review(self, movie_id, rating, text):
        self._call(
            "POST",
            f"/api/movies/{movie_id}/reviews/",
            json={"rating": rating, "text": text},
            expected=(201,),
        )


# Inputs are written inline so the documents depend only on the contract's field names,
# not on the server's names for its input types.
CREATE_ACTOR = """mutation($name: String!, $birthDate: String, $bio: String,
                   $placeOfBirth: String, $knownForDepartment: String) {
  createActor(input: {name: $name, birthDate: $birthDate, bio: $bio,
                      placeOfBirth: $placeOfBirth, knownForDepartment: $knownForDepartment})
  { actor { id } } }"""
CREATE_MOVIE = """mutation($title: String!, $plot: String, $releaseDate: String, $tmdbId: Int,
                   $genreIds: [ID!], $actorIds: [ID!], $director: ID!) {
  createMovie(input: {title: $title, plot: $plot, releaseDate: $releaseDate, tmdbId: $tmdbId,
                      genreIds: $genreIds, actorIds: $actorIds,
                      crew: [{person: $director, job: "Director", department: "Directing"}]})
  { movie { id } } }"""
CREATE_REVIEW = """mutation($movieId: ID!, $rating: Float!, $text: String) {
  createReview(input: {movieId: $movieId, rating: $rating, text: $text}) { review { id } } }"""


class GraphQLClient(CatalogClient):
    """The catalog through the GraphQL API (no REST call at all)."""

    REFUSED = {"UNAUTHENTICATED", "FORBIDDEN"}

    def __init__(self, http: Http):
        self.http = http

    def _call(self, query: str, variables: dict | None = None, *, what: str = "request") -> dict:
        response = self.http.request(
            "POST", "/graphql/", json={"query": query, "variables": variables or {}}
        )
        if response.status_code == 404:
            raise PopulateError(f"no GraphQL endpoint at {self.http.base_url}/graphql/")
        body = self.http.json(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code")
            message = first.get("message", "error")
            if code in self.REFUSED:
                raise PopulateError(f"{what} refused ({code}): {message}")
            raise ItemError(f"{code or 'error'}: {message}")
        if response.status_code != 200 or not isinstance(body.get("data"), dict):
            raise ItemError(f"{response.status_code} {_error_text(body)}")
        return body["data"]

    def login(self, username, password):
        query = """mutation($u: String!, $p: String!) {
            tokenAuth(username: $u, password: $p) { access user { id username email } } }"""
        try:
            data = self._call(query, {"u": username, "p": password}, what="login")
        except ItemError as exc:
            raise PopulateError(f"login refused ({exc})") from None
        self.http.set_token(data["tokenAuth"]["access"])
        self.user = data["tokenAuth"]["user"]
        return self.user

    def is_staff(self):
        return bool((self._call("{ me { isStaff } }")["me"] or {}).get("isStaff"))

    def find_genre(self, name):
        data = self._call(
            "query($n: String) { allGenres(name: $n, first: 100) { edges { node { id name } } } }",
            {"n": name},
        )
        return _exact([e["node"] for e in data["allGenres"]["edges"]], name)

    def create_genre(self, name):
        data = self._call(
            "mutation($name: String!) { createGenre(input: {name: $name}) { genre { id } } }",
            {"name": name},
        )
        return int(data["createGenre"]["genre"]["id"])

    def find_actor(self, name):
        data = self._call(
            "query($n: String) { allActors(name: $n, first: 100) { edges { node { id name } } } }",
            {"n": name},
        )
        return _exact([e["node"] for e in data["allActors"]["edges"]], name)

    def create_actor(self, spec):
        data = self._call(
            CREATE_ACTOR,
            {
                "name": spec.name,
                "birthDate": spec.birth_date,
                "bio": spec.bio,
                "placeOfBirth": spec.place_of_birth,
                "knownForDepartment": spec.known_for_department,
            },
        )
        return int(data["createActor"]["actor"]["id"])

    def find_movie(self, tmdb_id):
        data = self._call(
            "query($t: Int) { allMovies(tmdbId: $t, first: 1) { edges { node { id } } } }",
            {"t": tmdb_id},
        )
        edges = data["allMovies"]["edges"]
        return int(edges[0]["node"]["id"]) if edges else None

    def create_movie(self, spec, genre_ids, actor_ids, director_id):
        movie_input = {
            "title": spec.title,
            "plot": spec.plot,
            "releaseDate": spec.release_date,
            "tmdbId": spec.tmdb_id,
            "genreIds": [str(i) for i in genre_ids],
            "actorIds": [str(i) for i in actor_ids],
            "director": str(director_id),
        }
        data = self._call(
            CREATE_MOVIE,
            movie_input,
        )
        return int(data["createMovie"]["movie"]["id"])

    def has_my_review(self, movie_id):
        data = self._call(
            "query($m: ID, $u: ID) { allReviews(movie: $m, user: $u, first: 1) { totalCount } }",
            {"m": str(movie_id), "u": str(self.user["id"])},
        )
        return data["allReviews"]["totalCount"] > 0

    def create_review(self, movie_id, rating, text):
        self._call(
            CREATE_REVIEW,
            {"movieId": str(movie_id), "rating": rating, "text": text},
        )


CLIENTS = {"rest": RestClient, "graphql": GraphQLClient}


# --------------------------------------------------------------------------- the run


@dataclass
class Summary:
    """created / existing / failed per kind, plus the reasons of failures."""

    counts: dict[str, Counter] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def failed(self) -> int:
        return sum(c["failed"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind:>8}: created {c['created']}, existing {c['existing']}, failed {c['failed']}"
            for kind, c in self.counts.items()
        ]


class Progress:
    """A tqdm bar on a terminal; plain lines (every tenth, and the last) otherwise."""

    def __init__(self, label: str, total: int, stream):
        self.label, self.total, self.stream, self.done = label, total, stream, 0
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=f"{label:>8}", file=stream, unit="item")

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.done == self.total or (self.total >= 20 and self.done % (self.total // 10) == 0):
            print(f"{self.label}: {self.done}/{self.total}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _ensure(summary: Summary, kind: str, label: str, find, create):
    """Find an item, or create it; returns its id, or None if it failed."""
    try:
        found = find()
        if found is not None:
            summary.add(kind, "existing")
            return found
        created = create()
        summary.add(kind, "created")
        return created
    except ItemError as exc:
        summary.add(kind, "failed")
        summary.failures.append(f"{kind} {label!r}: {exc}")
        return None


def populate(
    client: CatalogClient, dataset: Dataset, *, reviews: bool, seed: int, stream
) -> Summary:
    """Create what is missing of `dataset` through `client`; the caller has logged in."""
    summary = Summary()
    genre_ids: dict[str, int] = {}
    actor_ids: dict[str, int] = {}

    progress = Progress("genres", len(dataset.genres), stream)
    for name in dataset.genres:
        pk = _ensure(
            summary,
            "genres",
            name,
            lambda n=name: client.find_genre(n),
            lambda n=name: client.create_genre(n),
        )
        if pk is not None:
            genre_ids[name] = pk
        progress.step()
    progress.close()

    progress = Progress("actors", len(dataset.actors), stream)
    for spec in dataset.actors:
        pk = _ensure(
            summary,
            "actors",
            spec.name,
            lambda s=spec: client.find_actor(s.name),
            lambda s=spec: client.create_actor(s),
        )
        if pk is not None:
            actor_ids[spec.name] = pk
        progress.step()
    progress.close()

    movie_ids = []
    progress = Progress("movies", len(dataset.movies), stream)
    for spec in dataset.movies:
        missing = [g for g in spec.genres if g not in genre_ids]
        missing += [a for a in (*spec.actors, spec.director) if a not in actor_ids]
        if missing:
            summary.add("movies", "failed")
            summary.failures.append(f"movies {spec.title!r}: missing {', '.join(missing)}")
        else:
            pk = _ensure(
                summary,
                "movies",
                spec.title,
                lambda s=spec: client.find_movie(s.tmdb_id),
                lambda s=spec: client.create_movie(
                    s,
                    [genre_ids[g] for g in s.genres],
                    [actor_ids[a] for a in s.actors],
                    actor_ids[s.director],
                ),
            )
            if pk is not None:
                movie_ids.append(pk)
        progress.step()
    progress.close()

    if reviews:
        rng = random.Random(seed)
        progress = Progress("reviews", len(movie_ids), stream)
        for movie_id in movie_ids:
            rating = rng.choices([1, 2, 3, 4, 5], weights=[5, 10, 30, 38, 17])[0]
            text = rng.choice(REVIEW_TEXTS)
            _ensure(
                summary,
                "reviews",
                f"movie {movie_id}",
                lambda m=movie_id: True if client.has_my_review(m) else None,
                lambda m=movie_id, r=rating, t=text: client.create_review(m, r, t),
            )
            progress.step()
        progress.close()
    return summary


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fill a running Movie API server with demo genres, actors and movies.",
        epilog="Exit status: 0 done; 1 fatal (unreachable, login refused, not staff); "
        "2 bad arguments, or some items failed.",
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("MOVIE_API_URL", "http://127.0.0.1:8000"),
        help="server root (env MOVIE_API_URL)",
    )
    parser.add_argument(
        "--username",
        default=os.environ.get("MOVIE_API_USERNAME"),
        help="staff username or email (env MOVIE_API_USERNAME)",
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("MOVIE_API_PASSWORD"),
        help="its password (env MOVIE_API_PASSWORD)",
    )
    parser.add_argument("--via", choices=sorted(CLIENTS), default="rest", help="which API to use")
    parser.add_argument("--count", type=int, default=100, help="how many movies (default 100)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo data")
    parser.add_argument(
        "--reviews", action="store_true", help="also review each movie as the signed-in account"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each answer"
    )
    args = parser.parse_args(argv)
    if not args.username or not args.password:
        parser.error("give --username and --password (or MOVIE_API_USERNAME / MOVIE_API_PASSWORD)")
    if not 1 <= args.count <= 100_000:
        parser.error("--count must be between 1 and 100000")
    if args.seed < 0:
        parser.error("--seed must be 0 or more")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    http = Http(args.url, timeout=(min(5.0, args.timeout), args.timeout))
    client = CLIENTS[args.via](http)
    out, err = sys.stdout, sys.stderr
    try:
        user = client.login(args.username, args.password)
        if not client.is_staff():
            raise PopulateError(
                f"the account {user['username']!r} is not staff; the catalog needs a staff account"
            )
        print(f"Signed in to {http.base_url} as {user['username']} (via {args.via}).", file=out)
        dataset = build_dataset(seed=args.seed, count=args.count)
        summary = populate(client, dataset, reviews=args.reviews, seed=args.seed, stream=err)
    except PopulateError as exc:
        print(f"populate_movies: error: {exc}", file=err)
        return 1
    except KeyboardInterrupt:
        print("populate_movies: interrupted", file=err)
        return 130
    for reason in summary.failures[:20]:
        print(f"failed: {reason}", file=err)
    print("Summary:", file=out)
    for line in summary.lines():
        print(line, file=out)
    return 2 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
