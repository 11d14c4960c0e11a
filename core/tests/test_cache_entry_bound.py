"""The response cache stores no answer past RESPONSE_CACHE_MAX_ENTRY_BYTES.

Each query string is a cache key of its own, so big pages with junk parameters could
otherwise push the small, often-read answers out of the cache's bounded memory. An
answer past the bound is still served, computed each time, and never stored.
"""

from http import HTTPStatus

import pytest

from core.caching import generation
from core.caching.generation import near_cache
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

BIG_PAGE = "/api/movies/?page_size=100&junk=1"
SMALL_PAGE = "/api/movies/?page_size=1"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


def test_an_answer_past_the_bound_is_served_every_time_but_never_stored(settings, api_client):
    # given a catalog whose page of 30 movies is bigger than the bound, and a small page
    # that fits (the bound set between their sizes)
    MovieFactory.create_batch(30)
    big_size = len(api_client.get(BIG_PAGE).content)
    small_size = len(api_client.get(SMALL_PAGE).content)
    settings.RESPONSE_CACHE_MAX_ENTRY_BYTES = (big_size + small_size) // 2 + 1024
    near_cache.clear()
    generation.bump()  # what was stored before the bound changed is dead
    # when each is read twice
    big = [api_client.get(BIG_PAGE) for _ in range(2)]
    small = [api_client.get(SMALL_PAGE) for _ in range(2)]
    # then the big page is answered in full both times, and computed both times
    for response in big:
        assert response.status_code == HTTPStatus.OK
        assert len(response.json()["results"]) == 30
        assert "X-Cache" not in response
    # and the small one is stored and served from the cache the second time
    assert "X-Cache" not in small[0]
    assert small[1]["X-Cache"] == "HIT"
    assert small[1].content == small[0].content


def test_save_refuses_an_entry_past_the_bound_in_the_store_and_the_copies(settings):
    # given a bound of 8 KiB (an entry counts its body and a kilobyte for the rest)
    settings.RESPONSE_CACHE_MAX_ENTRY_BYTES = 8 * 1024
    current = generation.lookup("probe")[0]
    fits = (current, 200, (), b"x" * (7 * 1024), '"a"', "")
    too_big = (current, 200, (), b"x" * (7 * 1024 + 1), '"b"', "")
    # when both are saved
    generation.save("fits", fits, near=True)
    generation.save("too-big", too_big, near=True)
    # then only the one within the bound is in the shared store and this process's copies
    assert generation.store().get("fits") == fits
    assert near_cache.get("fits") == fits
    assert generation.store().get("too-big") is None
    assert near_cache.get("too-big") is None
