"""The drill's report: per-fault table (markdown) and timeline chart (PNG).

Reads the load generator's requests and the fault events, checks every acknowledged
write against the primary, and writes <out>/cluster-drill.md and cluster-drill.png.
"""

import argparse
import json
import math
from collections import defaultdict
from pathlib import Path

import matplotlib.pyplot as plt
import psycopg2

SETTLE_FOR_P95 = 5.0  # seconds after the restore still counted as "during the fault"


def load(requests_path, events_path):
    records = [json.loads(line) for line in Path(requests_path).read_text().splitlines() if line]
    events = []
    for line in Path(events_path).read_text().splitlines():
        when, kind, name = line.split("\t")
        events.append((float(when), kind, name))
    return records, events


def p95(values):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ended(record) -> float:
    """When the answer (or the failure) came: errors belong to the phase they happen in."""
    return record["t"] + record["ms"] / 1000


def is_error(record) -> bool:
    return not record.get("ok") and "violation" not in record


def lost_writes(records, primary_url):
    """Acknowledged reviews missing on the primary, or holding another rating than acked."""
    last_ack, uncertain = {}, set()
    for record in sorted(records, key=lambda r: r["t"]):
        if record["op"] not in ("create", "update") or "id" not in record:
            continue
        if record.get("ok"):
            last_ack[record["id"]] = record
            uncertain.discard(record["id"])
        else:
            # An update that got no answer may still have committed.
            uncertain.add(record["id"])
    with psycopg2.connect(primary_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, rating FROM movies_review WHERE id = ANY(%s)", (list(last_ack),))
        stored = dict(cursor.fetchall())
    lost = [
        record
        for review_id, record in last_ack.items()
        if review_id not in stored
        or (review_id not in uncertain and stored[review_id] != record["rating"])
    ]
    return lost, len(last_ack)


def phases(events, records):
    """(name, inject, restore, end) for the baseline and each fault."""
    start = min(ended(r) for r in records)
    injects = [(t, name) for t, kind, name in events if kind == "inject"]
    restores = {name: t for t, kind, name in events if kind == "restore"}
    end = max(t for t, kind, _ in events if kind == "end")
    bounds = [t for t, _ in injects] + [end]
    result = [("baseline (no fault)", start, bounds[0], bounds[0])]
    for (t, name), next_t in zip(injects, bounds[1:], strict=True):
        result.append((name, t, restores.get(name, t), next_t))
    return result


def row(name, inject, restore, end, records, lost):
    inside = [r for r in records if inject <= ended(r) < end]
    errors = sorted((r for r in inside if is_error(r)), key=ended)
    during = [r["ms"] for r in inside if r["t"] < restore + SETTLE_FOR_P95 and r.get("ok")]
    window = (
        f"{ended(errors[0]) - inject:+.1f} s … {ended(errors[-1]) - inject:+.1f} s"
        if errors
        else "—"
    )
    return (
        f"| {name} | {len(inside)} | {len(errors)} | {window} | {p95(during):.0f} | "
        f"{sum(1 for r in lost if inject <= ended(r) < end)} | "
        f"{sum(1 for r in inside if 'violation' in r)} |"
    )


def table(records, events, lost, acked):
    lines = [
        "| phase | requests | errors | error window (from fault) | p95 ms | acked writes lost "
        "| read-your-writes violations |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, inject, restore, end in phases(events, records):
        lines.append(row(name, inject, restore, end, records, lost))
    total_errors = sum(1 for r in records if is_error(r))
    violations = [r for r in records if "violation" in r]
    lines += [
        "",
        f"Requests: {len(records)}, errors: {total_errors}, acknowledged writes checked on "
        f"the primary: {acked}, lost: {len(lost)}, read-your-writes violations: "
        f"{len(violations)}.",
    ]
    lines += [f"- violation: {r['op']} review {r['id']}: {r['violation']}" for r in violations]
    codes = defaultdict(int)
    for record in records:
        if is_error(record):
            codes[f"{record['op']} {record.get('error') or record['status']}"] += 1
    if codes:
        lines.append("")
        lines.append(
            "Errors by operation and status: "
            + ", ".join(f"{key} x{count}" for key, count in sorted(codes.items()))
        )
    return "\n".join(lines) + "\n"


def routes(path) -> str:
    """The routing decisions of the app processes alive at the end, summed per alias."""
    if not path or not Path(path).exists():
        return ""
    totals = defaultdict(float)
    for line in Path(path).read_text().splitlines():
        labels, value = line.rsplit(" ", 1)
        alias = labels.split('alias="', 1)[1].split('"', 1)[0]
        totals[alias] += float(value)
    shares = ", ".join(f"{alias} {int(count)}" for alias, count in sorted(totals.items()))
    return f"\nRead routing decisions of the app processes alive at the end: {shares}.\n"


def chart(records, events, path):
    start = min(r["t"] for r in records)
    seconds = int(max(ended(r) for r in records) - start) + 1
    errors, latencies = [0] * seconds, [[] for _ in range(seconds)]
    for record in records:
        second = int(ended(record) - start)
        if is_error(record):
            errors[second] += 1
        elif record.get("ok"):
            latencies[second].append(record["ms"])
    figure, axis = plt.subplots(figsize=(12, 4.5))
    axis.bar(range(seconds), errors, color="tab:red", label="errors / s")
    axis.set_xlabel("seconds since the load started")
    axis.set_ylabel("errors per second", color="tab:red")
    latency_axis = axis.twinx()
    latency_axis.plot(range(seconds), [p95(v) for v in latencies], color="tab:blue", label="p95")
    latency_axis.set_ylabel("p95 latency (ms)", color="tab:blue")
    for name, inject, restore, _ in phases(events, records)[1:]:
        axis.axvspan(inject - start, max(restore, inject + 1) - start, color="grey", alpha=0.2)
        axis.text(
            inject - start, axis.get_ylim()[1] * 0.95, name, rotation=90, va="top", fontsize=8
        )
    axis.set_title("Cluster drill: errors and p95 per second (grey: fault held)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--routes", help="movie_api_db_read_routes_total lines of /metrics")
    parser.add_argument("--primary", required=True, help="URL of the primary database")
    parser.add_argument("--out", required=True, help="folder for the .md and .png")
    args = parser.parse_args()
    plt.switch_backend("Agg")  # files only, never a window
    records, events = load(args.requests, args.events)
    lost, acked = lost_writes(records, args.primary)
    out = Path(args.out)
    text = table(records, events, lost, acked) + routes(args.routes)
    (out / "cluster-drill.md").write_text(text)
    chart(records, events, out / "cluster-drill.png")
    print(text)


if __name__ == "__main__":
    main()
