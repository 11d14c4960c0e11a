"""What a refused hostile GraphQL request costs, through the whole stack, in process.

The probe of "Hardening II" sent documents within every other limit that still cost
0.2-0.4 s of CPU each (graphql-core's standard rules visiting every node): a
2,800-item list literal, 700 unused variables, 900 copies of one argument; and
variables nested 4,900 lists deep (a 500). Each is sent here as an anonymous POST
through Django's full middleware stack and the view (`bench.settings`: the production
settings, local memory), with one number made unique per request so the parsed-document
cache never answers for it. The target: each refused in under 20 ms.

    .venv/bin/python -m bench.graphql_refusals [--runs 50]

Reports figures only (bench/README.md, docs/security.md); nothing here is a gate.
"""

import argparse
import json
import os
import statistics
import time

GENRES = "{ allGenres { edges { node { name } } } }"


def _list_literal(n: int) -> dict:
    items = ",".join([str(n)] + ["1"] * 2_799)
    return {"query": f"{{ allGenres(first: [{items}]) {{ totalCount }} }}"}


def _unused_variables(n: int) -> dict:
    variables = " ".join([f"$u{n}:Int"] + [f"$v{i}:Int" for i in range(699)])
    return {"query": f"query({variables}) {GENRES}"}


def _duplicate_arguments(n: int) -> dict:
    arguments = " ".join([f"first: {n}"] + ["first: 1"] * 899)
    return {"query": f"{{ allGenres({arguments}) {{ totalCount }} }}"}


def _nested_variables(n: int) -> str:
    return (
        json.dumps({"query": GENRES})[:-1]
        + f', "variables": {{"deep{n}": '
        + "[" * 4_900
        + "]" * 4_900
        + "}}"
    )


PROBES = {
    "2,800-item list literal": _list_literal,
    "700 unused variables": _unused_variables,
    "900 duplicate arguments": _duplicate_arguments,
    "variables nested 4,900 deep": _nested_variables,
}


def measure(runs: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    client = Client(raise_request_exception=False)
    figures = {}
    for name, probe in PROBES.items():
        wall, cpu, outcome = [], [], None
        for n in range(runs + 5):  # the first 5 warm up imports and caches
            body = probe(1_000 + n)
            data = body if isinstance(body, str) else json.dumps(body)
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.post("/graphql/", data, content_type="application/json")
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            if n >= 5:
                wall.append(elapsed * 1000)
                cpu.append(elapsed_cpu * 1000)
            outcome = (response.status_code, _first_message(response))
        figures[name] = {"bytes": len(data), "outcome": outcome, "wall": wall, "cpu": cpu}
    return figures


def _first_message(response) -> str:
    try:
        return response.json()["errors"][0]["message"][:90]
    except (ValueError, KeyError, IndexError):
        return response.content[:90].decode(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="requests per probe")
    args = parser.parse_args()
    figures = measure(args.runs)
    print(f"Per request, {args.runs} each, ms: median / p95 / max (wall), median (CPU)")
    for name, figure in figures.items():
        wall = sorted(figure["wall"])
        p95 = wall[max(0, int(len(wall) * 0.95) - 1)]
        status, message = figure["outcome"]
        print(
            f"  {name:28} {figure['bytes']:6} B  {statistics.median(wall):7.1f}"
            f" {p95:7.1f} {wall[-1]:7.1f}  {statistics.median(figure['cpu']):7.1f}"
            f"  -> {status} {message}"
        )


if __name__ == "__main__":
    main()
