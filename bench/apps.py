"""The benchmark app: installed by bench/settings.py only, for its `seed_bench` command."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark-only commands; no models."""

    name = "bench"
    verbose_name = "Benchmarks"
