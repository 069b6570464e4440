"""Blind judging: a work that hides its author's name, username, school and e-mail in every place the
programs that make such files write them reaches the judge with none of it, in any encoding, and
with its content intact."""

from __future__ import annotations

import io
import posixpath
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from judging import services
from judging.files import FileRejected, check_and_clean, strip_docx, strip_mp3, strip_mp4, strip_pdf, strip_wav
from judging.models import Assignment, ContestKind, FileStatus

from .factories import World, make_contest
from .hostile_files import BODY_TEXT, FOOTNOTE_TEXT, HEADER_TEXT, INSERTED_TEXT, PDF_TEXT, hostile_docx, photo_with_exif
from .hostile_media import (
    GPS_SAMPLE,
    MP3_FRAME_COUNT,
    VIDEO_SAMPLES,
    hostile_mp3,
    hostile_mp4,
    hostile_pdf,
    hostile_wav,
    hostile_webm,
    mp3_frames,
)
from .identity import NAME, leaks


def test_every_fixture_really_hides_the_identity():
    """Guards the tests below: each hostile file does carry every piece of identity before cleaning."""
    for blob in (
        hostile_docx(),
        hostile_pdf(),
        hostile_mp3()[0],
        hostile_mp4()[0],
        hostile_webm()[0],
        hostile_wav()[0],
    ):
        assert len(leaks(blob)) == 4, leaks(blob)


# --- docx ---------------------------------------------------------------------------------------------


def _docx_parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_docx_is_rebuilt_without_any_identity_and_keeps_its_content():
    out = strip_docx(hostile_docx())
    assert leaks(out) == []
    parts = _docx_parts(out)
    document = parts["word/document.xml"].decode()
    assert BODY_TEXT in document and INSERTED_TEXT in document  # accepted insertion kept
    assert "作者：" not in document  # the deleted text is gone with the deletion
    assert HEADER_TEXT in parts["word/header1.xml"].decode()
    assert FOOTNOTE_TEXT in parts["word/footnotes.xml"].decode()
    assert not any(name.startswith(("docProps/", "customXml/", "word/embeddings/")) for name in parts)
    assert not {"word/people.xml", "word/comments.xml", "word/_rels/settings.xml.rels"} & set(parts)
    photo = Image.open(io.BytesIO(parts["word/media/image1.jpeg"]))
    assert photo.format == "JPEG" and photo.size == (32, 24)
    assert len(photo.getexif()) == 0 and "xmp" not in photo.info and "comment" not in photo.info


def test_rebuilt_docx_is_a_consistent_package():
    """Every relationship points at a part that exists, and every part has a content type."""
    parts = _docx_parts(strip_docx(hostile_docx()))
    types = parts["[Content_Types].xml"].decode()
    for name, body in parts.items():
        if name.endswith(".rels"):
            source_dir = posixpath.dirname(posixpath.dirname(name))
            for target, external in _targets(body):
                if not external:
                    assert posixpath.normpath(posixpath.join(source_dir, target)) in parts, (name, target)
        elif name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    assert "https://www.example.org/report" in parts["word/_rels/document.xml.rels"].decode()


def test_a_document_as_word_writes_it_still_opens_with_its_content():
    import docx

    source = docx.Document()  # python-docx's template was saved by Word: theme, settings, custom XML, thumbnail
    source.core_properties.author, source.core_properties.last_modified_by = NAME, "zhangxiaoming"
    source.add_heading("家乡的变化", 0)
    source.add_paragraph(BODY_TEXT).add_run("加粗").bold = True
    source.add_picture(io.BytesIO(photo_with_exif()))
    table = source.add_table(rows=2, cols=2)
    table.cell(1, 1).text = "2026"
    source.sections[0].header.paragraphs[0].text = HEADER_TEXT
    source.add_comment(source.paragraphs[1].runs, text="请老师看看", author=NAME, initials="张")
    buf = io.BytesIO()
    source.save(buf)
    assert leaks(buf.getvalue()) != []

    out = strip_docx(buf.getvalue())
    assert leaks(out) == []
    rebuilt = docx.Document(io.BytesIO(out))
    assert [p.text for p in rebuilt.paragraphs][:2] == ["家乡的变化", BODY_TEXT + "加粗"]
    assert rebuilt.tables[0].cell(1, 1).text == "2026"
    assert rebuilt.sections[0].header.paragraphs[0].text == HEADER_TEXT
    assert len(rebuilt.inline_shapes) == 1 and rebuilt.core_properties.author == ""


def _targets(rels: bytes):
    from lxml import etree

    for rel in etree.fromstring(rels):
        yield rel.get("Target"), rel.get("TargetMode") == "External"


# --- pdf ----------------------------------------------------------------------------------------------


def test_pdf_is_rebuilt_without_any_identity_and_keeps_its_pages():
    import pikepdf

    out = strip_pdf(hostile_pdf())
    assert leaks(out) == []
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert len(pdf.pages) == 2
        assert PDF_TEXT + b" 2" in pdf.pages[1].Contents.read_bytes()
        assert "/Im1" in pdf.pages[0].Resources.XObject and "/F1" in pdf.pages[0].Resources.Font
        links = [a for a in pdf.pages[0].get("/Annots", []) if a.get("/Subtype") == pikepdf.Name.Link]
        assert [str(a.A.URI) for a in links] == ["https://www.example.org/report"]
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root and "/Names" not in pdf.Root


