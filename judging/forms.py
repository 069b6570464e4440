from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand

from .models import EntrantKind, Round, SubmissionContest

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContestForm(forms.ModelForm):
    entrant_kinds = forms.MultipleChoiceField(
        label=_("参赛对象"),
        choices=EntrantKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("留空表示学生。单位作品（学校、校外教育辅导站以单位名义参赛）不能与个人作品同赛。"),
    )
    grade_bands = forms.MultipleChoiceField(
        label=_("面向学段"), choices=GradeBand.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SubmissionContest
        fields = [
            "title",
            "description",
            "kind",
            "code_prefix",
            "owner_org",
            "entrant_kinds",
            "grade_bands",
            "opens_at",
            "closes_at",
            "min_chars",
            "max_chars",
            "max_file_mb",
            "allow_teams",
            "max_team_size",
            "pledge_text",
        ]
        widgets = {
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["owner_org"].queryset = orgs

    def clean_code_prefix(self):
        value = self.cleaned_data["code_prefix"].strip().upper()
        if not value.isalpha() or not value.isascii():
            raise forms.ValidationError(_("编号前缀只能是英文字母，如 ZW。"))
        return value


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("评分项"), max_length=50, required=False)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)
    max_points = forms.DecimalField(label=_("满分"), min_value=0.5, max_value=1000, decimal_places=1, required=False)
    weight = forms.DecimalField(
        label=_("权重"), min_value=0, max_value=100, decimal_places=2, required=False, initial=1
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20)


class RoundForm(forms.ModelForm):
    """Round settings; with `candidates` (judge users) it also picks the panel, checked against the
    number of judges per entry before the round exists."""

    judges = forms.ModelMultipleChoiceField(
        label=_("评委组"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可稍后在轮次页调整；人数须不少于每份作品评委数。"),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is None:
            del self.fields["judges"]
        else:
            self.fields["judges"].queryset = candidates
            self.fields["judges"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"

    def clean(self):
        data = super().clean()
        judges, k = data.get("judges"), data.get("judges_per_entry")
        if judges and k and len(judges) < k:
            raise forms.ValidationError(
                _("每份作品需要 %(k)s 名评委，但只选了 %(n)s 名评委。") % {"k": k, "n": len(judges)}
            )
        return data

    class Meta:
        model = Round
        fields = [
            "name",
            "level",
            "judges_per_entry",
            "separate_same_school_judges",
            "disagreement_threshold",
            "standardise",
        ]


class AdvanceForm(forms.Form):
    next_round = forms.ModelChoiceField(label=_("晋级到"), queryset=Round.objects.none())
    top_n = forms.IntegerField(label=_("前 N 名"), min_value=0, required=False)
    top_percent = forms.DecimalField(label=_("或前百分之 X"), min_value=0, max_value=100, required=False)
    per_district = forms.BooleanField(label=_("按区县分别计算"), required=False, initial=True)

    def __init__(self, *args, rnd=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rnd is not None:
            self.fields["next_round"].queryset = rnd.contest.rounds.filter(order__gt=rnd.order)


class AwardTiersForm(forms.Form):
    round = forms.ModelChoiceField(label=_("依据轮次"), queryset=Round.objects.none())
    first_count = forms.IntegerField(label=_("一等奖 名额"), min_value=0, required=False)
    first_percent = forms.DecimalField(label=_("或 比例%"), min_value=0, max_value=100, required=False)
    second_count = forms.IntegerField(label=_("二等奖 名额"), min_value=0, required=False)
    second_percent = forms.DecimalField(label=_("或 比例%"), min_value=0, max_value=100, required=False)
    third_count = forms.IntegerField(label=_("三等奖 名额"), min_value=0, required=False)
    third_percent = forms.DecimalField(label=_("或 比例%"), min_value=0, max_value=100, required=False)
    merit_count = forms.IntegerField(label=_("优秀奖 名额"), min_value=0, required=False)
    merit_percent = forms.DecimalField(label=_("或 比例%"), min_value=0, max_value=100, required=False)

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contest is not None:
            self.fields["round"].queryset = contest.rounds.filter(status="closed")

    @staticmethod
    def initial_from(detail: dict) -> dict:
        """Form values from the last computation's log entry, so the page keeps what was entered."""
        initial = {"round": detail.get("round")}
        for tier, spec in (detail.get("given") or {}).items():
            for key in ("count", "percent"):
                if key in spec:
                    initial[f"{tier}_{key}"] = spec[key]
        return initial

    def tiers(self) -> dict:
        out = {}
        for tier in ("first", "second", "third", "merit"):
            count, percent = self.cleaned_data.get(f"{tier}_count"), self.cleaned_data.get(f"{tier}_percent")
            if count is not None:
                out[tier] = {"count": count}
            elif percent is not None:
                out[tier] = {"percent": percent}
        return out

    def tier_rows(self):
        return [(self[f"{t}_count"], self[f"{t}_percent"]) for t in ("first", "second", "third", "merit")]
