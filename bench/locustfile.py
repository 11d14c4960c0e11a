"""The load mix for Locust (docs/performance.md): run it through `bench/load.sh`, not CI.

User classes by weight: 80 % catalog readers (anonymous: movie list with filters, search
and ordering, movie detail, genres, actors, GraphQL allMovies), 10 % reviewers, 5 %
favorites users and 5 % auth users (signed in as the seeded `bench-NNNNNN` accounts of
`manage.py seed_bench`, password "bench-Pass-123"). Every task issues one request and all
classes share one think time, so the request mix follows the class weights.

Request names start with their group ("catalog ", "review ", "favorite ", "auth "), so
the summary can report catalog reads on their own. At the end the summary (overall and
catalog: requests, failures, avg, p95) is written as JSON to $LOAD_SUMMARY; every 5xx
(method, URL, status, body start) is appended to $LOAD_ERRORS.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 3m --host http://127.0.0.1:8766

Env: LOAD_WAIT_MIN / LOAD_WAIT_MAX (think time in seconds, default 1-5),
LOAD_USER_OFFSET (first bench account used, default 1), LOAD_SUMMARY, LOAD_ERRORS.
"""

import itertools
import json
import os
import random

import requests
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.stats import StatsEntry

PASSWORD = "bench-Pass-123"
WAIT = between(
    float(os.environ.get("LOAD_WAIT_MIN", "1")), float(os.environ.get("LOAD_WAIT_MAX", "5"))
)
SEARCH_WORDS = ["storm", "red", "last", "river", "glass", "echo", "shadow", "golden", "iron"]
ORDERINGS = ["title", "-release_date", "-average_rating", "-review_count", "-created_at"]
ALL_MOVIES = """query($genre: String, $search: String, $orderBy: String, $first: Int) {
  allMovies(genre: $genre, search: $search, orderBy: $orderBy, first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title year averageRating reviewCount genres { id name } actors { id name } } }
  }
}"""

# Filled once at test start from the running server (seeded ids differ between reseeds).
CATALOG = {"movie_ids": [], "genres": [], "actor_ids": []}
# Each signed-in user takes its own account, so reviews and lists never collide.
_accounts = itertools.count(int(os.environ.get("LOAD_USER_OFFSET", "1")))


@events.test_start.add_listener
def load_catalog(environment, **_kwargs):
    """Learn the movie id range, genre names and some actor ids (not counted in stats)."""
    host = environment.host.rstrip("/")

    def first(query):
        response = requests.get(f"{host}/api/movies/?{query}", timeout=30)
        response.raise_for_status()
        return response.json()["results"][0]["id"]

    # seed_bench bulk-creates movies in one batch: their ids are one contiguous range.
    low, high = first("ordering=created_at&page_size=1"), first("ordering=-created_at&page_size=1")
    low, high = min(low, high), max(low, high)
    CATALOG["movie_ids"] = list(range(low, high + 1))
    genres = requests.get(f"{host}/api/movies/genres/?page_size=100", timeout=30).json()
    CATALOG["genres"] = [g["name"] for g in genres["results"]]
    actors = requests.get(f"{host}/api/movies/actors/?page_size=100", timeout=30).json()
    CATALOG["actor_ids"] = [a["id"] for a in actors["results"]]


def _movie_id() -> int:
    return random.choice(CATALOG["movie_ids"])


class CatalogReader(FastHttpUser):
    """Anonymous browsing: 80 % of users."""

    weight = 80
    wait_time = WAIT

    @task(4)
    def movie_list_filtered(self):
        params = {"ordering": random.choice(ORDERINGS), "page": random.randint(1, 5)}
        kind = random.choice(["genre", "year", "rating", "actor", "plain"])
        if kind == "genre":
            params["genre"] = random.choice(CATALOG["genres"])
        elif kind == "year":
            start = random.randint(1950, 2015)
            params.update(min_year=start, max_year=start + 10)
        elif kind == "rating":
            params["min_rating"] = random.choice([2, 3, 3.5, 4])
        elif kind == "actor":
            params["actor"] = random.choice(CATALOG["actor_ids"])
            params["page"] = 1
        self.client.get("/api/movies/", params=params, name="catalog GET /api/movies/?filters")

    @task(2)
    def movie_search(self):
        params = {"search": random.choice(SEARCH_WORDS), "ordering": random.choice(ORDERINGS)}
        self.client.get("/api/movies/", params=params, name="catalog GET /api/movies/?search")

    @task(4)
    def movie_detail(self):
        self.client.get(f"/api/movies/{_movie_id()}/", name="catalog GET /api/movies/{id}/")

    @task(1)
    def genres(self):
        self.client.get("/api/movies/genres/", name="catalog GET /api/movies/genres/")

    @task(1)
    def actors(self):
        params = {"page": random.randint(1, 50)}
        self.client.get(
            "/api/movies/actors/", params=params, name="catalog GET /api/movies/actors/"
        )

    @task(2)
    def graphql_all_movies(self):
        variables = {"first": 20, "orderBy": random.choice(ORDERINGS)}
        if random.random() < 0.5:
            variables["genre"] = random.choice(CATALOG["genres"])
        else:
            variables["search"] = random.choice(SEARCH_WORDS)
        with self.client.post(
            "/graphql/",
            json={"query": ALL_MOVIES, "variables": variables},
            name="catalog POST /graphql/ allMovies",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json().get("errors"):
                response.failure(f"GraphQL errors: {response.json()['errors']}"[:300])


class SignedInUser(FastHttpUser):
    """A user signed in as its own seeded bench account (login in on_start)."""

    abstract = True
    wait_time = WAIT

    def on_start(self):
        self.username = f"bench-{next(_accounts):06d}"
        self.login()

    def login(self):
        with self.client.post(
            "/api/users/login/",
            json={"username": self.username, "password": PASSWORD},
            name="auth POST /api/users/login/",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"login {self.username}: {response.status_code}")
                self.access = self.refresh = None
                return
            body = response.json()
            self.access, self.refresh = body["access"], body["refresh"]
            self.user_id = body["user"]["id"]

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.access}"}


