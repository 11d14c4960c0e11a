"""Profiles and /me/: who sees which profile, no mass assignment, profile pictures.

The movie lists (and the id lists on a profile) are tested in lists/tests/test_api.py."""

import io
import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from conftest import bearer_client
from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies.tests.factories import MovieFactory
from users.models import OTPCode, User

pytestmark = pytest.mark.django_db
ME = "/api/users/me/"
FAVORITES = "/api/users/me/favorites/"


# ------------------------------------------------------------ who sees which profile


def test_profile_list_shows_staff_everything_and_others_only_themselves(user, other_user, staff):
    # when a user and a staff member list profiles
    mine = bearer_client(user).get("/api/users/profiles/").json()
    everyone = bearer_client(staff).get("/api/users/profiles/").json()
    # then the user sees only themselves, staff see all
    assert [p["id"] for p in mine["results"]] == [user.pk]
    assert mine["count"] == 1
    assert {p["id"] for p in everyone["results"]} == {user.pk, other_user.pk, staff.pk}


def test_profiles_need_sign_in(api_client):
    assert api_client.get("/api/users/profiles/").status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_other_users_profile_and_lists_are_404_and_unchanged(user, other_user):
    # given B's favorite
    movie = MovieFactory()
    MovieListEntryFactory(user=other_user, movie=movie)
    client = bearer_client(user)

    # when A reads, patches and deletes B's things
    read = client.get(f"/api/users/profiles/{other_user.pk}/")
    patch = client.patch(f"/api/users/profiles/{other_user.pk}/", {"bio": "pwned"})
    delete = client.delete(f"/api/users/profiles/{other_user.pk}/")
    remove = client.delete(f"/api/users/me/favorites/{movie.pk}/")

    # then every attempt is refused and B's data is untouched
    assert read.status_code == HTTPStatus.NOT_FOUND
    assert patch.status_code == HTTPStatus.NOT_FOUND
    assert delete.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED)
    assert remove.status_code == HTTPStatus.NOT_FOUND
    other_user.refresh_from_db()
    assert other_user.bio == ""
    assert MovieListEntry.objects.filter(user=other_user, movie=movie).exists()
    # and A's own lists never show B's entries
    assert client.get(FAVORITES).json()["count"] == 0
    assert client.get(ME).json()["favorite_movie_ids"] == []


def test_staff_may_read_and_edit_any_profile_but_not_see_phones(staff, user):
    client = bearer_client(staff)
    response = client.patch(f"/api/users/profiles/{user.pk}/", {"bio": "moderated"})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["bio"] == "moderated"
    assert "phone_number" not in response.json()
    user.refresh_from_db()
    assert user.bio == "moderated"


# ----------------------------------------------------- /me, no mass assignment


def test_me_shows_own_profile_with_phone(user):
    body = bearer_client(user).get(ME).json()
    assert body["id"] == user.pk
    assert body["phone_number"] == user.phone_number
    assert body["favorite_movie_ids"] == []
    assert "password" not in body


def test_a_put_without_a_body_is_400_naming_what_it_replaces(user):
    # given a profile with a bio and a favorite
    movie = MovieFactory()
    MovieListEntryFactory(user=user, movie=movie)
    User.objects.filter(pk=user.pk).update(bio="kept")
    # when it is PUT without a body
    response = bearer_client(user).put(ME, format="json")
    # then each field a PUT replaces is required, and nothing changed
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        (name, "required")
        for name in (
            "email",
            "bio",
            "favorite_movie_ids",
            "watched_movie_ids",
            "watchlist_movie_ids",
        )
    }
    user.refresh_from_db()
    assert user.bio == "kept"
    assert list(MovieListEntry.objects.values_list("user", "movie")) == [(user.pk, movie.pk)]


def test_a_put_replaces_the_whole_profile(user):
    # given a favorite and a bio
    old, new = MovieFactory(), MovieFactory()
    MovieListEntryFactory(user=user, movie=old)
    # when the whole profile is PUT, with the same email
    body = {
        "email": user.email,
        "bio": "replaced",
        "favorite_movie_ids": [new.pk],
        "watched_movie_ids": [],
        "watchlist_movie_ids": [old.pk],
    }
    response = bearer_client(user).put(ME, body, format="json")
    # then the answer and the stored profile are what was sent
    assert response.status_code == HTTPStatus.OK, response.json()
    assert {name: response.json()[name] for name in body} == body
    user.refresh_from_db()
    assert user.bio == "replaced"
    assert set(MovieListEntry.objects.filter(user=user).values_list("kind", "movie")) == {
        (MovieListEntry.Kind.FAVORITE, new.pk),
        (MovieListEntry.Kind.WATCHLIST, old.pk),
    }


