"""What the admin's project and row forms record, and the 関係市町 links a row's cell makes
(used within the change set's writes, ``services.changes``)."""

from __future__ import annotations

from projects.models import Area, Municipality, Project, ProjectRow


def project_fields(project: Project) -> dict[str, str]:
    """The recorded fields of a project as text, to compare before and after an edit."""
    return {
        "number": "" if project.number is None else str(project.number),
        "name": project.name,
        "measure": str(project.measure) if project.measure_id else "",
        "order": str(project.order),
        "municipalities": "、".join(m.name for m in project.municipalities.order_by("order")),
    }


def rows_before(project: Project) -> dict[int, tuple[str, str]]:
    """{row id: (事業の概要, 関係市町 as written)} of a project's rows as they are now."""
    return {
        pk: (summary, text)
        for pk, summary, text in ProjectRow.objects.filter(project=project).values_list(
            "pk", "summary", "municipalities_text"
        )
    }


def renumber_rows(project: Project) -> dict[int, int]:
    """A project's rows numbered 0, 1, 2… in their order: a removed row leaves no gap and a
    row added with a taken number no tie (an upload matches rows by their place). Returns
    {row id: its place}."""
    rows = ProjectRow.objects.filter(project=project).order_by("order", "pk")
    places = {}
    for index, (pk, order) in enumerate(rows.values_list("pk", "order")):
        places[pk] = index
        if order != index:
            ProjectRow.objects.filter(pk=pk).update(order=index)
    return places


def municipalities_of_rows(project: Project) -> None:
    """After rows were removed: a project whose rows all name their 関係市町 has their union."""
    rows = list(project.rows.prefetch_related("municipalities"))
    if rows and all(r.municipalities_text for r in rows):
        project.municipalities.set({m for r in rows for m in r.municipalities.all()})


def link_row_municipalities(row: ProjectRow, project: Project) -> None:
    """Link the members a row's 関係市町 names (「全市町」 is every member of the year), and keep
    the project's the union of its rows' (rows without a cell follow the project's)."""
    reading = Area.objects.members().read(row.municipalities_text, project.fiscal_year.year)
    row.municipalities.set(Municipality.objects.filter(name__in=reading.names))
    rows = list(project.rows.prefetch_related("municipalities"))
    if all(r.municipalities_text for r in rows):
        project.municipalities.set({m for r in rows for m in r.municipalities.all()})
    else:
        project.municipalities.add(*row.municipalities.all())


def heading_follows_title(obj) -> None:
    """A strategy's or measure's heading, as the 資料 writes it (「1 圏域全体の…」「ア …」),
    follows a title changed in a form where the heading itself was left as it was."""
    if not obj.pk or not hasattr(obj, "heading") or not hasattr(obj, "title"):
        return
    old = type(obj).objects.filter(pk=obj.pk).values_list("title", "heading").first()
    if old is None:
        return
    old_title, old_heading = old
    if old_title and old_title != obj.title and obj.heading == old_heading:
        obj.heading = old_heading.replace(old_title, obj.title)
