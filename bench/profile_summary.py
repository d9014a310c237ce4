"""The few lines of a cProfile stats file worth keeping: weir's CPU per request by area and the top functions.

python bench/profile_summary.py OUT.prof [--requests N] [--top 25]
"""

import argparse
import pstats

# Where CPU goes, by the file a function lives in (first match wins; the rest is "other").
AREAS = (
    ("sqlalchemy", "sqlalchemy/"),
    ("psycopg", "psycopg"),
    ("quart/werkzeug/uvicorn", ("quart/", "werkzeug/", "uvicorn/", "h11", "httptools", "hypercorn/")),
    ("httpx/httpcore (upstream client)", ("httpx/", "httpcore/", "anyio/")),
    ("asyncio", "asyncio/"),
    ("taskiq", "taskiq/"),
    ("json/pydantic", ("json/", "pydantic")),
    ("tiktoken", "tiktoken"),
    ("weir domain", "/domain/"),
    ("weir application", "/application/"),
    ("weir adapters", "/adapters/"),
    ("weir entrypoints", "/entrypoints/"),
)


def area(filename: str) -> str:
    for name, needles in AREAS:
        for needle in (needles,) if isinstance(needles, str) else needles:
            if needle in filename:
                return name
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    parser.add_argument("--requests", type=int, default=0, help="divide by this many requests (ms per request)")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    stats = pstats.Stats(args.stats)
    by_area: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area(filename)] = by_area.get(area(filename), 0.0) + tottime
    total = sum(by_area.values())
    per = f" = {total / args.requests * 1000:.1f} ms per request" if args.requests else ""
    print(f"CPU {total:.2f} s{per}")
    for name, spent in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {name:36}{spent / total * 100:5.1f}%")
    print()
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
