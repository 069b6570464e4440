import pytest

from accounts.selectors import scope_for
from accounts.tokens import token_issue
from results.services import certificate_issue, certificate_revoke
from tests.factories import Tree

from .factories import make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def certs(tree):
    template = make_template(target=tree.city, org=tree.city)
    return (
        certificate_issue(template=template, holder=tree.student_a, award_text="一等奖"),
        certificate_issue(template=template, holder=tree.student_b, award_text="二等奖"),
    )


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}


def test_student_lists_own_certificates_with_a_bearer_token(client, tree, certs):
    response = client.get("/api/v1/certificates", **_bearer(tree.student_a))
    assert response.status_code == 200
    data = response.json()
    assert [c["code"] for c in data] == [certs[0].code]
    assert data[0]["award"] == "一等奖"
    pdf = client.get(data[0]["pdf_url"], **_bearer(tree.student_a))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_students_pdf_is_not_found_in_json(client, tree, certs):
    response = client.get(f"/api/v1/certificates/{certs[1].code}/pdf", **_bearer(tree.student_a))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_certificates_need_authentication(client, certs):
    response = client.get("/api/v1/certificates")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_public_verify_masks_and_reports_revocation(client, tree, certs):
    ok = client.get(f"/api/v1/verify/{certs[0].code.lower()}")
    assert ok.json() == {"status": "valid", "holder": "张*明", "contest": "南通市", "award": "一等奖"}
    certificate_revoke(
        actor=tree.city_organiser, scope=scope_for(tree.city_organiser), certificate=certs[0], reason="x"
    )
    assert client.get(f"/api/v1/verify/{certs[0].code}").json()["status"] == "revoked"
    missing = client.get("/api/v1/verify/AAAA-BBBB-CCCC")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
