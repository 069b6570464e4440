from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand, Organization
from questionbank.models import Question, Topic

from .models import PhraseCategory, Series


class ReadingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    owner_org = forms.ModelChoiceField(label=_("主办单位"), queryset=Organization.objects.none())
    series = forms.ModelChoiceField(label=_("系列"), queryset=Series.objects.none(), required=False)
    month = forms.DateField(label=_("所属月份（填该月任一天）"), widget=forms.DateInput(attrs={"type": "date"}))
    opens_on = forms.DateField(
        label=_("开放日期（留空则为该月第一天）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    grade_bands = forms.MultipleChoiceField(
        label=_("面向学段（不选则全部）"),
        choices=GradeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    body = forms.CharField(label=_("正文（可用段落、标题、图片等 HTML）"), widget=forms.Textarea(attrs={"rows": 12}))
    reading_minutes = forms.IntegerField(
        label=_("预计阅读分钟数（留空则按正文字数估算）"), min_value=1, max_value=120, required=False
    )
    topic = forms.ModelChoiceField(label=_("测验专题"), queryset=Topic.objects.all())
    question_ids = forms.CharField(
        label=_("测验题目编号（3–5 个，逗号分隔，须为该专题已审核发布的题目）"), required=False
    )
    pass_percent = forms.IntegerField(label=_("测验通过线（%）"), min_value=1, max_value=100, initial=60)
    audio = forms.FileField(label=_("朗读音频（可选，mp3/m4a/wav）"), required=False)
    image = forms.FileField(label=_("插图（可选，保存后附在正文末尾，可移动其位置）"), required=False)

    def __init__(self, *args, orgs=None, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].queryset = orgs if orgs is not None else Organization.objects.none()
        self.fields["series"].queryset = series if series is not None else Series.objects.none()

    def clean_question_ids(self) -> list[int]:
        raw = self.cleaned_data.get("question_ids", "").replace("，", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("请用逗号分隔题目编号。")) from exc


def topic_questions(topic: Topic):
    return Question.objects.filter(topic=topic).order_by("pk")


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("系列名称"), max_length=100)
    owner_org = forms.ModelChoiceField(label=_("主办单位"), queryset=Organization.objects.none())


class PhraseForm(forms.Form):
    phrase = forms.CharField(label=_("预警词句"), max_length=60)
    category = forms.ChoiceField(label=_("类别"), choices=PhraseCategory.choices)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
