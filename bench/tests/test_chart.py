"""bench/chart.py: requests/s per variant against B0/B1, drawn from the results files."""

import struct

import pytest

from bench import chart

INPROC = {
    "B0": {"median_ms": 0.25, "queries": 0},
    "B1": {"median_ms": 2.5, "queries": 2},
    "R1": {"median_ms": 5.0, "queries": 3},
    "ratios": {"L1": 2.0},
    "gates": {"L1": {"measured": 2.0}},
    "meta": {"vendor": "sqlite", "size": "S", "iterations": 80, "rounds": 3},
}
HTTP = {
    "runs": {
        "B1": {"rps": 400.0},
        "R1": {"rps": 200.0},
        "B0_cache#1": {"rps": 900.0},
        "B1_cache#1": {"rps": 380.0},
        "C1#1": {"rps": 850.0},
        "B0_cache#2": {"rps": 700.0},
        "B1_cache#2": {"rps": 360.0},
        "C1#2": {"rps": 650.0},
        "B0_cache#3": {"rps": 950.0},
        "B1_cache#3": {"rps": 370.0},
        "C1#3": {"rps": 800.0},
    },
    "gates": {},
}


def test_in_process_rates_are_1000_over_the_median_and_skip_the_summaries():
    assert chart.inproc_rates(INPROC) == pytest.approx({"B0": 4000.0, "B1": 400.0, "R1": 200.0})
    assert chart.baselines(chart.inproc_rates(INPROC), http=False) == pytest.approx(
        {"B0": 4000.0, "B1": 400.0}
    )


def test_http_baselines_are_the_cached_servers_b0_and_the_uncached_b1():
    rates = chart.http_rates(HTTP)
    assert chart.baselines(rates, http=True) == {"B0": 900.0, "B1": 400.0}


def test_a_target_run_in_rounds_is_drawn_once_at_its_median():
    rates = chart.http_rates(HTTP)
    assert rates == {"B1": 400.0, "R1": 200.0, "B0_cache": 900.0, "B1_cache": 370.0, "C1": 800.0}


def png_height(path) -> int:
    return struct.unpack(">I", path.read_bytes()[20:24])[0]


def test_draws_a_png_with_a_panel_per_results_file(tmp_path):
    both = chart.draw(INPROC, HTTP, tmp_path / "both.png")
    one = chart.draw(INPROC, None, tmp_path / "one.png")
    assert both.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert one.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # two panels make a taller image than one (the height is in the PNG's IHDR chunk)
    assert png_height(both) > png_height(one)


def test_nothing_to_draw_writes_nothing(tmp_path):
    assert chart.draw(None, {"runs": {}}, tmp_path / "none.png") is None
    assert not (tmp_path / "none.png").exists()
    assert (
        chart.main(
            [
                "--inproc",
                str(tmp_path / "absent.json"),
                "--http",
                str(tmp_path / "absent.json"),
                "--output",
                str(tmp_path / "x.png"),
            ]
        )
        == 1
    )
