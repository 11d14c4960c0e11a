"""The API's own OAuth pages in Debian's Chromium: sign-in and consent, at 375 and 1280 px.

A client (its callback on another origin) sends the browser to /o/authorize/; without a
session it lands on the API's sign-in page, signs in with the keyboard only (Tab, typing,
Enter), and reaches the consent page: Allow returns to the client with a code that the
token endpoint exchanges, Deny returns `error=access_denied`. A TV's user code is typed
and approved on the device pages, and the TV's poll gets tokens. An account whose failed
sign-ins demand a step-up gets the code field inside the flow, and the texted code (the
console SMS backend writes it in the server log) completes it. axe-core finds no
violation on any of these pages, and none scrolls sideways or logs a console error.

Set ``OAUTH_SCREENSHOTS_DIR`` to keep screenshots of the sign-in and consent pages (that
is how ``docs/oauth/`` is made: see docs/oauth.md, "Screenshots").
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import secrets
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.browser.accessibility import (
    axe_violations,
    describe_focus,
    focus_is_visible,
    horizontal_overflow,
)
from tests.browser.chromium import console_errors, full_page_png, navigate, wait
from tests.live_server import LiveServer, manage, serve, server_env

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DEMO = ("demo", os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123"))
STEPPER = ("stepper", "stepper-Pass-123", "+14155550177")
HEIGHT = 900
WIDTHS = [1280, 375]
SECRET = "browser-test-client-secret"
SCOPES = "openid profile read write:reviews"
SMS_WAIT_SECONDS = 60


def client_origin(url: str) -> str:
    """The same server under another name: the client's callback is on another origin,
    as a real client's is (the consent page's Content-Security-Policy must let the
    browser follow Allow's redirect there)."""
    return url.replace("//127.0.0.1:", "//localhost:")


@pytest.fixture(scope="module")
def oauth_site(tmp_path_factory) -> LiveServer:
    """The movie API with demo data and static files, a second account with a phone for
    the step-up, and OAuth clients whose callback is this server's /healthz.

    NUM_PROXIES=1 lets the test play attackers from many addresses (X-Forwarded-For on
    its own requests); the browser sends no such header, so it is counted by its socket.
    """
    workdir: Path = tmp_path_factory.mktemp("oauth_pages_site")
    env = server_env(
        workdir,
        {"STATIC_ROOT": str(workdir / "static"), "LOG_LEVEL": "INFO", "NUM_PROXIES": "1"},
    )
    log = workdir / "server.log"
    manage(["migrate", "--noinput"], env, log)
    manage(["load_demo_data"], env, log)
    manage(["collectstatic", "--noinput"], env, log)
    username, password, phone = STEPPER
    manage(
        [
            "shell",
            "-c",
            "from django.utils import timezone; from users.models import User; "
            f"User.objects.create_user({username!r}, {username + '@example.com'!r}, "
            f"{password!r}, phone_number={phone!r}, phone_verified_at=timezone.now())",
        ],
        env,
        log,
    )
    with serve(env, log) as url:
        for client_id in ("allow-1280", "allow-375", "deny", "step-up"):
            client = ["--client-id", client_id, "--client-secret", SECRET]
            callback = ["--redirect-uri", f"{client_origin(url)}/healthz"]
            manage(
                ["register_oauth_client", "--name", "Movie API help desk", *client, *callback],
                env,
                log,
            )
        tv = ["--client-id", "tv", "--public", "--grant", "device-code"]
        manage(["register_oauth_client", "--name", "Living-room TV", *tv], env, log)
        yield LiveServer(url=url, log=log)


@pytest.fixture
def open_browser(request, tmp_path):
    """Chromium windows of a given width; each is screenshotted if the test fails."""
    import contextlib

    from tests.browser.chromium import chromium, screenshot_on_failure

    with contextlib.ExitStack() as stack:

        def opened(width: int):
            driver = stack.enter_context(chromium(tmp_path, width=width, height=HEIGHT))
            return stack.enter_context(screenshot_on_failure(request, driver, tmp_path))

        yield opened


class Flow:
    """One authorization request of a client, as a browser lives it."""

    def __init__(self, site: LiveServer, client_id: str) -> None:
        self.site, self.client_id = site, client_id
        self.verifier = secrets.token_urlsafe(48)
        self.state = secrets.token_urlsafe(12)
        digest = hashlib.sha256(self.verifier.encode()).digest()
        self.query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": f"{client_origin(site.url)}/healthz",
            "scope": SCOPES,
            "state": self.state,
            "code_challenge": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }

    @property
    def authorize_url(self) -> str:
        return f"{self.site.url}/o/authorize/?{urlencode(self.query)}"

    def redirect_query(self, url: str) -> dict:
        """The query of the client's callback the browser was sent to."""
        assert url.startswith(f"{self.query['redirect_uri']}?"), url
        return parse_qs(urlsplit(url).query)

    def exchange(self, code: str) -> dict:
        """What the client does next: the code and the PKCE verifier for tokens."""
        response = requests.post(
            f"{self.site.url}/o/token/",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.query["redirect_uri"],
                "code_verifier": self.verifier,
            },
            auth=(self.client_id, SECRET),
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()


