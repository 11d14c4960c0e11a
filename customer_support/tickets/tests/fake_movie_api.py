"""Tiny stand-ins for the movie API on real loopback sockets (no mocking of requests).

``FakeMovieApi`` speaks just enough GraphQL for our documents, and can be told to fail:
answer 5xx, answer GraphQL ``errors``, or answer something that is not JSON.
``silent_server`` accepts connections and never answers; ``closed_port`` has nobody listening.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MATRIX = {
    "id": "1",
    "title": "The Matrix",
    "year": 1999,
    "genres": [{"id": "10", "name": "Science Fiction"}, {"id": "11", "name": "Action"}],
}
GODFATHER = {
    "id": "2",
    "title": "The Godfather",
    "year": 1972,
    "genres": [{"id": "12", "name": "Crime"}, {"id": "13", "name": "Drama"}],
}
ACTORS = [{"id": "20", "name": "Keanu Reeves"}, {"id": "21", "name": "Al Pacino"}]
DETAILS = {
    "1": {"plot": "A hacker learns the truth.", "releaseDate": "1999-03-31", "actors": [ACTORS[0]]},
    "2": {"plot": "A crime family.", "releaseDate": "1972-03-24", "actors": [ACTORS[1]]},
}
# Movie API accounts: username -> (password, the `me` answer).
ACCOUNTS = {
    "ana": ("ana-Pass-123", {"id": "41", "username": "ana", "email": "ana@example.com"}),
    "boss": ("boss-Pass-123", {"id": "42", "username": "boss", "email": "boss@example.com"}),
}
STAFF = {"boss"}


def _connection(nodes: list[dict]) -> dict:
    return {
        "totalCount": len(nodes),
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [{"node": node, "cursor": f"c{i}"} for i, node in enumerate(nodes)],
    }


def _matches(text: str | None, value: str) -> bool:
    return text is None or text.lower() in value.lower()


class FakeMovieApi:
    """A scripted movie API: a two-movie catalog, and failures queued with ``fail_next``."""

    def __init__(self) -> None:
        self.movies = {m["id"]: m for m in (MATRIX, GODFATHER)}
        self.accounts = {name: (pw, {**me}) for name, (pw, me) in ACCOUNTS.items()}
        self.staff = set(STAFF)
        self.requests: list[dict] = []  # each: {"headers": ..., "body": ...}
        self._failures: list[tuple[int, bytes, str]] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/graphql/"

    def fail_next(
        self, times: int, *, status: int = 200, body: dict | str, content_type="application/json"
    ) -> None:
        """Answer the next ``times`` requests with this status and body instead of data."""
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self._failures.extend([(status, raw, content_type)] * times)

    def answer(self, body: dict, headers=None) -> dict:
        """The GraphQL answer for a request body, by the operation our documents name."""
        query, variables = body["query"], body.get("variables") or {}
        if "query SupportMovie(" in query:
            return {"data": {"movie": self.movies.get(variables["id"])}}
        if "query SupportMovieDetail(" in query:
            movie = self.movies.get(variables["id"])
            extra = {"averageRating": 4.5, "reviewCount": 2, **DETAILS.get(variables["id"], {})}
            return {"data": {"movie": movie and {**movie, **extra}}}
        if "mutation SupportTokenAuth(" in query:
            password, me = self.accounts.get(variables["username"], (None, None))
            if password is None or password != variables["password"]:
                error = {
                    "message": "No active account found with the given credentials.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
                return {"data": {"tokenAuth": None}, "errors": [error]}
            return {"data": {"tokenAuth": {"access": f"token-{me['username']}", "user": me}}}
        if "query SupportMe" in query:
            token = (headers or {}).get("Authorization", "").removeprefix("Bearer token-")
            _, me = self.accounts.get(token, (None, None))
            return {"data": {"me": me and {**me, "isStaff": token in self.staff}}}
        if "query SupportAllMovies(" in query:
            genre = variables.get("genre")
            nodes = [
                m
                for m in self.movies.values()
                if _matches(variables.get("search"), m["title"])
                and _matches(variables.get("title"), m["title"])
                and (
                    genre is None
                    or any(genre.lower() in (g["id"], g["name"].lower()) for g in m["genres"])
                )
            ]
            return {"data": {"allMovies": _connection(nodes)}}
        if "query SupportAllGenres(" in query:
            genres = {g["id"]: g for m in self.movies.values() for g in m["genres"]}
            nodes = [g for g in genres.values() if _matches(variables.get("name"), g["name"])]
            return {"data": {"allGenres": _connection(nodes)}}
        if "query SupportAllActors(" in query:
            nodes = [a for a in ACTORS if _matches(variables.get("name"), a["name"])]
            return {"data": {"allActors": _connection(nodes)}}
        return {"data": None, "errors": [{"message": "Unknown operation"}]}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append({"headers": dict(self.headers), "body": body})
                    failure = fake._failures.pop(0) if fake._failures else None
                if failure:
                    status, raw, content_type = failure
                else:
                    status, content_type = 200, "application/json"
                    raw = json.dumps(fake.answer(body, dict(self.headers))).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        return Handler

    def __enter__(self) -> FakeMovieApi:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """Completes the TCP handshake and never says a word; counts the connections made.

    Tests judge "one wait, no retry" by that count rather than by a stopwatch, which a
    busy machine would make lie.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/graphql/"
        self.connections: list[socket.socket] = []  # held open, never read or answered
        self._closed = threading.Event()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:  # the listening socket was closed
                return
            self.connections.append(connection)

    def __enter__(self) -> SilentServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closed.set()
        self.sock.close()
        for connection in self.connections:
            connection.close()


def silent_server() -> SilentServer:
    """A server that accepts connections and never answers (use as a context manager)."""
    return SilentServer()


def closed_port_url() -> str:
    """A URL on a loopback port that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/graphql/"
