"""The help desk in Debian's Chromium, against the real movie API, at 1280 and 375 px wide.

A customer signs in with Movie API (the code flow: the API's sign-in and consent pages) and
opens a ticket about a movie found by typing part of its title (Enter there only searches);
an agent filters the queue, assigns the ticket, replies, writes an internal note and
resolves it; the customer sees the reply and never the note. Every
page visited must log no console error and fit the window's width.

Set ``DESK_SCREENSHOTS_DIR`` to keep screenshots of the customer ticket page and the
queue (that is how ``docs/customer_support/`` is made: see customer_support/README.md).
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select
from tests.browser.chromium import console_errors, full_page_png, navigate, wait

from accounts.middleware import SESSION_ENDED
from accounts.models import MovieApiGrant

from ...models import Ticket
from ...movie_api_client.client import MovieApiClient
from ..factories import TicketFactory
from ..live_movie_api import DESK_CLIENT_ID, DESK_CLIENT_SECRET, MANAGE_PY, live_movie_api
from ..live_oauth import revoke_the_desk_at_the_api

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(not MANAGE_PY.is_file(), reason=f"{MANAGE_PY} (the movie API) is absent"),
]

CUSTOMER = ("demo", os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123"))
AGENT = ("admin", os.environ.get("DEMO_ADMIN_PASSWORD", "admin-Pass-123"))
HEIGHT = 900


@pytest.fixture(scope="module")
def movie_api_url(tmp_path_factory, live_server):
    """A freshly migrated movie API with its demo data (demo and admin accounts), with the
    desk's live server registered as its OAuth client."""
    callback = f"{live_server.url}/oauth/callback/"
    with live_movie_api(tmp_path_factory.mktemp("movie_api"), redirect_uris=(callback,)) as url:
        yield url


@pytest.fixture
def desk(live_server, settings, movie_api_url) -> str:
    """The desk served by pytest-django's live server, the live movie API's OAuth client."""
    base = movie_api_url.removesuffix("/graphql/")
    settings.MOVIE_API_URL = settings.MOVIE_API_INTERNAL_URL = base
    settings.MOVIE_API_GRAPHQL_URL = movie_api_url
    settings.MOVIE_API_OAUTH_ISSUER = f"{base}/o"
    settings.MOVIE_API_OAUTH_CLIENT_ID = DESK_CLIENT_ID
    settings.MOVIE_API_OAUTH_CLIENT_SECRET = DESK_CLIENT_SECRET
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "http://127.0.0.1:8000", base
    )
    settings.MOVIE_API_READ_TIMEOUT = 60.0  # a busy machine, not the timeout under test
    return live_server.url


class Visit:
    """One browser window on the desk: every page it opens is checked the same way."""

    def __init__(self, driver, base: str, width: int, api: str = "") -> None:
        self.driver, self.base, self.width, self.api = driver, base, width, api

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.check()

    def check(self) -> None:
        """No console error, and nothing wider than the window (no sideways scrolling)."""
        assert console_errors(self.driver) == [], self.driver.current_url
        inner, scroll = self.driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth]"
        )
        overflow = scroll - inner
        assert inner == self.width, f"the viewport is {inner}px wide, not {self.width}px"
        assert overflow <= 0, f"{self.driver.current_url} is {overflow}px wider than the window"

    def find(self, css: str):
        return wait(self.driver, ec.visibility_of_element_located((By.CSS_SELECTOR, css)), css)

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def submit(self, button_text: str) -> None:
        xpath = f"//button[normalize-space(.)={button_text!r}]"
        button = wait(self.driver, ec.element_to_be_clickable((By.XPATH, xpath)), button_text)
        navigate(self.driver, button.click, repr(button_text))
        self.check()

    def sign_in(self, username: str, password: str) -> None:
        """Sign in with Movie API: the desk's button, the API's sign-in and consent pages."""
        self.open("/sign-in/")
        link = self.find("#sign-in-with-movie-api")
        navigate(self.driver, link.click, "Sign in with Movie API")
        if self.driver.find_elements(By.ID, "id_password"):  # no session at the API yet
            assert "/account/sign-in/" in self.driver.current_url
            self.check()
            self.find("#id_username").send_keys(username)
            self.find("#id_password").send_keys(password)
            self.submit("Sign in")
        if self.driver.find_elements(By.ID, "consent"):  # the API asks once per grant
            assert "Help desk" in self.text()
            self.submit("Allow")
        assert self.driver.current_url.startswith(self.base), self.driver.current_url
        assert f"Sign out ({username}" in self.text()

    def sign_out(self) -> None:
        """Out of the desk, and out of the API's own session too (a fresh browser)."""
        button = self.driver.find_element(By.CSS_SELECTOR, "form.inline button")
        navigate(self.driver, button.click, "signing out")
        assert self.driver.current_url.endswith("/sign-in/")
        self.check()
        # The API's own session too, so the next person signs in afresh (cookies are per host).
        self.driver.get(self.api + "/healthz")
        self.driver.delete_all_cookies()

    def words_broken_in(self, css: str) -> list[str]:
        """Words of the element's text that the layout split over two lines ("Priorit/y")."""
        return self.driver.execute_script(
            """
            const broken = [];
            const walker = document.createTreeWalker(
                document.querySelector(arguments[0]), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const re = /\\S+/g;
              let m;
              while ((m = re.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
              }
            }
            return broken;
            """,
            css,
        )

    def screenshot(self, name: str) -> None:
        """The whole page (beyond the window), when ``DESK_SCREENSHOTS_DIR`` is set."""
        folder = os.environ.get("DESK_SCREENSHOTS_DIR")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        png = full_page_png(self.driver, self.width, HEIGHT)
        (Path(folder) / f"{name}-{self.width}.png").write_bytes(png)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.django_db(transaction=True)
