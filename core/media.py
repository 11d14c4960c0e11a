"""Storing and deleting uploaded files, on local disk or S3-compatible storage.

Which storage is used is a setting (STORAGES["default"]; docs/deploy.md). What is the
same everywhere: a store that fails makes the write fail cleanly (StorageUnavailable,
a 503 naming the field, nothing saved), and a replaced or deleted file is removed
only after the database change commits, so a rolled-back write never loses a file.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.db import transaction

from core.errors import CommonErrorCode, Unavailable

logger = logging.getLogger(__name__)

# What a storage backend raises when the store is unreachable or refuses the call.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class StorageUnavailable(Unavailable):
    """The file store failed; nothing was saved (503 `storage_unavailable` naming the field)."""

    default_message = "The file store is unavailable. Nothing was saved; please try again later."

    def __init__(self, field: str):
        super().__init__(code=CommonErrorCode.STORAGE_UNAVAILABLE)
        self.field = field


def store_file(field_file, content, *, field: str) -> str:
    """Save `content` into `field_file` (not the row); return the stored name."""
    try:
        field_file.save(content.name, content, save=False)
    except STORAGE_ERRORS as exc:
        logger.warning("File store failed saving %s: %s", field, exc.__class__.__name__)
        raise StorageUnavailable(field) from exc
    return field_file.name


def delete_quietly(storage, name: str) -> None:
    """Remove `name`; a failure leaves an orphan object (logged), never a failed request."""
    try:
        storage.delete(name)
    except STORAGE_ERRORS as exc:
        logger.warning("File store failed deleting %s: %s", name, exc.__class__.__name__)


def delete_on_commit(storage, name: str) -> None:
    """Remove `name` once the current transaction commits (at once outside one)."""
    if name:
        transaction.on_commit(lambda: delete_quietly(storage, name))


@contextmanager
def file_replaced(instance, attname: str, content) -> Iterator[None]:
    """Put `content` (a checked File, or None to clear) into `instance.<attname>` for the
    row saved inside the block; the public field name in errors is `attname`.

    The new file is stored on entry (StorageUnavailable if the store fails). If the
    block raises, the new file is removed again and the error propagates. Otherwise
    the file it replaced is removed once the surrounding transaction commits, so a
    rolled-back write never loses the old file. Use it inside `transaction.atomic`.
    """
    field_file = getattr(instance, attname)
    old_name = field_file.name
    new_name = ""
    if content:
        new_name = store_file(field_file, content, field=attname)
    else:
        setattr(instance, attname, "")
    try:
        yield
    except BaseException:
        if new_name:
            delete_quietly(field_file.storage, new_name)
        raise
    if old_name and old_name != new_name:
        delete_on_commit(field_file.storage, old_name)
