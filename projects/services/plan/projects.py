"""The projects and rows of an import's plan: each parsed project matched with the year's
(``table.matching``), its number, name, measure and 関係市町; each row's 事業の概要 and 関係市町."""

from __future__ import annotations

from collections import defaultdict

from projects.models import Municipality, Project, ProjectRow
from projects.models.unsaved import unsaved
from projects.table.matching import match_projects

from .structure import reordered


def plan_projects(w, measures):
    level = w.levels["projects"]
    existing = (
        []
        if w.new_year
        else w.read(Project.objects.filter(fiscal_year=w.fy).prefetch_related("municipalities"))
    )
    parsed = [(p, m) for data, m in measures for p in data.projects]
    matched = match_projects([p for p, _ in parsed], existing)
    stale = [o for j, o in enumerate(existing) if j not in matched.values()]
    munis = {m.name: m for m in Municipality.objects.all()}
    pairs, kept, w.project_links = [], [], []
    for index, (data, measure) in enumerate(parsed):
        values = {
            "measure": measure,
            "number": data.number,
            "name": data.name,
            "order": index + 1,
        }
        if w.ov.has_english_column:  # a file without the column keeps the admin's English
            values["name_en"] = data.name_en
        obj = existing[matched[index]] if index in matched else None
        where = {"project": data.label, "cell": w.cell("name", data.excel_row)}
        if obj is None:
            obj = level.create(unsaved(Project, fiscal_year=w.fy, created_at=w.now, **values))
            w.result.created_projects.append(data.label)
            size = f"(行 {len(data.rows)}、実績項目 {len(data.activities())})"
            content = "\n".join([f"{data.label} {size}", *content_lines(data.rows)])
            w.differ(
                "projects",
                "create",
                "created",
                new=content,
                project_obj=obj,
                **where,
            )
        else:
            kept.append(obj)
            plan_project_fields(w, level, obj, values, data, where)
        if data.municipalities is not None:
            wanted = [munis[n] for n in data.municipalities if n in munis]
            plan_links(
                w,
                obj,
                wanted,
                "projects",
                data.label,
                where,
                excel_row=data.excel_row,
                project_obj=obj,
            )
        pairs.append((data, obj))
    reordered(w, "project_order", kept, str)
    for obj in stale:
        level.delete(obj)
        w.result.removed_projects.append(str(obj))
        w.removed[("project", obj.pk)] = w.differ(
            "projects", "delete", "deleted", old=str(obj), project=str(obj)
        )
    return pairs


def plan_project_fields(w, level, obj, values, data, where):
    before_label = str(obj)
    cells = {
        "number": w.cell("number", data.excel_row) or where["cell"],
        "measure": w.cell("measure", data.excel_row) or where["cell"],
    }
    for name, old, new in level.update(obj, values):
        if name == "order":
            continue
        if name == "measure":
            old_measure = w.measures_read.get(obj.measure_id)
            old, new = old_measure.heading if old_measure else "", values["measure"].heading
        w.differ(
            "projects",
            "update",
            name,
            old=old,
            new=new,
            project_obj=obj,
            project=before_label,
            cell=cells.get(name, where["cell"]),
        )


def plan_links(w, obj, wanted, level_name, label, where, *, excel_row, project_obj, subject=""):
    """The municipality links of a project or a row become ``wanted``."""
    current = [] if obj.pk is None else sorted(obj.municipalities.all(), key=by_order)
    wanted = sorted(set(wanted), key=by_order)
    w.project_links.append((obj, wanted))
    if obj.pk is not None and current != wanted:
        w.links_changed[level_name].add(obj)
        w.differ(
            level_name,
            "update",
            "municipalities",
            subject=subject,
            old=names(current),
            new=names(wanted),
            project=label,
            cell=w.cell("municipalities", excel_row) or where["cell"],
            project_obj=project_obj,
        )


