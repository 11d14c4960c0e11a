"""The vendored ReDoc bundle is drf-yasg's, minus its one CDN request (static/drf-yasg/redoc/)."""

from pathlib import Path

import drf_yasg
from django.conf import settings
from django.contrib.staticfiles import finders

CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
INLINE_LOGO = b"data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E"
VENDORED = Path(settings.BASE_DIR) / "static/drf-yasg/redoc/redoc.min.js"
INSTALLED = Path(drf_yasg.__file__).parent / "static/drf-yasg/redoc/redoc.min.js"


def test_the_vendored_bundle_is_the_installed_one_without_the_cdn_logo():
    # given
    installed = INSTALLED.read_bytes()

    # when
    vendored = VENDORED.read_bytes()

    # then: one replacement, nothing else (a drf-yasg upgrade must refresh the copy)
    assert installed.count(CDN_LOGO) == 1
    assert CDN_LOGO not in vendored
    assert vendored == installed.replace(CDN_LOGO, INLINE_LOGO)


def test_the_static_finders_serve_the_vendored_copy():
    assert Path(finders.find("drf-yasg/redoc/redoc.min.js")) == VENDORED
