"""REST reviews: shapes, permissions, bad input, filters, pagination, query counts."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db.models import Avg, Count

from conftest import bearer_client
from movies.models import Movie, Review
from movies.services.ratings import movie_ratings_recompute
from movies.services.reviews import review_create
from movies.tests.factories import GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL = "/api/movies/reviews/"


def of_movie(movie_id) -> str:
    return f"/api/movies/{movie_id}/reviews/"


def one(review_id) -> str:
    return f"/api/movies/reviews/{review_id}/"


def fields_of(response) -> dict:
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def figures(movie) -> tuple[Decimal, int]:
    movie = Movie.objects.get(pk=movie.pk)
    return movie.average_rating, movie.review_count


# ---------------------------------------------------------------------------- create


def test_signed_in_user_creates_a_review_in_the_contract_shape(auth_client, user):
    # given
    movie = MovieFactory(title="Heat")
    # when
    response = auth_client.post(of_movie(movie.pk), {"rating": 5, "text": "Great."})
    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == {
        "id",
        "movie",
        "user",
        "rating",
        "text",
        "is_edited",
        "created_at",
        "updated_at",
    }
    assert body["movie"] == {"id": movie.pk, "title": "Heat"}
    assert body["user"] == {"id": user.pk, "username": user.username}
    assert (body["rating"], body["text"], body["is_edited"]) == (5, "Great.", False)
    assert Review.objects.get(pk=body["id"]).user_id == user.pk
    assert figures(movie) == (Decimal("5.00"), 1)


def test_anonymous_create_is_401_and_writes_nothing(api_client):
    movie = MovieFactory()
    response = api_client.post(of_movie(movie.pk), {"rating": 5})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not Review.objects.exists()


def test_spoofed_owner_movie_and_derived_fields_in_the_body_are_ignored(
    auth_client, user, other_user
):
    # given: the body names another user, another movie and derived fields
    movie, elsewhere = MovieFactory(), MovieFactory()
    body = {
        "rating": 2,
        "text": "Meh.",
        "user": other_user.pk,
        "user_id": other_user.pk,
        "movie": elsewhere.pk,
        "movie_id": elsewhere.pk,
        "is_edited": True,
        "average_rating": 5,
        "avg_rating": 5,
        "id": 424242,
    }
    # when
    response = auth_client.post(of_movie(movie.pk), body)
    # then
    assert response.status_code == HTTPStatus.CREATED
    review = Review.objects.get()
    assert (review.user_id, review.movie_id, review.is_edited) == (user.pk, movie.pk, False)
    assert review.pk != 424242
    assert figures(movie) == (Decimal("2.00"), 1)
    assert figures(elsewhere) == (None, 0)  # unrated


def test_second_review_of_the_same_movie_is_409_naming_the_problem(auth_client):
    movie = MovieFactory()
    assert auth_client.post(of_movie(movie.pk), {"rating": 4}).status_code == HTTPStatus.CREATED
    response = auth_client.post(of_movie(movie.pk), {"rating": 1})
    assert response.status_code == HTTPStatus.CONFLICT
    body = response.json()
    assert body["code"] == "duplicate_review"
    assert "already reviewed" in body["detail"]
    # the request sent no movie_id (the movie is in the URL), so no field is named
    assert "errors" not in body
    assert Review.objects.count() == 1
    assert figures(movie) == (Decimal("4.00"), 1)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"rating": 0}, "rating", "min_value"),
        ({"rating": 6}, "rating", "max_value"),
        ({"rating": "five"}, "rating", "invalid"),
        ({"rating": 1.25}, "rating", "invalid"),
        ({"rating": 10**30}, "rating", "max_value"),
        ({"rating": None}, "rating", "null"),
        ({"rating": [4]}, "rating", "invalid"),
        ({}, "rating", "required"),
        ({"rating": 3, "text": "x" * 10_001}, "text", "max_length"),
        ({"rating": 3, "text": None}, "text", "null"),
        ({"rating": 3, "text": {"a": 1}}, "text", "invalid"),
    ],
)
def test_bad_input_is_400_naming_the_field(auth_client, body, field, code):
    movie = MovieFactory()
    response = auth_client.post(of_movie(movie.pk), body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fields_of(response) == {field: code}
    assert not Review.objects.exists()


@pytest.mark.parametrize("raw", ["[1, 2]", '"rating"', "{bad json", "null"])
def test_malformed_bodies_are_400_not_500(auth_client, raw):
    movie = MovieFactory()
    response = auth_client.post(of_movie(movie.pk), raw, content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"]
    assert not Review.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_movie_is_404_naming_it(auth_client, method):
    response = getattr(auth_client, method)(of_movie(987654), {"rating": 3})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"] == "No movie with id 987654."
    assert not Review.objects.exists()


def test_huge_movie_id_in_the_url_is_404(auth_client):
    response = auth_client.get(of_movie(10**30))
    assert response.status_code == HTTPStatus.NOT_FOUND


# ---------------------------------------------------------------------------- ownership


@pytest.fixture
def review_of_user(user):
    movie = MovieFactory()
    review_create(user=user, movie_id=movie.pk, rating=4, text="Mine.")
    review_create(user=UserFactory(), movie_id=movie.pk, rating=2)
    return Review.objects.get(user=user)


def _unchanged(review):
    stored = Review.objects.get(pk=review.pk)
    assert (stored.rating, stored.text, stored.is_edited) == (4, "Mine.", False)
    assert figures(review.movie) == (Decimal("3.00"), 2)


@pytest.mark.parametrize(
    ("method", "body"),
    [("patch", {"rating": 1}), ("put", {"rating": 1, "text": "Hacked"}), ("delete", None)],
)
def test_another_user_cannot_change_or_delete_a_review(other_user, review_of_user, method, body):
    # given
    client = bearer_client(other_user)
    # when
    response = getattr(client, method)(one(review_of_user.pk), body, format="json")
    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "permission_denied"
    _unchanged(review_of_user)


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_anonymous_cannot_change_or_delete_a_review(api_client, review_of_user, method):
    response = getattr(api_client, method)(one(review_of_user.pk), {"rating": 1}, format="json")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    _unchanged(review_of_user)


def test_forbidden_comes_before_validation(other_user, review_of_user):
    # a non-author learns nothing from the validator's answer
    response = bearer_client(other_user).patch(one(review_of_user.pk), {"rating": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    _unchanged(review_of_user)


def test_staff_may_delete_but_not_edit_someone_elses_review(staff_client, review_of_user):
    response = staff_client.patch(one(review_of_user.pk), {"rating": 1})
    assert response.status_code == HTTPStatus.FORBIDDEN
    _unchanged(review_of_user)
    response = staff_client.delete(one(review_of_user.pk))
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Review.objects.filter(pk=review_of_user.pk).exists()
    assert figures(review_of_user.movie) == (Decimal("2.00"), 1)


def test_author_patches_own_review_and_spoofed_fields_are_ignored(
    auth_client, review_of_user, other_user
):
    # when
    response = auth_client.patch(
        one(review_of_user.pk),
        {"rating": 5, "user": other_user.pk, "movie": 1, "is_edited": False, "average_rating": 1},
    )
    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["rating"], body["text"], body["is_edited"]) == (5, "Mine.", True)
    stored = Review.objects.get(pk=review_of_user.pk)
    assert (stored.user_id, stored.movie_id, stored.is_edited) == (
        review_of_user.user_id,
        review_of_user.movie_id,
        True,
    )
    assert figures(review_of_user.movie) == (Decimal("3.50"), 2)


def test_author_put_replaces_the_review(auth_client, review_of_user):
    response = auth_client.put(one(review_of_user.pk), {"rating": 3})
    assert response.status_code == HTTPStatus.OK
    stored = Review.objects.get(pk=review_of_user.pk)
    assert (stored.rating, stored.text, stored.is_edited) == (3, "", True)


def test_put_without_rating_is_400(auth_client, review_of_user):
    response = auth_client.put(one(review_of_user.pk), {"text": "only text"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fields_of(response) == {"rating": "required"}
    _unchanged(review_of_user)


def test_author_deletes_own_review(auth_client, review_of_user):
    response = auth_client.delete(one(review_of_user.pk))
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert figures(review_of_user.movie) == (Decimal("2.00"), 1)


def test_unknown_review_is_404(auth_client):
    assert auth_client.get(one(99999)).status_code == HTTPStatus.NOT_FOUND
    assert auth_client.patch(one(99999), {"rating": 2}).status_code == HTTPStatus.NOT_FOUND
    assert auth_client.get("/api/movies/reviews/abc/").status_code == HTTPStatus.NOT_FOUND


def test_reviews_are_readable_by_anyone(api_client, review_of_user):
    response = api_client.get(one(review_of_user.pk))
    assert response.status_code == HTTPStatus.OK
    assert response.json()["text"] == "Mine."


# ---------------------------------------------------------------------------- average_rating


@pytest.mark.parametrize("method", ["patch", "put"])
def test_average_rating_and_review_count_cannot_be_written_through_the_movie(staff_client, method):
    # given
    movie = MovieFactory(title="Alien")
    ReviewFactory(movie=movie, rating=2)
    movie_ratings_recompute(movie_ids=[movie.pk])
    # when
    response = getattr(staff_client, method)(
        f"/api/movies/{movie.pk}/",
        {"title": "Alien", "average_rating": "5.00", "review_count": 1000},
        format="json",
    )
    # then: ignored (or refused), never applied
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    assert figures(movie) == (Decimal("2.00"), 1)
    if response.status_code == HTTPStatus.OK:
        assert response.json()["average_rating"] == 2.0
        assert response.json()["review_count"] == 1


# ------------------------------------------------------------------- review_stats, my_state


def test_movie_detail_review_stats_and_my_state_follow_review_writes(auth_client, user):
    # given
    movie = MovieFactory()
    for rating in (5, 5, 2):
        review_create(user=UserFactory(), movie_id=movie.pk, rating=rating)
    # when: the caller reviews through the API
    created = auth_client.post(of_movie(movie.pk), {"rating": 1}).json()
    detail = auth_client.get(f"/api/movies/{movie.pk}/").json()
    # then
    assert detail["review_stats"] == {
        "total": 4,
        "average": 3.25,
        "counts": {"1": 1, "2": 1, "3": 0, "4": 0, "5": 2},
    }
    assert detail["average_rating"] == 3.25
    assert detail["review_count"] == 4
    assert detail["my_state"]["rating"] == 1
    # and after the caller edits and then deletes the review
    auth_client.patch(one(created["id"]), {"rating": 4})
    detail = auth_client.get(f"/api/movies/{movie.pk}/").json()
    assert detail["my_state"]["rating"] == 4
    assert detail["review_stats"]["counts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}
    assert detail["average_rating"] == 4.0
    auth_client.delete(one(created["id"]))
    detail = auth_client.get(f"/api/movies/{movie.pk}/").json()
    assert detail["my_state"]["rating"] is None
    assert detail["review_stats"] == {
        "total": 3,
        "average": 4.0,
        "counts": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 2},
    }
    # the movie list carries the caller's rating too
    listed = auth_client.get("/api/movies/").json()["results"]
    assert [m["my_state"]["rating"] for m in listed if m["id"] == movie.pk] == [None]


def test_review_stats_without_reviews_has_all_buckets(api_client):
    movie = MovieFactory()
    detail = api_client.get(f"/api/movies/{movie.pk}/").json()
    assert detail["review_stats"] == {
        "total": 0,
        "average": 0.0,
        "counts": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }
    assert detail["my_state"] is None


def test_my_state_rating_in_the_movie_list(auth_client, user):
    rated, unrated = MovieFactory(), MovieFactory()
    review_create(user=user, movie_id=rated.pk, rating=3)
    review_create(user=UserFactory(), movie_id=unrated.pk, rating=5)
    listed = {
        m["id"]: m["my_state"]["rating"] for m in auth_client.get("/api/movies/").json()["results"]
    }
    assert listed == {rated.pk: 3, unrated.pk: None}


# ---------------------------------------------------------------------------- filters


@pytest.fixture
def catalog():
    """Two movies in different genres, three users, five reviews."""
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    heat, airplane = MovieFactory(genres=[drama]), MovieFactory(genres=[comedy, drama])
    solo = MovieFactory(genres=[comedy])
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    rows = {
        "ann_heat": review_create(user=ann, movie_id=heat.pk, rating=5, text="A classic"),
        "bob_heat": review_create(user=bob, movie_id=heat.pk, rating=3, text="Long"),
        "ann_air": review_create(user=ann, movie_id=airplane.pk, rating=4, text="Funny classic"),
        "cy_air": review_create(user=cy, movie_id=airplane.pk, rating=1, text="No"),
        "cy_solo": review_create(user=cy, movie_id=solo.pk, rating=2, text="Hmm"),
    }
    return {"drama": drama, "comedy": comedy, "heat": heat, "ann": ann, "cy": cy, **rows}


def ids(response) -> set[int]:
    assert response.status_code == HTTPStatus.OK, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_filters(api_client, catalog):
    c = catalog
    assert ids(api_client.get(ALL, {"movie": c["heat"].pk})) == {c["ann_heat"].pk, c["bob_heat"].pk}
    assert ids(api_client.get(ALL, {"user": c["ann"].pk})) == {c["ann_heat"].pk, c["ann_air"].pk}
    assert ids(api_client.get(ALL, {"rating": 1})) == {c["cy_air"].pk}
    assert ids(api_client.get(ALL, {"min_rating": 4})) == {c["ann_heat"].pk, c["ann_air"].pk}
    assert ids(api_client.get(ALL, {"max_rating": 2})) == {c["cy_air"].pk, c["cy_solo"].pk}
    assert ids(api_client.get(ALL, {"min_rating": 2, "max_rating": 3})) == {
        c["bob_heat"].pk,
        c["cy_solo"].pk,
    }
    drama = {c["ann_heat"].pk, c["bob_heat"].pk, c["ann_air"].pk, c["cy_air"].pk}
    assert ids(api_client.get(ALL, {"genre": "dRaMa"})) == drama
    assert ids(api_client.get(ALL, {"genre": c["drama"].pk})) == drama
    assert ids(api_client.get(ALL, {"genre": "Western"})) == set()
    assert ids(api_client.get(ALL, {"text": "CLASSIC"})) == {c["ann_heat"].pk, c["ann_air"].pk}
    assert ids(api_client.get(ALL, {"user": c["cy"].pk, "genre": "comedy"})) == {
        c["cy_air"].pk,
        c["cy_solo"].pk,
    }


def test_a_movies_list_is_restricted_to_that_movie_whatever_the_query(api_client, catalog):
    other = catalog["cy_solo"].movie_id
    response = api_client.get(of_movie(catalog["heat"].pk), {"movie": other})
    assert ids(response) == {catalog["ann_heat"].pk, catalog["bob_heat"].pk}


def test_ordering_has_an_id_tie_break(api_client, catalog):
    def order(**params):
        return [r["id"] for r in api_client.get(ALL, params).json()["results"]]

    everything = list(Review.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert order() == everything
    assert order(ordering="created_at") == everything[::-1]
    by_rating = list(Review.objects.order_by("rating", "id").values_list("id", flat=True))
    assert order(ordering="rating") == by_rating
    by_rating_desc = list(Review.objects.order_by("-rating", "-id").values_list("id", flat=True))
    assert order(ordering="-rating") == by_rating_desc
    assert order(ordering="-updated_at")[0] == everything[0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rating": 9}, "rating"),
        ({"rating": "x"}, "rating"),
        ({"min_rating": "abc"}, "min_rating"),
        ({"max_rating": 0}, "max_rating"),
        ({"movie": "1.5"}, "movie"),
        ({"movie": 10**30}, "movie"),
        ({"user": "me"}, "user"),
        ({"ordering": "password"}, "ordering"),
        ({"text": "x" * 201}, "text"),
        ({"page": "two"}, "page"),
        ({"page_size": "all"}, "page_size"),
    ],
)
def test_invalid_filter_values_are_400_naming_the_filter(api_client, catalog, params, field):
    # the movie's own list fixes `movie` itself, so only the other filters apply there
    urls = [ALL] if field == "movie" else [ALL, of_movie(catalog["heat"].pk)]
    for url in urls:
        response = api_client.get(url, params)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert field in fields_of(response)


# ---------------------------------------------------------------------------- pagination


@pytest.fixture
def many_reviews():
    """25 reviews of one movie, several sharing a created_at, to exercise the tie-break."""
    movie = MovieFactory()
    users = UserFactory.create_batch(25)
    Review.objects.bulk_create(
        Review(user=u, movie=movie, rating=1 + i % 5) for i, u in enumerate(users)
    )
    # bulk_create stamps one time per row; make ties certain
    first = Review.objects.order_by("id").first()
    Review.objects.filter(id__lte=first.id + 9).update(created_at=first.created_at)
    return movie


def _walk(client, url, params, *, backwards_from=None):
    seen, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == HTTPStatus.OK, response.json()
        body = response.json()
        assert body["count"] is None
        seen.extend(row["id"] for row in body["results"])
        pages += 1
        if not body["next"]:
            return seen, pages, body
        response = client.get(body["next"])


@pytest.mark.parametrize("ordering", [None, "created_at", "rating", "-rating", "-updated_at"])
def test_cursor_pages_walk_every_review_once_in_order(api_client, many_reviews, ordering):
    # given
    params = {"cursor": "", "page_size": 4}
    if ordering:
        params["ordering"] = ordering
    expected = [
        r["id"]
        for r in api_client.get(
            of_movie(many_reviews.pk),
            {"page_size": 100, **({"ordering": ordering} if ordering else {})},
        ).json()["results"]
    ]
    # when
    seen, pages, last = _walk(api_client, of_movie(many_reviews.pk), params)
    # then: same order as page numbers, nothing skipped or repeated
    assert seen == expected
    assert len(seen) == 25
    assert pages == 7
    # and walking back from the last page returns the pages in reverse
    back = [row["id"] for row in last["results"]]
    previous = last["previous"]
    while previous:
        body = api_client.get(previous).json()
        back = [row["id"] for row in body["results"]] + back
        previous = body["previous"]
    assert back == expected


def test_cursor_first_page_has_no_previous_and_rows_added_later_do_not_shift_pages(
    api_client, many_reviews
):
    first = api_client.get(ALL, {"cursor": "", "page_size": 10}).json()
    assert first["previous"] is None
    assert len(first["results"]) == 10
    # a new review arrives at the top while the client scrolls
    review_create(user=UserFactory(), movie_id=many_reviews.pk, rating=5)
    second = api_client.get(first["next"]).json()
    first_ids = {r["id"] for r in first["results"]}
    assert not first_ids & {r["id"] for r in second["results"]}
    assert len(second["results"]) == 10


@pytest.mark.parametrize("cursor", ["not base64 !", "e30", "eyJvIjpbXX0", "W10", "%%%"])
def test_bad_cursor_is_400_naming_cursor(api_client, many_reviews, cursor):
    response = api_client.get(ALL, {"cursor": cursor})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fields_of(response) == {"cursor": "invalid"}


def test_tampered_cursor_values_are_400_naming_cursor(api_client, many_reviews):
    import base64
    import json

    for values in (["yesterday", 1], [None, 1], [{"a": 1}, 2], ["2024-01-01T00:00:00+00:00"]):
        raw = json.dumps({"o": ["-created_at", "-id"], "v": values, "b": 0}).encode()
        token = base64.urlsafe_b64encode(raw).decode()
        response = api_client.get(ALL, {"cursor": token})
        assert response.status_code == HTTPStatus.BAD_REQUEST, values
        assert fields_of(response) == {"cursor": "invalid"}


def test_cursor_from_another_ordering_is_400(api_client, many_reviews):
    next_link = api_client.get(ALL, {"cursor": "", "page_size": 3}).json()["next"]
    response = api_client.get(next_link + "&ordering=rating")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fields_of(response) == {"cursor": "invalid"}


@pytest.mark.parametrize("page", ["-2739617184", "0", "two"])
def test_a_bad_page_beside_a_cursor_is_400_naming_page(api_client, many_reviews, page):
    # when cursor mode is asked for with a page number out of its documented bounds
    response = api_client.get(ALL, {"cursor": "", "page": page})
    # then it is refused on `page`, as it is without a cursor
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fields_of(response) == {"page": "invalid"}


def test_a_valid_page_beside_a_cursor_is_ignored(api_client, many_reviews):
    # when cursor mode is asked for with a page number in bounds
    with_page = api_client.get(ALL, {"cursor": "", "page": 3, "page_size": 5}).json()
    without = api_client.get(ALL, {"cursor": "", "page_size": 5}).json()
    # then the cursor decides: the first page, as without it
    assert with_page == without
    assert with_page["count"] is None and with_page["previous"] is None


def test_page_numbers_still_work(api_client, many_reviews):
    body = api_client.get(of_movie(many_reviews.pk), {"page": 3, "page_size": 10}).json()
    assert body["count"] == 25
    assert len(body["results"]) == 5
    assert body["next"] is None and "page=2" in body["previous"]


# ---------------------------------------------------------------------------- query counts


@pytest.fixture
def hundred_reviews():
    genre = GenreFactory(name="Noir")
    movie = MovieFactory(genres=[genre])
    users = UserFactory.create_batch(110)
    Review.objects.bulk_create(
        Review(user=u, movie=movie, rating=1 + i % 5) for i, u in enumerate(users)
    )
    return movie


@pytest.mark.parametrize(
    ("url_kind", "params", "anonymous_queries"),
    [
        ("all", {}, 2),  # COUNT + page (user and movie joined)
        ("all", {"genre": "noir", "min_rating": 1, "ordering": "rating"}, 2),
        ("all", {"cursor": ""}, 1),  # no COUNT in cursor mode
        ("movie", {}, 3),  # + the movie-exists check
        ("movie", {"cursor": ""}, 2),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_review_list_query_count_does_not_grow_with_page_size(
    api_client,
    user,
    hundred_reviews,
    django_assert_num_queries,
    url_kind,
    params,
    anonymous_queries,
    signed_in,
):
    client = bearer_client(user) if signed_in else api_client
    url = ALL if url_kind == "all" else of_movie(hundred_reviews.pk)
    # JWT auth with CHECK_REVOKE_TOKEN loads the user: one more query
    expected = anonymous_queries + (1 if signed_in else 0)
    for size in (5, 100):
        with django_assert_num_queries(expected):
            response = client.get(url, {**params, "page_size": size})
        assert response.status_code == HTTPStatus.OK
        assert len(response.json()["results"]) == size


def test_aggregate_matches_after_api_traffic(auth_client, user, other_user):
    # a short mixed sequence through REST leaves exact figures
    movie = MovieFactory()
    other = bearer_client(other_user)
    mine = auth_client.post(of_movie(movie.pk), {"rating": 5}).json()
    other.post(of_movie(movie.pk), {"rating": 2})
    auth_client.patch(one(mine["id"]), {"rating": 3})
    fresh = Review.objects.filter(movie=movie).aggregate(n=Count("id"), avg=Avg("rating"))
    assert figures(movie) == (Decimal("2.50"), fresh["n"])
    assert float(fresh["avg"]) == 2.5


# ---------------------------------------------------------------------------- docs


def test_review_routes_are_documented_with_unique_operation_ids(api_client):
    paths = api_client.get("/swagger.json").json()["paths"]
    nested, everything = paths["/movies/{movie_id}/reviews/"], paths["/movies/reviews/"]
    operation_ids = [
        op["operationId"]
        for item in (nested, everything, paths["/movies/reviews/{id}/"])
        for method, op in item.items()
        if method != "parameters"
    ]
    assert len(operation_ids) == len(set(operation_ids)) == 7
    list_params = {p["name"] for p in everything["get"]["parameters"]}
    assert {"movie", "user", "genre", "text", "ordering", "page", "cursor"} <= list_params
    nested_params = {p["name"] for p in nested["get"]["parameters"]}
    assert "movie" not in nested_params and "cursor" in nested_params
    body = next(p for p in nested["post"]["parameters"] if p["in"] == "body")
    assert "409" in nested["post"]["responses"] and body["schema"]


@pytest.mark.django_db(transaction=True)
def test_creating_a_review_costs_thirteen_statements(auth_client):
    # auth user, movie lock, duplicate check, the rating's old date, rating upsert and
    # its trending count, which reads trending's windows (movies/trends.py: here the
    # first write makes their rows, then reads them again; none holds sums yet, so none
    # is added to), review insert and its count, which reads the windows again, rating
    # UPDATE; transaction=True so the request's transaction is a real one, not a savepoint
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    movie = MovieFactory()
    with CaptureQueriesContext(connection) as captured:
        response = auth_client.post(of_movie(movie.pk), {"rating": 4})
    assert response.status_code == HTTPStatus.CREATED
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert [s for s in statements if s not in ("BEGIN", "COMMIT")] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "INSERT",
        "INSERT",
        "SELECT",
        "INSERT",
        "SELECT",
        "INSERT",
        "INSERT",
        "SELECT",
        "UPDATE",
    ]
