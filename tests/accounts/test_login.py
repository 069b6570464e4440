import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, Tree

pytestmark = pytest.mark.django_db


def test_student_logs_in_and_sees_chinese_home_page(client):
    tree = Tree()
    response = client.post(reverse("accounts:login"), {"username": "stu_a", "password": DEFAULT_PASSWORD}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的竞赛" in html
    assert tree.student_a.real_name in html
    assert 'lang="zh-hans"' in html


def test_wrong_password_gets_a_chinese_error_and_no_session(client):
    Tree()
    response = client.post(reverse("accounts:login"), {"username": "stu_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_with_a_chinese_message(client, settings):
    Tree()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "stu_a", "password": "wrong"})
    # even the right password is refused while locked
    response = client.post(reverse("accounts:login"), {"username": "stu_a", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_visitor_gets_the_public_landing_page_with_a_login_link(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("accounts:login") in html and reverse("verify:form") in html


@pytest.mark.parametrize(
    ("username", "section"),
    [("stu_a", "student-home"), ("tea_a", "teacher-home"), ("judge1", "judge-home"), ("org_a", "organiser-home")],
)
def test_each_role_sees_its_own_home_section(client, username, section):
    tree = Tree()
    client.force_login(
        getattr(tree, {"stu_a": "student_a", "tea_a": "teacher_a", "judge1": "judge", "org_a": "organiser_a"}[username])
    )
    html = client.get(reverse("home")).content.decode()
    assert f'id="{section}"' in html
    others = {"student-home", "teacher-home", "judge-home", "organiser-home"} - {section}
    assert not any(f'id="{o}"' in html for o in others)


def test_static_assets_are_served_locally_without_cdn(client):
    tree = Tree()
    client.force_login(tree.student_a)
    html = client.get(reverse("home")).content.decode()
    assert "/static/css/site.css" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
