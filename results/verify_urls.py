"""Public certificate verification at /verify/<code>/ (short URLs fit small QR codes)."""

from django.urls import path

from .views import certificates

app_name = "verify"

urlpatterns = [
    path("", certificates.verify, name="form"),
    path("<str:code>/", certificates.verify, name="certificate"),
]
