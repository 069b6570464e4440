from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand, Organization
from questionbank.models import Question, QuestionStatus

from .models import Contest, PaperRule

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def topic_tree_choices(*, blank: bool) -> list[tuple[str | int, str]]:
    """Topics in tree order, each indented under its parent (a rule draws from a topic and its subtopics)."""
    from questionbank.selectors import topic_tree

    out: list[tuple[str | int, str]] = [("", "---------")] if blank else []
    for topic, depth in topic_tree():
        out.append((topic.pk, ("\u3000" * depth + ("└ " if depth else "") + topic.name)))
    return out


class ContestForm(forms.ModelForm):
    grade_bands = forms.MultipleChoiceField(
        label=_("参赛学段"), choices=GradeBand.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    time_limit_min = forms.IntegerField(label=_("每次限时（分钟）"), min_value=1, max_value=24 * 60, initial=30)
    fixed_question_ids = forms.CharField(
        label=_("固定试题编号"),
        required=False,
        help_text=_(
            "组卷方式为固定试题时，用下方“选题”搜索并添加已发布的题目（也可直接填写编号，用逗号分隔）；每题分值取“固定试题分值”。"
        ),
    )
    fixed_points = forms.DecimalField(label=_("固定试题分值"), required=False, min_value=0.5, initial=5)

    class Meta:
        model = Contest
        fields = [
            "title",
            "description",
            "topics",
            "kind",
            "owner_org",
            "audience_orgs",
            "grade_bands",
            "opens_at",
            "closes_at",
            "attempts_allowed",
            "counting",
            "score_policy",
            "review_policy",
            "paper_mode",
            "partial_credit",
            "shuffle_questions",
            "shuffle_options",
            "excellence_percent",
            "freeze_minutes",
        ]
        widgets = {
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "audience_orgs": forms.SelectMultiple,
            "topics": forms.SelectMultiple,
        }

    def __init__(self, *args, managed_orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].queryset = managed_orgs.filter(depth__lte=2)
        self.fields["audience_orgs"].queryset = managed_orgs.exclude(kind="class")
        self.fields["audience_orgs"].required = False
        self.fields["audience_orgs"].help_text = _("不选表示主办单位辖区内全部学生。")
        self.fields["topics"].choices = topic_tree_choices(blank=False)
        self.fields["fixed_question_ids"].widget.attrs.update({"data-question-picker": "1", "inputmode": "numeric"})
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]
        if self.instance.pk:
            self.initial["time_limit_min"] = max(1, self.instance.time_limit_s // 60)
            self.initial["fixed_question_ids"] = ",".join(
                str(f.revision.question_id) for f in self.instance.fixed_questions.select_related("revision")
            )

    def clean_audience_orgs(self):
        audience = self.cleaned_data.get("audience_orgs")
        owner: Organization | None = self.cleaned_data.get("owner_org")
        if owner and audience:
            outside = [o.name for o in audience if not o.path.startswith(owner.path)]
            if outside:
                raise forms.ValidationError(_("参赛范围必须在主办单位辖区内：%(o)s") % {"o": "、".join(outside)})
        return audience

    def clean_fixed_question_ids(self):
        raw = self.cleaned_data.get("fixed_question_ids", "")
        parts = [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
        try:
            ids = [int(p) for p in parts]
        except ValueError as exc:
            raise forms.ValidationError(_("题目编号只能是数字，用逗号分隔。")) from exc
        found = {
            q.pk: q
            for q in Question.objects.filter(
                pk__in=ids, status=QuestionStatus.PUBLISHED, current_revision__isnull=False
            )
        }
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(_("以下编号不是已发布的题目：%(ids)s") % {"ids": "、".join(missing)})
        return [found[i] for i in dict.fromkeys(ids)]

    def clean(self):
        data = super().clean()
        if data.get("paper_mode") == "fixed" and not data.get("fixed_question_ids"):
            self.add_error("fixed_question_ids", _("固定试卷至少需要一道题。"))
        if data.get("paper_mode") == "fixed" and not data.get("fixed_points"):
            self.add_error("fixed_points", _("请填写每题分值。"))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = PaperRule
        fields = ["topic", "qtype", "difficulty", "count", "points", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topic_tree_choices(blank=True)


# one empty row; the page's script adds more as needed (without it, save and a fresh empty row appears)
RuleFormSet = inlineformset_factory(Contest, PaperRule, form=RuleForm, extra=1, can_delete=True)


class PublishedContestForm(forms.ModelForm):
    """What may still change once students have the paper: wording, boards and results policy."""

    class Meta:
        model = Contest
        fields = ["title", "description", "score_policy", "review_policy", "excellence_percent", "freeze_minutes"]
