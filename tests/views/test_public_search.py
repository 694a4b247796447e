"""The search a Japanese citizen types, on the R2 table: readings, no spaces, towns, status
words; matches highlighted, sorting, the count in words."""

import pytest

from projects.models import Activity, Change, ChangeSource, Municipality, Project
from tests.support.staff import save_on_staff_page
from tests.views.test_public_pages import listed_numbers

HAKUBO, MICE, KOHO = "博覧会の開催", "MICE誘致に向けた検討", "圏域情報の発信"
HAGI = [1, 2, 3, 4, 5, 6, 7, 12, MICE, HAKUBO, 14, 15, 16, 17, 18, 22, 24, 27, 30]
CORONA = [3, 7, 12, 24, 30]  # the projects of the seven ■ コロナの影響による中止 items

SEARCHES = [
    # query, the projects it finds (table order; unnumbered ones by name)
    ("観光", [7]),
    ("かんこう", [7]),  # a reading finds the kanji
    ("カンコウ", [7]),
    ("観光萩", [7]),  # no space: split into 観光 + 萩
    ("観光 萩", [7]),
    ("萩", HAGI),  # 萩市 takes part in these (関係市町), and 萩 is in the text of 3 and 7
    ("はぎ", HAGI),  # the town's reading
    ("コロナ", CORONA),  # a status word: ■ コロナの影響による中止
    ("ころな", CORONA),
    ("中止", CORONA),
    ("ＩＣＴ", [7]),
    ("ict", [7]),
    ("ジオパーク", [7]),
    ("じおぱーく", [7]),
    ("いじゅう", [27]),
    ("定住移住", [27]),  # 移住・定住 in any order
    ("実施済み", [4, HAKUBO, 27, 28]),
    ("新規", [2, 3, 4, MICE, KOHO, 15, 18, 26, 29]),  # the tag
    ("存在しない言葉", []),
]


def found(client, **params) -> tuple[list, str]:
    response = client.get("/projects/", params)
    assert response.status_code == 200
    text = response.content.decode()
    return listed_numbers(text), text


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_finds_what_a_citizen_types(client, site, query, expected):
    numbers, text = found(client, q=query)
    assert numbers == expected
    assert f'「<span lang="ja">{query}</span>」に一致する事業は {len(expected)} 件です。' in text


@pytest.mark.django_db
def test_the_english_site_marks_only_japanese_words_as_japanese(client, site):
    english = client.get("/en/projects/", {"q": "ube"}).content.decode()
    assert "projects match “ube”.</p>" in english  # read in the page's language, English
    japanese = client.get("/en/projects/", {"q": "いじゅう"}).content.decode()
    assert '1 project matches “<span lang="ja">いじゅう</span>”.</p>' in japanese


@pytest.mark.django_db
def test_a_town_finds_every_project_it_takes_part_in(client, site):
    hagi = Municipality.objects.get(slug="hagi")
    concerning = {
        p.number or p.name
        for p in Project.objects.filter(fiscal_year=site).listed().for_municipality(hagi)
    }
    assert set(found(client, q="萩")[0]) == concerning | {3, 7}


@pytest.mark.django_db
def test_matches_are_highlighted_where_they_stand(client, site):
    _, text = found(client, q="かんこう")
    assert "<mark>観光</mark>" in text  # found by its reading, marked in the text
    _, text = found(client, q="ＩＣＴ")
    assert "<mark>ICT</mark>" in text or "<mark>ＩＣＴ</mark>" in text
    _, text = found(client, q="萩")
    assert '<span lang="ja"><mark>萩</mark>市' in text or "<mark>萩</mark>市" in text
    _, text = found(client, q="<script>")  # escaped, never markup
    assert "<script>" not in text.split('id="result-count"')[1].split("</p>")[0]


@pytest.mark.django_db
def test_a_search_shows_the_matching_activities(client, site):
    _, text = found(client, q="コロナ")
    listed = text.split('id="result-count"')[1]
    assert listed.count('<span class="status status-cancelled">') == 7
    assert "status-in_progress" not in listed  # only the lines that match are shown


@pytest.mark.django_db
def test_sort_by_number_or_by_latest_change(client, site):
    by_number = found(client, sort="number")[0] + found(client, sort="number", page="2")[0]
    numbered = [n for n in by_number if isinstance(n, int)]
    assert numbered == sorted(numbered) and by_number[-3:] == [MICE, HAKUBO, KOHO]
    project = Project.objects.get(fiscal_year=site, number=27)
    Change.objects.create(
        fiscal_year=site,
        project=project,
        changed_at="2030-01-01T00:00:00Z",
        source=ChangeSource.PORTAL,
        field="status",
        old_value="planned",
        new_value="done",
    )
    by_change, text = found(client, sort="updated")
    assert by_change[0] == 27
    assert '<option value="updated" selected>最近の変更順</option>' in text
    assert "1 圏域全体の経済成長のけん引 › " in text  # a flat list says where each project is


@pytest.mark.django_db
def test_search_text_follows_an_edit(client, site):
    activity = Activity.objects.filter(row__project__number=28).first()
    save_on_staff_page(activity, text="秋吉台カルストの観光案内")
    assert found(client, q="かるすと")[0] == [28]
    assert found(client, q="かんこう")[0] == [7, 28]
