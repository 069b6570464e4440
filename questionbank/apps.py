from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionbankConfig(AppConfig):
    name = "questionbank"
    verbose_name = _("题库")
