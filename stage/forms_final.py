"""Organiser forms of the knowledge final and the hall quiz. Everything typed is checked here with a
Chinese message per field; the services check again (they are also called by the demo and the API)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RoundKind, StageEvent

OPTION_LINE = re.compile(r"^\s*([A-Ha-h])\s*[.．、:：)）]\s*(.+)$")
FIELD_LINE = re.compile(r"^\s*(答案|时间|分值)\s*[:：]\s*(.+?)\s*$")


class Prefixed:
    """The setup page holds several forms: ids are prefixed so every label points at one field."""

    id_prefix = "f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class FinalForm(forms.ModelForm):
    class Meta:
        model = StageEvent
        fields = ["title", "venue", "date", "owner_org"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["owner_org"].queryset = orgs


class TeamForm(Prefixed, forms.Form):
    id_prefix = "team"
    number = forms.IntegerField(label=_("队号"), min_value=1, max_value=99)
    name = forms.CharField(label=_("队名"), max_length=50)
    school = forms.CharField(label=_("学校"), max_length=100)
    members = forms.CharField(label=_("队员（用顿号或逗号分隔）"), max_length=200, required=False)


def _int_list(text: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,，、/]+", text or "") if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(_("请填写用逗号分隔的整数，例如 10,20,30。")) from None


class RoundForm(Prefixed, forms.Form):
    id_prefix = "round"
    kind = forms.ChoiceField(label=_("题型"), choices=RoundKind.choices)
    title = forms.CharField(label=_("名称（可不填）"), max_length=50, required=False)
    points = forms.IntegerField(label=_("每题分值"), min_value=0, max_value=1000, initial=10)
    answer_s = forms.IntegerField(label=_("答题时间（秒）"), min_value=5, max_value=600, initial=30)
    buzz_window_s = forms.IntegerField(label=_("抢答时限（秒，抢答题）"), min_value=1, max_value=120, initial=10)
    penalty = forms.IntegerField(label=_("答错或抢跑扣分（抢答题）"), min_value=0, max_value=1000, initial=10)
    risk_choices = forms.CharField(label=_("风险分值（风险题，逗号分隔）"), required=False, initial="10,20,30")

    def clean_risk_choices(self) -> list[int]:
        return _int_list(self.cleaned_data.get("risk_choices", ""))

    def clean(self):
        data = super().clean()
        if data.get("kind") == RoundKind.RISK:
            choices = data.get("risk_choices") or []
            if not choices or any(not 1 <= c <= 1000 for c in choices):
                self.add_error("risk_choices", _("风险题须至少有一个分值，每个分值为 1–1000。"))
        return data


def parse_options(text: str) -> list[dict]:
    """Lines "A. 宪法" → [{"key": "A", "text": "宪法"}]; keys must run A, B, C… without gaps."""
    options = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = OPTION_LINE.match(line)
        if not m:
            raise forms.ValidationError(_("第 %(n)s 行不是“A. 选项内容”的格式。") % {"n": n})
        options.append({"key": m.group(1).upper(), "text": m.group(2).strip()[:200]})
    keys = [o["key"] for o in options]
    if keys != [chr(ord("A") + i) for i in range(len(keys))]:
        raise forms.ValidationError(_("选项须从 A 开始依次编号，不能重复或跳过。"))
    return options


class DayQuestionForm(Prefixed, forms.Form):
    """A question entered for the day: oral (the host marks right or wrong) or choice (the team device
    answers)."""

    id_prefix = "question"
    QTYPES = [("oral", _("口答题")), ("single", _("单选题")), ("multiple", _("多选题")), ("true_false", _("判断题"))]
    round = forms.TypedChoiceField(label=_("轮次"), coerce=int)
    qtype = forms.ChoiceField(label=_("题型"), choices=QTYPES)
    team = forms.IntegerField(label=_("答题队号（必答题、风险题必填）"), required=False, min_value=1)
    stem = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    options_text = forms.CharField(
        label=_("选项（每行一个：A. 内容；判断题和口答题不填）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    answer_keys = forms.CharField(label=_("正确答案（如 A 或 AC；判断题填 对/错）"), required=False, max_length=10)
    answer_text = forms.CharField(label=_("参考答案（主持人宣读）"), required=False, max_length=300)

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r.pk, f"{r.title}（{r.get_kind_display()}）") for r in rounds]

    def clean(self):
        data = super().clean()
        qtype, keys = data.get("qtype"), (data.get("answer_keys") or "").strip().upper()
        data["options"], data["answer"] = [], None
        if qtype in ("single", "multiple"):
            try:
                data["options"] = parse_options(data.get("options_text", ""))
            except forms.ValidationError as exc:
                self.add_error("options_text", exc)
                return data
            if len(data["options"]) < 2:
                self.add_error("options_text", _("选择题至少需要两个选项。"))
            data["answer"] = [k for k in keys if k.strip(" ,，、")]
            if not data["answer"]:
                self.add_error("answer_keys", _("请填写正确答案的选项字母。"))
        elif qtype == "true_false":
            if keys not in ("对", "错", "T", "F", "TRUE", "FALSE", "√", "×"):
                self.add_error("answer_keys", _("判断题答案请填“对”或“错”。"))
            data["answer"] = keys in ("对", "T", "TRUE", "√")
        elif qtype == "oral" and not (data.get("answer_text") or "").strip():
            self.add_error("answer_text", _("口答题请填写参考答案，供主持人判定。"))
        return data


class QuestionPlaceForm(Prefixed, forms.Form):
    """Where a reserved bank question stands: its round and answering team (its text stays frozen)."""

    id_prefix = "place"
    round = forms.TypedChoiceField(label=_("轮次"), coerce=int)
    team = forms.IntegerField(label=_("答题队号（必答题、风险题必填）"), required=False, min_value=1)

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r.pk, f"{r.title}（{r.get_kind_display()}）") for r in rounds]


def question_initial(question) -> dict:
    """A stored final question as the day-question form's fields, so it can be corrected."""
    if question.qtype == "true_false":
        keys = "对" if question.answer is True else "错"
    else:
        keys = "".join(question.answer) if isinstance(question.answer, list) else ""
    return {
        "round": question.round_id,
        "team": question.team.number if question.team else None,
        "qtype": question.qtype,
        "stem": question.stem,
        "options_text": "\n".join(f"{o.get('key', '')}. {o.get('text', '')}" for o in question.options or []),
        "answer_keys": keys,
        "answer_text": question.answer_text,
    }