def check_page(driver, width: int, status: int | None = None) -> None:
    """Every page: the expected viewport, no sideways scrolling, no console error (but
    the one Chromium logs for the page's own `status`, when it is an error status), and
    no axe-core violation."""
    assert driver.execute_script("return window.innerWidth") == width
    assert horizontal_overflow(driver) <= 0, f"{driver.current_url} scrolls sideways"
    expected = (
        [
            f"{driver.current_url} - Failed to load resource: the server responded with a status "
            f"of {status} ({HTTPStatus(status).phrase})"
        ]
        if status
        else []
    )
    assert console_errors(driver) == expected, driver.current_url
    assert axe_violations(driver) == [], driver.current_url


def press(driver, *keys) -> None:
    """Keys sent to whatever has the focus, as a keyboard would."""
    ActionChains(driver).send_keys(*keys).perform()


def shift_tab(driver) -> None:
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()


def tab_to(driver, name: str, limit: int = 20) -> None:
    """Press Tab until `name` has the focus (failing after `limit` presses)."""
    seen = []
    for _ in range(limit):
        press(driver, Keys.TAB)
        seen.append(describe_focus(driver))
        if seen[-1] == name:
            assert focus_is_visible(driver), f"no visible focus on {name}"
            return
    raise AssertionError(f"Tab never reached {name!r}; focus went {seen}")


def screenshot(driver, name: str, width: int) -> None:
    """The whole page, when OAUTH_SCREENSHOTS_DIR is set: a palette PNG, to stay small."""
    folder = os.environ.get("OAUTH_SCREENSHOTS_DIR")
    if not folder:
        return
    from PIL import Image

    Path(folder).mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(full_page_png(driver, width, HEIGHT))).convert("RGB")
    image.quantize(colors=128).save(Path(folder) / f"{name}-{width}.png", optimize=True)


def on_sign_in_page(driver) -> None:
    wait(driver, ec.title_contains("Sign in"), "the sign-in page")
    assert urlsplit(driver.current_url).path == "/account/sign-in/"


def keyboard_sign_in(driver, username: str, password: str, *, code: str | None = None) -> None:
    """Sign in with the keyboard only: the cursor starts in the first empty field."""
    assert describe_focus(driver) == ("input: SMS code" if code else "input: Username or email")
    if code:
        press(driver, code)
        shift_tab(driver)  # back to the password, above the code
        assert describe_focus(driver) == "input: Password"
    else:
        press(driver, username, Keys.TAB)
        assert describe_focus(driver) == "input: Password"
    press(driver, password)
    navigate(driver, lambda: press(driver, Keys.ENTER), "submitting the sign-in form")


def on_consent_page(driver) -> None:
    wait(driver, ec.title_contains("Allow Movie API help desk?"), "the consent page")


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_only_sign_in_then_allow_returns_a_code_the_client_exchanges(
    oauth_site, open_browser, width
):
    # given: a client's authorization request, opened in a browser with no session
    driver = open_browser(width)
    flow = Flow(oauth_site, f"allow-{width}")
    driver.get(flow.authorize_url)

    # then: the API's sign-in page, with the cursor in its first field; Shift+Tab goes
    # back to the skip link, and Tab walks the page in reading order, each stop showing
    # the focus ring
    on_sign_in_page(driver)
    screenshot(driver, "sign-in", width)
    first = describe_focus(driver)
    shift_tab(driver)
    order = [describe_focus(driver)]
    for _ in range(4):
        press(driver, Keys.TAB)
        order.append(describe_focus(driver))
        assert focus_is_visible(driver), f"no visible focus on {order[-1]}"
    assert first == "input: Username or email"
    assert order == [
        "a: Skip to content",
        "input: Username or email",
        "input: Password",
        "button: Sign in",
        "a: the register operation in the API documentation",
    ]
    # and it is accessible and fits the window
    check_page(driver, width)

    # when: the user signs in with the keyboard only
    driver.get(flow.authorize_url)
    on_sign_in_page(driver)
    keyboard_sign_in(driver, *DEMO)

    # then: the consent page names the app and each scope in the words of the settings
    on_consent_page(driver)
    check_page(driver, width)
    screenshot(driver, "consent", width)
    listed = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".scopes li")]
    descriptions = settings.OAUTH2_PROVIDER["SCOPES"]
    assert listed == [f"{descriptions[scope]}\n{scope}" for scope in SCOPES.split()]

    # when: Allow, with the keyboard
    tab_to(driver, "button: Allow")
    navigate(driver, lambda: press(driver, Keys.ENTER), "Allow")

    # then: back at the client with a code and its state; the code buys tokens
    query = flow.redirect_query(driver.current_url)
    assert query["state"] == [flow.state]
    tokens = flow.exchange(query["code"][0])
    assert tokens["scope"].split() == SCOPES.split()
    assert tokens["access_token"] and tokens["id_token"]