def test_a_pdf_with_too_many_pages_is_refused_with_a_reason(monkeypatch):
    import judging.files.pdf

    monkeypatch.setattr(judging.files.pdf, "MAX_PAGES", 1)
    with pytest.raises(FileRejected, match="页数过多"):
        strip_pdf(hostile_pdf())


# --- audio and video ----------------------------------------------------------------------------------


def test_mp3_keeps_exactly_its_audio_frames():
    import mutagen.apev2
    import mutagen.mp3

    data, audio = hostile_mp3()
    assert mutagen.mp3.MP3(io.BytesIO(data)).tags and mutagen.apev2.APEv2(io.BytesIO(data))
    kind, out = check_and_clean(data=data, filename="歌.mp3", allowed={"mp3"}, max_bytes=10**7)
    assert kind == "mp3" and out == audio and len(out) == 417 * MP3_FRAME_COUNT
    assert leaks(out) == []
    assert mutagen.mp3.MP3(io.BytesIO(out)).tags is None
    with pytest.raises(mutagen.apev2.APENoHeaderError):
        mutagen.apev2.APEv2(io.BytesIO(out))


def test_a_last_frame_cut_short_does_not_carry_the_id3v1_tag_after_it():
    audio = mp3_frames(5)
    tag = b"TAG" + NAME.encode("gb18030").ljust(30, b"\x00") + b"\x00" * 94 + b"\x0c"
    out = strip_mp3(audio + audio[:300] + tag)  # an encoder that stopped mid-frame, then a tagger
    assert out == audio and leaks(out, identity=(NAME,)) == []


def test_mp4_keeps_its_video_samples_in_place_and_loses_metadata_and_the_gps_track():
    data, where = hostile_mp4()
    out = strip_mp4(data)
    assert leaks(out) == []
    start = where["video_offset"]
    assert out[start : start + len(VIDEO_SAMPLES)] == VIDEO_SAMPLES  # sample offsets still right
    assert out[where["gps_offset"] : where["gps_offset"] + len(GPS_SAMPLE)] == bytes(len(GPS_SAMPLE))
    assert out.startswith(data[:32]) and b"moov" in out and b"mdat" in out and b"stco" in out


def test_mp4_tags_are_gone_for_a_tag_reader():
    import mutagen.mp4

    data = hostile_mp4()[0]
    assert mutagen.mp4.MP4(io.BytesIO(data)).tags["©ART"] == [NAME]
    out = strip_mp4(data)
    assert not mutagen.mp4.MP4(io.BytesIO(out)).tags


def test_webm_keeps_its_blocks_and_loses_tags_written_after_unknown_size_clusters():
    data, blocks = hostile_webm()
    kind, out = check_and_clean(data=data, filename="v.webm", allowed={"webm"}, max_bytes=10**7)
    assert kind == "webm" and len(out) == len(data)
    assert leaks(out) == []
    assert all(block in out for block in blocks) and b"V_VP8" in out


def test_wav_keeps_only_format_and_samples():
    data, fmt, samples = hostile_wav()
    out = strip_wav(data)
    assert leaks(out) == []
    assert (
        out
        == b"RIFF"
        + (4 + len(fmt) + 8 + len(samples)).to_bytes(4, "little")
        + b"WAVE"
        + fmt
        + b"data"
        + (len(samples)).to_bytes(4, "little")
        + samples
    )


# --- through the judge's download ---------------------------------------------------------------------

CASES = {
    "docx": (ContestKind.DOCUMENT, f"{NAME}-通州区实验小学.docx", hostile_docx),
    "pdf": (ContestKind.DOCUMENT, f"{NAME}.pdf", hostile_pdf),
    "mp3": (ContestKind.AUDIO, f"{NAME}.mp3", lambda: hostile_mp3()[0]),
    "wav": (ContestKind.AUDIO, "zhangxiaoming.wav", lambda: hostile_wav()[0]),
    "mp4": (ContestKind.VIDEO, f"{NAME}.mp4", lambda: hostile_mp4()[0]),
    "webm": (ContestKind.VIDEO, f"{NAME}.webm", lambda: hostile_webm()[0]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CASES))
def test_what_the_judge_downloads_carries_no_identity(client, kind):
    contest_kind, filename, build = CASES[kind]
    w = World(schools=0, judges=2, k=1)
    contest = make_contest(w.tree, open_now=True, kind=contest_kind, code_prefix="ZP", title="作品评审")
    services.rubric_set(actor=w.organiser, contest=contest, criteria=[{"name": "内容", "max_points": 100}])
    entry, version = services.entry_save(
        contest=contest,
        student=w.tree.student_a,
        title="家乡调研",
        upload=SimpleUploadedFile(filename, build()),
        pledge_accepted=True,
    )
    assert version.file_status == FileStatus.READY and version.file_type == kind
    contest.closes_at = timezone.now()
    contest.save()
    rnd = services.round_create(actor=w.organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=w.organiser, rnd=rnd, judge_ids=[j.pk for j in w.judges])
    services.round_open(actor=w.organiser, rnd=rnd)
    services.round_assign_auto(actor=w.organiser, rnd=rnd)
    assignment = Assignment.objects.get(round=rnd)
    client.force_login(assignment.judge)
    response = client.get(reverse("judging:judge_file", args=[assignment.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    author = w.tree.student_a
    assert leaks(body) == []
    assert leaks(body, identity=(author.real_name, author.username)) == []
    assert entry.code in response["Content-Disposition"] and NAME not in response["Content-Disposition"]
