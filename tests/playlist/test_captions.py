"""Caption files: strictly parsed, rewritten from what was understood, served as text/vtt."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.selectors import scope_for
from playlist.captions import MAX_BYTES, MAX_CUE_CHARS, clean_vtt, parse_vtt
from playlist.errors import MediaRejected
from playlist.services import item_set_captions

GOOD = (
    "\ufeffWEBVTT - 江海新风\r\n\r\n"
    "NOTE 这是注释\r\n\r\n"
    "STYLE\r\n::cue { background: url(https://evil.example/x) }\r\n\r\n"
    "intro\r\n00:00:01.000 --> 00:00:03.500 align:start position:10% onerror=x\r\n"
    "<v 旁白><b>大家好</b> &amp; 欢迎 <script>alert(1)</script>\r\n\r\n"
    "00:04.000 --> 00:06.000\r\n第二句\r\n第二行\r\n"
).encode()


def test_a_valid_file_is_normalised_and_its_markup_removed():
    out = clean_vtt(GOOD).decode()
    assert out == (
        "WEBVTT\n\n"
        "1\n00:00:01.000 --> 00:00:03.500 align:start position:10%\n大家好 &amp; 欢迎 alert(1)\n\n"
        "2\n00:00:04.000 --> 00:00:06.000\n第二句\n第二行\n"
    )
    assert "evil" not in out and "<" not in out and "onerror" not in out


def test_angle_brackets_in_text_are_escaped():
    (cue,) = parse_vtt(b"WEBVTT\n\n00:01.000 --> 00:02.000\n1 &lt; 2 &gt; 0\n")
    assert cue.text == "1 &lt; 2 &gt; 0"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1\n00:01.000 --> 00:02.000\nhi\n", "第一行必须是 WEBVTT"),
        (b"WEBVTTX\n\n00:01.000 --> 00:02.000\nhi\n", "第一行必须是 WEBVTT"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\n\xff\xfe\n", "UTF-8"),
        (b"WEBVTT\n\n00:01.000 -> 00:02.000\nhi\n", "第 3 行缺少时间轴"),
        (b"WEBVTT\n\n00:01.000 --> 00:61.000\nhi\n", "第 3 行的时间格式"),
        (b"WEBVTT\n\n00:01.5 --> 00:02.000\nhi\n", "第 3 行的时间格式"),
        (b"WEBVTT\n\n00:05.000 --> 00:02.000\nhi\n", "结束时间必须晚于开始时间"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n00:03.000 --> 00:04.000\nho\n", "缺少空行"),
        (b"WEBVTT\n\nNOTE only a note\n", "没有任何字幕"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\n" + "长".encode() * (MAX_CUE_CHARS + 1) + b"\n", "过长"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\na\nb\nc\nd\ne\n", "行数过多"),
        (b"WEBVTT\n" + b" " * MAX_BYTES, "过大"),
    ],
)
def test_invalid_files_are_refused_with_a_reason(data, message):
    with pytest.raises(MediaRejected, match=message):
        parse_vtt(data)


def test_cues_out_of_order_are_sorted():
    cues = parse_vtt(b"WEBVTT\n\n00:05.000 --> 00:06.000\nB\n\n00:01.000 --> 00:02.000\nA\n")
    assert [c.text for c in cues] == ["A", "B"]


@pytest.mark.django_db
def test_uploaded_captions_are_served_as_text_vtt_with_a_track(client, world):
    t = world.t
    upload = SimpleUploadedFile("c.vtt", GOOD, content_type="text/vtt")
    item_set_captions(scope=scope_for(t.city_organiser), item=world.item, upload=upload, label="普通话")
    response = client.get(world.url("captions"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(response.streaming_content).decode() == clean_vtt(GOOD).decode()
    html = client.get(f"/playlist/{world.playlist.pk}/").content.decode()
    assert f'<track kind="captions" src="{world.url("captions")}" srclang="zh" label="普通话" default>' in html


@pytest.mark.django_db
def test_a_bad_caption_upload_keeps_the_old_file(client, world):
    t = world.t
    scope = scope_for(t.city_organiser)
    item_set_captions(scope=scope, item=world.item, upload=SimpleUploadedFile("c.vtt", GOOD), label="")
    before = world.item.captions.name
    with pytest.raises(MediaRejected):
        item_set_captions(scope=scope, item=world.item, upload=SimpleUploadedFile("c.vtt", b"nope"), label="")
    world.item.refresh_from_db()
    assert world.item.captions.name == before and world.item.captions_label == "中文字幕"
