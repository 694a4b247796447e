"""Details that belong to the area's data, not to the first area: the search box's example on
the home page comes from the year's measures and members; the upload is reachable from 年度の管理."""

import pytest

from projects import cache
from projects.models import Measure, Municipality
from tests.support.staff import client_for


@pytest.mark.django_db
def test_the_search_example_comes_from_the_data(client, r2_published):
    html = client.get("/").content.decode()
    assert 'placeholder="例: けいざい 山口"' in html  # 経済戦略の策定及び推進, 山口市
    assert "かんこう 萩" not in html
    Measure.objects.filter(strategy__fiscal_year=r2_published).update(title="観光の推進")
    Municipality.objects.filter(name="山口市").update(name="長門市")
    cache.bump()
    html = client.get("/?year=2020").content.decode()
    assert 'placeholder="例: かんこう 長門"' in html


def test_the_upload_is_reachable_from_the_years_page(demo_users, r2):
    html = client_for(demo_users["jimukyoku"]).get("/years/").content.decode()
    assert 'href="/admin/projects/fiscalyear/upload/"' in html
    assert "資料のアップロード (取込)" in html
