"""GraphiQL works offline: every script and style comes from this server."""

import re
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

URL = "/graphql/"


@pytest.fixture
def page(client):
    with override_settings(GRAPHQL_GRAPHIQL=True):
        response = client.get(URL, HTTP_ACCEPT="text/html")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def referenced_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.django_db
def test_graphiql_page_references_no_external_host(page):
    # when a browser opens /graphql/
    urls = referenced_urls(page)

    # then the IDE is served, and every asset it loads is a local /static/ path
    assert "GraphiQL" in page
    assert len(urls) >= 8
    assert all(url.startswith("/static/") for url in urls), urls
    assert "cdn.jsdelivr.net" not in page
    assert "//" not in "".join(urls)


@pytest.mark.django_db
def test_every_graphiql_asset_is_served(page):
    # given a server that serves static files the way runserver does (whitenoise reading
    # the finders; in production it serves the collectstatic copy of the same files)
    from django.test import Client

    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        client = Client()
        client.get("/healthz")
    # given every asset the page references
    for url in referenced_urls(page):
        # then the static files finders have it
        path = url.removeprefix("/static/")
        assert finders.find(path), f"{url} is not among the static files"
        # and the server serves it (whitenoise/staticfiles in this test setup)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(content) > 100, url


@pytest.mark.django_db
def test_graphiql_assets_match_their_integrity_hashes(page):
    # given the SRI hashes graphene-django pins for the CDN files
    import base64
    import hashlib

    pairs = re.findall(r'(?:src|href)="/static/([^"]+)"\s+integrity="(sha256-[^"]+)"', page)

    # then each vendored file is byte-identical to the pinned npm file
    assert len(pairs) == 8
    for path, integrity in pairs:
        with open(finders.find(path), "rb") as asset:
            digest = base64.b64encode(hashlib.sha256(asset.read()).digest()).decode()
        assert f"sha256-{digest}" == integrity, path


@pytest.mark.django_db
def test_json_clients_get_json_not_the_ide(client):
    # when a client asks for JSON with GraphiQL on
    with override_settings(GRAPHQL_GRAPHIQL=True):
        response = client.get(
            URL, {"query": "{ allGenres { totalCount } }"}, HTTP_ACCEPT="application/json"
        )

    # then JSON
    assert response.json() == {"data": {"allGenres": {"totalCount": 0}}}
