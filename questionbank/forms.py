from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand

from .importers.readers import FORMATS
from .models import Difficulty, QuestionStatus, QuestionType, Topic
from .selectors import topic_tree
from .services.content import OPTION_KEYS, ContentInvalid, content_clean, format_answer, parse_tags


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("　" * getattr(obj, "depth", 0)) + obj.name


def topic_field(required=True, label=None) -> TopicChoiceField:
    field = TopicChoiceField(queryset=Topic.objects.all(), required=required, label=label or _("专题"))
    ordered = []
    for topic, depth in topic_tree():
        topic.depth = depth
        ordered.append(topic)
    field.choices = [("", "——")] + [(t.pk, field.label_from_instance(t)) for t in ordered]
    return field


class QuestionForm(forms.Form):
    """Content as a teacher writes it; content_clean does the real validation so the form, the importers
    and the admin agree on every rule."""

    topic = forms.ModelChoiceField(queryset=Topic.objects.all(), label=_("专题"))
    qtype = forms.ChoiceField(label=_("题型"), choices=QuestionType.choices)
    stem = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    answer = forms.CharField(
        label=_("答案"),
        max_length=2000,
        help_text=_("单选写 B；多选写 ABD；判断写 对 或 错；填空每个空的可接受答案用 | 分隔，多个空之间用 ；分隔"),
    )
    explanation = forms.CharField(label=_("解析"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    difficulty = forms.ChoiceField(label=_("难度"), choices=Difficulty.choices, initial=Difficulty.MEDIUM)
    grade_bands = forms.MultipleChoiceField(
        label=_("学段"), choices=GradeBand.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    source = forms.CharField(
        label=_("出处"), required=False, max_length=255, help_text=_("如：《中华人民共和国宪法》第三十三条")
    )
    tags = forms.CharField(label=_("标签"), required=False, max_length=600, help_text=_("多个标签用逗号或顿号分隔"))

    def __init__(self, *args, question=None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "topic": question.topic_id,
                "qtype": question.qtype,
                "stem": question.stem,
                "answer": format_answer(question.qtype, question.answer),
                "explanation": question.explanation,
                "difficulty": question.difficulty,
                "grade_bands": question.grade_bands,
                "source": question.source,
                "tags": "、".join(question.tags),
                **{f"option_{o['key']}": o["text"] for o in question.options},
            }
        super().__init__(*args, **kwargs)
        self.fields["topic"] = topic_field()
        for key in OPTION_KEYS:
            self.fields[f"option_{key}"] = forms.CharField(label=_("选项") + key, required=False, max_length=500)
        self.content = None
        order = ["topic", "qtype", "stem", *[f"option_{k}" for k in OPTION_KEYS], "answer", "explanation"]
        self.order_fields(order + ["difficulty", "grade_bands", "source", "tags"])

    def option_fields(self):
        return [self[f"option_{k}"] for k in OPTION_KEYS]

    def other_fields(self):
        return [self[n] for n in ("explanation", "difficulty", "grade_bands", "source", "tags")]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        qtype = data["qtype"]
        options = [data.get(f"option_{k}", "") for k in OPTION_KEYS]
        if qtype not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            options = []
        try:
            self.content = content_clean(
                qtype=qtype,
                stem=data["stem"],
                options=options,
                answer=data["answer"],
                explanation=data.get("explanation", ""),
                difficulty=data["difficulty"],
                grade_bands=data["grade_bands"],
                source=data.get("source", ""),
                tags=parse_tags(data.get("tags", "")),
            )
        except ContentInvalid as exc:
            for name, message in exc.errors.items():
                target = {"options": "option_A", "grade_bands": "grade_bands"}.get(name, name)
                self.add_error(target if target in self.fields else None, message)
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("题干关键词"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    topic = forms.IntegerField(required=False)
    qtype = forms.ChoiceField(label=_("题型"), required=False, choices=[("", _("全部题型"))] + QuestionType.choices)
    difficulty = forms.ChoiceField(label=_("难度"), required=False, choices=[("", _("全部难度"))] + Difficulty.choices)
    grade_band = forms.ChoiceField(label=_("学段"), required=False, choices=[("", _("全部学段"))] + GradeBand.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + QuestionStatus.choices)
    mine = forms.BooleanField(label=_("只看我出的题"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = topic_field(required=False, label=_("专题"))
        field.choices = [("", _("全部专题"))] + field.choices[1:]
        self.fields["topic"] = field

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "topic_id": d["topic"].pk if d.get("topic") else None,
            "qtype": d.get("qtype") or "",
            "difficulty": d.get("difficulty") or "",
            "grade_band": d.get("grade_band") or "",
            "status": d.get("status") or "",
            "text": d.get("q") or "",
            "mine": bool(d.get("mine")),
        }


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class TopicForm(forms.Form):
    name = forms.CharField(label=_("专题名称"), max_length=100)
    order = forms.IntegerField(label=_("排序"), required=False, min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = topic_field(required=False, label=_("上级专题（留空为一级专题）"))
        self.order_fields(["parent", "name", "order"])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("题目文件"))
    format = forms.ChoiceField(
        label=_("格式"), required=False, choices=[("", _("按扩展名自动识别"))] + list(FORMATS.items())
    )
    publish = forms.BooleanField(label=_("导入后直接发布（仅审核人）"), required=False)

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_topic"] = topic_field(required=False, label=_("默认专题（文件中未写专题时使用）"))
        self.order_fields(["file", "format", "default_topic", "publish"])
        if not can_publish:
            del self.fields["publish"]
