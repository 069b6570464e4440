"""Byte ranges of a published video, served in development by Django and in production by nginx."""

import re

import pytest

from core.ranges import MAX_RANGES, Unsatisfiable, parse_range

from .factories import VIDEO_BYTES

SIZE = len(VIDEO_BYTES)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("header", "spans"),
    [
        ("bytes=0-99", [(0, 99)]),
        ("bytes=990-", [(990, 999)]),
        ("bytes=-10", [(990, 999)]),
        ("bytes=-5000", [(0, 999)]),
        ("bytes=900-5000", [(900, 999)]),
        ("BYTES=1-1", [(1, 1)]),
        ("bytes = 1-1", None),  # whitespace around '=' is not the grammar
        ("bytes=5-9, 0-4", [(0, 9)]),  # adjacent pieces become one
        ("bytes=0-10,5-20,40-49", [(0, 20), (40, 49)]),
        ("bytes=0-1,1000-2000", [(0, 1)]),  # an unsatisfiable piece is dropped
        ("bytes=9-5", None),  # last < first: invalid, the header is ignored
        ("bytes=abc", None),
        ("bytes=-", None),
        ("bytes=1-2,", None),
        ("items=0-1", None),
        ("", None),
        (",".join(["bytes=0-0"] + [f"{i * 2}-{i * 2}" for i in range(1, MAX_RANGES + 1)]), None),
    ],
)
def test_range_header_parsing(header, spans):
    assert parse_range(header, SIZE) == spans


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=1000-1000,2000-"])
def test_ranges_beyond_the_file_are_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, SIZE)


def test_no_range_gives_the_whole_video_and_advertises_ranges(client, world):
    response = client.get(world.url("video"))
    assert response.status_code == 200
    assert body(response) == VIDEO_BYTES
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == 'inline; filename="SP-0001.mp4"'
    assert response["ETag"].startswith('"') and response["Last-Modified"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-", 0, 999),
        ("bytes=100-355", 100, 355),
        ("bytes=-24", 976, 999),
        ("bytes=998-4096", 998, 999),
    ],
)
def test_a_single_range_returns_exactly_those_bytes(client, world, header, start, end):
    response = client.get(world.url("video"), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == VIDEO_BYTES[start : end + 1]


def test_range_past_the_end_is_416_with_the_size(client, world):
    response = client.get(world.url("video"), HTTP_RANGE="bytes=1000-1200")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert body(response) == b""


def test_malformed_range_is_ignored_and_the_whole_file_sent(client, world):
    response = client.get(world.url("video"), HTTP_RANGE="bytes=9-5")
    assert response.status_code == 200
    assert body(response) == VIDEO_BYTES


def test_several_ranges_come_as_multipart_byteranges(client, world):
    response = client.get(world.url("video"), HTTP_RANGE="bytes=500-509, 0-3")
    assert response.status_code == 206
    boundary = re.match(r"multipart/byteranges; boundary=(\w+)$", response["Content-Type"]).group(1)
    raw = body(response)
    assert len(raw) == int(response["Content-Length"])
    parts = raw.split(f"--{boundary}".encode())
    assert parts[-1] == b"--\r\n"
    pieces = []
    for part in parts[1:-1]:
        head, payload = part.split(b"\r\n\r\n", 1)
        assert b"Content-Type: video/mp4" in head
        pieces.append(
            (re.search(rb"Content-Range: bytes (\d+)-(\d+)/1000", head).groups(), payload.removesuffix(b"\r\n"))
        )
    assert pieces == [((b"0", b"3"), VIDEO_BYTES[0:4]), ((b"500", b"509"), VIDEO_BYTES[500:510])]


def test_if_range_with_a_stale_validator_sends_the_whole_file(client, world):
    response = client.get(world.url("video"), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    assert response.status_code == 200 and body(response) == VIDEO_BYTES
    etag = response["ETag"]
    response = client.get(world.url("video"), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert response.status_code == 206 and body(response) == VIDEO_BYTES[:10]


def test_conditional_get_answers_304(client, world):
    first = client.get(world.url("video"))
    again = client.get(world.url("video"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(world.url("video"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_head_sends_headers_without_a_body(client, world):
    response = client.head(world.url("video"), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert body(response) == b""


def test_in_production_nginx_gets_the_file_after_the_check(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"
    response = client.get(world.url("video"), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200  # nginx answers the Range itself from the internal location
    version = world.shown.versions.get()
    assert response["X-Accel-Redirect"] == f"/_protected_media/{version.file.name}"
    assert response["Content-Type"] == "video/mp4"
    assert response.content == b""


def test_in_production_a_hidden_video_never_reaches_nginx(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"
    for item in (world.item_no_consent, world.item_unawarded):
        response = client.get(world.url("video", item), HTTP_RANGE="bytes=0-")
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response


def test_accel_path_is_quoted(world, settings):
    from core.ranges import accel_redirect_response

    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media"
    response = accel_redirect_response("judging/a b%?.mp4", "video/mp4")
    assert response["X-Accel-Redirect"] == "/_protected_media/judging/a%20b%25%3F.mp4"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_range_is_streamed_without_reading_the_file_whole(async_client):
    import warnings

    from asgiref.sync import sync_to_async

    from tests.factories import Tree

    from .factories import VideoWorld

    world = await sync_to_async(lambda: VideoWorld(Tree()))()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it must buffer a sync iterator under ASGI
        response = await async_client.get(world.url("video"), headers={"Range": "bytes=250-749"})
        assert response.status_code == 206
        assert b"".join([chunk async for chunk in response.streaming_content]) == VIDEO_BYTES[250:750]


def test_a_missing_file_is_404_not_500(client, world):
    import os

    os.remove(world.shown.versions.get().file.path)
    assert client.get(world.url("video"), HTTP_RANGE="bytes=0-9").status_code == 404
