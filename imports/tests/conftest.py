import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from movies.tests.factories import MovieFactory

FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    """A fixture file (or `content`) as Django hands an upload to the service."""
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content)


@pytest.fixture
def catalog(db):
    """The movies the fixtures name; a second "Heat" of another year needs the year."""
    return {
        "tiger": MovieFactory(
            title="Crouching Tiger, Hidden Dragon",
            release_date=datetime.date(2000, 7, 6),
            imdb_id="tt0190332",
            tmdb_id=146,
        ),
        "heat": MovieFactory(
            title="Heat", release_date=datetime.date(1995, 12, 15), imdb_id="tt0113277", tmdb_id=949
        ),
        "heat_1986": MovieFactory(
            title="Heat", release_date=datetime.date(1986, 3, 14), imdb_id=None, tmdb_id=None
        ),
        "ugly": MovieFactory(
            title="The Good, the Bad and the Ugly",
            release_date=datetime.date(1966, 12, 23),
            imdb_id="tt0060196",
            tmdb_id=429,
        ),
    }
