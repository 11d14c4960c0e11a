"""Fixtures of the review tests: a database several threads can write at once."""

import sqlite3

import pytest
from django.db import connection, connections


@pytest.fixture
def threaded_db(transactional_db, tmp_path):
    """The test database, made safe for concurrent writers from several threads.

    PostgreSQL: the test database as it is (each thread opens its own connection).

    SQLite: Django's in-memory test database is opened in shared-cache mode, where a
    writer blocked by another gets SQLITE_LOCKED ("database table is locked") at once;
    the busy timeout only covers SQLITE_BUSY. Measured here: ten concurrent review
    POSTs against it all ended in that error (500s). So for the duration of the test
    the default alias points at a FILE copy of the migrated test database, where the
    project's settings (WAL, BEGIN IMMEDIATE, a 20 s busy timeout) make writers queue
    as they do in the embedded deployment. The in-memory database is kept open and
    untouched, and restored afterwards. Threads must close their connections
    (`connections.close_all()`) before they end.
    """
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    assert settings_dict is connection.settings_dict
    memory_name = settings_dict["NAME"]
    connection.ensure_connection()
    memory_raw = connection.connection
    path = tmp_path / "threads.sqlite3"
    copy = sqlite3.connect(path)
    memory_raw.backup(copy)
    copy.close()
    # Detach the in-memory connection without closing it (closing would drop the DB).
    connection.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory_raw
