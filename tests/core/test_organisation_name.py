"""The organisation running the platform is a setting (关工委 by default), shown in the footer, page titles and
certificates' default issuer; nothing says 共青团 any more."""

import pytest
from django.urls import reverse

from results.forms import CertificateTemplateForm
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def test_footer_and_title_name_the_default_organisation(client):
    tree = Tree()
    client.force_login(tree.teacher_a)
    page = client.get(reverse("home")).content.decode()
    assert "南通市关心下一代工作委员会" in page.split('<footer class="site-footer">')[1]
    assert "南通市关工委</title>" in page
    assert "共青团" not in page


def test_organisation_name_follows_the_setting(client, settings):
    settings.ORG_NAME = "海门区关心下一代工作委员会"
    settings.ORG_SHORT_NAME = "海门区关工委"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "海门区关心下一代工作委员会" in page and "海门区关工委</title>" in page
    assert "南通市关心下一代工作委员会" not in page


def test_new_certificate_template_offers_the_organisation_as_issuer(settings):
    settings.ORG_NAME = "如皋市关心下一代工作委员会"
    assert CertificateTemplateForm().fields["issuer"].initial == "如皋市关心下一代工作委员会"


def test_readme_names_the_committee_not_the_youth_league():
    from django.conf import settings as django_settings

    readme = (django_settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    intro = readme.split("## Quick start")[0]
    assert "关心下一代工作委员会" in intro and "五老" in intro
    assert "共青团" not in intro and "新时代好少年" not in intro


def test_every_page_links_a_favicon(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
