from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("人员与组织")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from .tokens import revoke_page_token_on_logout

        user_logged_out.connect(revoke_page_token_on_logout, dispatch_uid="accounts.revoke_page_token")
