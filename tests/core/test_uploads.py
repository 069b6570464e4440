"""The one zip guard: what an archive declares is refused before anything inflates, and what it really
holds is counted while inflating, in bounded memory."""

import tracemalloc
import zlib

import pytest

from core.uploads import SPREADSHEET_LIMITS, UploadRejected, ZipBudget, ZipLimits, zip_open, zip_verify
from tests.bombs import EXPANDED, MB, bomb, raw_zip, valid_zip


def peak_of(call) -> tuple[object, int]:
    tracemalloc.start()
    try:
        try:
            result = call()
        except UploadRejected as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_declared_bomb_is_refused_from_the_directory_without_inflating():
    data = bomb("docx")
    assert len(data) < MB  # small on disk …
    error, peak = peak_of(lambda: zip_open(data, ZipLimits()))
    assert isinstance(error, UploadRejected) and error.status == 413 and "压缩炸弹" in error.message
    assert peak < 2 * MB < EXPANDED  # … and refused without expanding any of its 300 MB


def test_a_bomb_that_lies_about_its_size_is_caught_while_inflating_in_bounded_memory():
    data = bomb("xlsx", lie=True)
    with zip_open(data, SPREADSHEET_LIMITS) as zf:  # the directory looks innocent
        assert max(i.file_size for i in zf.infolist()) == 1024
    error, peak = peak_of(lambda: zip_verify(data, SPREADSHEET_LIMITS))
    assert isinstance(error, UploadRejected) and error.status == 400 and "损坏" in error.message
    assert peak < 4 * MB


def test_a_member_far_more_compressed_than_any_document_is_refused():
    body = bytes(20 * MB)  # below every size cap, but 1000:1
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = packer.compress(body) + packer.flush()
    data = raw_zip([("xl/sharedStrings.xml", payload, zlib.crc32(body), len(body), 8)])
    with pytest.raises(UploadRejected, match="压缩比异常") as caught:
        zip_open(data, SPREADSHEET_LIMITS)
    assert caught.value.status == 400


def test_the_running_budget_counts_every_member_against_the_total():
    data = valid_zip({f"part{i}.xml": b"<a>" + bytes(range(256)) * 4000 + b"</a>" for i in range(3)})
    limits = ZipLimits(max_member_bytes=2 * MB, max_total_bytes=2 * MB, max_ratio=1000)
    with zip_open(data, ZipLimits()) as zf:  # generous limits let it open …
        budget = ZipBudget(zf, limits)  # … the budget with tight limits still stops the reading
        budget.read("part0.xml")
        budget.read("part1.xml")
        with pytest.raises(UploadRejected) as caught:
            budget.read("part2.xml")
    assert caught.value.status == 413


def test_too_many_members_are_refused():
    with pytest.raises(UploadRejected, match="条目过多"):
        zip_open(valid_zip({f"{i}.xml": b"x" for i in range(30)}), ZipLimits(max_members=20))


def test_an_ordinary_archive_passes_and_reads_back():
    data = valid_zip({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": "<sst>张三</sst>".encode()})
    zip_verify(data, SPREADSHEET_LIMITS)
    with zip_open(data, SPREADSHEET_LIMITS) as zf:
        assert ZipBudget(zf, SPREADSHEET_LIMITS).read("xl/sharedStrings.xml") == "<sst>张三</sst>".encode()
