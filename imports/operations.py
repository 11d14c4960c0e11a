"""The history import's operation: its own per-address limit (settings'
DEFAULT_THROTTLE_RATES["import"]), signed-in callers only, one transaction.

core/operations.py says what each part means. The export is a read and names the
accounts' ACCOUNT_EXPORT (users/operations.py).
"""

from core.operations import Credentials, Operation

HISTORY_IMPORT = Operation("history_import", scope="import", credentials=Credentials.SIGNED_IN)
