"""The import's own error codes (REST body `code`, GraphQL `extensions.reason`)."""

from enum import StrEnum


class ImportErrorCode(StrEnum):
    """Why an uploaded history file is refused as a whole (a bad row is only reported)."""

    UNKNOWN_FORMAT = "unknown_import_format"
    NOT_TEXT = "import_not_text"
    TOO_MANY_ROWS = "import_too_many_rows"
    FILE_TOO_LARGE = "import_file_too_large"
