"""Admin for the bank. Content changes go through the same services as the teacher pages (revisions,
duplicate checks); the import page here uses the same engine as the teacher page and the command."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .errors import ImportFileError, QuestionActionDenied, SelfReviewRefused
from .importers.readers import FORMATS, detect_format
from .models import ImportJob, Question, QuestionRevision, ReviewLog, ReviewPolicy, Topic
from .secrecy import KeyViewer, reservations
from .services import can_author, question_approve, question_retire
from .services.importing import import_check, import_write


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["name"]


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ["org", "allow_self_review"]
    autocomplete_fields = ["org"]


class ReviewLogInline(admin.TabularInline):
    model = ReviewLog
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "action", "comment", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class AdminImportForm(forms.Form):
    file = forms.FileField(label=_("题目文件"))
    format = forms.ChoiceField(
        label=_("格式"), required=False, choices=[("", _("按扩展名识别"))] + list(FORMATS.items())
    )
    default_topic = forms.ModelChoiceField(label=_("默认专题"), queryset=Topic.objects.all(), required=False)
    publish = forms.BooleanField(label=_("直接发布"), required=False)
    only_valid = forms.BooleanField(label=_("只导入无误的行"), required=False)


class WithholdReservedKeysMixin:
    """Staff who may not see a reserved question's key (questionbank.secrecy) get the change page
    without the answer and explanation fields."""

    SECRET_FIELDS = ("answer", "explanation")

    def _key_hidden(self, request, obj) -> bool:
        if obj is None:
            return False
        question_id = getattr(obj, "question_id", None) or obj.pk
        held = reservations(question_ids=[question_id]).get(question_id)
        return not KeyViewer(request.user).sees(held)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._key_hidden(request, obj):
            return [f for f in fields if f not in self.SECRET_FIELDS]
        return fields


@admin.register(Question)
class QuestionAdmin(WithholdReservedKeysMixin, admin.ModelAdmin):
    list_display = ["id", "short_stem", "qtype", "topic", "difficulty", "status", "author", "updated_at"]
    list_filter = ["status", "qtype", "difficulty", "topic"]
    search_fields = ["stem", "source"]
    readonly_fields = [
        "qtype", "stem", "options", "answer", "explanation", "difficulty", "grade_bands", "source", "tags",
        "topic", "status", "author", "fingerprint", "current_revision", "review_comment", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [ReviewLogInline]
    actions = ["approve_selected", "retire_selected"]
    change_list_template = "questionbank/admin_change_list.html"

    @admin.display(description=_("题干"))
    def short_stem(self, obj):
        return obj.stem[:40]

    def has_add_permission(self, request):
        # questions are written through the teacher pages or the import, which validate content
        return False

    def get_urls(self):
        urls = [path("import/", self.admin_site.admin_view(self.import_view), name="questionbank_question_import")]
        return urls + super().get_urls()

    def import_view(self, request):
        if not can_author(request.user):
            raise PermissionDenied
        form = AdminImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                fmt = detect_format(upload.name, form.cleaned_data["format"] or None)
                if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
                    raise ImportFileError(_("文件过大。"))
                report = import_check(
                    data=upload.read(), fmt=fmt, actor=request.user, default_topic=form.cleaned_data["default_topic"]
                )
                if "do_import" in request.POST and not report.file_error:
                    result = import_write(
                        report=report,
                        actor=request.user,
                        publish=form.cleaned_data["publish"],
                        only_valid=form.cleaned_data["only_valid"],
                    )
                    self.message_user(
                        request,
                        _("导入完成：写入 {written} 道题。").format(written=result["written"]),
                        messages.SUCCESS,
                    )
            except (ImportFileError, QuestionActionDenied, SelfReviewRefused) as exc:
                self.message_user(request, str(exc), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入题目"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "questionbank/admin_import.html", context)

    @admin.action(description=_("通过所选的待审题目"))
    def approve_selected(self, request, queryset):
        done = 0
        for question in queryset:
            try:
                question_approve(actor=request.user, question=question)
                done += 1
            except (QuestionActionDenied, SelfReviewRefused) as exc:
                self.message_user(request, f"#{question.pk}：{exc}", messages.WARNING)
        self.message_user(request, _("已通过 {done} 道题。").format(done=done))

    @admin.action(description=_("停用所选的已发布题目"))
    def retire_selected(self, request, queryset):
        done = 0
        for question in queryset:
            try:
                question_retire(actor=request.user, question=question)
                done += 1
            except QuestionActionDenied as exc:
                self.message_user(request, f"#{question.pk}：{exc}", messages.WARNING)
        self.message_user(request, _("已停用 {done} 道题。").format(done=done))


@admin.register(QuestionRevision)
class QuestionRevisionAdmin(WithholdReservedKeysMixin, ReadOnlyAdmin):
    """Revisions are immutable."""

    list_display = ["id", "question", "number", "qtype", "topic", "created_at"]
    search_fields = ["stem"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "format", "state", "created_by", "created_at"]
    list_filter = ["state", "format"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewLog)
class ReviewLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "question", "actor", "action"]
    list_filter = ["action"]