def test_a_ticket_from_sign_in_to_resolution(desk, movie_api_url, browser_factory, width):
    # given: a movie of the demo catalog, and a part of its title
    movie = MovieApiClient(url=movie_api_url, read_timeout=60).all_movies(first=1).items[0]
    typed = movie.title.split()[-1][:5].lower()
    subject = f"Subtitles out of sync ({width})"
    page = Visit(browser_factory(width, HEIGHT), desk, width, movie_api_url[: -len("/graphql/")])

    # when: the customer signs in with the movie API account and opens a ticket
    page.sign_in(*CUSTOMER)
    page.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert page.driver.switch_to.active_element.text == "Skip to content"
    page.open("/tickets/new/")
    page.find("#id_subject").send_keys(subject)
    page.find("#id_description").send_keys("They drift by two seconds after an hour.")
    page.find("#movie-q").send_keys(typed)
    listed = page.find(f"#movie-{movie.id}")
    # Enter in the search box searches again; it used to open the ticket with no movie
    page.find("#movie-q").send_keys(Keys.ENTER)
    wait(page.driver, ec.staleness_of(listed), "the list searched again after Enter")
    choice = page.find(f"#movie-{movie.id}")
    assert page.driver.current_url.endswith("/tickets/new/")
    assert not Ticket.objects.filter(subject=subject).exists()
    assert (
        movie.title
        in page.driver.find_element(By.CSS_SELECTOR, f"label[for=movie-{movie.id}]").text
    )
    page.driver.find_element(By.CSS_SELECTOR, f"label[for=movie-{movie.id}]").click()
    assert choice.is_selected()
    page.submit("Open the ticket")

    # then: the ticket is saved with the movie, and shown to its customer
    ticket = Ticket.objects.get(subject=subject)
    assert (ticket.reporter.username, ticket.movie_id, ticket.movie_title) == (
        "demo",
        int(movie.id),
        movie.title,
    )
    assert f"#{ticket.pk} {subject}" in page.text() and movie.title in page.text()
    page.sign_out()

    # given: a queue with long subjects and titles, which squeeze the table's columns
    for n in range(3):
        TicketFactory(
            reporter=ticket.reporter,
            subject=f"The subtitles of the extended edition drift further every chapter {n}",
            movie_id=int(movie.id),
            movie_title="An Extraordinarily Long Movie Title About Extraordinary Things",
        )

    # when: an agent (movie API staff) filters the queue and works the ticket
    page.sign_in(*AGENT)
    assert page.driver.current_url.endswith("/queue/")
    if width >= 1280:  # at 375 px the table's head is hidden and its rows are cards
        # whole words in the head, as wide as the table's other columns let it be
        assert page.words_broken_in("table.queue thead") == []
    Select(page.find("#id_status")).select_by_value("open")
    page.find("#id_q").send_keys(f"sync ({width})")
    page.submit("Filter")
    rows = page.driver.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
    assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == [f"#{ticket.pk} {subject}"]
    page.screenshot("agent-queue")
    navigate(page.driver, rows[0].find_element(By.TAG_NAME, "a").click, "the ticket's link")
    page.check()
    assert "The movie now" in page.text() and movie.title in page.text()
    page.submit("Assign to me")
    page.find("#id_body").send_keys("Thanks! Which device do you watch on?")
    page.submit("Send reply")
    page.find("#id_note-body").send_keys("Same drift reported last week: encoder bug.")
    page.submit("Add internal note")
    Select(page.find("#id_status")).select_by_value("resolved")
    page.submit("Save")

    # then: the ticket is assigned, answered, noted and resolved
    ticket.refresh_from_db()
    assert (ticket.assignee.username, ticket.status) == ("admin", Ticket.Status.RESOLVED)
    assert ticket.first_responded_at is not None
    assert [(m.internal, m.author.username) for m in ticket.messages.all()] == [
        (False, "admin"),
        (True, "admin"),
    ]
    assert get_user_model().objects.get(username="admin").is_staff
    page.sign_out()

    # when: the customer comes back
    page.sign_in(*CUSTOMER)
    page.open(f"/tickets/{ticket.pk}/")

    # then: the agent's reply and the status changes, never the internal note
    text = page.text()
    assert "Thanks! Which device do you watch on?" in text
    assert "pending → resolved" in text
    assert "encoder bug" not in text and "Internal note" not in text
    page.screenshot("customer-ticket")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.django_db(transaction=True)
def test_revoking_the_desk_in_the_movie_api_ends_the_desk_session(
    desk, movie_api_url, browser_factory, width
):
    # given: the customer signed in with Movie API (consenting if the API asks)
    api = movie_api_url[: -len("/graphql/")]
    page = Visit(browser_factory(width, HEIGHT), desk, width, api)
    page.sign_in(*CUSTOMER)
    page.open("/tickets/new/")

    # when: they revoke the desk in the movie API, then search for a movie at the desk
    revoke_the_desk_at_the_api(api, *CUSTOMER, DESK_CLIENT_ID)
    page.find("#movie-q").send_keys("the")

    # then: the desk's session is over: its sign-in page says why
    wait(page.driver, ec.url_contains("/sign-in/"), "the sign-in page after the revocation")
    page.check()
    assert SESSION_ENDED in page.text()
    assert "Sign out" not in page.text()
    assert not MovieApiGrant.objects.exists()
    page.screenshot("session-ended")
