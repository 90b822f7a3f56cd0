"""Factories for ``python -m pgwidgets_core worker`` (tests/core/test_workers.py)."""

from typing import Any


def make_async(**options: Any) -> Any:
    from pgwidgets_core import Application
    app = Application(**options)

    @app.on_connect
    async def setup(session: Any) -> None:
        await session.get_widgets().Label(f"async {session.id}")
    return app


def make_sync(**options: Any) -> Any:
    import pgwidgets_sync
    app = pgwidgets_sync.Application(**options)

    @app.on_connect
    def setup(session: Any) -> None:
        session.get_widgets().Label(f"sync {session.id}")
    return app
