"""Whatever bytes arrive, every reader ends in a report (rows or a Chinese file error), never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionbank.models import Question
from questionbank.services.importing import import_check

from .factories import csv_bytes, sheet_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

FORMATS = ["xlsx", "csv", "json", "gift", "aiken", "moodlexml", "txt"]
SEEDS = [
    xlsx_bytes(sheet_rows()),
    csv_bytes(sheet_rows()),
    '[{"qtype": "single", "stem": "题", "options": ["a", "b"], "answer": "A", "topic": "宪法"}]'.encode(),
    "$CATEGORY: 法治教育/宪法\n\n题{=甲 ~乙}\n\n题二{T}\n".encode(),
    "题\nA. 甲\nB. 乙\nANSWER: A\n".encode(),
    b'<quiz><question type="truefalse"><questiontext><text>t</text></questiontext></question></quiz>',
]


def mutate(data: bytes, cuts: list[int], junk: bytes) -> bytes:
    out = bytearray(data)
    for cut in cuts:
        if out:
            i = cut % len(out)
            out[i : i + len(junk)] = junk
    return bytes(out)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.sampled_from(SEEDS),
    fmt=st.sampled_from(FORMATS),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=3),
    junk=st.binary(max_size=8) | st.sampled_from([b"{", b"}", b"~", b"=", b"<", b"\xff\xfe", b"ANSWER:", b"::"]),
)
def test_mangled_files_never_raise(seed, fmt, cuts, junk):
    report = import_check(data=mutate(seed, cuts, junk), fmt=fmt, actor=None)
    assert report.file_error or report.rows
    assert all(r.status in {"new", "update", "unchanged", "error"} for r in report.rows)
    assert not Question.objects.exists()
