import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from judging import services
from judging.models import ContestKind, Entry, EntryVersion
from judging.services import JudgingError
from tests.factories import Tree, make_student

from .factories import ESSAY, make_contest
from .hostile_media import hostile_mp4

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def save(contest, student, **kw):
    kw.setdefault("title", "我的征文")
    kw.setdefault("body", ESSAY)
    kw.setdefault("pledge_accepted", True)
    return services.entry_save(contest=contest, student=student, **kw)


def test_every_save_is_kept_as_a_version_and_judges_see_the_latest(tree):
    contest = make_contest(tree, open_now=True)
    entry, v1 = save(contest, tree.student_a, title="初稿")
    _entry, v2 = save(contest, tree.student_a, title="修改稿")
    assert [v.title for v in entry.versions.order_by("number")] == ["初稿", "修改稿"]
    assert (v1.number, v2.number) == (1, 2)
    assert entry.saved_version().title == "修改稿"
    assert entry.code.startswith("ZW-") and len(entry.code) == 7
    assert entry.school == tree.school_a and entry.district == tree.district_a


def test_autosave_keeps_one_rolling_draft_that_judges_do_not_see(tree):
    contest = make_contest(tree, open_now=True)
    entry, _v = save(contest, tree.student_a, title="正式稿")
    save(contest, tree.student_a, title="草稿一", body="短", autosave=True, pledge_accepted=False)
    save(contest, tree.student_a, title="草稿二", body="短", autosave=True, pledge_accepted=False)
    assert entry.versions.count() == 2
    assert entry.saved_version().title == "正式稿"
    # a later explicit save turns the draft into a kept version
    save(contest, tree.student_a, title="定稿")
    assert [v.title for v in entry.versions.order_by("number")] == ["正式稿", "定稿"]


def test_editing_after_the_deadline_is_refused_and_nothing_changes(tree):
    contest = make_contest(tree, open_now=True)
    entry, _v = save(contest, tree.student_a)
    later = contest.closes_at + timedelta(seconds=1)
    with pytest.raises(JudgingError, match="截止时间已过") as exc:
        save(contest, tree.student_a, title="迟到的修改", now=later)
    assert exc.value.code == "deadline_passed"
    assert entry.versions.count() == 1


def test_one_entry_per_student(tree):
    contest = make_contest(tree, open_now=True)
    save(contest, tree.student_a)
    save(contest, tree.student_a, title="再交一次")
    assert Entry.objects.filter(contest=contest).count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "essay_empty"), ("   ", "essay_empty"), ("太短了", "essay_too_short"), ("字" * 1001, "essay_too_long")],
)
def test_empty_or_out_of_limit_essays_are_refused_and_not_stored(tree, body, code):
    contest = make_contest(tree, open_now=True, min_chars=50, max_chars=1000)
    with pytest.raises(JudgingError) as exc:
        save(contest, tree.student_a, body=body)
    assert exc.value.code == code
    assert not Entry.objects.filter(contest=contest).exists()


def test_pledge_must_be_accepted(tree):
    contest = make_contest(tree, open_now=True)
    with pytest.raises(JudgingError, match="原创承诺"):
        save(contest, tree.student_a, pledge_accepted=False)


def test_chinese_characters_count_one_each_and_punctuation_not_at_all():
    from judging.text import char_count

    assert char_count("青春，奋斗！") == 4
    assert char_count("我爱 China 2022") == 4


def test_essay_html_is_sanitised(tree):
    contest = make_contest(tree, open_now=True)
    body = ESSAY + '<script>alert(1)</script><img src=x onerror="alert(2)"><p onclick="x()">好<b>文</b></p>'
    _e, v = save(contest, tree.student_a, body=body)
    assert "<script" not in v.body_html and "onerror" not in v.body_html and "onclick" not in v.body_html
    assert "<img" not in v.body_html
    assert "<b>文</b>" in v.body_html


def test_plain_text_keeps_paragraphs_and_escapes_angle_brackets(tree):
    from judging.text import sanitise_html

    assert sanitise_html("第一段 a<b\n\n第二段") == "<p>第一段 a&lt;b</p><p>第二段</p>"