def test_deny_returns_access_denied_to_the_client(oauth_site, open_browser):
    # given: the consent page in front of a signed-in user
    driver = open_browser(1280)
    flow = Flow(oauth_site, "deny")
    driver.get(flow.authorize_url)
    on_sign_in_page(driver)
    keyboard_sign_in(driver, *DEMO)
    on_consent_page(driver)

    # when: Deny
    tab_to(driver, "button: Deny")
    navigate(driver, lambda: press(driver, Keys.ENTER), "Deny")

    # then: back at the client with error=access_denied, its state, and no code
    query = flow.redirect_query(driver.current_url)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [flow.state]
    assert "code" not in query


def sign_in_code(driver, site: LiveServer, phone: str, seen: int) -> str:
    """The newest code texted to `phone` after the first `seen` (the console SMS backend
    logs it; the SMS is sent off the request, so it may land a moment later)."""
    pattern = re.compile(rf"SMS to {re.escape(phone)}: .*?sign-in code is (\d{{6}})")
    codes: list[str] = []

    def arrived(_) -> bool:
        codes[:] = pattern.findall(site.log_text())
        return len(codes) > seen

    wait(driver, arrived, f"a sign-in code texted to {phone} in the server log", SMS_WAIT_SECONDS)
    return codes[-1]


def test_step_up_inside_the_flow_takes_the_texted_code(oauth_site, open_browser):
    # given: an account whose failed sign-ins demand a step-up (wrong passwords from as
    # many addresses as the per-account limit)
    username, password, phone = STEPPER
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR):
        response = requests.post(
            f"{oauth_site.url}/api/users/login/",
            json={"username": username, "password": "a-wrong-guess"},
            headers={"X-Forwarded-For": f"10.0.{i // 250}.{i % 250 + 1}"},
            timeout=60,
        )
        assert response.status_code in (401, 429), response.text
    texted = len(re.findall(rf"SMS to {re.escape(phone)}:", oauth_site.log_text()))
    driver = open_browser(375)
    flow = Flow(oauth_site, "step-up")
    driver.get(flow.authorize_url)
    on_sign_in_page(driver)

    # when: the owner signs in with the right password
    keyboard_sign_in(driver, username, password)

    # then: the same page asks for the texted code, with the cursor in the code field (a
    # 429 with Retry-After, as the JSON login answers a step-up)
    wait(driver, ec.visibility_of_element_located((By.ID, "id_code")), "the SMS code field")
    assert "a code has been sent by SMS" in driver.find_element(By.ID, "form-errors").text
    check_page(driver, 375, status=HTTPStatus.TOO_MANY_REQUESTS)
    screenshot(driver, "sign-in-step-up", 375)
    code = sign_in_code(driver, oauth_site, phone, texted)

    # when: the code and the password again, keyboard only
    keyboard_sign_in(driver, username, password, code=code)

    # then: on to the consent page, and Allow completes the flow
    on_consent_page(driver)
    tab_to(driver, "button: Allow")
    navigate(driver, lambda: press(driver, Keys.ENTER), "Allow")
    query = flow.redirect_query(driver.current_url)
    assert query["state"] == [flow.state]
    assert flow.exchange(query["code"][0])["access_token"]


DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def test_device_flow_pages_take_the_code_and_consent_at_375_px(oauth_site, open_browser):
    # given: a TV that started the device flow and shows its user code
    started = requests.post(
        f"{oauth_site.url}/o/device-authorization/",
        data={"client_id": "tv", "scope": "read write:lists"},
        timeout=60,
    )
    assert started.status_code == 200, started.text
    codes = started.json()
    driver = open_browser(375)

    # when: the user opens the address the TV shows, and signs in on the way
    driver.get(codes["verification_uri"])
    on_sign_in_page(driver)
    keyboard_sign_in(driver, *DEMO)

    # then: the code page, accessible, the cursor's first stop on the code field
    wait(driver, ec.title_contains("Connect a device"), "the device code page")
    check_page(driver, 375)
    tab_to(driver, "input: User code")

    # when: the code, Enter; then Allow on the consent step
    press(driver, codes["user_code"])
    navigate(driver, lambda: press(driver, Keys.ENTER), "submitting the user code")
    wait(driver, ec.title_contains("Allow Living-room TV?"), "the device consent page")
    check_page(driver, 375)
    descriptions = settings.OAUTH2_PROVIDER["SCOPES"]
    listed = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".scopes li")]
    assert listed == [f"{descriptions[s]}\n{s}" for s in ("read", "write:lists")]
    tab_to(driver, "button: Allow")
    navigate(driver, lambda: press(driver, Keys.ENTER), "Allow")

    # then: the status page says so, and the TV's next poll gets its tokens
    wait(driver, ec.title_contains("Device authorized"), "the device status page")
    check_page(driver, 375)
    granted = requests.post(
        f"{oauth_site.url}/o/token/",
        data={"grant_type": DEVICE_GRANT, "device_code": codes["device_code"], "client_id": "tv"},
        timeout=60,
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["access_token"]
