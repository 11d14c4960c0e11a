"""The OpenAPI words of the history import (how they are read: core/operation_docs.py).
Keep them in step with README.md's "Import and export". The export's words are in
lists/api/docs.py (`users_me_export_list`)."""

from core.operation_docs import Operation

OPERATIONS = {
    "users_me_import_create": Operation(
        "Import a viewing history",
        "Takes one multipart `file`: Letterboxd's `diary.csv`, `ratings.csv` or "
        "`watchlist.csv`, IMDb's `ratings.csv` (1-10 become half stars), or Trakt's history "
        "JSON; the format is recognised from the content. Movies are found by IMDb or TMDB "
        "id, then by title and year. Diary rows are keyed by (movie, watched date), ratings "
        "and watchlist rows by the movie, so importing a file again creates nothing. The "
        "whole file is one transaction. `dry_run=true` answers the same report and writes "
        "nothing. Rows that cannot be read or name no catalog movie are listed in "
        "`unmatched` with their line and reason; the others import. A file that is no "
        "known format is 400 naming `file`; one over the size or row limit is 413 naming "
        "the limit. Needs a token.",
        responses={
            200: {
                "format": "letterboxd-diary",
                "created": 412,
                "updated": 3,
                "unchanged": 0,
                "unmatched": [
                    {
                        "line": 17,
                        "title": "A Movie Nobody Catalogued",
                        "year": 2019,
                        "reason": "No movie in the catalog has this IMDb id, TMDB id, or "
                        "title and year.",
                    }
                ],
                "dry_run": False,
            }
        },
    ),
}
