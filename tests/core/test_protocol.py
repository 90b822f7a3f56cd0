"""The wire codec: encoding rules, widget references, validation of inbound frames."""

import json
import math

import pytest

from pgwidgets_core import protocol
from pgwidgets_core.errors import ProtocolError
from pgwidgets_core.protocol import CallbackEvent, Ref, Reply, ViewportEvent


class FakeRef(Ref):
    __slots__ = ("wid",)

    def __init__(self, wid):
        self.wid = wid


def test_widget_arguments_become_wid_references_at_any_depth():
    msg = protocol.call(1, "add_widget", [FakeRef(4), {"title": "One", "w": [FakeRef(5)]}])
    msg["id"] = 9
    assert json.loads(protocol.encode(msg)) == {
        "type": "call", "wid": 1, "method": "add_widget", "id": 9,
        "args": [{"__wid__": 4}, {"title": "One", "w": [{"__wid__": 5}]}]}


def test_non_finite_floats_are_sent_as_null():
    text = protocol.encode({"args": [1.5, math.nan, [math.inf, -math.inf]]})
    assert json.loads(text) == {"args": [1.5, None, [None, None]]}


def test_tuples_and_sets_are_sent_as_arrays():
    assert json.loads(protocol.encode({"a": (1, 2), "b": {3}})) == {"a": [1, 2], "b": [3]}


def test_objects_with_tolist_are_converted_like_numpy_values():
    class Array:
        def tolist(self):
            return [1, 2, 3]
    assert json.loads(protocol.encode([Array()])) == [[1, 2, 3]]


def test_unencodable_value_raises_type_error_naming_its_type():
    with pytest.raises(TypeError, match="cannot send a object"):
        protocol.encode([object()])


def test_inbound_references_resolve_everywhere_including_nested_dicts():
    seen = []

    def resolve(wid, cls):
        seen.append((wid, cls))
        return f"W{wid}"
    value = [{"__wid__": 3, "__class__": "Label"}, {"x": {"__wid__": 4, "__class__": "Menu"}}]
    assert protocol.from_wire(value, resolve) == ["W3", {"x": "W4"}]
    assert seen == [(3, "Label"), (4, "Menu")]


def test_result_and_error_replies_parse_to_reply_events():
    [r] = protocol.parse_frame('{"type":"result","id":3,"value":[1],"wid":2,"next_wid":5}')
    assert r == Reply(3, True, value=[1], wid=2, next_wid=5, has_value=True)
    [e] = protocol.parse_frame('{"type":"error","id":4,"error":"Unknown widget id: 9"}')
    assert e.ok is False and e.error == "Unknown widget id: 9"


def test_array_frames_give_one_event_per_entry_with_none_for_null():
    events = protocol.parse_frame('[{"type":"result","id":1},null,{"type":"result","id":2}]')
    assert [e.id if e else None for e in events] == [1, None, 2]


def test_replies_without_an_id_are_for_the_next_unnumbered_message():
    # pgwidgets-js answers a message that has no id without one (batch calls)
    ok, err, val = protocol.parse_frame(
        '[{"type":"result"},{"type":"error","error":"no"},{"type":"result","value":1}]')
    assert ok is protocol.UNNUMBERED_OK and ok == Reply(None, True)
    assert err == Reply(None, False, error="no")
    assert val == Reply(None, True, value=1, has_value=True)


def test_callback_and_viewport_parse():
    [cb] = protocol.parse_frame('{"type":"callback","wid":2,"action":"activated","args":[5]}')
    assert cb == CallbackEvent(2, "activated", [5])
    [vp] = protocol.parse_frame('{"type":"viewport","width":800,"height":600}')
    assert vp == ViewportEvent(800, 600)


@pytest.mark.parametrize("frame, fragment", [
    ("not json", "invalid JSON"),
    ("42", "expected a JSON object"),
    ('{"type":"bogus"}', "unknown message type 'bogus'"),
    ('{"type":"result","id":1.5}', "integer 'id'"),
    ('{"type":"result","id":"7"}', "integer 'id'"),
    ('{"type":"callback","action":"x","args":[]}', "integer 'wid'"),
    ('{"type":"callback","wid":1,"args":[]}', "'action'"),
    ('{"type":"callback","wid":1,"action":"x","args":{}}', "'args' must be an array"),
    ('{"type":"viewport","width":"wide","height":1}', "numeric"),
    ('{"type":"result","id":0,"session_id":[1]}', "session_id"),
    ('{"type":"result","id":1,"wid":true}', "integer 'wid'"),
])
def test_malformed_frames_raise_protocol_error_saying_what_is_wrong(frame, fragment):
    with pytest.raises(ProtocolError, match=fragment.replace("(", r"\(")):
        protocol.parse_frame(frame)


def test_one_bad_entry_in_an_array_does_not_hide_the_others():
    events = protocol.parse_frame('[{"type":"result","id":1},{"type":"nope"}]')
    assert isinstance(events[0], Reply)
    assert isinstance(events[1], ProtocolError)
