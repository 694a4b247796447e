"""Concurrent writers, in threads against the real database (SQLite on a file, PostgreSQL):
no server error, no lost update, versions only grow."""

import re
import threading
import time

import pytest
from django.db import connections
from django.test import Client

from projects.models import Activity, Change, FiscalYear, StaffProfile
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


def test_an_import_racing_staff_edits_loses_none_of_them(office, r2_path, monkeypatch):
    fy = FiscalYear.objects.get()
    in_file, untouched = activity_of(fy, 7, 1), activity_of(fy, 28, 0)
    client = logged_in(office)
    upload = workbook_with(r2_path, with_status(in_file, "●"))
    import io

    body = io.BytesIO(upload)
    body.name = "r02.xlsx"
    preview_url = client.post("/admin/projects/fiscalyear/upload/", {"file": body})["Location"]
    token = token_of(client.get(preview_url).content.decode())

    # Between the preview and the confirmation, five saves of the activity the file changes.
    version = 1
    for n in range(5):
        response = save(client, in_file, status="cancelled", text=f"画面 {n}", version=version)
        assert response.status_code == 302
        version += 1
    # While the confirmation holds its locks, more saves race it.
    locked = threading.Event()
    apply = ImportWriter.apply

    def slow_apply(self, filename):
        if self.lock:
            locked.set()
            time.sleep(1.0)
        return apply(self, filename)

    monkeypatch.setattr(ImportWriter, "apply", slow_apply)

    def confirm():
        try:
            return copy_of(client).post(
                preview_url, {"confirm": "確定して取り込む", "token": token}
            )
        finally:
            locked.set()  # refused before taking its locks: the racing save goes ahead now

    def racing_save(activity, text, version):
        def job():
            locked.wait(10)
            return save(copy_of(client), activity, status="done", text=text, version=version)

        return job

    first = in_threads([confirm, racing_save(untouched, "競合中の保存", 1)])
    codes = [r.status_code for r in first]
    assert codes[0] == 409  # edited after the preview: asked, not overwritten
    assert codes[1] in (302, 409)
    current = Activity.objects.get(pk=in_file.pk)
    assert (current.text, current.status, current.version) == ("画面 4", "cancelled", 6)

    # Confirmed again with a choice, while another save races it: versions only grow.
    html = first[0].content.decode()
    choice = {
        "confirm": "確定して取り込む",
        "token": token_of(html),
        f"choice-activity:{in_file.pk}": "overwrite",
    }
    locked.clear()

    def confirm_with_choice():
        try:
            return copy_of(client).post(preview_url, choice)
        finally:
            locked.set()

    second = in_threads(
        [
            confirm_with_choice,
            racing_save(in_file, "遅れた保存", 6),
        ]
    )
    codes = [r.status_code for r in second]
    assert set(codes) <= {302, 409}, codes
    assert 500 not in codes
    final = Activity.objects.get(pk=in_file.pk)
    versions = list(
        Change.objects.filter(activity=in_file, field__in=("status", "text"))
        .order_by("changed_at", "id")
        .values_list("source", flat=True)
    )
    if codes == [302, 409]:  # the import won the race: the save was refused, not lost
        assert (final.status, final.version) == ("in_progress", 7)
    elif codes == [409, 302]:  # the save won: the import found it and asked again
        assert (final.text, final.version) == ("遅れた保存", 7)
    assert final.version == 7 and len(versions) >= 6
    stale = save(copy_of(client), in_file, status="planned", text="古い画面", version=6)
    assert stale.status_code == 409
    assert Activity.objects.get(pk=in_file.pk).version == 7
