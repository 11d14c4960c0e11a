"""Bench URLconf (ROOT_URLCONF of bench/settings.py): the product URLs plus the baselines.

The baselines B0-B5 (`bench/variants.py`) live under /__bench__/; no product URLconf
includes them, so a deployment cannot serve them (tests/test_query_budget.py checks).
"""

from django.urls import include, path

from movie_api.urls import handler400, handler404, handler500
from movie_api.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("__bench__/", include("bench.variants")),
    path("__bench__/", include("bench.people")),
    *product_urlpatterns,
]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
