"""Posters on S3-compatible storage, against a real S3 API server on loopback (moto).

Slow tier: starts `moto_server` on a free port. The storage settings are those
movie_api/settings/stores.py builds from AWS_STORAGE_BUCKET_NAME (docs/deploy.md).
"""

import shutil
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.config import Config as BotoConfig
from django.core.files.uploadedfile import SimpleUploadedFile

from movie_api.settings.stores import s3_storage
from movies.models import Movie
from movies.tests.api.test_posters import image_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BUCKET = "movie-media-test"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on 127.0.0.1, stopped after this module's tests."""
    port = free_port()
    binary = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(endpoint, timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


def s3_client(endpoint):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", config=BotoConfig(), **KEYS
    )


def stored_keys(endpoint) -> set[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def use_s3(settings, endpoint, *, signed=True):
    """The STORAGES entry production builds, pointed at `endpoint`."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=BUCKET,
            endpoint_url=endpoint,
            signed=signed,
            region_name="us-east-1",
            access_key=KEYS["aws_access_key_id"],
            secret_key=KEYS["aws_secret_access_key"],
        ),
    }


@pytest.fixture
def s3(settings, s3_endpoint):
    """An empty bucket on the moto server, configured as the media storage."""
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    use_s3(settings, s3_endpoint)
    yield s3_endpoint
    for key in stored_keys(s3_endpoint):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)


def upload(name="poster.png", size=(40, 30)):
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


def create_movie(client, title="Stored in S3"):
    return client.post("/api/movies/", {"title": title, "poster": upload()}, format="multipart")


def test_a_poster_is_uploaded_and_read_back_by_its_signed_url(staff_client, s3):
    # when
    response = create_movie(staff_client)
    # then: re-encoded under a random name in the bucket
    assert response.status_code == HTTPStatus.CREATED, response.content
    movie = Movie.objects.get()
    assert movie.poster.name.startswith("posters/") and movie.poster.name.endswith(".png")
    assert stored_keys(s3) == {movie.poster.name}
    # and the URL the API answers is a signed one that serves the image
    url = response.json()["poster"]
    assert url.startswith(f"{s3}/{BUCKET}/posters/")
    assert "X-Amz-Signature=" in urlsplit(url).query
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == HTTPStatus.OK
    assert fetched.headers["Content-Type"] == "image/png"
    assert fetched.content.startswith(b"\x89PNG")


def test_public_urls_are_plain_when_signing_is_off(staff_client, s3, settings):
    # given
    use_s3(settings, s3, signed=False)
    # when
    url = create_movie(staff_client).json()["poster"]
    # then
    assert url.startswith(f"{s3}/{BUCKET}/posters/")
    assert urlsplit(url).query == ""


def test_replacing_a_poster_removes_the_old_object_after_commit(
    staff_client, s3, django_capture_on_commit_callbacks
):
    # given
    movie_id = create_movie(staff_client).json()["id"]
    old_name = Movie.objects.get(pk=movie_id).poster.name
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.patch(
            f"/api/movies/{movie_id}/", {"poster": upload("new.png", (20, 20))}, format="multipart"
        )
    # then: only the new object is left, and it was deleted by the commit hook
    assert response.status_code == HTTPStatus.OK, response.content
    new_name = Movie.objects.get(pk=movie_id).poster.name
    assert new_name != old_name
    assert len(callbacks) == 1
    assert stored_keys(s3) == {new_name}


def test_deleting_a_movie_removes_its_poster(staff_client, s3, django_capture_on_commit_callbacks):
    # given
    movie_id = create_movie(staff_client).json()["id"]
    assert len(stored_keys(s3)) == 1
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.delete(f"/api/movies/{movie_id}/")
    # then
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Movie.objects.filter(pk=movie_id).exists()
    assert stored_keys(s3) == set()


def test_a_store_that_is_down_fails_the_write_cleanly(staff_client, s3, settings):
    # given: a movie with a poster, then the store stops answering
    movie_id = create_movie(staff_client).json()["id"]
    before = Movie.objects.get(pk=movie_id)
    use_s3(settings, f"http://127.0.0.1:{free_port()}")
    # when
    response = staff_client.patch(
        f"/api/movies/{movie_id}/",
        {"title": "Renamed", "poster": upload("new.png")},
        format="multipart",
    )
    # then: a 503 naming the field, and the row exactly as it was
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["code"] == "storage_unavailable"
    assert body["errors"] == [
        {"field": "poster", "code": "storage_unavailable", "message": body["detail"]}
    ]
    after = Movie.objects.get(pk=movie_id)
    assert (after.title, after.poster.name) == (before.title, before.poster.name)
    assert stored_keys(s3) == {before.poster.name}


def test_a_store_that_is_down_fails_a_create_cleanly(staff_client, s3, settings):
    # given
    use_s3(settings, f"http://127.0.0.1:{free_port()}")
    # when: a new movie whose poster cannot be stored
    response = create_movie(staff_client, title="Never saved")
    # then
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["errors"][0]["field"] == "poster"
    assert not Movie.objects.filter(title="Never saved").exists()
