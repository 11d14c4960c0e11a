"""The chart of "Lists of 5,000" (bench/README.md): per page (first, middle, last) the
movie list's time and the list's items' time side by side, with their ratio.

    python -m bench.list_pages --clock cpu --output bench/list-pages-results.json
    python -m bench.list_pages_chart [--results bench/list-pages-results.json]
                                     [--output bench/list-pages.png]
"""

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERIES = (
    ("movies", "GET /api/movies/?page_size=100"),
    ("list items", "GET /api/lists/{id}/items/"),
)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=str(ROOT / "bench" / "list-pages-results.json"))
    parser.add_argument("--output", default=str(ROOT / "bench" / "list-pages.png"))
    args = parser.parse_args()
    results = json.loads(Path(args.results).read_text())
    pages = list(results["pages"])
    figure, axes = plt.subplots(figsize=(7, 3.6))
    width = 0.38
    for offset, (name, label) in enumerate(SERIES):
        xs = [k + (offset - 0.5) * width for k in range(len(pages))]
        axes.bar(xs, [results["pages"][page][name]["ms"] for page in pages], width, label=label)
    for k, page in enumerate(pages):
        row = results["pages"][page]
        top = max(row[name]["ms"] for name, _ in SERIES)
        axes.annotate(f"{row['ratio']:.2f}x", (k, top), ha="center", va="bottom")
    axes.set_xticks(range(len(pages)), [f"page {page}" for page in pages])
    clock = "CPU" if results["clock"] == "cpu" else "wall"
    axes.set_ylabel(f"median ms ({clock} time), 100 rows")
    axes.set_ylim(0, axes.get_ylim()[1] * 1.35)
    load = ", ".join(f"{value:.1f}" for value in results["load"])
    axes.set_title(
        f"A list of {results['items']:,} against the movie list "
        f"({results['date'][:10]}, {results['database']}, load {load})",
        fontsize=10,
    )
    axes.legend(loc="upper center", ncol=2, fontsize=8)
    figure.tight_layout()
    figure.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
