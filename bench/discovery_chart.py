"""Discovery's chart (bench/README.md, "Discovery"): the neighbours' precompute time
against the number of ratings, log-log, with the line of linear growth through the
smallest size; and each discovery request's cost over the uncached movie detail.

    python -m bench.discovery_chart [--results bench/discovery-results.json]
                                    [--output bench/discovery.png]
"""

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def precompute_points(results: dict) -> list[tuple[int, float]]:
    """(ratings, seconds the command took) per size, smallest first."""
    points = []
    for name, entry in results.items():
        if name.startswith("precompute "):
            seconds = float(re.search(r"in ([\d.]+) s", entry["command"]).group(1))
            points.append((int(name.split()[1]), seconds))
    return sorted(points)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=str(ROOT / "bench" / "discovery-results.json"))
    parser.add_argument("--output", default=str(ROOT / "bench" / "discovery.png"))
    args = parser.parse_args()
    results = json.loads(Path(args.results).read_text())
    points = precompute_points(results)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    sizes, seconds = zip(*points, strict=True)
    left.loglog(sizes, seconds, "o-", label="compute_neighbours")
    left.loglog(
        sizes, [seconds[0] * size / sizes[0] for size in sizes], "--", color="grey", label="linear"
    )
    left.set_xlabel("ratings")
    left.set_ylabel("seconds")
    left.set_title("Neighbours' precompute")
    left.legend()
    requests = results.get("requests", {})
    names = list(requests)
    right.barh(names, [requests[name]["ratio"] for name in names])
    right.set_xscale("log")
    right.axvline(2.0, color="red", linestyle=":", label="target 2x")
    right.set_xlabel("cost / uncached movie detail (in process, log)")
    right.set_title(f"Requests ({results.get('date', '')[:10]})")
    right.invert_yaxis()
    right.legend()
    figure.tight_layout()
    figure.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
