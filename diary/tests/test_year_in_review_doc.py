"""docs/guide/diary.md shows the demo diary's year in review and a chart of it: both
match what the demo data answers today (scripts/docs/year_in_review.py rewrites them)."""

import pytest

from scripts.docs import year_in_review as doc


@pytest.mark.django_db
def test_the_page_and_the_chart_show_what_the_demo_diary_answers():
    # given the demo data, and the demo user's year in review as REST answers it
    review = doc.without_ids(doc.demo_review())

    # then the page's example and the chart's source are that answer (ids aside)
    assert doc.without_ids(doc.page_example(doc.PAGE.read_text())) == review, (
        "run python -m scripts.docs.year_in_review"
    )
    assert doc.chart_source(doc.CHART) == review, "run python -m scripts.docs.year_in_review"
    # and the page shows the chart
    assert f"]({doc.CHART.name})" in doc.PAGE.read_text()
