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
        ("35203", "全国地方公共団体コードは 6 桁の半角数字です (団体コード 5 桁と検査数字)。"),
        (
            "３５２０３９",
            "全国地方公共団体コードは 6 桁の半角数字です (団体コード 5 桁と検査数字)。",
        ),
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
            "area.toml 8 行目 [municipalities] 1 件目: 不明なキー「colour」です (使えるもの: code、name、name_en、reading、slug)。",
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
        "  area.toml 1 行目 [area] name は必須です。",
        "  area.toml 2 行目 [area] 不明なキー「short」です (使えるもの: all_words、council、name、short_name)。",
        "  area.toml 4 行目 [municipalities] 1 件目: code は必須です。",
        "  area.toml 4 行目 [municipalities] 1 件目: slug は必須です。",
    ]
    assert "TOML" not in str(info.value)


@pytest.mark.django_db
def test_a_file_that_is_not_toml_says_where(tmp_path):
    with pytest.raises(AreaFileError) as info:
        setup_area(path=write(tmp_path, '[area]\nname = "x\n'))
    assert info.value.problems == [
        "area.toml 2 行目 10 文字目: TOML として読めません (Illegal character '\\n')。"
    ]


@pytest.mark.django_db
def test_a_duplicate_code_is_located_too(tmp_path):
    body = (
        '[[municipalities]]\nname = "甲市"\ncode = "352039"\nslug = "ko"\n\n'
        '[[municipalities]]\nname = "乙市"\ncode = "352039"\nslug = "otsu"\n'
    )
    with pytest.raises(AreaFileError) as info:
        setup_area(path=write(tmp_path, VALID_HEAD + body))
    assert info.value.problems == [
        "area.toml 11 行目 [municipalities] 2 件目: code「352039」が 1 件目と重複しています。"
    ]


def test_every_kind_of_problem_in_one_file_in_the_files_order(tmp_path, db):
    text = (
        "[area]\n"  # 1
        'name = "テスト圏域"\n'
        'all_words = ["全市町", "甲 市", "甲市"]\n'
        'colour = "x"\n'
        "\n"  # 5
        "[secretariat]\n"
        'email = "not-an-email"\n'
        'fax = "1"\n'
        "\n"
        "[extra]\n"  # 10
        "a = 1\n"
        "\n"
        "[[municipalities]]\n"
        'name = "甲市"\n'
        'reading = "kou"\n'  # 15
        "code = 352039\n"
        'slug = "Ko"\n'
        "\n"
        "[[municipalities]]\n"
        'name = "乙市・丙町"\n'  # 20
        'code = "352039"\n'
        'slug = "otsu"\n'
        "\n"
        "[[municipalities]]\n"
        'name = "とても長い名前の市町村とても長い名前の市町村"\n'  # 25
        'code = "35203"\n'
        'slug = "otsu"\n'
    )
    with pytest.raises(AreaFileError) as info:
        setup_area(path=write(tmp_path, text))
    separators = "には区切りの文字 (、・,/ や空白) を使えません (関係市町の欄で区切りと読みます)。"
    assert info.value.problems == [
        f"area.toml 3 行目 [area] all_words: 「甲 市」{separators}",
        "area.toml 4 行目 [area] 不明なキー「colour」です (使えるもの: all_words、council、name、short_name)。",
        "area.toml 7 行目 [secretariat] email: 有効なメールアドレスを入力してください。",
        "area.toml 8 行目 [secretariat] 不明なキー「fax」です (使えるもの: address、email、name、phone)。",
        "area.toml 10 行目 [extra] 不明な表「extra」です (使えるもの: area、secretariat、municipalities、synonyms)。",
        "area.toml 14 行目 [municipalities] 1 件目: 「甲市」は all_words (全市町を表す語) にもあります。",
        "area.toml 15 行目 [municipalities] 1 件目: reading: 読み「kou」はかな (ひらがな・カタカナ) だけで書いてください。",
        'area.toml 16 行目 [municipalities] 1 件目: code は文字列 ("…") で書いてください。',
        "area.toml 17 行目 [municipalities] 1 件目: slug「Ko」は半角の英小文字・数字・ハイフンで書いてください。",
        f"area.toml 20 行目 [municipalities] 2 件目: name: 「乙市・丙町」{separators}",
        "area.toml 25 行目 [municipalities] 3 件目: name: この値は 20 文字以下でなければなりません( 22 文字になっています)。",
        "area.toml 26 行目 [municipalities] 3 件目: 全国地方公共団体コードは 6 桁の半角数字です (団体コード 5 桁と検査数字)。",
        "area.toml 27 行目 [municipalities] 3 件目: slug「otsu」が 2 件目と重複しています。",
    ]
    assert Area.objects.current().name == "山口県央連携都市圏"


@pytest.mark.django_db
def test_the_second_example_area_is_set_up_with_its_words_and_codes():
    result = setup_area(path=BINGO)
    assert result.removed == [
        "山口市",
        "宇部市",
        "萩市",
        "防府市",
        "美祢市",
        "山陽小野田市",
        "津和野町",
    ]
    area = Area.objects.current()
    assert (area.name, area.council, area.all_words) == (
        "備後圏域",
        "備後圏域連携協議会",
        ["全市町", "圏域市町", "6市2町"],
    )
    assert [(m.name, m.reading, m.lg_code, m.slug) for m in Municipality.objects.all()][-2:] == [
        ("笠岡市", "かさおかし", "332054", "kasaoka"),
        ("井原市", "いばらし", "332071", "ibara"),
    ]


@pytest.mark.django_db
def test_a_retired_member_listed_again_takes_part_again(r2, tmp_path):
    hagi = Municipality.objects.get(slug="hagi")
    r2.projects.get(number=7).municipalities.add(hagi)
    without_hagi = AREA_FILE.read_text(encoding="utf-8").replace(
        '[[municipalities]]\nname = "萩市"\nreading = "はぎし"\ncode = "352047"\nslug = "hagi"\nname_en = "Hagi"\n',
        "",
    )
    assert setup_area(path=write(tmp_path, without_hagi)).lines() == [
        "市町の更新: 防府市、美祢市、山陽小野田市、津和野町",  # their order moved up
        "市町の新しい年度から除外 (データまたは担当者があるため削除しません): 萩市",
    ]
    hagi.refresh_from_db()
    assert hagi.retired and hagi not in Municipality.objects.active()
    assert setup_area(path=AREA_FILE).lines() == [
        "市町の更新: 萩市、防府市、美祢市、山陽小野田市、津和野町"
    ]
    assert not Municipality.objects.get(slug="hagi").retired


def test_the_area_file_brings_english_names_and_the_starting_synonyms(db, tmp_path):
    from projects.models import Synonym

    setup_area(path=AREA_FILE)
    assert Municipality.objects.get(slug="hagi").name_en == "Hagi"
    cycle = Synonym.objects.get(term="サイクル")
    assert "じてんしゃ" in cycle.word_list()
    cycle.words = "じてんしゃ"  # the secretariat's edit is kept when the file is applied again
    cycle.save()
    setup_area(path=AREA_FILE)
    assert Synonym.objects.get(term="サイクル").word_list() == ["サイクル", "じてんしゃ"]
