"""Password validators with Chinese messages.

Django 5.2 changed MinimumLengthValidator's msgid (`%(min_length)d` → `%d`) and its zh_Hans catalogue still
carries the old one, so the first-login page showed "This password is too short…" in English. Our own
msgid, in our catalogue, does not depend on Django's translators catching up."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("密码太短，至少需要 {n} 个字符。").format(n=self.min_length)

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_help_text(self) -> str:
        return _("密码至少需要 {n} 个字符。").format(n=self.min_length)
