"""Another area's headings through the secretariat's paths: a workbook with numbered band rows
(full-width digits and space), merged hierarchy and a 「令和5年度の実施状況」 results column,
imported with ``import_overview``, uploaded again with a change and exported with
``export_overview``: the export is the file, cell for cell, merges included."""

import dataclasses
import io
import re

import pytest
from django.core.management import call_command

from projects.models import Activity, FiscalYear, StaffProfile
from tests.support.builders import Sheet, build, small_rows
from tests.support.sheets import differences
from tests.support.staff import client_for

UPLOAD = "/admin/projects/fiscalyear/upload/"
HEADER = "令和5年度の実施状況\n(●は実施済み、○は実施中、△は実施予定、■は中止)"


def other_area_sheet(rows=None) -> Sheet:
    return Sheet(
        rows or small_rows(),
        municipality_column=True,
        results_header=HEADER,
        band_format="{wide}\u3000{title}",
        band_merged=True,
        merge_ranges=True,
    )


def export(tmp_path, name="export.xlsx"):
    path = tmp_path / name
    call_command("export_overview", "--year", "2020", "-o", str(path), stdout=io.StringIO())
    return path


@pytest.fixture
def imported(db, tmp_path):
    source = build(tmp_path / "other.xlsx", other_area_sheet())
    out = io.StringIO()
    call_command("import_overview", str(source), stdout=out, stderr=io.StringIO())
    assert "事業 6" in out.getvalue()
    return source


def test_the_command_imports_numbered_bands_and_exports_them_cell_for_cell(imported, tmp_path):
    year = FiscalYear.objects.get(year=2020)
    assert list(year.strategies.order_by("number").values_list("number", "band")) == [
        (1, "１\u3000圏域全体の経済成長のけん引"),
        (3, "３\u3000圏域全体の生活関連機能サービスの向上"),
    ]
    assert differences(imported, export(tmp_path)) == []


def test_an_upload_of_the_same_form_previews_confirms_and_exports_cell_for_cell(
    imported, tmp_path, django_user_model
):
    user = django_user_model.objects.create_user("office", is_staff=True)
    StaffProfile.objects.create(user=user, is_secretariat=True)
    rows = small_rows()
    rows[2] = dataclasses.replace(rows[2], results="●相談窓口の運営")
    changed = build(tmp_path / "changed.xlsx", other_area_sheet(rows))
    client = client_for(user)
    content = io.BytesIO(changed.read_bytes())
    content.name = changed.name
    response = client.post(UPLOAD, {"file": content})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "更新: 実績項目 1" in html
    token = re.search(r'name="token" value="(\w+)"', html)[1]
    client.post(response["Location"], {"confirm": "確定して取り込む", "token": token})
    assert Activity.objects.get(text="相談窓口の運営").status == "done"
    assert differences(changed, export(tmp_path)) == []
