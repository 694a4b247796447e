"""Rows and projects the secretariat removes in the admin, as steps of a change set
(``services.changes``): each removal is recorded with what it held, and what follows from it
(the project's 関係市町, the years' derived values) is renewed."""

from __future__ import annotations

from collections.abc import Iterable

from projects.models import Activity, Project, ProjectRow

from .recorded import municipalities_of_rows


def activity_line(activity: Activity) -> str:
    return "\n".join([activity.line(), *activity.details])


class Removals:
    """The removal steps of ``ChangeSet``."""

    def rows_removed(self, project: Project, rows: Iterable[ProjectRow], *, remove) -> None:
        """Within a write: rows of a project are removed by ``remove()`` with their activities;
        each is recorded (its 事業の概要 and lines as they were) and the project's 関係市町
        follow the rows left."""
        rows = [r for r in rows if r.pk]
        fresh = Project.objects.select_related("fiscal_year").get(pk=project.pk)
        for row in rows:
            lines = [activity_line(a) for a in row.activities.order_by("order")]
            self.record(
                project=fresh,
                field="row_deleted",
                subject=f"行 {row.order + 1}",
                old="\n".join([row.summary, *lines]),
                new="",
            )
        remove()
        if rows:
            municipalities_of_rows(fresh)
            self.year_changed(fresh.fiscal_year_id, [fresh.pk])

    def remove_projects(self, projects: Iterable[Project]) -> None:
        """Projects deleted (with their rows and activities), each recorded in its year's
        history with its number, name and lines as they were."""

        def run():
            self.whole_table()  # the 再掲 links and the next year's links may name them
            for project in projects:
                lines = [
                    activity_line(a)
                    for a in Activity.objects.filter(row__project=project).order_by(
                        "row__order", "order"
                    )
                ]
                self.record(
                    fiscal_year=project.fiscal_year_id,
                    field="project_deleted",
                    old="\n".join([str(project), *lines]),
                    new="",
                )
                project.delete()

        self.add(self.secretariat_only, run)
