"""Property: whatever the per-student option order, answering the display keys of the correct options
earns full marks, and the review shows exactly those display keys."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from competitions.models import AttemptItem
from competitions.paper import LETTERS, display_options, to_display_keys, to_original_keys
from competitions.services import item_score
from questionbank.models import QuestionRevision, QuestionType


@st.composite
def shuffled_question(draw):
    n = draw(st.integers(min_value=2, max_value=6))
    keys = list(LETTERS[:n])
    order = draw(st.permutations(keys))
    correct = sorted(draw(st.lists(st.sampled_from(keys), min_size=1, max_size=n, unique=True)))
    return keys, list(order), correct


@given(shuffled_question(), st.booleans())
def test_display_keys_round_trip_and_score_full_marks(question, partial):
    keys, order, correct = question
    qtype = QuestionType.MULTIPLE if len(correct) > 1 else QuestionType.SINGLE
    revision = QuestionRevision(
        qtype=qtype, stem="题", options=[{"key": k, "text": f"文本{k}"} for k in keys], answer=correct
    )
    item = AttemptItem(revision=revision, option_order=order, points=Decimal("10"))
    shown = display_options(revision, order)
    assert [o["text"] for o in shown] == [f"文本{k}" for k in order]
    display_correct = to_display_keys(correct, order)
    assert sorted(to_original_keys(display_correct, order)) == correct
    item.answer = display_correct
    assert item_score(item=item, partial_credit=partial) == Decimal("10.00")
    wrong = [k for k in LETTERS[: len(keys)] if k not in display_correct]
    if wrong:
        item.answer = [wrong[0]]
        assert item_score(item=item, partial_credit=partial) == Decimal("0.00")