def parse_quiz_questions(text: str, *, time_s: int, points: int) -> list[dict]:
    """Blocks separated by a blank line:

    国家宪法日是哪一天？
    A. 12月4日
    B. 10月1日
    答案：A
    时间：15        (optional; else the default)
    分值：1000      (optional; else the default)
    """
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    if not blocks:
        raise forms.ValidationError(_("请至少填写一道题。"))
    if len(blocks) > 100:
        raise forms.ValidationError(_("一场现场答题最多 100 道题。"))
    out = []
    for n, block in enumerate(blocks, start=1):
        stem, option_lines, fields = [], [], {}
        for line in block.splitlines():
            if OPTION_LINE.match(line):
                option_lines.append(line)
            elif m := FIELD_LINE.match(line):
                fields[m.group(1)] = m.group(2)
            elif line.strip():
                stem.append(line.strip())
        try:
            options = parse_options("\n".join(option_lines))
        except forms.ValidationError:
            raise forms.ValidationError(_("第 %(n)s 题：选项须从 A 开始依次编号。") % {"n": n}) from None
        answer = fields.get("答案", "").strip().upper()
        if not stem or len(options) < 2:
            raise forms.ValidationError(_("第 %(n)s 题需要题干和至少两个选项。") % {"n": n})
        if answer not in {o["key"] for o in options}:
            raise forms.ValidationError(_("第 %(n)s 题的“答案：”须是一个选项字母。") % {"n": n})
        try:
            q_time = int(fields.get("时间", time_s))
            q_points = int(fields.get("分值", points))
        except ValueError:
            raise forms.ValidationError(_("第 %(n)s 题的时间或分值不是整数。") % {"n": n}) from None
        if not (5 <= q_time <= 120 and 100 <= q_points <= 2000):
            raise forms.ValidationError(_("第 %(n)s 题：时间须为 5–120 秒，分值须为 100–2000。") % {"n": n})
        stem_text = " ".join(stem)
        out.append({"stem": stem_text, "options": options, "answer": answer, "time_s": q_time, "points": q_points})
    return out


class QuizGameForm(Prefixed, forms.Form):
    id_prefix = "quiz"
    title = forms.CharField(label=_("名称"), max_length=100, initial=_("现场快问快答"))
    time_s = forms.IntegerField(label=_("每题时间（秒）"), min_value=5, max_value=120, initial=20)
    points = forms.IntegerField(label=_("每题满分"), min_value=100, max_value=2000, initial=1000)
    questions_text = forms.CharField(
        label=_("题目（每题之间空一行；题干、选项 A. …、答案：A，可加 时间：15、分值：1000）"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def clean(self):
        data = super().clean()
        if "questions_text" in data and "time_s" in data and "points" in data:
            try:
                data["questions"] = parse_quiz_questions(
                    data["questions_text"], time_s=data["time_s"], points=data["points"]
                )
            except forms.ValidationError as exc:
                self.add_error("questions_text", exc)
        return data
