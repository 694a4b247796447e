"""The area as data: ``setup_area`` from a TOML file, validated with lines and keys."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from projects.models import Area, Municipality
from projects.models.area import validate_lg_code
from projects.services.area import AreaFileError, setup_area
from tests.conftest import AREA_FILE, ROOT

BINGO = ROOT / "fixtures" / "areas" / "bingo.toml"


@pytest.mark.parametrize(
    "code", ["352039", "352021", "352047", "352063", "352136", "352161", "325015", "342076"]
)
def test_real_codes_pass_the_check_digit(code):
    validate_lg_code(code)


@pytest.mark.parametrize(
    "code, message",
    [
        ("352030", "全国地方公共団体コード「352030」の検査数字が合いません (9 のはずです)。"),
        ("35203", "全国地方公共団体コードは 6 桁の数字です (例: 352039)。"),
        ("３５２０３９", "全国地方公共団体コードは 6 桁の数字です (例: 352039)。"),
    ],
)
def test_a_wrong_code_is_refused_with_the_reason(code, message):
    with pytest.raises(ValidationError) as info:
        validate_lg_code(code)
    assert info.value.messages == [message]


@pytest.mark.django_db
def test_our_area_is_set_up_and_a_second_run_changes_nothing():
    area = Area.objects.current()
    assert (area.name, area.all_words) == ("山口県央連携都市圏", ["全市町", "全7市町", "7市町"])
    assert [(m.name, m.lg_code, m.slug) for m in Municipality.objects.all()][:2] == [
        ("山口市", "352039", "yamaguchi"),
        ("宇部市", "352021", "ube"),
    ]
    assert Municipality.objects.count() == 7
    out = io.StringIO()
    call_command("setup_area", str(AREA_FILE), stdout=out)
    assert out.getvalue() == "変更はありません (圏域と構成市町はファイルと同じです)。\n"


@pytest.mark.django_db
def test_another_area_replaces_the_members_no_data_names(r2):
    ube = Municipality.objects.get(slug="ube")
    r2.projects.get(number=2).municipalities.add(ube)
    result = setup_area(path=BINGO)
    assert result.created[:2] == ["福山市", "三原市"] and len(result.created) == 8
    assert result.retired == [
        "宇部市"
    ]  # named by a project of 令和2年度: kept, left out of new years
    assert len(result.removed) == 6
    assert list(Municipality.objects.active().values_list("name", flat=True))[:3] == [
        "福山市",
        "三原市",
        "尾道市",
    ]
    assert Municipality.objects.get(slug="ube").retired
    assert Area.objects.current().name == "備後圏域"
    assert setup_area(path=BINGO).lines() == [
        "変更はありません (圏域と構成市町はファイルと同じです)。"
    ]


def write(tmp_path, text):
    path = tmp_path / "area.toml"
    path.write_text(text, encoding="utf-8")
    return path


VALID_HEAD = """[area]
name = "テスト圏域"

"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, problem",
    [
        (
            '[[municipalities]]\nname = "甲市"\ncode = "352039"\nslug = "ko"\ncolour = "red"\n',
            "area.toml 8 行目 [municipalities] 1 件目: 不明なキー「colour」です (使えるもの: code、name、reading、slug)。",
        ),
        (
            '[[municipalities]]\nname = "甲市"\ncode = "352030"\nslug = "ko"\n',
            "area.toml 6 行目 [municipalities] 1 件目: 全国地方公共団体コード「352030」の検査数字が合いません (9 のはずです)。",
        ),
        (
            '[[municipalities]]\nname = "甲市"\ncode = "352039"\nslug = "ko"\n\n'
            '[[municipalities]]\nname = "乙市"\ncode = "352021"\nslug = "ko"\n',
            "area.toml 12 行目 [municipalities] 2 件目: slug「ko」が 1 件目と重複しています。",
        ),
    ],
)
def test_each_problem_is_located_by_line_and_key(tmp_path, body, problem):
    before = list(Municipality.objects.values_list("name", flat=True))
    with pytest.raises(AreaFileError) as info:
        setup_area(path=write(tmp_path, VALID_HEAD + body))
    assert info.value.problems == [problem]
    assert list(Municipality.objects.values_list("name", flat=True)) == before


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_changes_nothing(tmp_path):
    path = write(tmp_path, '[area]\nshort = "x"\n\n[[municipalities]]\nname = "甲市"\n')
    with pytest.raises(CommandError) as info:
        call_command("setup_area", str(path))
    assert str(info.value).split("\n") == [
        "圏域を設定しませんでした。データベースは変更していません。エラー 4 件:",
        "  area.toml 2 行目 [area] 不明なキー「short」です (使えるもの: all_words、council、name、short_name)。",
        "  area.toml 1 行目 [area] name は必須です。",
        "  area.toml 4 行目 [municipalities] 1 件目: code は必須です。",
        "  area.toml 4 行目 [municipalities] 1 件目: slug は必須です。",
    ]
    assert "TOML" not in str(info.value)


@pytest.mark.django_db
def test_a_file_that_is_not_toml_says_where(tmp_path):
    with pytest.raises(AreaFileError) as info:
        setup_area(path=write(tmp_path, '[area]\nname = "x\n'))
    assert info.value.problems[0].startswith("area.toml: TOML として読めません: ")
    assert "line 2" in info.value.problems[0]
