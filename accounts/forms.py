from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("该账号已停用，请联系老师。"),
    }


class RosterUploadForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("学校"), required=False, empty_label=_("按文件中的学校列"))
    # empty files are accepted here so the roster service answers with its own, clearer message
    file = forms.FileField(
        label=_("名单文件（xlsx 或 csv）"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class _NotTheSamePasswordMixin:
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_unchanged": _("新密码不能与当前密码相同。"),
    }

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged"),
            )
        return cleaned


class FirstPasswordForm(_NotTheSamePasswordMixin, SetPasswordForm):
    """First login: the initial password was just typed at login, so it is not asked for again."""


class ChangePasswordForm(_NotTheSamePasswordMixin, PasswordChangeForm):
    """Any later change asks for the current password, so an unattended session cannot be taken over."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_unchanged": _("新密码不能与当前密码相同。"),
    }