def test_an_empty_patch_changes_nothing(user):
    # given a bio
    User.objects.filter(pk=user.pk).update(bio="kept")
    # when the profile is PATCHed without a body
    response = bearer_client(user).patch(ME, format="json")
    # then 200 with the profile as it was
    assert response.status_code == HTTPStatus.OK
    assert response.json()["bio"] == "kept"
    user.refresh_from_db()
    assert user.bio == "kept"


def test_privileged_fields_cannot_be_set_through_me(user):
    # when the user tries to promote and re-verify themselves
    response = bearer_client(user).patch(
        ME,
        {
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "phone_verified": True,
            "phone_verified_at": "2000-01-01T00:00:00Z",
            "phone_number": "+14155552671",
            "phone": "+14155552671",
            "username": "admin",
            "password": "x",
            "bio": "hello",
        },
        format="json",
    )
    # then only the bio changed
    assert response.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.phone_number != "+14155552671"
    assert user.username != "admin"
    assert user.check_password("pass-Word-123")
    assert user.bio == "hello"


def test_no_response_leaks_secrets_or_other_phones(api_client, user, other_user, staff):
    # given responses of every kind: profiles (as staff), me, errors, login
    bodies = [
        bearer_client(staff).get("/api/users/profiles/").content,
        bearer_client(staff).get(f"/api/users/profiles/{other_user.pk}/").content,
        bearer_client(user).get(ME).content,
        bearer_client(user).patch(ME, {"email": other_user.email}).content,
        api_client.post(
            "/api/users/login/", {"username": other_user.username, "password": "x"}
        ).content,
        api_client.post(
            "/api/users/otp/resend/", {"phone_number": other_user.phone_number}
        ).content,
        api_client.post(
            "/api/users/otp/verify/", {"phone_number": other_user.phone_number, "code": "000000"}
        ).content,
    ]
    # then none contains a password hash, an OTP field or another user's phone
    for body in bodies:
        text = body.decode()
        assert other_user.password not in text
        assert "pbkdf2" not in text and "md5$" not in text
        assert "code_hash" not in text and "nonce" not in text
        assert other_user.phone_number not in text


def test_me_email_change_is_validated(user, other_user):
    client = bearer_client(user)
    password = {"current_password": "pass-Word-123"}
    taken = client.patch(ME, {"email": other_user.email.upper(), **password})
    bad = client.patch(ME, {"email": "nope", **password})
    good = client.patch(ME, {"email": "fresh@example.com", **password})
    assert taken.status_code == bad.status_code == HTTPStatus.BAD_REQUEST
    assert taken.json()["errors"][0]["field"] == "email"
    assert good.json()["email"] == "fresh@example.com"


# ------------------------------------------------------------------- profile pictures


def image_bytes(fmt="PNG", size=(8, 8), **save):
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format=fmt, **save)
    return out.getvalue()


def upload(user, content, name="me.jpg", content_type="image/jpeg"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return bearer_client(user).patch(ME, {"profile_picture": file}, format="multipart")


def test_real_image_is_reencoded_under_a_random_name(user):
    # given a JPEG with EXIF data and a hostile file name
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    content = image_bytes("JPEG", exif=exif.tobytes())
    # when it is uploaded
    response = upload(user, content, name="../../etc/passwd.jpg")
    # then it is stored re-encoded, without EXIF, under a random name in profiles/
    assert response.status_code == HTTPStatus.OK, response.json()
    user.refresh_from_db()
    name = user.profile_picture.name
    assert name.startswith("profiles/") and ".." not in name and "passwd" not in name
    with user.profile_picture.open("rb") as stored:
        data = stored.read()
    assert data != content
    assert b"SecretCam" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert response.json()["profile_picture"].endswith(name.split("/")[-1])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>"),
        ("page.jpg", b"<html><script>alert(1)</script></html>"),
        ("vector.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("anim.jpg", b"GIF89a/*" + b"\x00" * 20 + b"*/=alert(1);"),
        ("cut.png", image_bytes("PNG", size=(64, 64))[:60]),
        ("scan.jpg", image_bytes("TIFF")),
        ("old.jpg", image_bytes("GIF")),
        ("sky.jpg", b"SIMPLE  =                    T" + b" " * 2850),
    ],
    ids=["php", "html", "svg", "gif-js-polyglot", "truncated-png", "tiff", "gif", "fits"],
)
def test_non_images_and_other_formats_are_400(user, name, content):
    response = upload(user, content, name=name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in response.json()["errors"]] == ["profile_picture"]
    user.refresh_from_db()
    assert not user.profile_picture


