"""The frame sink: chosen once by version, and a slow reader never holds up or bloats a broadcast."""

import logging

import pytest
from django.utils import timezone

from core import transport
from core.transport import AsgiSink, DaphneSink, Write, choose_sink
from leaderboards.hub import Group, Hub
from tests.leaderboards.clock import ManualClock

TESTED = {"daphne": "4.2.3", "autobahn": "26.10.2", "twisted": "26.10.0"}


def test_daphne_sink_is_chosen_only_for_the_tested_versions(caplog):
    caplog.set_level(logging.INFO, logger="core.transport")
    assert isinstance(choose_sink(TESTED), DaphneSink)
    assert "leaderboard sink: daphne" in caplog.text
    caplog.clear()
    assert isinstance(choose_sink({**TESTED, "autobahn": "27.1.0"}), AsgiSink)
    assert "untested versions" in caplog.text and "autobahn" in caplog.text
    assert isinstance(choose_sink({**TESTED, "daphne": None}), AsgiSink)


def test_the_installed_versions_are_the_tested_ones():
    """requirements.txt pins what the daphne sink relies on; an upgrade fails here, not silently in production."""
    installed = transport.installed_versions()
    assert {k: ".".join(v.split(".")[:2]) for k, v in installed.items()} == transport.TESTED_VERSIONS


def test_asgi_sink_can_be_forced(settings):
    settings.LEADERBOARD_SINK = "asgi"
    assert isinstance(choose_sink(TESTED), AsgiSink)


class FakeTransport:
    def __init__(self, backlog=0):
        self.connected, self.disconnecting = True, False
        self._tempDataLen, self.dataBuffer, self.offset = backlog, b"", 0
        self.sent = []

    def writeSomeData(self, data):
        self.sent.append(bytes(data))
        return len(data)

    def write(self, data):
        self._tempDataLen += len(data)


class FakeProtocol:
    STATE_OPEN = 1

    def __init__(self, transport, factory):
        self.state, self.transport, self.factory, self._perMessageCompress = 1, transport, factory, None


class FakeFactory:
    def __init__(self):
        self.prepared = 0

    def prepareMessage(self, payload, is_binary):
        self.prepared += 1
        return type("Prepared", (), {"payloadHybi": b"\x81" + payload})()


class Viewer:
    def __init__(self, fast=None):
        self.fast, self.live, self.me_id, self.ready = fast, False, None, True
        self.last_version, self.last_me, self.slow_since = 0, "", None
        self.asgi_frames, self.closed = [], None

    async def send_frame(self, text):
        self.asgi_frames.append(text)

    async def close_board(self, code):
        self.closed = code


def test_daphne_sink_frames_once_for_all_viewers_and_skips_a_socket_that_is_not_draining(settings):
    settings.LEADERBOARD_SLOW_READER_BYTES = 1000
    factory = FakeFactory()
    sink = DaphneSink()
    quick = [Viewer(FakeProtocol(FakeTransport(), factory)) for _ in range(3)]
    slow = Viewer(FakeProtocol(FakeTransport(backlog=5000), factory))
    prepared = {}
    outcomes = [sink.write(v, '{"version":1}', prepared) for v in [*quick, slow]]
    assert outcomes == [Write.SENT, Write.SENT, Write.SENT, Write.SLOW]
    assert factory.prepared == 1
    assert all(v.fast.transport.sent == [b'\x81{"version":1}'] for v in quick)
    assert slow.fast.transport.sent == []
    assert sink.write(Viewer(fast=None), "{}", prepared) is Write.ASGI


class SlowSink:
    name = "test"

    def __init__(self):
        self.slow = set()

    def attach(self, consumer):
        return None

    def write(self, viewer, frame, prepared):
        return Write.SLOW if viewer in self.slow else Write.ASGI


async def test_slow_reader_keeps_its_version_gets_the_latest_once_it_drains_and_is_closed_when_stuck(settings):
    settings.LEADERBOARD_STUCK_READER_S = 30
    import asyncio

    clock, sink = ManualClock(timezone.now()), SlowSink()
    hub = Hub(asyncio.get_running_loop(), clock=clock, sink=sink)
    group = Group(contest_id=1, scope="individual")
    quick, slow = Viewer(), Viewer()
    sink.slow.add(slow)

    await hub._send_all(group, [quick, slow], {"public": (5, '{"version":5,"me":')}, {}, {})
    assert quick.last_version == 5 and quick.asgi_frames == ['{"version":5,"me":null}']
    assert slow.last_version == 0 and slow.asgi_frames == [] and group.dirty  # pushed again later

    clock.advance(10)
    sink.slow.clear()  # it drained: the next push brings it the latest board, and the quick one nothing new
    await hub._send_all(group, [quick, slow], {"public": (7, '{"version":7,"me":')}, {}, {})
    assert slow.asgi_frames == ['{"version":7,"me":null}'] and slow.slow_since is None
    assert quick.asgi_frames[-1] == '{"version":7,"me":null}'

    sink.slow.add(slow)
    await hub._send_all(group, [quick, slow], {"public": (8, '{"version":8,"me":')}, {}, {})
    clock.advance(31)
    await hub._send_all(group, [quick, slow], {"public": (9, '{"version":9,"me":')}, {}, {})
    await asyncio.sleep(0)
    assert slow.closed == 4408 and quick.last_version == 9


@pytest.mark.parametrize("backlog,expected", [(0, 0), (10, 10)])
def test_backlog_counts_bytes_twisted_still_holds(backlog, expected):
    assert transport.transport_backlog(FakeTransport(backlog=backlog)) == expected
