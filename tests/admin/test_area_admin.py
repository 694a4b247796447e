"""The area and its municipalities in the admin: the secretariat edits, staff only read, a town
named in any year's data is retired, never deleted."""

import pytest
from django.contrib.messages import get_messages

from projects.models import Area, Municipality, Project, StaffProfile
from projects.services.years import roll_over
from tests.support.staff import add_users, client_for

AREA = "/admin/projects/area/"
TOWNS = "/admin/projects/municipality/"


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def area_form(**changes) -> dict:
    area = Area.objects.current()
    data = {
        "name": area.name,
        "short_name": area.short_name,
        "council": area.council,
        "all_words": "\n".join(area.all_words),
        "secretariat_name": area.secretariat_name,
        "secretariat_address": area.secretariat_address,
        "secretariat_phone": area.secretariat_phone,
        "secretariat_email": area.secretariat_email,
    }
    return {**data, **changes}


def town_form(municipality, **changes) -> dict:
    data = {
        "name": municipality.name,
        "reading": municipality.reading,
        "lg_code": municipality.lg_code or "",
        "slug": municipality.slug,
        "order": municipality.order,
    }
    if municipality.retired:
        data["retired"] = "on"
    return {**data, **changes}


def errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(messages) for name, messages in form.errors.items()}


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_secretariat_edits_the_area_and_its_words(users):
    area = Area.objects.current()
    client = client_for(users["jimukyoku"])
    page = client.get(f"{AREA}{area.pk}/change/").content.decode()
    assert "全市町\n全7市町\n7市町</textarea>" in page  # one word a line
    response = client.post(
        f"{AREA}{area.pk}/change/",
        area_form(all_words="全市町\n 圏域市町 \n\n", secretariat_phone="083-000-0000"),
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.all_words, area.secretariat_phone) == (["全市町", "圏域市町"], "083-000-0000")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"all_words": "全市町\n全 市町"},
            {
                "all_words": [
                    "「全 市町」には区切りの文字 (、・,/ や空白) を使えません (関係市町の欄で区切りと読みます)。"
                ]
            },
        ),
        (
            {"all_words": "全市町\n萩市"},
            {"all_words": ["「萩市」は構成市町の名称です。全市町を表す語にはできません。"]},
        ),
        (
            {"secretariat_email": "jimukyoku@"},
            {"secretariat_email": ["有効なメールアドレスを入力してください。"]},
        ),
        ({"name": ""}, {"name": ["このフィールドは必須です。"]}),
    ],
)
def test_the_area_form_says_what_is_wrong_in_japanese(users, changes, expected):
    area = Area.objects.current()
    before = area_form()
    response = client_for(users["jimukyoku"]).post(f"{AREA}{area.pk}/change/", area_form(**changes))
    assert response.status_code == 200
    assert errors(response) == expected
    assert area_form() == before


def test_there_is_one_area_to_edit_never_to_add_or_delete(users):
    area = Area.objects.current()
    client = client_for(users["jimukyoku"])
    assert client.get(f"{AREA}add/").status_code == 403
    assert client.post(f"{AREA}{area.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Area.objects.count() == 1


def test_staff_read_the_area_and_the_towns_but_cannot_change_them(users):
    area, ube = Area.objects.current(), Municipality.objects.get(slug="ube")
    client = client_for(users["ube"])
    page = client.get(f"{AREA}{area.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only
    assert client.post(f"{AREA}{area.pk}/change/", area_form(name="x")).status_code == 403
    assert client.get(f"{TOWNS}{ube.pk}/change/").status_code == 200
    assert client.post(f"{TOWNS}{ube.pk}/change/", town_form(ube, name="x")).status_code == 403
    assert client.post(f"{TOWNS}add/", town_form(ube, slug="x")).status_code == 403
    assert client.post(f"{TOWNS}{ube.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Area.objects.current().name == area.name
    assert Municipality.objects.get(pk=ube.pk).name == "宇部市"


def test_citizens_and_unassigned_accounts_see_nothing(users):
    for role in ("citizen", "unassigned"):
        client = client_for(users[role])
        assert client.get(TOWNS).status_code in (302, 403), role
        assert client.get(AREA).status_code in (302, 403), role


def test_the_secretariat_edits_a_town(users):
    ube = Municipality.objects.get(slug="ube")
    response = client_for(users["jimukyoku"]).post(
        f"{TOWNS}{ube.pk}/change/", town_form(ube, reading="ウベシ")
    )
    assert response.status_code == 302
    assert Municipality.objects.get(pk=ube.pk).reading == "ウベシ"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"lg_code": "352020"},
            {
                "lg_code": [
                    "全国地方公共団体コード「352020」の検査数字が合いません (1 のはずです)。"
                ]
            },
        ),
        ({"lg_code": ""}, {"lg_code": ["全国地方公共団体コードを入力してください。"]}),
        ({"slug": "yamaguchi"}, {"slug": ["この URL 用の名前 を持った 市町 が既に存在します。"]}),
        (
            {"reading": "ube"},
            {"reading": ["読み「ube」はかな (ひらがな・カタカナ) だけで書いてください。"]},
        ),
        (
            {"name": "宇部市・美祢市"},
            {
                "name": [
                    "「宇部市・美祢市」には区切りの文字 (、・,/ や空白) を使えません (関係市町の欄で区切りと読みます)。"
                ]
            },
        ),
        (
            {"name": "全市町"},
            {"name": ["「全市町」は圏域の全市町を表す語です。市町の名称にはできません。"]},
        ),
    ],
)
def test_the_town_form_says_what_is_wrong_in_japanese(users, changes, expected):
    ube = Municipality.objects.get(slug="ube")
    response = client_for(users["jimukyoku"]).post(
        f"{TOWNS}{ube.pk}/change/", town_form(ube, **changes)
    )
    assert response.status_code == 200
    assert errors(response) == expected
    assert town_form(Municipality.objects.get(pk=ube.pk)) == town_form(ube)