def png_declaring(width, height):
    """A tiny PNG whose header claims width x height pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [50_000, 12_000])
def test_pixel_flood_is_400_without_decoding_a_pixel(user, side, monkeypatch):
    # given: a ~1 KB PNG whose header declares side x side pixels, and a spy on Pillow's
    # pixel decoder (refusing from the header is what keeps this cheap; counting decodes
    # judges that on any machine, where a stopwatch would not)
    content = png_declaring(side, side)
    assert len(content) < 1024
    decoded = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self, *args, **kwargs):
        decoded.append(self.size)
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    # when
    response = upload(user, content, name="flood.png", content_type="image/png")
    # then
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "profile_picture"
    assert decoded == []


def test_image_bomb_under_the_pixel_cap_is_400_and_nothing_is_stored(user):
    # given a 38-byte lossless WebP declaring 4999 x 5000 pixels (just under the cap)
    from core.tests.image_bombs import webp_bomb

    # when it is uploaded as a profile picture
    response = upload(user, webp_bomb(), name="me.webp", content_type="image/webp")
    # then it is refused on profile_picture for its pixels per byte, and nothing is kept
    assert response.status_code == HTTPStatus.BAD_REQUEST
    (error,) = response.json()["errors"]
    assert error["field"] == "profile_picture"
    assert error["code"] == "pixels_out_of_proportion"
    assert "pixels per byte" in error["message"]
    user.refresh_from_db()
    assert not user.profile_picture


def test_oversized_image_is_400_before_decoding(user, monkeypatch):
    # given an upload over 5 MB, and a decoder that must not be reached
    import core.images as images

    def fail(*args, **kwargs):
        raise AssertionError("decoded an oversized upload")

    monkeypatch.setattr(images.Image, "open", fail)
    content = b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024)
    # when it is uploaded, then it is refused on size
    response = upload(user, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    (error,) = response.json()["errors"]
    assert error["field"] == "profile_picture"
    assert "larger than 5 MB" in error["message"]


def test_too_many_files_in_one_request_is_400(user):
    files = {
        f"file{i}": SimpleUploadedFile(f"{i}.png", b"x", content_type="image/png")
        for i in range(101)
    }
    response = bearer_client(user).patch(ME, files, format="multipart")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    user.refresh_from_db()
    assert not user.profile_picture


def test_me_accepts_id_lists_in_multipart_with_a_picture(user):
    movie = MovieFactory()
    file = SimpleUploadedFile("me.png", image_bytes("PNG"), content_type="image/png")
    response = bearer_client(user).patch(
        ME,
        {"profile_picture": file, "favorite_movie_ids": [movie.pk], "bio": "hi"},
        format="multipart",
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json()["favorite_movie_ids"] == [movie.pk]
    assert User.objects.get(pk=user.pk).profile_picture.name.endswith(".png")


def test_admin_shows_otp_rows_without_the_hash(staff, fixed_codes, client):
    from users import services

    fixed_codes("123456")
    services.user_register(
        username="adm1",
        email="adm1@example.com",
        password="Sturdy-pass-42",
        phone_number="+14155552671",
        client_ip="127.0.0.1",
    )
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    client.force_login(staff)
    listing = client.get("/admin/users/otpcode/")
    otp = OTPCode.objects.get()
    detail = client.get(f"/admin/users/otpcode/{otp.pk}/change/")
    assert listing.status_code == detail.status_code == HTTPStatus.OK
    for page in (listing, detail):
        assert otp.code_hash not in page.content.decode()
        assert otp.nonce not in page.content.decode()
    assert client.get(f"/admin/users/user/{staff.pk}/change/").status_code == HTTPStatus.OK