def plan_rows(w, projects):
    level = w.levels["rows"]
    existing = defaultdict(dict)
    if not w.new_year:
        rows = ProjectRow.objects.filter(project__fiscal_year=w.fy)
        for row in w.read(rows.prefetch_related("municipalities")):
            existing[row.project_id][row.order] = row
    with_column = w.ov.has_municipality_column
    munis = {m.name: m for m in Municipality.objects.all()} if with_column else {}
    pairs, w.row_links = [], []
    for data, project in projects:
        for order, rdata in enumerate(data.rows):
            subject = f"行 {order + 1}"
            where = {
                "project": data.label,
                "row": rdata.excel_row,
                "cell": w.cell("summary", rdata.excel_row),
            }
            values = {"summary": rdata.summary}
            if w.ov.has_english_column:
                values["summary_en"] = rdata.summary_en
            if with_column:
                values["municipalities_text"] = rdata.municipalities_text
            obj = existing[project.pk].pop(order, None) if project.pk else None
            if obj is None:
                obj = level.create(unsaved(ProjectRow, project=project, order=order, **values))
                if project.pk is not None:
                    w.differ(
                        "rows",
                        "create",
                        "created",
                        subject=subject,
                        new="\n".join(
                            [rdata.summary or "(概要なし)", *content_lines([rdata], rows_too=False)]
                        ),
                        project_obj=project,
                        project=where["project"],
                        cell=where["cell"],
                    )
            else:
                obj.project = project  # the same project: no query when read below
                plan_row_fields(w, level, obj, values, subject, where, project)
            if with_column:
                wanted = [munis[n] for n in rdata.municipalities or [] if n in munis]
                before = len(w.differences)
                plan_links(
                    w,
                    obj,
                    wanted,
                    "rows",
                    data.label,
                    where,
                    excel_row=rdata.excel_row,
                    project_obj=project,
                    subject=subject,
                )
                w.row_links.append(w.project_links.pop())
                if len(w.differences) > before and "municipalities_text" in values:
                    drop_repeated_municipalities(w, before)
            pairs.append((data, rdata, obj))
    by_pk = {project.pk: project for _, project in projects if project.pk}
    for project_pk, project_rows in existing.items():
        project = by_pk.get(project_pk)
        for obj in project_rows.values():
            level.delete(obj)
            summary = f"行 {obj.order + 1}: {obj.summary}" if obj.summary else f"行 {obj.order + 1}"
            if project is None:  # it goes with its project, whose removal lists it
                w.removed[("row", obj.pk)] = w.removed.get(("project", project_pk))
                if w.removed[("row", obj.pk)] is not None:
                    w.removed[("row", obj.pk)].old += "\n" + summary
                continue
            w.removed[("row", obj.pk)] = w.differ(
                "rows",
                "delete",
                "deleted",
                subject=f"行 {obj.order + 1}",
                old=obj.summary or "(概要なし)",
                project=str(project),
                project_obj=project,
            )
    return pairs


def drop_repeated_municipalities(w, index):
    """A row whose 関係市町 text changed says so once: the names follow from the text."""
    names_diff = w.differences[index]
    text_diff = next(
        (
            d
            for d in w.differences[:index][::-1]
            if d.field == "municipalities"
            and d.level == "rows"
            and d.subject == names_diff.subject
            and d.project == names_diff.project
        ),
        None,
    )
    if text_diff is not None:
        w.differences.pop(index)


def plan_row_fields(w, level, obj, values, subject, where, project):
    for name, old, new in level.update(obj, values):
        field_name = "municipalities" if name == "municipalities_text" else name
        cell = w.cell("municipalities", where["row"]) if field_name != "summary" else None
        w.differ(
            "rows",
            "update",
            field_name,
            subject=subject,
            old=old,
            new=new,
            project=where["project"],
            cell=cell or where["cell"],
            project_obj=project,
        )


def by_order(municipality):
    return (municipality.order, municipality.pk)


def names(municipalities) -> str:
    return "、".join(m.name for m in municipalities) or "(なし)"


def content_lines(rows, *, rows_too: bool = True) -> list[str]:
    """The rows and result lines of a new project or row, as its history keeps them."""
    lines = []
    for index, row in enumerate(rows, start=1):
        if rows_too:
            lines.append(f"行 {index}: {row.summary}" if row.summary else f"行 {index}")
        lines += [line for a in row.activities for line in a.lines()]
    return lines
