"""The 資料 table as HTML rows with the workbook's merged cells as rowspan/colspan.

Pure Python over an ``Overview`` (like ``writer.write_overview``): a strategy's band spans the
table, its heading and each measure's heading span their rows, a policy field row spans every
column but the first, and a project's number, name and municipalities span its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import MeasureData, Overview, ProjectData, RowData, StrategyData


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    css: str = ""


def table_rows(overview: Overview) -> list[list[Cell]]:
    width = overview.width
    rows: list[list[Cell]] = []
    for strategy in overview.strategies:
        rows.append([Cell(strategy.band or strategy.title, colspan=width, css="band")])
        rows += strategy_rows(strategy, width)
    return rows


def strategy_rows(strategy: StrategyData, width: int) -> list[list[Cell]]:
    body: list[list[Cell]] = []
    policy = ""
    for measure in strategy.measures:
        if measure.policy_field and measure.policy_field != policy:
            policy = measure.policy_field
            body.append([Cell(policy, colspan=width - 1, css="policy")])
        body += measure_rows(measure, width)
    if not body:
        body = [[Cell() for _ in range(width - 1)]]
    body[0].insert(0, Cell(strategy.heading, rowspan=len(body), css="strategy"))
    return body


def measure_rows(measure: MeasureData, width: int) -> list[list[Cell]]:
    body = [row for project in measure.projects for row in project_rows(project, width)]
    if not body:
        body = [[Cell() for _ in range(width - 2)]]
    body[0].insert(0, Cell(measure.heading, rowspan=len(body), css="measure"))
    return body


def project_rows(project: ProjectData, width: int) -> list[list[Cell]]:
    rows = project.rows or [RowData()]
    span = len(rows)
    body = []
    for i, row in enumerate(rows):
        cells = []
        if i == 0:
            number = "" if project.number is None else str(project.number)
            cells += [
                Cell(number, rowspan=span, css="number"),
                Cell(project.name, rowspan=span, css="name"),
            ]
        cells += [Cell(row.summary, css="summary"), Cell(row.results, css="results")]
        if width == 7 and i == 0:
            cells.append(Cell("、".join(project.municipalities or []), rowspan=span))
        body.append(cells)
    return body
