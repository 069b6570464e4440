from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, OrgKind


class PlaylistForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(
        label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_org = forms.ModelChoiceField(label=_("所属区域"), queryset=Organization.objects.none())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN]
        self.fields["owner_org"].queryset = scope.managed_orgs().filter(kind__in=kinds).order_by("path")


class PosterForm(forms.Form):
    poster = forms.FileField(label=_("封面图片（JPEG/PNG/WebP，≤5 MB）"))


class CaptionsForm(forms.Form):
    captions = forms.FileField(label=_("字幕文件（WebVTT，.vtt）"))
    label = forms.CharField(label=_("字幕名称"), max_length=20, required=False, initial=_("中文字幕"))


class ConsentForm(forms.Form):
    show_name = forms.BooleanField(label=_("公开作者姓名"), required=False)
    show_school = forms.BooleanField(label=_("公开学校/单位名称"), required=False)
    family_note = forms.CharField(
        label=_("家长同意的方式（教师代为授权时必填）"),
        max_length=200,
        required=False,
        help_text=_("如：家长已签署书面同意书，存于班主任处"),
    )