@pytest.fixture
def hagi_in_data(users, r2):
    hagi = Municipality.objects.get(slug="hagi")
    Project.objects.get(fiscal_year=r2, number=7).municipalities.add(hagi)
    hagi.staff.all().delete()  # only the data names it
    return hagi


HAGI_REFUSED = (
    "「萩市」は令和2年度の表 (関係市町) に出てくるため削除できません。"
    "圏域を離れた市町は「新しい年度に含めない」にしてください (それまでの年度のデータには残ります)。"
)


def test_deleting_a_town_named_in_data_is_refused_with_the_reason(users, hagi_in_data):
    url = f"{TOWNS}{hagi_in_data.pk}/delete/"
    client = client_for(users["jimukyoku"])
    for response in (client.get(url), client_for(users["jimukyoku"]).post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == f"{TOWNS}{hagi_in_data.pk}/change/"
        assert flashed(response) == [HAGI_REFUSED]
    assert Municipality.objects.filter(pk=hagi_in_data.pk).exists()
    assert Project.objects.get(number=7).municipalities.filter(pk=hagi_in_data.pk).exists()


ABU = {"name": "阿武町", "reading": "あぶちょう", "lg_code": "353434", "slug": "abu", "order": 8}


def test_the_bulk_delete_is_refused_too(users, hagi_in_data):
    """萩市 is in the data; 阿武町 is in none, but a staff account belongs to it."""
    abu = Municipality.objects.create(**ABU)
    StaffProfile.objects.filter(user=users["unassigned"]).update(municipality=abu)
    selected = [hagi_in_data.pk, abu.pk]
    response = client_for(users["jimukyoku"]).post(
        TOWNS, {"action": "delete_unused", "_selected_action": selected, "post": "yes"}
    )
    assert response.status_code == 302
    assert flashed(response) == [
        HAGI_REFUSED,
        "「阿武町」には担当者のアカウント (unassigned) があるため削除できません。"
        "先に担当者の市町を変えるか、「新しい年度に含めない」にしてください。",
    ]
    assert Municipality.objects.filter(pk__in=selected).count() == 2


def test_the_bulk_delete_removes_towns_nothing_names(users):
    abu = Municipality.objects.create(**ABU)
    client = client_for(users["jimukyoku"])
    data = {"action": "delete_unused", "_selected_action": [abu.pk]}
    confirm = client.post(TOWNS, data)
    assert confirm.status_code == 200 and "阿武町" in confirm.content.decode()
    assert client.post(TOWNS, {**data, "post": "yes"}).status_code == 302
    assert not Municipality.objects.filter(pk=abu.pk).exists()


def test_a_town_nothing_names_is_added_and_deleted(users):
    client = client_for(users["jimukyoku"])
    data = {
        "name": "阿武町",
        "reading": "あぶちょう",
        "lg_code": "353434",
        "slug": "abu",
        "order": 8,
    }
    assert client.post(f"{TOWNS}add/", data).status_code == 302
    abu = Municipality.objects.get(slug="abu")
    assert client.get(f"{TOWNS}{abu.pk}/delete/").status_code == 200  # Django's confirmation
    response = client.post(f"{TOWNS}{abu.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == TOWNS
    assert not Municipality.objects.filter(slug="abu").exists()


def test_a_retired_town_leaves_the_new_year_and_stays_in_its_own(users, hagi_in_data, r2):
    response = client_for(users["jimukyoku"]).post(
        f"{TOWNS}{hagi_in_data.pk}/change/", town_form(hagi_in_data, retired="on")
    )
    assert response.status_code == 302
    assert Municipality.objects.get(pk=hagi_in_data.pk).retired
    roll_over(source=r2)
    assert not Project.objects.filter(fiscal_year__year=2021, municipalities=hagi_in_data).exists()
    assert Project.objects.filter(fiscal_year=r2, municipalities=hagi_in_data).exists()
    page = client_for(users["jimukyoku"]).get(f"{TOWNS}?retired__exact=1").content.decode()
    assert "萩市" in page
