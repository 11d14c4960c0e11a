"""The response cache's per-process copies (core/caching/generation.py, NearCache):
bounded by the bytes of the bodies they hold, least recently used dropped first."""

from core.caching.generation import NearCache


def entry(body_bytes: int, generation: int = 1) -> tuple:
    return (generation, 200, (), b"x" * body_bytes, '"etag"', "api/movies/")


def test_the_least_recently_used_copy_goes_first_when_the_budget_is_passed(settings):
    # given room for two 4 KB answers (each counted with a kilobyte for the rest)
    settings.RESPONSE_CACHE_NEAR_BYTES = 2 * (4096 + 1024)
    copies = NearCache()
    copies.put("a", entry(4096))
    copies.put("b", entry(4096))
    # when "a" is read, then a third answer comes
    assert copies.get("a") == entry(4096)
    copies.put("c", entry(4096))
    # then "b", the least recently used, is gone; "a" and "c" stay
    assert copies.get("b") is None
    assert copies.get("a") == entry(4096)
    assert copies.get("c") == entry(4096)


def test_a_new_copy_of_a_key_replaces_the_old_one_in_the_count(settings):
    settings.RESPONSE_CACHE_NEAR_BYTES = 2 * (4096 + 1024)
    copies = NearCache()
    copies.put("a", entry(4096, generation=1))
    copies.put("a", entry(4096, generation=2))
    copies.put("b", entry(4096))
    # two copies fit: the replaced one no longer counts
    assert copies.get("a") == entry(4096, generation=2)
    assert copies.get("b") == entry(4096)


def test_an_answer_larger_than_the_budget_is_not_kept_and_0_keeps_none(settings):
    settings.RESPONSE_CACHE_NEAR_BYTES = 8 * 1024
    copies = NearCache()
    copies.put("small", entry(1024))
    copies.put("large", entry(64 * 1024))
    assert copies.get("large") is None
    assert copies.get("small") == entry(1024)
    settings.RESPONSE_CACHE_NEAR_BYTES = 0
    copies.put("small", entry(1024))
    assert copies.get("small") is None
