"""The year in review of the demo user's diary, drawn for docs/guide/diary.md.

    python -m scripts.docs.year_in_review     # rewrites the example and the chart

Loads the demo data (`load_demo_data`, which gains the demo diary from diary/demo.py)
into a throwaway SQLite database, asks `GET /api/users/me/stats/?year=2025` as the demo
user, writes the answer into the page between its markers and draws
docs/guide/diary-year-in-review.png from it. The chart carries the answer it was drawn
from (a PNG text chunk), so diary/tests/test_year_in_review_doc.py checks the page and
the chart against the demo data as it is today, without comparing pixels.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "guide" / "diary.md"
CHART = REPO / "docs" / "guide" / "diary-year-in-review.png"
BEGIN, END = "<!-- year-in-review:begin -->", "<!-- year-in-review:end -->"
# The PNG text chunk holding the answer the chart was drawn from.
CHUNK = "Year in review"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def demo_review() -> dict:
    """Load the demo data into the current database; the demo user's year in review as
    the REST door answers it."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from diary.demo import DEMO_USER, DEMO_YEAR

    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=DEMO_USER))
    response = client.get(f"/api/users/me/stats/?year={DEMO_YEAR}")
    assert response.status_code == 200, response.content
    return response.json()


def without_ids(value):
    """The answer with every `id` left out: ids depend on the database, not the diary."""
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def _pretty(review: dict) -> str:
    """JSON with one line per figure, and per item of a list."""
    lines = []
    for key, value in review.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {json.dumps(item)}" for item in value)
            lines.append(f'  "{key}": [\n{items}\n  ]')
        else:
            lines.append(f'  "{key}": {json.dumps(value)}')
    return "{\n" + ",\n".join(lines) + "\n}"


def example_block(review: dict) -> str:
    return f"{BEGIN}\n```json\n{_pretty(review)}\n```\n{END}"


def page_example(text: str) -> dict:
    """The answer the page shows."""
    match = re.search(re.escape(BEGIN) + r"\n```json\n(.*?)\n```\n" + re.escape(END), text, re.S)
    assert match, f"no {BEGIN} … {END} block in {PAGE}"
    return json.loads(match.group(1))


def chart_source(path: Path) -> dict:
    """The answer a chart was drawn from."""
    from PIL import Image

    with Image.open(path) as image:
        return json.loads(image.text[CHUNK])


def draw(review: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    figure, (months, ratings, genres) = plt.subplots(
        1, 3, figsize=(13, 4.2), gridspec_kw={"width_ratios": [3, 2, 2]}
    )
    by_month = [row["entries"] for row in review["by_month"]]
    months.bar(range(12), by_month, color="tab:blue")
    months.set_xticks(range(12), MONTHS)
    months.set_title("Watches by month")
    months.set_ylabel("diary entries")
    months.yaxis.get_major_locator().set_params(integer=True)

    histogram = review["rating_histogram"]
    ratings.bar(range(len(histogram)), [row["entries"] for row in histogram], color="tab:orange")
    ratings.set_xticks(
        range(len(histogram)), [f"{row['rating']:g}" for row in histogram], fontsize=9
    )
    ratings.set_title("Ratings given (half stars)")
    ratings.set_ylabel("rated entries")
    ratings.yaxis.get_major_locator().set_params(integer=True)

    top = review["top_genres"][:6][::-1]
    genres.barh([row["name"] for row in top], [row["movies"] for row in top], color="tab:green")
    genres.set_title("Top genres")
    genres.set_xlabel("distinct movies")
    genres.xaxis.get_major_locator().set_params(integer=True)

    hours = review["minutes_watched"] / 60
    figure.suptitle(
        f"The demo diary's {review['year']}: {review['entries']} watches of "
        f"{review['movies']} movies ({review['rewatches']} rewatches), {hours:.0f} hours"
    )
    figure.tight_layout()
    # No software or date chunks: the file changes only when the answer does.
    metadata = {"Software": None, CHUNK: json.dumps(without_ids(review), sort_keys=True)}
    figure.savefig(path, dpi=90, metadata=metadata)
    plt.close(figure)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "movie_api.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/demo.sqlite3"
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        review = demo_review()
    text = PAGE.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    PAGE.write_text(text[:start] + example_block(review) + text[end:])
    draw(review, CHART)
    print(f"wrote {PAGE.relative_to(REPO)} and {CHART.relative_to(REPO)}")


if __name__ == "__main__":
    main()
