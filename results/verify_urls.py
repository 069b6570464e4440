"""Public certificate verification at /verify/<code>/ (short URLs fit small QR codes)."""

from django.urls import path

from . import views_certificates

app_name = "verify"

urlpatterns = [
    path("", views_certificates.verify, name="form"),
    path("<str:code>/", views_certificates.verify, name="certificate"),
]
