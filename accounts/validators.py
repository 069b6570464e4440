"""Field checks shared by the roster import, forms and the admin."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# mainland mobile numbers (11 digits from 13x–19x), optionally written with +86 and spaces or dashes
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def phone_is_valid(value: str) -> bool:
    return bool(MOBILE_RE.match(normalise_phone(value)))


def validate_phone(value: str) -> None:
    if value and not phone_is_valid(value):
        raise ValidationError(_("手机号应为 11 位数字，以 13–19 开头。"), code="invalid_phone")
