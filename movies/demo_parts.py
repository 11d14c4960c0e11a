"""Parts of the demo data that apps above the catalog add (`load_demo_data`).

The demo loader lives here, but some of what a demo account shows belongs to apps that
depend on `movies` (the diary). Such an app registers a loader when Django starts
(diary/apps.py); `load_demo_data` runs each after the catalog, the accounts and the
reviews, in the same transaction. So `movies` never imports them.
"""

from collections.abc import Callable

# (name in the command's summary, loader(users={username: user}) -> rows created)
_parts: list[tuple[str, Callable[..., int]]] = []


def register_demo_part(name: str, loader: Callable[..., int]) -> None:
    """Add `loader(*, users) -> int` (how many rows it created; 0 on a rerun)."""
    _parts[:] = [part for part in _parts if part[0] != name]
    _parts.append((name, loader))


def demo_parts() -> list[tuple[str, Callable[..., int]]]:
    return list(_parts)
