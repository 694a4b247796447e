"""Open data machines can trust: a JSON Schema every year's json validates against, stable ids
and URLs, the towns' codes, the licence inside the files, a DCAT-AP catalogue."""

import csv
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from projects.models import Activity, FiscalYear, Municipality
from projects.services.demo import assign_municipalities_from_text
from projects.services.imports import import_overview, read_workbook
from projects.services.years import publish, roll_over
from projects.table.formats import render, to_json
from projects.table.reader import read_overview
from tests.support.builders import MEMBERS
from tests.views.test_public_queries import tenfold

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMA = json.loads((ROOT / "opendata" / "schema.json").read_text(encoding="utf-8"))
CODES = {
    "山口市": "352039",
    "宇部市": "352021",
    "萩市": "352047",
    "防府市": "352063",
    "美祢市": "352136",
    "山陽小野田市": "352161",
    "津和野町": "325015",
}


def validate(document):
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_the_schema_is_a_valid_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.django_db
def test_the_schema_is_served_with_its_address(client):
    response = client.get("/opendata/schema.json")
    assert response["Content-Type"] == "application/schema+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    served = json.loads(response.content)
    assert served["$id"] == "http://testserver/opendata/schema.json"
    assert {k: v for k, v in served.items() if k != "$id"} == {
        k: v for k, v in SCHEMA.items() if k != "$id"
    }


@pytest.mark.django_db
def test_every_years_json_validates(
    client, r2_published, r2_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rolled = roll_over(source=r2_published).fiscal_year
        publish(fiscal_year=rolled)
        import_overview(tenfold(read_overview(r2_path, municipalities=MEMBERS)), dry_run=False)
    for fy in FiscalYear.objects.published():
        response = client.get(f"/opendata/{fy.year}.json")
        assert response.status_code == 200, fy
        validate(json.loads(response.content))
    validate(to_json(read_overview(r2_path, municipalities=MEMBERS)))  # from a file: no ids


@pytest.mark.django_db
def test_ids_and_urls_are_stable_across_reimports(
    client, r2_published, r2_path, django_capture_on_commit_callbacks
):
    def ids():
        document = client.get("/opendata/2020.json").json()
        projects = [p for s in document["strategies"] for m in s["measures"] for p in m["projects"]]
        return [
            (p["id"], p["url"], [(a["id"], a["url"]) for r in p["rows"] for a in r["activities"]])
            for p in projects
        ]

    before = ids()
    project_id, project_url, activities = before[0]
    assert project_url == f"http://testserver/projects/{project_id}/"
    activity_id, activity_url = activities[0]
    assert activity_url == f"http://testserver/projects/{project_id}/#activity-{activity_id}"
    assert client.get(project_url.removeprefix("http://testserver")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        import_overview(read_workbook(r2_path))
    assert ids() == before
    every = [a for _, _, acts in before for a, _ in acts]
    assert len(every) == len(set(every)) == Activity.objects.count()


@pytest.mark.django_db
def test_municipalities_with_their_codes_and_the_licence(client, r2_published):
    document = client.get("/opendata/2020.json").json()
    assert {m["name"]: m["code"] for m in document["municipalities"]} == CODES
    ube = next(m for m in document["municipalities"] if m["name"] == "宇部市")
    assert ube == {
        "name": "宇部市",
        "name_en": "Ube",
        "reading": "うべし",
        "code": "352021",
        "slug": "ube",
        "url": "http://testserver/municipalities/ube/",
    }
    assert document["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["license"]["name"] == "CC BY 4.0"
    assert "山口県央連携都市圏域 連携中枢都市圏推進協議会" in document["license"]["attribution"]
    assert document["$schema"] == "http://testserver/opendata/schema.json"
    names = {m.name for m in Municipality.objects.all()}
    for s in document["strategies"]:
        for m in s["measures"]:
            for p in m["projects"]:
                assert set(p["municipalities"]) <= names  # names of the top-level list


@pytest.mark.django_db
def test_the_xlsx_says_its_licence(client, r2_published):
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/opendata/2020.xlsx").content))
    props = workbook.properties
    assert "CC BY 4.0" in props.description and "creativecommons.org" in props.description
    assert props.creator == "山口県央連携都市圏域 連携中枢都市圏推進協議会"
    assert props.language == "ja-JP"
    custom = {p.name: p.value for p in workbook.custom_doc_props.props}
    assert custom["license"] == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.django_db
def test_the_csv_has_a_western_year_and_one_separator_for_lists(client, r2_published):
    assign_municipalities_from_text(fiscal_year=r2_published)
    raw = client.get("/opendata/2020.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert {r["年度(西暦)"] for r in rows} == {"2020"}
    assert {r["年度"] for r in rows} == {"令和2年度"}
    multi = next(r for r in rows if ";" in r["関係市町"])
    names = multi["関係市町"].split(";")
    assert multi["関係市町コード"].split(";") == [CODES[n] for n in names]
    dated = next(r for r in rows if ";" in r["日程"])
    assert all(len(d.split("/")[0]) in (7, 10) for d in dated["日程"].split(";"))
    tags = {t for r in rows for t in r["タグ"].split(";") if t}
    assert tags == {"新規", "拡充", "再掲"}
    assert rows[0]["URL"].startswith("http://testserver/projects/")


@pytest.mark.django_db
def test_the_dcat_catalogue_lists_each_year_and_its_files(client, r2_published):
    response = client.get("/opendata/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalog = json.loads(response.content)
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["dct:publisher"]["foaf:name"]["@value"] == (
        "山口県央連携都市圏域 連携中枢都市圏推進協議会"
    )
    (dataset,) = catalog["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset"
    assert dataset["dct:identifier"] == "renkei-overview-2020"
    assert dataset["dct:title"] == {
        "@value": "令和2年度連携事業概要及び実績見込み",
        "@language": "ja",
    }
    assert dataset["dct:temporal"]["dcat:startDate"]["@value"] == "2020-04-01"
    assert dataset["dct:temporal"]["dcat:endDate"]["@value"] == "2021-03-31"
    assert dataset["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    formats = {}
    for distribution in dataset["dcat:distribution"]:
        assert distribution["@type"] == "dcat:Distribution"
        url = distribution["dcat:downloadURL"]["@id"]
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
        formats[url.rsplit(".", 1)[1]] = distribution
    assert set(formats) == {"json", "csv", "xlsx"}
    assert formats["json"]["dct:conformsTo"] == {"@id": "http://testserver/opendata/schema.json"}


def test_a_file_read_from_a_workbook_has_no_portal_ids(r2_path):
    document = json.loads(render(read_overview(r2_path, municipalities=MEMBERS), "json"))
    first = document["strategies"][0]["measures"][0]["projects"][0]
    assert (first["id"], first["url"]) == (None, None)
    assert document["municipalities"] == []
