"""Organiser forms for a campaign: the campaign's own fields, one block per level of the chain
(school → town → district → city; unticked = skipped), and the honours with their places. Field
checks live here; rules across fields (dates in order, quota mode, voting level) in services.campaigns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand
from judging.forms import CriterionFormSet

from .models import Campaign, CampaignLevel, LevelKind, QuotaRounding
from .models.campaign import LEVEL_ORDER
from .services.campaigns import HonourPlan, LevelPlan

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    grade_bands = forms.MultipleChoiceField(
        label=_("参评学段"), choices=GradeBand.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "year",
            "grade_bands",
            "rules_text",
            "voting_level",
            "vote_opens_at",
            "vote_closes_at",
            "votes_per_day",
            "count_display",
            "freeze_hours",
            "formula",
            "panel_weight",
            "gate_top_n",
            "notice_working_days",
            "objection_answer_days",
        ]
        widgets = {
            "vote_opens_at": DATETIME,
            "vote_closes_at": DATETIME,
            "rules_text": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"rules_text": _("纯文本，将在活动页公开；网页标签会被去除。")}

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})
        if locked:
            for name in self.fields:
                if name not in ("title", "year", "rules_text", "vote_opens_at", "vote_closes_at"):
                    self.fields[name].disabled = True

    BASIC = ("title", "year", "grade_bands", "rules_text")

    def basic_fields(self):
        return [self[name] for name in self.BASIC]

    def rule_fields(self):
        return [self[name] for name in self.fields if name not in self.BASIC]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("年度须在 2000 到 2100 之间。"))
        return year


class LevelForm(forms.Form):
    QUOTA_MODES = [("fixed", _("每单位固定名额")), ("per_mille", _("按在籍人数千分比"))]

    included = forms.BooleanField(label=_("包含此层级"), required=False)
    nomination_opens_at = forms.DateTimeField(label=_("推荐/申报开始"), required=False, widget=DATETIME)
    nomination_closes_at = forms.DateTimeField(label=_("推荐/申报截止"), required=False, widget=DATETIME)
    review_closes_at = forms.DateTimeField(label=_("评审截止"), required=False, widget=DATETIME)
    notice_starts_on = forms.DateField(label=_("计划公示开始"), required=False, widget=DATE)
    quota_mode = forms.ChoiceField(label=_("名额方式"), choices=QUOTA_MODES, widget=forms.RadioSelect, initial="fixed")
    quota_fixed = forms.IntegerField(label=_("每单位固定名额"), required=False, min_value=1, max_value=100000)
    quota_per_mille = forms.DecimalField(
        label=_("千分比（‰）"), required=False, min_value=0, max_value=1000, max_digits=6, decimal_places=3
    )
    quota_rounding = forms.ChoiceField(label=_("取整规则"), choices=QuotaRounding.choices, initial=QuotaRounding.ROUND)
    quota_minimum = forms.IntegerField(label=_("每单位最少名额"), min_value=0, max_value=100000, initial=0)

    def __init__(self, *args, kind: str, locked: bool = False, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        self.label = LevelKind(kind).label
        if locked:
            for name in ("included", "quota_mode", "quota_fixed", "quota_per_mille", "quota_rounding", "quota_minimum"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if not data.get("included"):
            return data
        if data.get("quota_mode") == "fixed" and data.get("quota_fixed") is None:
            self.add_error("quota_fixed", _("请填写每单位固定名额。"))
        if data.get("quota_mode") == "per_mille" and not data.get("quota_per_mille"):
            self.add_error("quota_per_mille", _("请填写千分比。"))
        return data

    def plan(self) -> LevelPlan | None:
        d = self.cleaned_data
        if not d.get("included"):
            return None
        fixed = d["quota_mode"] == "fixed"
        return LevelPlan(
            kind=self.kind,
            nomination_opens_at=d.get("nomination_opens_at"),
            nomination_closes_at=d.get("nomination_closes_at"),
            review_closes_at=d.get("review_closes_at"),
            notice_starts_on=d.get("notice_starts_on"),
            quota_fixed=d.get("quota_fixed") if fixed else None,
            quota_per_mille=None if fixed else d.get("quota_per_mille"),
            quota_rounding=d.get("quota_rounding") or QuotaRounding.ROUND,
            quota_minimum=d.get("quota_minimum") or 0,
        )

    @staticmethod
    def initial_for(level: CampaignLevel | None) -> dict:
        if level is None:
            return {"included": False, "quota_mode": "fixed", "quota_minimum": 0}
        data = {
            name: getattr(level, name)
            for name in (
                "nomination_opens_at",
                "nomination_closes_at",
                "review_closes_at",
                "notice_starts_on",
                "quota_fixed",
                "quota_per_mille",
                "quota_rounding",
                "quota_minimum",
            )
        }
        data.update(included=True, quota_mode="fixed" if level.quota_fixed is not None else "per_mille")
        return data


class HonourForm(forms.Form):
    name = forms.CharField(label=_("荣誉称号"), max_length=40)
    places = forms.IntegerField(label=_("名额"), min_value=1, max_value=100000)


HonourFormSet = forms.formset_factory(HonourForm, extra=2)


def level_forms(data=None, *, campaign: Campaign | None = None, locked: bool = False) -> list[LevelForm]:
    stored = {lv.kind: lv for lv in campaign.levels.all()} if campaign else {}
    forms_ = []
    for kind in LEVEL_ORDER:
        initial = LevelForm.initial_for(stored.get(kind)) if campaign else LevelForm.initial_for(None)
        if campaign is None and kind in (LevelKind.SCHOOL, LevelKind.DISTRICT, LevelKind.CITY):
            initial["included"] = True
        forms_.append(LevelForm(data, kind=kind, initial=initial, locked=locked))
    return forms_


def honour_formset(data=None, *, campaign: Campaign | None = None, locked: bool = False) -> forms.BaseFormSet:
    """Initial rows only to display: a posted row equal to its initial would otherwise count as unchanged
    and be dropped. Locked (published) rows are shown disabled and the stored honours are kept."""
    if data is not None and not locked:
        return HonourFormSet(data, prefix="honours")
    if campaign is not None:
        initial = [{"name": h.name, "places": h.places} for h in campaign.honours.order_by("order")]
    else:
        initial = [{"name": "十佳三好标兵", "places": 10}, {"name": "三好标兵", "places": 50}]
    formset = HonourFormSet(data, initial=initial, prefix="honours")
    for form in formset.forms:
        for field in form.fields.values():
            field.disabled = locked
    return formset


def honour_plans(formset) -> list[HonourPlan]:
    return [
        HonourPlan(name=f.cleaned_data["name"], places=f.cleaned_data["places"])
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("name")
    ]


def stored_honours(campaign: Campaign) -> list[HonourPlan]:
    return [HonourPlan(name=h.name, places=h.places) for h in campaign.honours.order_by("order")]


CRITERIA_PREFIX = "criteria"


def criteria_formset(data=None, *, criteria=()) -> forms.BaseFormSet:
    """The panel's rubric with judging's criterion rows (name, description, max points, weight). As for the
    honours, initial rows only to display. `criteria`: the campaign's stored judging Criterion rows."""
    if data is not None:
        return CriterionFormSet(data, prefix=CRITERIA_PREFIX)
    initial = [
        {"name": c.name, "description": c.description, "max_points": c.max_points, "weight": c.weight} for c in criteria
    ]
    return CriterionFormSet(initial=initial, prefix=CRITERIA_PREFIX)


def criteria_posted(data) -> bool:
    """A page showing a frozen rubric has no criterion inputs: then the rubric is left as it is."""
    return data is not None and f"{CRITERIA_PREFIX}-TOTAL_FORMS" in data


def criteria_plans(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
