"""Concurrent writers, in threads against the real database (SQLite on a file, PostgreSQL):
no server error, no lost update, versions only grow."""

import io
import re
import threading
import time

import pytest
from django.db import connections
from django.test import Client

from projects.models import Activity, Change, FiscalYear, StaffProfile
from projects.services.changes import ChangeSet
from projects.services.import_writer import ImportWriter
from projects.services.imports import import_overview, read_workbook
from tests.support.staff import activity_of, with_status, workbook_with

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def year(area, r2_path):
    import_overview(read_workbook(r2_path))
    return FiscalYear.objects.get(year=2020)


@pytest.fixture
def office(year, django_user_model):
    user = django_user_model.objects.create_user("office", is_staff=True)
    StaffProfile.objects.create(user=user, is_secretariat=True)
    return user


def logged_in(user) -> Client:
    client = Client(raise_request_exception=False)  # a server error is a 500, not a raise
    client.force_login(user)
    return client


def copy_of(client: Client) -> Client:
    other = Client(raise_request_exception=False)
    other.cookies = client.cookies
    return other


def in_threads(jobs):
    """Run the callables at once (after a barrier); their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def save(client, activity, *, status, text, version):
    prefix = f"a{activity.pk}"
    return client.post(
        f"/staff/activities/{activity.pk}/",
        {
            f"{prefix}-status": status,
            f"{prefix}-text": text,
            f"{prefix}-details": "\n".join(activity.details),
            f"{prefix}-version": str(version),
        },
    )


def test_twenty_simultaneous_saves_of_one_activity(office):
    activity = activity_of(FiscalYear.objects.get(), 28)
    client = logged_in(office)
    jobs = [
        (lambda i=i: save(copy_of(client), activity, status="done", text=f"版 {i}", version=1))
        for i in range(20)
    ]
    codes = [r.status_code for r in in_threads(jobs)]
    assert set(codes) <= {302, 409}, codes
    assert codes.count(302) == 1
    saved = Activity.objects.get(pk=activity.pk)
    assert saved.version == 2
    assert Change.objects.filter(activity=activity, field="text", source="portal").count() == 1


def token_of(html: str) -> str:
    return re.search(r'name="token" value="(\w+)"', html)[1]


def waiting_on_a_lock(timeout: float = 20.0) -> None:
    """Return once another connection of this database waits for a row lock (PostgreSQL)."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("no connection ever waited for the other's lock: nothing raced")


def preview(client, r2_path, activity):
    body = io.BytesIO(workbook_with(r2_path, with_status(activity, "●")))
    body.name = "r02.xlsx"
    url = client.post("/admin/projects/fiscalyear/upload/", {"file": body})["Location"]
    return url, token_of(client.get(url).content.decode())


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="row locks that one writer waits on are PostgreSQL's (SQLite locks the whole file)",
)
@pytest.mark.parametrize("first", ["import", "save"])
def test_an_import_racing_a_staff_save_loses_nothing(first, office, r2_path, monkeypatch):
    """The upload's confirmation and a staff save of the line the file changes, each in its own
    connection, the second started while the first holds its row lock and proved to wait for
    it: whichever commits first, the other is refused (409) and nothing is lost."""
    fy = FiscalYear.objects.get()
    line = activity_of(fy, 7, 1)  # ○ in R2; ● in the uploaded file
    client = logged_in(office)
    url, token = preview(client, r2_path, line)
    holding, go_on = threading.Event(), threading.Event()
    writer_apply, set_check = ImportWriter.apply, ChangeSet.check

    def apply_holding(self, *args, **kwargs):  # the import holds its locks here
        if first == "import":
            holding.set()
            go_on.wait(30)
        return writer_apply(self, *args, **kwargs)

    def check_holding(self):  # a save holds its row lock here
        refusals = set_check(self)
        if first == "save" and self.source == "portal":
            holding.set()
            go_on.wait(30)
        return refusals

    monkeypatch.setattr(ImportWriter, "apply", apply_holding)
    monkeypatch.setattr(ChangeSet, "check", check_holding)

    def confirm():
        data = {"confirm": "確定して取り込む", "token": token}
        return copy_of(client).post(url, data)

    def staff_save():
        return save(copy_of(client), line, status="cancelled", text="画面の保存", version=1)

    def once_held(job):
        def run():
            holding.wait(30)
            return job()

        return run

    def release():
        holding.wait(30)
        try:
            waiting_on_a_lock()  # the second writer is blocked on the row: a real race
        finally:
            go_on.set()

    jobs = {"import": confirm, "save": staff_save}
    second = "save" if first == "import" else "import"
    results = in_threads([jobs[first], once_held(jobs[second]), release])
    codes = {first: results[0].status_code, second: results[1].status_code}
    final = Activity.objects.get(pk=line.pk)
    if first == "import":  # the file won; the save was made from an older version
        assert codes == {"import": 302, "save": 409}
        assert (final.status, final.text, final.version) == ("done", line.text, 2)
    else:  # the save won; the import found the line changed after its preview and asked
        assert codes == {"save": 302, "import": 409}
        assert (final.status, final.text, final.version) == ("cancelled", "画面の保存", 2)
    recorded = Change.objects.filter(activity=line, field="status").values_list("source", flat=True)
    assert list(recorded) == ["import" if first == "import" else "portal"]
