from django.http import Http404


def roster_import(request):
    raise Http404


roster_import_confirm = roster_credentials = roster_template = roster_import
