"""The diary's operations (core/operations.py says what each part means).

All three are the caller's own writes: signed in, one transaction, and only the
general per-user limits (no scope of their own: a watch logged is no guess at a secret).
"""

from core.operations import Credentials, Operation

LOG_WATCH = Operation("log_watch", credentials=Credentials.SIGNED_IN)
UPDATE_DIARY_ENTRY = Operation("update_diary_entry", credentials=Credentials.SIGNED_IN)
DELETE_DIARY_ENTRY = Operation("delete_diary_entry", credentials=Credentials.SIGNED_IN)
