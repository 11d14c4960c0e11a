"""Real threads for race tests (codes, refreshes, reviews): one helper for every app."""

import threading

from django.db import connections


def run_in_threads(count: int, target, *, timeout: float = 60) -> list:
    """Run target(index, barrier) in `count` threads; return each result (or exception).

    The barrier lets the target line the threads up right before the racing call.
    Each thread closes its own database connections, as a server worker would.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(index):
        try:
            results[index] = target(index, barrier)
        except Exception as exc:  # noqa: BLE001 -- reported by the test, not lost in the thread
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def run_together(count: int, call, *, timeout: float = 60) -> list:
    """Run call(index) in `count` threads released at the same instant."""

    def target(index, barrier):
        barrier.wait(timeout=30)
        return call(index)

    return run_in_threads(count, target, timeout=timeout)
