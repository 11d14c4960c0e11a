"""Poster uploads (content, pixels, size): real images are re-encoded; anything else is a
400 on `poster`."""

import io
import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.tests.image_bombs import webp_bomb
from movies.models import Movie
from movies.tests.factories import MovieFactory


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def png_header_bomb(width=50_000, height=50_000) -> bytes:
    """A tiny PNG whose header declares width x height pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def post_movie(client, name, content, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        "/api/movies/", {"title": "Poster test", "poster": upload}, format="multipart"
    )


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg")])
def test_real_image_is_accepted_and_re_encoded(staff_client, db, fmt, ext):
    # given a real image with a hostile name
    content = image_bytes(fmt) + b"<?php echo 'trailing payload'; ?>"
    # when staff uploads it
    response = post_movie(staff_client, f"../../evil.{ext}", content, f"image/{ext}")
    # then it is stored under posters/ with a random name, re-encoded (payload gone)
    assert response.status_code == HTTPStatus.CREATED, response.content
    movie = Movie.objects.get()
    assert movie.poster.name.startswith("posters/")
    assert "evil" not in movie.poster.name and ".." not in movie.poster.name
    stored = movie.poster.read()
    assert b"php" not in stored
    assert Image.open(io.BytesIO(stored)).format == fmt
    assert response.json()["poster"].endswith(movie.poster.name)


def test_multipart_form_carries_lists(staff_client, db):
    from movies.tests.factories import GenreFactory

    g1, g2 = GenreFactory(), GenreFactory()
    upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    response = staff_client.post(
        "/api/movies/",
        {"title": "Form", "genres": [g1.pk, g2.pk], "poster": upload},
        format="multipart",
    )
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert sorted(g["id"] for g in response.json()["genres"]) == [g1.pk, g2.pk]


BAD_UPLOADS = [
    ("text renamed .jpg", "poster.jpg", b"just some text, not an image" * 10),
    ("html renamed .png", "poster.png", b"<html><script>alert(1)</script></html>"),
    ("svg", "poster.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ("gif", "poster.gif", None),
    ("truncated png", "poster.png", "truncated"),
    ("50,000 x 50,000 header bomb", "bomb.png", "bomb"),
    ("12,000 x 12,000 (144 MP)", "big.png", "big"),
    ("38-byte WebP of 4999 x 5000", "bomb.webp", "webp bomb"),
    ("6 MB", "huge.png", "huge"),
]


@pytest.mark.parametrize(("label", "name", "content"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_upload_is_400_naming_poster(staff_client, db, label, name, content):
    # given an upload that is not an acceptable image
    if content is None:
        out = io.BytesIO()
        Image.new("P", (10, 10)).save(out, format="GIF")
        content = out.getvalue()
    elif content == "truncated":
        content = image_bytes("PNG", (300, 300))[:200]
    elif content == "bomb":
        content = png_header_bomb()
    elif content == "big":
        content = png_header_bomb(12_000, 12_000)
    elif content == "webp bomb":
        content = webp_bomb()
    elif content == "huge":
        content = image_bytes("PNG", (10, 10)) + b"\x00" * (6 * 1024 * 1024)
    # when staff uploads it
    response = post_movie(staff_client, name, content)
    # then 400 names `poster`, and no movie was created
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["poster"]
    assert Movie.objects.count() == 0


def test_replacing_poster_keeps_one_file_and_removing_clears(staff_client, db):
    movie = MovieFactory()
    upload = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")
    first = staff_client.patch(f"/api/movies/{movie.pk}/", {"poster": upload}, format="multipart")
    assert first.status_code == HTTPStatus.OK
    movie.refresh_from_db()
    assert movie.poster.name
    cleared = staff_client.patch(f"/api/movies/{movie.pk}/", {"poster": None}, format="json")
    assert cleared.status_code == HTTPStatus.OK
    assert cleared.json()["poster"] is None
    movie.refresh_from_db()
    assert movie.poster.name == ""
