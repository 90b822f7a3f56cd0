"""An app for several worker processes behind nginx (docs/deployment.md)::

    python -m pgwidgets_core serve workers_app:make_app --workers 2 --port 9601 \\
        --origin http://example.com --nginx-conf myapp.conf

(run it from this folder, or put the folder on PYTHONPATH). Each page shows the worker
and session it is served by, and a counter kept by that session.
"""

from typing import Any

from pgwidgets_core import Application, Session


def make_app(**options: Any) -> Application:
    """The Application of one worker: the launcher passes its port, name and origins."""
    app = Application(**options)
    worker = options.get("worker")

    @app.on_connect
    async def setup(session: Session) -> None:
        W = session.get_widgets()
        top = await W.TopLevel(title="Workers", resizable=True)
        vbox = await W.VBox(spacing=8, padding=10)
        where = await W.Label(f"worker {worker}, session {session.id}")
        count = await W.Label("count 0")
        btn = await W.Button("Add one")
        n = 0

        async def add() -> None:
            nonlocal n
            n += 1
            await count.set_text(f"count {n}")

        await btn.on("activated", add)
        for w in (where, count, btn):
            await vbox.add_widget(w, 0)
        await top.set_widget(vbox)
        await top.resize(320, 160)
        await top.show()

    return app