def test_student_outside_the_audience_cannot_enter(tree):
    contest = services.contest_create(
        actor=tree.organiser_a,
        owner_org=tree.district_a,
        title="如东征文",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(JudgingError) as exc:
        save(contest, tree.student_b)
    assert exc.value.status == 403


def test_team_entry_names_members_who_cannot_enter_again(tree):
    contest = make_contest(tree, open_now=True, allow_teams=True, max_team_size=3)
    mate = make_student(tree.class_a, username="mate")
    entry, _v = save(contest, tree.student_a, team_usernames=["mate"])
    services.team_invitation_accept(student=mate, contest=contest)
    assert list(entry.team_members.all()) == [mate]
    with pytest.raises(JudgingError) as exc:
        save(contest, mate)
    assert exc.value.code == "not_author"


def test_team_members_refused_when_the_contest_has_no_teams(tree):
    contest = make_contest(tree, open_now=True)
    make_student(tree.class_a, username="mate")
    with pytest.raises(JudgingError, match="不接受团队作品"):
        save(contest, tree.student_a, team_usernames=["mate"])
    assert not Entry.objects.exists()


# --- files -----------------------------------------------------------------------------------


def make_docx(author="张小明") -> bytes:
    """A small but well-formed docx whose properties and tracked change name the author."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "docProps/core.xml",
            f'<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>{author}</dc:creator>'
            f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>",
        )
        z.writestr("docProps/app.xml", "<Properties><Company>如东县实验小学</Company></Properties>")
        z.writestr(
            "word/document.xml",
            f'<w:document {w}><w:body><w:p><w:ins w:id="1" w:author="{author}"><w:r><w:t>调研报告正文</w:t>'
            "</w:r></w:ins></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def make_pdf(author="张小明") -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.add_metadata({"/Author": author, "/Title": "调研报告 张小明"})
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def doc_contest(tree, **kw):
    return make_contest(tree, open_now=True, kind=ContestKind.DOCUMENT, code_prefix="DY", **kw)


def test_docx_author_fields_are_stripped_before_storage(tree):
    contest = doc_contest(tree)
    up = SimpleUploadedFile("张小明的报告.docx", make_docx(), content_type="application/octet-stream")
    _e, v = services.entry_save(contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True)
    stored = v.file.read()
    assert v.file_type == "docx" and v.original_filename == "张小明的报告.docx"
    with zipfile.ZipFile(io.BytesIO(stored)) as z:
        everything = b"".join(z.read(n) for n in z.namelist()).decode()
    assert "张小明" not in everything and "实验小学" not in everything
    assert "调研报告正文" in everything
    assert "张小明" not in v.file.name


def test_pdf_metadata_is_stripped(tree):
    from pypdf import PdfReader

    contest = doc_contest(tree)
    up = SimpleUploadedFile("report.pdf", make_pdf())
    _e, v = services.entry_save(contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True)
    reader = PdfReader(v.file.open("rb"))
    meta = reader.metadata or {}
    assert "张小明" not in str(dict(meta))
    assert len(reader.pages) == 1


def test_a_file_whose_content_is_not_its_claimed_type_is_refused(tree):
    contest = doc_contest(tree)
    up = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(JudgingError, match="文件类型不符合要求"):
        services.entry_save(contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True)
    assert not EntryVersion.objects.exists()


def test_a_pdf_renamed_docx_is_refused(tree):
    contest = doc_contest(tree)
    up = SimpleUploadedFile("report.docx", make_pdf())
    with pytest.raises(JudgingError, match="扩展名与文件内容不一致"):
        services.entry_save(contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True)


def test_oversized_file_is_refused(tree):
    contest = doc_contest(tree, max_file_mb=1)
    up = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(JudgingError, match="文件过大") as exc:
        services.entry_save(contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True)
    assert exc.value.status == 413
    assert not Entry.objects.exists()


def test_video_contest_accepts_mp4_by_content_not_audio(tree):
    contest = make_contest(tree, open_now=True, kind=ContestKind.VIDEO, code_prefix="SP")
    mp4 = hostile_mp4()[0]  # a real track in a real box tree
    _e, v = services.entry_save(
        contest=contest,
        student=tree.student_a,
        title="微视频",
        upload=SimpleUploadedFile("a.mp4", mp4),
        pledge_accepted=True,
    )
    assert v.file_type == "mp4" and v.file.name.endswith(".mp4")
    mp3 = b"ID3\x03\x00" + b"\x00" * 100
    with pytest.raises(JudgingError, match="文件类型不符合要求"):
        services.entry_save(
            contest=contest,
            student=tree.student_b,
            title="x",
            upload=SimpleUploadedFile("a.mp3", mp3),
            pledge_accepted=True,
        )


def test_a_new_version_without_a_new_file_keeps_the_previous_file(tree):
    contest = doc_contest(tree)
    up = SimpleUploadedFile("report.pdf", make_pdf())
    entry, v1 = services.entry_save(
        contest=contest, student=tree.student_a, title="报告", upload=up, pledge_accepted=True
    )
    _e, v2 = services.entry_save(contest=contest, student=tree.student_a, title="报告（改标题）", pledge_accepted=True)
    assert v2.number == 2 and v2.file.name == v1.file.name and v2.file_type == "pdf"
