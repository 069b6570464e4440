"""A roster workbook whose sharedStrings.xml inflates to 300 MB is refused before openpyxl opens it:
a 400 with a Chinese reason, memory far below the expansion, nothing imported."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from tests.bombs import EXPANDED, MB, bomb
from tests.factories import Tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying"])
def test_a_shared_strings_bomb_is_refused_with_a_chinese_reason_in_bounded_memory(client, lie):
    tree = Tree()
    client.force_login(tree.organiser_a)
    url = reverse("accounts:roster_import")
    client.get(url)  # templates and URLs loaded before measuring
    users = User.objects.count()
    upload = SimpleUploadedFile("名单.xlsx", bomb("xlsx", lie=lie))
    tracemalloc.start()
    try:
        response = client.post(url, {"file": upload})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    html = response.content.decode()
    assert ("压缩炸弹" in html) if not lie else ("文件已损坏" in html or "压缩文件已损坏" in html)
    assert peak < 16 * MB < EXPANDED
    assert User.objects.count() == users
