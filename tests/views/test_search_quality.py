"""How well the public search finds what residents type, on the R2 table, through the page
``/projects/?q=`` in Japanese and English: precision and recall over a set of queries nobody
tuned the index for (readings, compounds, long-vowel typos, width, status words, town names
in kana and romaji, synonyms), printed and held at 0.95 or more."""

import re

import pytest

from projects.models import Activity, Municipality, Project, Status
from tests.support.staff import client_for

HAKUBO, MICE, KOHO = "博覧会の開催", "MICE誘致に向けた検討", "圏域情報の発信"
CORONA = [3, 7, 12, 24, 30]  # the projects with ■ items
AIRPORT = [HAKUBO, KOHO, 14]

# query, the projects a resident means (a status or a town: every project with it).
JAPANESE = [
    ("ちいきこうつう", [26]),  # 地域 + 交通 of 地域公共交通
    ("地域公共交通", [26]),
    ("こうきょうこうつう", [5, 26]),  # 5: 公共交通と連携した…
    ("かんこうきゃく", [7]),  # 観光客: not in the table, 観光 is
    ("観光客", [7]),
    ("かんこお", [7]),  # お for う
    ("かんこー", [7]),
    ("ジオパ-ク", [7]),  # a hyphen for ー
    ("じおぱーく", [7]),
    ("ＤＸ", [7, 29]),  # full width; ICT, クラウド, RPA
    ("dx", [7, 29]),
    ("ＭＩＣＥ", [MICE]),
    ("サイクリング", [12]),
    ("じてんしゃ", [12]),
    ("自転車", [12]),
    ("しょうぼう", [24, 30]),
    ("消防", [24, 30]),
    ("としょかん", [20]),
    ("図書館", [20]),
    ("いりょう", [13, 18]),
    ("救急", [13, 18, 30]),  # 30: 救急救命士研修
    ("いじゅう", [27]),
    ("移住定住", [27]),
    ("はくらんかい", [7, HAKUBO]),
    ("くうこう", AIRPORT),
    ("山口宇部空港", AIRPORT),
    ("しんやまぐちえき", [MICE, KOHO, 14]),
    ("インバウンド", [7]),
    ("いんばうんど", [7]),
    ("くらうど", [29]),
    ("ころな", CORONA),
    ("ちゅうし", CORONA),
    ("中止", CORONA),
    ("■", CORONA),
    ("だいがく", [4, 16, 24, 28, 30]),
    ("完了", "done"),
    ("実施済み", "done"),
    ("済", "done"),
    ("かんりょう", "done"),
    ("実施中", "in_progress"),
    ("進行中", "in_progress"),
    ("実施予定", "planned"),
    ("はぎ", "hagi"),
    ("萩", "hagi"),
    ("うべ", "ube"),
    ("防府", "hofu"),
    ("みね", "mine"),
    ("つわの", "tsuwano"),
]
ENGLISH = [
    ("Hagi", "hagi"),
    ("hagi", "hagi"),
    ("Ube", "ube"),
    ("Tsuwano", "tsuwano"),
    ("Hofu", "hofu"),
    ("Sanyo-Onoda", "sanyo-onoda"),
    ("tourism", [7]),
    ("fire", [24, 30]),
    ("library", [20]),
    ("cycling", [12]),
    ("hospital", [13, 18]),
    ("done", "done"),
    ("completed", "done"),
    ("cancelled", CORONA),
    ("in progress", "in_progress"),
    ("planned", "planned"),
    ("ICT", [7]),
    ("ＤＸ", [7, 29]),
    ("airport", AIRPORT),
    ("university", [4, 16, 24, 28, 30]),
    ("environment", [25]),
    ("youth", [22, 28]),
    ("nurse", [18]),
    ("expo", [7, HAKUBO]),
    ("seminar", [2, 3, 4]),
    ("ambulance", [13, 18, 30]),
    ("観光", [7]),
    ("ちゅうし", CORONA),
]
TOWN_WORDS = {
    "hagi": "萩",
    "ube": "宇部",
    "hofu": "防府",
    "mine": "美祢",
    "tsuwano": "津和野",
    "sanyo-onoda": "山陽小野田",
}


