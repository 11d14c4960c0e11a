"""lists/migrations/0002 numbers the entries stored before it in the order they read then."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from lists.models import MovieListEntry
from lists.selectors import list_movie_ids
from lists.tests.factories import MovieListEntryFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("lists.migrations.0002_list_position")


def test_existing_entries_keep_the_order_they_were_added_in():
    # given two users' lists as stored before positions existed (every position 0),
    # added in an order their ids do not follow
    alice, bob = UserFactory(), UserFactory()
    now = timezone.now()
    entries = {
        name: MovieListEntryFactory(user=user, kind=kind)
        for name, user, kind in [
            ("a3", alice, "favorite"),
            ("a1", alice, "favorite"),
            ("a2", alice, "favorite"),
            ("w1", alice, "watched"),
            ("b1", bob, "favorite"),
        ]
    }
    for name, entry in entries.items():
        minutes = int(name[1])
        MovieListEntry.objects.filter(pk=entry.pk).update(
            added_at=now + timedelta(minutes=minutes), position=0
        )

    # when the migration numbers them
    migration.number_existing(apps, SimpleNamespace(connection=connection))

    # then each list reads in the order added, numbered from 0 per user and list
    positions = dict(MovieListEntry.objects.values_list("pk", "position"))
    assert {name: positions[entry.pk] for name, entry in entries.items()} == {
        "a1": 0,
        "a2": 1,
        "a3": 2,
        "w1": 0,
        "b1": 0,
    }
    alice_ids = list_movie_ids(alice)["favorite_movie_ids"]
    assert alice_ids == [entries[name].movie_id for name in ("a1", "a2", "a3")]