class Reviewer(SignedInUser):
    """Creates, then edits, then deletes its own review: 10 % of users."""

    weight = 10

    def on_start(self):
        super().on_start()
        self.review_id = None
        self.edited = False

    @task
    def review_step(self):
        if self.review_id is None:
            self.create_review()
        elif not self.edited:
            self.client.patch(
                f"/api/movies/reviews/{self.review_id}/",
                json={"rating": random.randint(1, 5), "text": "Changed my mind after a rewatch."},
                headers=self.auth,
                name="review PATCH /api/movies/reviews/{id}/",
            )
            self.edited = True
        else:
            self.client.delete(
                f"/api/movies/reviews/{self.review_id}/",
                headers=self.auth,
                name="review DELETE /api/movies/reviews/{id}/",
            )
            self.review_id, self.edited = None, False

    def create_review(self):
        with self.client.post(
            f"/api/movies/{_movie_id()}/reviews/",
            json={"rating": random.randint(1, 5), "text": "Load test review: solid pacing."},
            headers=self.auth,
            name="review POST /api/movies/{id}/reviews/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.review_id = response.json()["id"]
            elif response.status_code == 409:
                # The seeded data already holds this account's review of that movie: an
                # expected answer (the next step picks another movie), not a failure.
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class FavoritesUser(SignedInUser):
    """Adds, lists and removes favorites: 5 % of users."""

    weight = 5

    def on_start(self):
        super().on_start()
        self.favorites = []

    @task(2)
    def add(self):
        movie_id = _movie_id()
        response = self.client.post(
            "/api/users/me/favorites/",
            json={"movie_id": movie_id},
            headers=self.auth,
            name="favorite POST /api/users/me/favorites/",
        )
        if response.status_code in (200, 201):
            self.favorites.append(movie_id)

    @task(2)
    def listing(self):
        self.client.get(
            "/api/users/me/favorites/",
            headers=self.auth,
            name="favorite GET /api/users/me/favorites/",
        )

    @task(1)
    def remove(self):
        if not self.favorites:
            return self.listing()
        movie_id = self.favorites.pop(random.randrange(len(self.favorites)))
        self.client.delete(
            f"/api/users/me/favorites/{movie_id}/",
            headers=self.auth,
            name="favorite DELETE /api/users/me/favorites/{id}/",
        )


class AuthUser(SignedInUser):
    """Refreshes its token pair (rotation), and now and then signs in again: 5 % of users."""

    weight = 5

    @task(3)
    def refresh_token(self):
        if not self.refresh:
            return self.login()
        with self.client.post(
            "/api/users/token/refresh/",
            json={"refresh": self.refresh},
            name="auth POST /api/users/token/refresh/",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.access, self.refresh = response.json()["access"], response.json()["refresh"]
            else:
                response.failure(f"refresh: {response.status_code}: {response.text[:200]}")
                self.refresh = None

    @task(1)
    def login_again(self):
        self.login()


@events.request.add_listener
def record_server_errors(request_type, name, response, exception, **_kwargs):
    """Append every 5xx (exact request and body start) to $LOAD_ERRORS for the report."""
    path = os.environ.get("LOAD_ERRORS")
    status = getattr(response, "status_code", 0) or 0
    if not path or status < 500:
        return
    url = getattr(getattr(response, "request", None), "url", None) or getattr(response, "url", "")
    body = (getattr(response, "text", "") or "")[:500]
    with open(path, "a") as fh:
        fh.write(json.dumps({"method": request_type, "name": name, "url": str(url),
                             "status": status, "body": body}) + "\n")  # fmt: skip


def _figures(entry: StatsEntry) -> dict:
    requests_ = entry.num_requests
    return {
        "requests": requests_,
        "failures": entry.num_failures,
        "fail_ratio": entry.num_failures / requests_ if requests_ else 0.0,
        "avg_ms": entry.avg_response_time,
        "p50_ms": entry.get_response_time_percentile(0.50) if requests_ else 0,
        "p95_ms": entry.get_response_time_percentile(0.95) if requests_ else 0,
        "p99_ms": entry.get_response_time_percentile(0.99) if requests_ else 0,
        "max_ms": entry.max_response_time,
        "rps": entry.total_rps,
    }


@events.test_stop.add_listener
def write_summary(environment, **_kwargs):
    """Overall and per-group figures (the group's entries merged, same histogram) as JSON."""
    path = os.environ.get("LOAD_SUMMARY")
    if not path:
        return
    stats = environment.stats
    groups = {}
    for entry in stats.entries.values():
        group = entry.name.split(" ", 1)[0]
        merged = groups.setdefault(
            group, StatsEntry(stats, group, "", use_response_times_cache=False)
        )
        merged.extend(entry)
    summary = {
        "total": _figures(stats.total),
        "groups": {group: _figures(entry) for group, entry in sorted(groups.items())},
        "endpoints": {f"{e.method} {e.name}": _figures(e) for e in stats.entries.values()},
        "failures": [
            {
                "method": f.method,
                "name": f.name,
                "error": str(f.error),
                "occurrences": f.occurrences,
            }
            for f in stats.errors.values()
        ],
    }
    with open(path, "w") as fh:
        json.dump(summary, fh, indent=2)
