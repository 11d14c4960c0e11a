"""The browser's part of Sign in with Movie API, played with ``requests`` against the live
movie API: its sign-in page, then its consent page. For end-to-end and load tests."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    """Every form's action and its inputs' names and values (buttons included)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action") or "", "fields": {}, "id": attrs.get("id")}
            )
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            if tag == "button" and attrs.get("name") != "allow":
                return
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def _form(response: requests.Response, form_id: str | None = None) -> tuple[str, dict]:
    parser = _Forms()
    parser.feed(response.text)
    forms = [f for f in parser.forms if form_id is None or f["id"] == form_id]
    assert forms, f"no form on {response.url}: {response.text[:500]}"
    return urljoin(response.url, forms[0]["action"] or response.url), dict(forms[0]["fields"])


def consent_through_the_api(
    authorize_url: str,
    username: str,
    password: str,
    *,
    headers: dict[str, str] | None = None,
    allow: bool = True,
    timeout: float = 60.0,
) -> str:
    """Follow the authorize URL as a browser would: sign in at the API, allow (or deny) the
    desk, and answer the callback URL the API sends the browser back to (not followed).

    ``headers`` go with every request (an ``X-Forwarded-For`` to stand for another address).
    """
    browser = requests.Session()
    browser.headers.update(headers or {})

    def go(url: str, **kw) -> requests.Response:
        method = "post" if "data" in kw else "get"
        return getattr(browser, method)(url, allow_redirects=False, timeout=timeout, **kw)

    response = go(authorize_url)
    consented = signed_in = False
    for _ in range(6):
        if response.status_code in (301, 302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if "/oauth/callback/" in location:
                assert allow or consented, "denied, but the API never asked"
                return location
            response = go(location)
            continue
        assert response.status_code in (200, 400), (response.status_code, response.text[:500])
        if 'name="password"' in response.text:
            assert not signed_in, f"the API refused the sign-in of {username!r}"
            signed_in = True
            action, fields = _form(response)
            fields.update(username=username, password=password)
            response = go(action, data=fields, headers={"Referer": response.url})
        elif 'id="consent"' in response.text:
            action, fields = _form(response, "consent")
            consented = True
            if not allow:
                fields.pop("allow", None)
            response = go(action, data=fields, headers={"Referer": response.url})
        else:
            raise AssertionError(f"unexpected page {response.url}: {response.text[:800]}")
    raise AssertionError(f"no callback after the sign-in and consent pages: {response.url}")


def revoke_the_desk_at_the_api(api_base: str, username: str, password: str, client_id: str):
    """What the person does in the movie API: ``DELETE /api/users/me/apps/{id}/`` for the
    desk (signed in to the API's REST door with their password). Answers the app's id."""
    login = requests.post(
        f"{api_base}/api/users/login/",
        json={"username": username, "password": password},
        timeout=60,
    )
    assert login.status_code == 200, login.text[:300]
    bearer = {"Authorization": f"Bearer {login.json()['access']}"}
    apps = requests.get(f"{api_base}/api/users/me/apps/", headers=bearer, timeout=60)
    assert apps.status_code == 200, apps.text[:300]
    [app] = [a for a in apps.json() if a["client_id"] == client_id]
    gone = requests.delete(f"{api_base}/api/users/me/apps/{app['id']}/", headers=bearer, timeout=60)
    assert gone.status_code == 204, gone.text[:300]
    return app["id"]