def key(project):
    return project.number or project.name


def expected(fiscal_year, wanted) -> set:
    """The projects the query means: listed as such, or every project with a status, or every
    project a town takes part in or whose text names it."""
    projects = Project.objects.filter(fiscal_year=fiscal_year).listed()
    if isinstance(wanted, list):
        return set(wanted)
    if wanted in Status.values:
        holders = Activity.objects.filter(status=wanted).values("row__project")
        return {key(p) for p in projects.filter(pk__in=holders)}
    town = Municipality.objects.get(slug=wanted)
    found = {key(p) for p in projects.for_municipality(town)}
    word = TOWN_WORDS.get(wanted, town.name)
    for p in projects.prefetch_related("rows__activities"):
        texts = [p.name, *(r.summary for r in p.rows.all())]
        texts += [t for r in p.rows.all() for a in r.activities.all() for t in [a.text, *a.details]]
        if any(word in t for t in texts):
            found.add(key(p))
    return found


def listed_numbers(text: str) -> list:
    """The projects of a list page: their numbers, or names where they have none."""
    found = []
    for item in text.split('<li class="project">')[1:]:
        head = re.search(r"<h[24][^>]*>(.*?)</h[24]>", item, re.S).group(1)
        head = re.sub(r'<span class="ja-only".*?</span>', "", head)  # (Japanese only)
        words = re.sub(r"<[^>]+>", "", head).split(maxsplit=1)
        found.append(int(words[0]) if words[0].isdigit() else " ".join(words))
    return found


def found(client, prefix: str, query: str) -> set:
    """Every project the list shows for the query, page after page."""
    numbers, page = [], 1
    while True:
        response = client.get(f"{prefix}/projects/", {"q": query, "page": page})
        assert response.status_code == 200
        shown = listed_numbers(response.content.decode())
        numbers += shown
        if not shown or f"page={page + 1}" not in response.content.decode():
            return set(numbers)
        page += 1


def quality(client, site, prefix, queries) -> tuple[float, float, list]:
    hits = shown = relevant = 0
    misses = []
    for query, wanted in queries:
        want, got = expected(site, wanted), found(client, prefix, query)
        hits += len(want & got)
        shown += len(got)
        relevant += len(want)
        if want != got:
            misses.append((query, sorted(map(str, want - got)), sorted(map(str, got - want))))
    return hits / shown, hits / relevant, misses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "queries"), [("", JAPANESE), ("/en", JAPANESE + ENGLISH)], ids=["ja", "en"]
)
def test_search_finds_what_residents_type(client, site, prefix, queries):
    precision, recall, misses = quality(client, site, prefix, queries)
    print(
        f"\n{prefix or '/'}: {len(queries)} queries, precision {precision:.3f}, recall {recall:.3f}"
    )
    for query, missed, extra in misses:
        print(f"  {query}: missed {missed}, extra {extra}")
    assert precision >= 0.95
    assert recall >= 0.95


@pytest.mark.django_db
def test_names_that_hold_the_query_come_first(client, site):
    response = client.get("/projects/", {"q": "人材"})
    numbers = listed_numbers(response.content.decode())
    assert numbers[:2] == [4, 28]  # 産業人材の育成及び確保, 次世代の人材育成
    assert set(numbers[2:]) == {7, 30}  # DMOの経営人材の育成, 人材交流等の推進


@pytest.mark.django_db
def test_the_secretariat_adds_a_synonym_in_the_admin(
    client, site, demo_users, django_capture_on_commit_callbacks
):
    assert listed_numbers(client.get("/projects/", {"q": "ビール"}).content.decode()) == []
    admin = client_for(demo_users["jimukyoku"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/projects/synonym/add/",
            {"term": "オクトーバーフェスト", "words": "ビール、beer"},
        )
    assert response.status_code == 302
    assert listed_numbers(client.get("/projects/", {"q": "ビール"}).content.decode()) == [3]
    assert listed_numbers(client.get("/en/projects/", {"q": "beer"}).content.decode()) == [3]
