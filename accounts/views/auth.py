from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..credentials import initial_password_forget
from ..forms import ChangePasswordForm, FirstPasswordForm, LoginForm
from ..models import Role
from ..permissions import request_scope, role_required
from ..tokens import page_token_at_login


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        page_token_at_login(self.request)
        return response


@login_required
def password_change(request):
    """First-login password change (and any later change). The initial password is not asked for
    again on first login (the student just typed it); any later change asks for the current one."""
    user = request.user
    form_class = FirstPasswordForm if user.must_change_password else ChangePasswordForm
    form = form_class(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        initial_password_forget(user=user)
        update_session_auth_hash(request, user)
        page_token_at_login(request)  # the change revoked every token; this session write carries a new one
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})


@role_required(Role.ORGANISER, Role.TEACHER)
def organisation_list(request):
    scope = request_scope(request)
    orgs = scope.visible_orgs().order_by("path")[:500]
    return render(request, "accounts/organisation_list.html", {"orgs": orgs})
