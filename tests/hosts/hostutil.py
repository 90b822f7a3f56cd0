"""Helpers for the host tests."""

from __future__ import annotations

import threading

from pgwidgets_sync import Application


def browser_ui(session, on_click):
    """TopLevel > VBox > (Label "Ready", Button "Click me"); returns the label."""
    W = session.get_widgets()
    top = W.TopLevel(title="Host")
    vbox = W.VBox(spacing=8)
    label = W.Label("Ready")
    btn = W.Button("Click me")
    btn.on("activated", on_click)
    vbox.add_widget(label, 1)
    vbox.add_widget(btn, 0)
    top.set_widget(vbox)
    top.show()
    return label


def library_threads() -> list[str]:
    """Names of the threads of this library still alive."""
    return [t.name for t in threading.enumerate() if t.name.startswith("pgwidgets-")]


def is_closed(app: Application) -> bool:
    return app._done.is_set() and not app._portal.alive
