"""The monitoring recipes query only metrics the code exports.

A renamed metric would otherwise leave a dashboard panel empty and an alert silent,
with nothing failing. The exported names are read from the source: every
Counter/Histogram/Gauge (and collector family) of core/metrics.py and opskit,
with the suffixes Prometheus adds (`_total`, `_bucket`/`_sum`/`_count`).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("core/metrics.py", "libs/opskit/opskit/__init__.py")
DASHBOARD = REPO / "deploy" / "grafana" / "movie-api.json"
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
# Series Prometheus itself adds to every target.
BUILT_IN = {"up"}
METRIC = re.compile(r"\b(?:http_|movie_api_)[a-z0-9_]+|\bup\b")


def exported_series() -> set[str]:
    series = set(BUILT_IN)
    for source in SOURCES:
        for node in ast.walk(ast.parse((REPO / source).read_text())):
            if not (
                isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            ):
                continue
            kind = getattr(node.func, "id", getattr(node.func, "attr", ""))
            name = node.args[0].value
            if kind in {"Counter", "CounterMetricFamily"}:
                series.add(name.removesuffix("_total") + "_total")
            elif kind == "Histogram":
                series |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
            elif kind in {"Gauge", "GaugeMetricFamily"}:
                series.add(name)
    return series


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_queries() -> list[str]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def test_the_code_exports_the_metrics_the_docs_promise():
    series = exported_series()
    assert {
        "http_responses_total",
        "http_request_duration_seconds_bucket",
        "movie_api_cache_hit_ratio",
    } <= series


def test_every_dashboard_query_names_an_exported_metric():
    series = exported_series()
    used = {name for expr in dashboard_queries() for name in METRIC.findall(expr)}
    assert used, "the dashboard queries no metric"
    assert used - series == set()


def test_every_alert_rule_names_an_exported_metric():
    series = exported_series()
    used = {name for expr in alert_queries() for name in METRIC.findall(expr)}
    assert used - series == set()


def test_the_dashboard_covers_every_exported_metric():
    # given every metric the code exports / then some panel shows it
    used = {name for expr in dashboard_queries() for name in METRIC.findall(expr)}
    families = {re.sub(r"_(bucket|sum|count)$", "", name) for name in used}
    for name in exported_series() - BUILT_IN:
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if name.startswith("movie_api_cache_") and name != "movie_api_cache_hit_ratio":
            continue  # the raw hit and miss counters are summed up by the ratio
        assert family in families or name in used, f"no panel shows {name}"
