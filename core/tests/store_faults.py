"""Shared-cache faults and routing probes for the tests of the signed-in shared reads
(test_shared_cards.py for REST, test_shared_rows.py for GraphQL)."""

from contextlib import contextmanager

from core.caching import generation
from core.security.store import store_circuit

FAILURES = ["circuit_open", "store_errors"]


class _DeadStore:
    """A cache whose every call fails as a Redis that went away does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("store down")

        return fail


def break_store(monkeypatch, failure: str) -> None:
    """Make the shared store unusable: its circuit open, or every call raising."""
    if failure == "circuit_open":
        monkeypatch.setattr(store_circuit, "is_open", lambda *alias: True)
    else:
        monkeypatch.setattr(generation, "store", _DeadStore)
        monkeypatch.setattr(generation, "counter_store", _DeadStore)
        monkeypatch.setattr(store_circuit, "record_failure", lambda elapsed, *alias: False)


def record_primary(monkeypatch, module) -> list:
    """A list that gets one entry each time `module` enters `use_primary()`."""
    entered = []

    @contextmanager
    def recording_primary():
        entered.append(True)
        yield

    monkeypatch.setattr(module, "use_primary", recording_primary)
    return entered
