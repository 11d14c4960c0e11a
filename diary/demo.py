"""The demo user's diary (`load_demo_data`, through movies/demo_parts.py).

Two years of watches, most in 2025, so the demo account has a year in review worth
reading (docs/guide/diary.md draws it). Entries go through `diary_entry_create`, so the
diary's rules hold: the first watch of a movie puts it on `watched`, a later one is a
rewatch, the rating of the latest watch becomes the movie's rating (where the demo user
also reviewed the movie, the same rating as the review). Keyed by (movie, date): a rerun
creates nothing.
"""

from diary.models import DiaryEntry
from diary.services import diary_entry_create
from movies.models import Movie

DEMO_USER = "demo"
# The year docs/guide/diary.md shows.
DEMO_YEAR = 2025

# (imdb id, watched on, rating or None, liked, tags)
DEMO_DIARY = (
    ("tt0133093", "2024-10-12", 5, False, ["home"]),
    ("tt0468569", "2024-11-30", 5, True, ["cinema"]),
    ("tt0113277", "2024-12-21", 4, False, ["home"]),
    ("tt0133093", "2025-01-03", 5, True, ["home", "with friends"]),
    ("tt0234215", "2025-01-11", 3.5, False, ["home"]),
    ("tt0242653", "2025-01-25", 3, False, ["home"]),
    ("tt0111161", "2025-02-08", 5, True, ["home"]),
    ("tt0114369", "2025-02-22", 4, False, ["home"]),
    ("tt0110912", "2025-03-07", 4, True, ["cinema", "with friends"]),
    ("tt0119396", "2025-03-29", 3.5, False, ["home"]),
    ("tt0068646", "2025-04-19", 5, True, ["home"]),
    ("tt0071562", "2025-05-03", 4.5, True, ["home"]),
    ("tt0113277", "2025-05-17", 4.5, True, ["cinema"]),
    ("tt1302006", "2025-05-31", 3.5, False, ["home"]),
    ("tt0120815", "2025-06-14", 4.5, False, ["home"]),
    ("tt0407887", "2025-06-28", 4, False, ["with friends"]),
    ("tt0372784", "2025-07-04", 4, False, ["home"]),
    ("tt0468569", "2025-07-11", 5, True, ["cinema"]),
    ("tt1345836", "2025-07-18", 3, False, ["cinema"]),
    ("tt4425200", "2025-07-26", 3.5, False, ["with friends"]),
    ("tt6146586", "2025-08-09", 3, False, ["with friends"]),
    ("tt0240772", "2025-08-23", 4, True, ["home"]),
    ("tt0114746", "2025-09-20", 4, False, ["home"]),
    ("tt0217869", "2025-10-04", 3.5, False, ["home"]),
    ("tt6823368", "2025-10-18", 2.5, False, ["home"]),
    ("tt0118971", "2025-10-31", 3.5, False, ["home"]),
    ("tt0264464", "2025-11-15", 4, True, ["with friends"]),
    ("tt0120338", "2025-11-29", None, False, ["home"]),
    ("tt7131622", "2025-12-06", 4, True, ["cinema"]),
    ("tt0111161", "2025-12-24", 5, True, ["home", "with friends"]),
    ("tt0133093", "2025-12-31", 5, True, ["home"]),
)


def demo_diary_load(*, users: dict) -> int:
    """Log the demo user's watches that are not in the diary yet; how many were logged."""
    user = users[DEMO_USER]
    movie_ids = dict(
        Movie.objects.filter(imdb_id__in={row[0] for row in DEMO_DIARY}).values_list(
            "imdb_id", "pk"
        )
    )
    logged = {
        (movie_id, watched_on.isoformat())
        for movie_id, watched_on in DiaryEntry.objects.filter(user=user).values_list(
            "movie_id", "watched_on"
        )
    }
    created = 0
    for imdb_id, watched_on, rating, liked, tags in DEMO_DIARY:
        movie_id = movie_ids.get(imdb_id)
        if movie_id is None or (movie_id, watched_on) in logged:
            continue
        diary_entry_create(
            user=user,
            movie_id=movie_id,
            watched_on=watched_on,
            rating=rating,
            liked=liked,
            tags=tags,
        )
        created += 1
    return created
