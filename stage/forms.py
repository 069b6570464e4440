"""The organiser's event form: rules in plain fields, categories one per line, criteria one per line as
"名称 最高分 [最低分] [权重]"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StageEvent
from .services import CriterionSpec


class EventForm(forms.ModelForm):
    categories_text = forms.CharField(
        label=_("组别（每行一个，分别排名）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="五老组\n中学组\n小学组",
    )
    criteria_text = forms.CharField(
        label=_("评分项（每行：名称 最高分 [最低分] [权重]）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="内容 40\n表达 30\n仪态 20\n时间 10",
    )

    class Meta:
        model = StageEvent
        fields = [
            "title", "venue", "date", "owner_org", "decimals", "trim_min_judges", "time_limit_s", "warning_s",
            "overtime_step_s", "overtime_deduction", "award_mode", "award_first", "award_second", "award_third",
            "award_merit",
        ]  # fmt: skip
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["owner_org"].queryset = orgs

    def clean_categories_text(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["categories_text"].splitlines() if line.strip()]
        if not names or len(set(names)) != len(names):
            raise forms.ValidationError(_("请填写不重复的组别。"))
        return names

    def clean_criteria_text(self) -> list[CriterionSpec]:
        specs = []
        for n, line in enumerate(self.cleaned_data["criteria_text"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                numbers = [Decimal(x) for x in parts[1:4]]
            except InvalidOperation:
                raise forms.ValidationError(_("第 %(n)s 行的分数不是数字。") % {"n": n}) from None
            if not numbers:
                raise forms.ValidationError(_("第 %(n)s 行缺少最高分。") % {"n": n})
            spec = CriterionSpec(parts[0][:50], numbers[0])
            if len(numbers) > 1:
                spec = CriterionSpec(spec.name, spec.max_points, numbers[1])
            if len(numbers) > 2:
                spec = CriterionSpec(spec.name, spec.max_points, spec.min_points, numbers[2])
            if spec.min_points > spec.max_points:
                raise forms.ValidationError(_("第 %(n)s 行的最低分高于最高分。") % {"n": n})
            specs.append(spec)
        if not specs:
            raise forms.ValidationError(_("至少需要一个评分项。"))
        return specs

    def clean(self):
        data = super().clean()
        if data.get("warning_s") and data.get("time_limit_s") and data["warning_s"] >= data["time_limit_s"]:
            self.add_error("warning_s", _("提示时间须小于时限。"))
        return data
