"""Requests per second of every bench target against the B0 and B1 baselines (a PNG).

    python -m bench.chart [--inproc bench-results.json] [--http bench-results-http.json]
                          [--output bench/requests-per-second.png]

In process (`bench.run`): requests/s = 1000 / median ms of one request, so one core's
throughput if it did nothing else. Over HTTP (`bench/http.sh`): the rate wrk measured.
One horizontal bar per variant, a vertical line for B0 (precomputed bytes: Django and
the server alone) and one for B1 (the bare view: the main denominator), on a log scale
because B0 is two orders of magnitude above a page of 100. A panel is drawn for each
results file that exists. `bench.run` and `bench/http.sh` call this at the end.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "bench" / "requests-per-second.png"
# Which run of each HTTP label is the baseline line (the cached-server run has its own
# B0; B1 is the uncached server's, the one H1/H2 divide by).
HTTP_BASELINES = {"B0": ("B0_cache", "B0"), "B1": ("B1", "B1_cache")}


def inproc_rates(results: dict) -> dict[str, float]:
    """{variant: requests/s} from bench-results.json (1000 / median ms)."""
    return {
        name: 1000.0 / entry["median_ms"]
        for name, entry in results.items()
        if isinstance(entry, dict) and entry.get("median_ms")
    }


def http_rates(results: dict) -> dict[str, float]:
    """{label: requests/s} from bench-results-http.json; a label run in rounds
    ("C1#1", "C1#2", ...) is drawn once, at its median."""
    rounds: dict[str, list[float]] = {}
    for label, run in results.get("runs", {}).items():
        rounds.setdefault(label.split("#")[0], []).append(run["rps"])
    return {label: statistics.median(values) for label, values in rounds.items()}


def baselines(rates: dict[str, float], http: bool) -> dict[str, float]:
    """{"B0": rps, "B1": rps} for whichever of the two the rates hold."""
    lines = {}
    for baseline, labels in (HTTP_BASELINES if http else {"B0": ("B0",), "B1": ("B1",)}).items():
        found = next((rates[label] for label in labels if label in rates), None)
        if found is not None:
            lines[baseline] = found
    return lines


def _panel(axis, title: str, rates: dict[str, float], lines: dict[str, float]) -> None:
    names = sorted(rates, key=rates.get)
    values = [rates[name] for name in names]
    colours = ["#8c8c8c" if name.startswith("B") else "#3b75af" for name in names]
    axis.barh(names, values, color=colours)
    for index, value in enumerate(values):
        axis.text(value * 1.04, index, f"{value:,.0f}", va="center", fontsize=7)
    for (baseline, value), style in zip(lines.items(), ("--", ":"), strict=False):
        axis.axvline(
            value,
            color="#c0392b",
            linestyle=style,
            linewidth=1.2,
            label=f"{baseline}: {value:,.0f}/s",
        )
    if lines:
        axis.legend(loc="lower right", fontsize=8)
    axis.set_xscale("log")
    axis.set_xlim(min(values) / 1.5, max(values) * 3)
    axis.set_xlabel("requests per second (log scale; higher is better)")
    axis.set_title(title, fontsize=10)
    axis.tick_params(axis="y", labelsize=8)


def draw(inproc: dict | None, http: dict | None, output: Path) -> Path | None:
    """Write the PNG with one panel per results dict given; None if there is nothing."""
    panels = []
    if inproc:
        meta = inproc.get("meta", {})
        title = (
            f"In process ({meta.get('vendor', '?')}, size {meta.get('size', '?')}, "
            f"{meta.get('iterations', '?')} iterations x {meta.get('rounds', '?')}): "
            f"1000 / median ms{' of CPU time' if meta.get('clock') == 'cpu' else ''}"
        )
        rates = inproc_rates(inproc)
        panels.append((title, rates, baselines(rates, http=False)))
    if http:
        rates = http_rates(http)
        panels.append(("HTTP (gunicorn, wrk): measured requests/s", rates, baselines(rates, True)))
    panels = [panel for panel in panels if panel[1]]
    if not panels:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    heights = [max(2.5, 0.28 * len(rates) + 1.2) for _title, rates, _lines in panels]
    figure, _axes = plt.subplots(
        len(panels), 1, figsize=(9, sum(heights)), gridspec_kw={"height_ratios": heights}
    )
    for axis, (title, rates, lines) in zip(figure.axes, panels, strict=True):
        _panel(axis, title, rates, lines)
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=110)
    plt.close(figure)
    return output


def _read(path: str) -> dict | None:
    file = Path(path)
    return json.loads(file.read_text()) if file.is_file() else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inproc", default=str(ROOT / "bench-results.json"))
    parser.add_argument("--http", default=str(ROOT / "bench-results-http.json"))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args(argv)
    written = draw(_read(args.inproc), _read(args.http), Path(args.output))
    if written is None:
        print("no bench results to chart", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
