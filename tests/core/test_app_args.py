"""Each bad argument of Application is refused at once, naming the argument."""

import pytest

from pgwidgets_core import Application


@pytest.mark.parametrize("kwargs, words", [
    ({"ws_port": 70000}, "ws_port must be a port number"),
    ({"http_port": -1}, "http_port must be a port number"),
    ({"max_sessions": 0}, "max_sessions must be a positive int or None"),
    ({"call_timeout": 0}, "call_timeout must be positive"),
    ({"session_idle_timeout": -5}, "session_idle_timeout must be positive or None"),
    ({"ping_interval": 0}, "ping_interval must be a positive number of seconds or None"),
    ({"ping_interval": "20"}, "ping_interval must be a positive number"),
    ({"ws_path": "/"}, "ws_path must be a URL path"),
    ({"worker": "w 1"}, "worker must be a name"),
])
def test_bad_arguments_name_themselves(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Application(**kwargs)


def test_good_arguments_are_kept():
    app = Application(ws_port=0, http_port=0, ping_interval=None, worker="w1")
    assert app.ping_interval is None and app.session_ids.worker == "w1"
