"""The drill's bounded mixed load: reads, review writes, and read-backs of each write.

One thread per account (signed in); each reads movie pages and details, writes reviews
(create, then change the rating) and right after every acknowledged write reads the
review back from the same session (a read-your-writes check: a 404 or an older rating is
a violation). --readers more threads read anonymously (no writes, so no read-your-writes
window: their reads are the replica's). Every request is one JSON line in --out: start
time, op, status, latency, and for writes the acknowledged id and rating. Stops after
--seconds or on SIGINT.
"""

import argparse
import json
import random
import signal
import threading
import time

import requests

PAUSE_SECONDS = 0.25


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", buffering=1)  # noqa: SIM115 - closed at the end of run()
        self.lock = threading.Lock()

    def write(self, record: dict) -> None:
        with self.lock:
            self.file.write(json.dumps(record) + "\n")


class Client:
    def __init__(self, index, base, token, movies, recorder, stop):
        self.index, self.base, self.movies = index, base, movies
        self.recorder, self.stop = recorder, stop
        self.session = requests.Session()  # keeps the read-your-writes cookie
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.reviews: dict[int, int] = {}  # acknowledged review id -> acknowledged rating
        self.next_movie = 0
        self.random = random.Random(index)
        self.writes = token is not None

    def call(self, op, method, path, **kwargs) -> tuple[dict, requests.Response | None]:
        record = {"t": time.time(), "op": op, "client": self.index, "status": 0}
        started = time.perf_counter()
        response = None
        try:
            response = self.session.request(method, self.base + path, timeout=10, **kwargs)
            record["status"] = response.status_code
        except requests.RequestException as exc:
            record["error"] = exc.__class__.__name__
        record["ms"] = round((time.perf_counter() - started) * 1000, 2)
        return record, response

    def read(self):
        if self.random.random() < 0.6:
            record, _ = self.call("list", "GET", f"/api/movies/?page={self.random.randint(1, 3)}")
        else:
            record, _ = self.call(
                "detail", "GET", f"/api/movies/{self.random.choice(self.movies)}/"
            )
        record["ok"] = record["status"] == 200
        self.recorder.write(record)

    def write(self):
        if self.reviews and (self.random.random() < 0.6 or self.next_movie >= len(self.movies)):
            review_id = self.random.choice(list(self.reviews))
            rating = self.reviews[review_id] % 5 + 1
            record, response = self.call(
                "update", "PATCH", f"/api/movies/reviews/{review_id}/", json={"rating": rating}
            )
            acked = record["status"] == 200
        elif self.next_movie < len(self.movies):
            movie = self.movies[self.next_movie]
            self.next_movie += 1
            rating = self.random.randint(1, 5)
            record, response = self.call(
                "create", "POST", f"/api/movies/{movie}/reviews/", json={"rating": rating}
            )
            acked = record["status"] == 201
            review_id = response.json()["id"] if acked else None
        else:
            return
        record["ok"] = acked
        if acked:
            record.update(id=review_id, rating=rating)
            self.reviews[review_id] = rating
        elif review_id is not None:
            record.update(id=review_id, unacked_rating=rating)
        self.recorder.write(record)
        if acked:
            self.read_back(review_id, rating)

    def read_back(self, review_id, rating):
        record, response = self.call("read_back", "GET", f"/api/movies/reviews/{review_id}/")
        record.update(id=review_id, expected_rating=rating, ok=record["status"] == 200)
        if record["status"] == 404:
            record["violation"] = "acknowledged review not found"
        elif record["ok"] and response.json().get("rating") != rating:
            record["violation"] = f"rating {response.json().get('rating')} != {rating}"
        self.recorder.write(record)

    def run(self, deadline):
        while not self.stop.is_set() and time.time() < deadline:
            self.write() if self.writes and self.random.random() < 0.3 else self.read()
            self.stop.wait(PAUSE_SECONDS)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--readers", type=int, default=0, help="anonymous read-only clients")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.tokens) as file:
        setup = json.load(file)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    recorder = Recorder(args.out)
    deadline = time.time() + args.seconds
    tokens = [account["token"] for account in setup["accounts"]] + [None] * args.readers
    clients = [
        Client(i, args.url, token, setup["movies"], recorder, stop)
        for i, token in enumerate(tokens)
    ]
    threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorder.file.close()


if __name__ == "__main__":
    main()
