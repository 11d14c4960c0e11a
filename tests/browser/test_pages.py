"""The movie API's pages in Debian's Chromium, with the network closed except this server.

Swagger UI signs in through its own login operation, authorizes with the token and creates
a review that lands in the database; ReDoc renders every tag of the schema; GraphiQL runs
a typed query and, with a Bearer header in its headers pane, a mutation; the admin creates
a movie with genres and actors and finds it by search. No page may log a console error.
"""

import json
import os
import sqlite3
from contextlib import closing

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.browser.chromium import console_errors, navigate, wait

pytestmark = pytest.mark.slow

DEMO = ("demo", os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123"))
ADMIN = ("admin", os.environ.get("DEMO_ADMIN_PASSWORD", "admin-Pass-123"))


def rows(site, sql: str, *params) -> list[tuple]:
    """Read the live server's own database (its SQLite file, beside its log)."""
    with closing(sqlite3.connect(site.log.parent / "db.sqlite3")) as db:
        return db.execute(sql, params).fetchall()


def css(driver, selector: str, what: str | None = None):
    return wait(
        driver, ec.visibility_of_element_located((By.CSS_SELECTOR, selector)), what or selector
    )


def click(driver, selector: str, what: str | None = None, *, by: str = By.CSS_SELECTOR) -> None:
    """Wait until the element is clickable, then click it.

    Finding and clicking happen inside one wait: widgets such as select2 re-render their
    lists while results arrive, so an element found a moment ago can be replaced before the
    click lands (StaleElementReferenceException). That only means "not yet", like a
    missing element; the wait's bound and message still apply.
    """
    from selenium.common.exceptions import StaleElementReferenceException

    def clicked(d) -> bool:
        try:
            element = ec.element_to_be_clickable((by, selector))(d)
            if not element:
                return False
            element.click()
            return True
        except StaleElementReferenceException:
            return False

    wait(driver, clicked, what or selector)


def replace_text(element, text: str) -> None:
    """Select everything in a field and type over it, as a person would."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)
    wait(
        element.parent,
        lambda d: element.get_property("value") == text,
        f"{text!r} typed in the field",
    )


def access_token(site, username: str, password: str) -> str:
    response = requests.post(
        f"{site.url}/api/users/login/",
        json={"username": username, "password": password},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


def test_swagger_ui_authorizes_with_its_own_login_and_creates_a_review(site, browser):
    # given: a movie the demo user has not reviewed yet
    (movie_id,) = rows(
        site,
        "SELECT id FROM movies_movie WHERE id NOT IN (SELECT movie_id FROM movies_review r "
        "JOIN users_user u ON u.id = r.user_id WHERE u.username = ?) ORDER BY id LIMIT 1",
        DEMO[0],
    )[0]
    browser.get(f"{site.url}/swagger/")
    login = "#operations-users-users_login_create"

    # when: sign in through the login operation's "Try it out"
    click(browser, f"{login} .opblock-summary", "the login operation")
    click(browser, f"{login} .try-out__btn", "Try it out on login")
    body = json.dumps({"username": DEMO[0], "password": DEMO[1]})
    replace_text(css(browser, f"{login} textarea.body-param__text"), body)
    click(browser, f"{login} .execute", "Execute on login")
    answer = css(browser, f"{login} .live-responses-table .response-col_description pre")
    wait(browser, lambda d: '"access"' in answer.text, "an access token in the login answer")
    access = json.loads(answer.text)["access"]

    # when: Authorize with it, then create a review with "Try it out"
    click(browser, ".auth-wrapper .btn.authorize", "the Authorize button")
    replace_text(css(browser, ".modal-ux .auth-container input"), f"Bearer {access}")
    click(browser, ".modal-ux .auth-btn-wrapper .modal-btn.authorize", "Authorize in the dialog")
    click(browser, ".modal-ux .auth-btn-wrapper .btn-done", "Close the dialog")
    create = "#operations-movies-movies_movie_reviews_create"
    click(browser, f"{create} .opblock-summary", "the create-review operation")
    click(browser, f"{create} .try-out__btn", "Try it out on create review")
    replace_text(css(browser, f'{create} input[placeholder="movie_id"]'), str(movie_id))
    review = {"rating": 4, "text": "Created from Swagger UI in a browser test."}
    replace_text(css(browser, f"{create} textarea.body-param__text"), json.dumps(review))
    click(browser, f"{create} .execute", "Execute on create review")

    # then: 201, and the review is in the database, written by the demo user
    status = css(browser, f"{create} .live-responses-table .response .response-col_status")
    wait(browser, lambda d: status.text.strip() == "201", "HTTP 201 from create review")
    assert rows(
        site,
        "SELECT u.username, r.rating FROM movies_review r JOIN users_user u ON u.id = r.user_id "
        "WHERE r.movie_id = ? AND r.text = ?",
        movie_id,
        review["text"],
    ) == [("demo", 4)]
    assert console_errors(browser) == []


def test_redoc_renders_every_tag_of_the_schema(site, browser):
    # given: the tags and operations of the schema
    spec = requests.get(f"{site.url}/swagger.json", timeout=60).json()
    operations = {
        (tag, operation["operationId"])
        for methods in spec["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", [])
    }
    tags = {tag for tag, _ in operations}
    assert tags

    # when
    browser.get(f"{site.url}/redoc/")

    # then: each tag has its menu entry and its section, and each operation its section
    for tag in sorted(tags):
        css(browser, f'li[data-item-id="tag/{tag}"]', f"ReDoc's menu entry for {tag}")
        heading = css(browser, f'div[data-section-id="tag/{tag}"] h2', f"the {tag} section")
        assert heading.text.strip() == tag
    rendered = {
        tuple(section.get_attribute("id").split("/")[1::2])
        for section in browser.find_elements(By.CSS_SELECTOR, 'div[id*="/operation/"]')
    }
    assert rendered == operations
    assert console_errors(browser) == []


# The variables or headers editor, whichever tab is open.
TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"


def type_in_editor(browser, selector: str, text: str) -> None:
    """Type into one of GraphiQL's CodeMirror editors, replacing what it holds."""
    click(browser, f"{selector} .CodeMirror", f"the editor {selector}")
    area = browser.find_element(By.CSS_SELECTOR, f"{selector} .CodeMirror textarea")
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(text)
    area.send_keys(Keys.ESCAPE)  # close an autocompletion popup, if one opened


def graphiql_run(browser) -> dict:
    """Press run and read the JSON result pane."""
    result = css(browser, ".graphiql-response .CodeMirror", "the result pane")
    before = result.text
    click(browser, ".graphiql-execute-button", "the run button")
    wait(browser, lambda d: result.text not in (before, ""), "a result in GraphiQL")
    text = browser.execute_script(
        "return document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    )
    return json.loads(text)


def test_graphiql_runs_a_typed_query_and_a_bearer_mutation(site, browser):
    # given
    token = access_token(site, *ADMIN)
    browser.get(f"{site.url}/graphql/")
    css(browser, ".graphiql-query-editor .CodeMirror", "GraphiQL's query editor")

    # when: a query with a typed variable
    type_in_editor(
        browser,
        ".graphiql-query-editor",
        "query Few($first: Int) { allMovies(first: $first) { totalCount edges { node { title",
    )
    click(browser, ".graphiql-editor-tools-tabs button:nth-of-type(1)", "the Variables tab")
    type_in_editor(browser, TOOL_EDITOR, '{"first": 2')
    answer = graphiql_run(browser)

    # then
    assert "errors" not in answer, answer
    assert len(answer["data"]["allMovies"]["edges"]) == 2
    assert answer["data"]["allMovies"]["totalCount"] >= 2

    # when: a staff mutation, signed in by the Authorization header in the headers pane
    name = "Browser Noir"
    type_in_editor(
        browser,
        ".graphiql-query-editor",
        f'mutation {{ createGenre(input: {{name: "{name}"}}) {{ genre {{ id name',
    )
    click(browser, ".graphiql-editor-tools-tabs button:nth-of-type(2)", "the Headers tab")
    type_in_editor(browser, TOOL_EDITOR, f'{{"Authorization": "Bearer {token}"')
    answer = graphiql_run(browser)

    # then: created, in the database
    assert "errors" not in answer, answer
    assert answer["data"]["createGenre"]["genre"]["name"] == name
    assert rows(site, "SELECT name FROM movies_genre WHERE name = ?", name) == [(name,)]
    assert console_errors(browser) == []


def test_admin_creates_a_movie_with_genres_and_actors_and_finds_it(site, browser):
    # given: two genres and an actor of the demo data
    genres = [name for (name,) in rows(site, "SELECT name FROM movies_genre ORDER BY id LIMIT 2")]
    (actor,) = rows(site, "SELECT name FROM movies_actor ORDER BY id LIMIT 1")[0]
    title = "The Browser Test Picture"

    # when: sign in, add the movie
    browser.get(f"{site.url}/admin/login/?next=/admin/movies/movie/add/")
    css(browser, "#id_username").send_keys(ADMIN[0])
    password = css(browser, "#id_password")
    password.send_keys(ADMIN[1])
    navigate(browser, lambda: password.send_keys(Keys.ENTER), "signing in to the admin")
    css(browser, "#id_title").send_keys(title)
    css(browser, "#id_plot").send_keys("A movie made by a browser.")
    css(browser, "#id_release_date").send_keys("2024-05-01")
    for genre in genres:
        css(browser, f'#id_genres_from option[title="{genre}"]', f"genre {genre}").click()
        click(browser, "#id_genres_add", "the add-genre arrow")
    click(browser, "#castings-0 .select2-selection", "the actor picker of the first cast row")
    css(browser, ".select2-search__field").send_keys(actor)
    option = f"//li[contains(@class, 'select2-results__option') and normalize-space(.)={actor!r}]"
    click(browser, option, f"{actor} in the picker", by=By.XPATH)
    css(browser, "#id_castings-0-character").send_keys("The Lead")
    save = css(browser, 'input[name="_save"]', "Save")
    navigate(browser, save.click, "Save")

    # then: saved with its genres and actor, and found by the changelist search
    css(browser, ".messagelist .success", "the saved message")
    search = css(browser, "#searchbar")
    search.send_keys("Browser Test")
    navigate(browser, lambda: search.send_keys(Keys.ENTER), "the admin search")
    results = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody th a")
    assert [a.text for a in results] == [title]
    (movie_id,) = rows(site, "SELECT id FROM movies_movie WHERE title = ?", title)[0]
    assert sorted(
        n
        for (n,) in rows(
            site,
            "SELECT g.name FROM movies_genre g JOIN movies_movie_genres mg ON mg.genre_id = g.id "
            "WHERE mg.movie_id = ?",
            movie_id,
        )
    ) == sorted(genres)
    assert rows(
        site,
        "SELECT a.name, c.character FROM movies_casting c JOIN movies_actor a "
        "ON a.id = c.actor_id WHERE c.movie_id = ?",
        movie_id,
    ) == [(actor, "The Lead")]
    assert console_errors(browser) == []
