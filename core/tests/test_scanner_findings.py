"""Server errors found by hand-made hostile inputs, fixed in the shared front door.

A JSON body nested 10,000 levels deep made `json.load` raise RecursionError (not the
ValueError DRF's parser turns into a 400), so every REST endpoint that reads a body
answered 500.
"""

from http import HTTPStatus

import pytest

from movies.models import Genre
from users.models import User

pytestmark = pytest.mark.django_db

DEEP_ARRAY = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/api/movies/genres/", "staff"),
        ("/api/movies/", "staff"),
        ("/api/users/register/", "anonymous"),
        ("/api/users/login/", "anonymous"),
        ("/api/users/me/favorites/", "user"),
    ],
)
def test_deeply_nested_json_is_a_parse_error(
    api_client, auth_client, staff_client, path, who, body
):
    # given a client of the right kind for the endpoint
    client = {"staff": staff_client, "anonymous": api_client, "user": auth_client}[who]
    users_before = User.objects.count()
    # when it posts JSON nested 10,000 levels deep
    response = client.post(path, body, content_type="application/json")
    # then it is a 400 parse error in the one error shape, and nothing was written
    assert response.status_code == HTTPStatus.BAD_REQUEST
    data = response.json()
    assert data["status"] == HTTPStatus.BAD_REQUEST
    assert data["code"] == "parse_error"
    assert data["errors"][0]["code"] == "parse_error"
    assert not Genre.objects.exists()
    assert User.objects.count() == users_before
