from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import CertificateTemplate

SEAL_MAX_BYTES = 2 * 1024 * 1024


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = ["title", "body", "issuer", "issue_date", "seal", "min_score", "top_n"]
        widgets = {
            "issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "body": _("可使用占位符：{name} 姓名、{school} 学校、{contest} 竞赛名称、{award} 奖项、{score} 得分。")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seal"].widget.attrs["accept"] = "image/png,image/jpeg"
        if not self.instance.pk:
            self.fields["issuer"].initial = settings.ORG_NAME

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            body.format(name="", school="", contest="", award="", score="")
        except (KeyError, IndexError, ValueError) as exc:
            raise forms.ValidationError(
                _("正文中的占位符有误，只能使用 {name} {school} {contest} {award} {score}。")
            ) from exc
        return body

    def clean_seal(self):
        seal = self.cleaned_data.get("seal")
        if seal and hasattr(seal, "size"):
            if seal.size > SEAL_MAX_BYTES:
                raise forms.ValidationError(_("印章图片不能超过 2 MB。"))
            image = getattr(seal, "image", None)
            if image is not None and getattr(image, "format", "") not in ("PNG", "JPEG"):
                raise forms.ValidationError(_("印章图片只能是 PNG 或 JPEG 格式。"))
        return seal


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
