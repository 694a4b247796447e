"""The partnership's joint projects, one fiscal year at a time.

FiscalYear → Strategy (取組) → Measure (施策) → Project (事業) → ProjectRow (one row of the table,
with its 事業の概要) → Activity (one line of the results cell) → Event (a date parsed from the
text); Change records every edit; StaffProfile gives a user their role; Round (照会) asks the
towns for their results; ImportVersion keeps each import so that it can be undone; SitePage
holds the secretariat's contact, accessibility and privacy texts.
"""

from .accounts import PendingUpload, StaffProfile
from .activities import Activity, Event, Precision, Status, export_marker, status_glyph
from .area import Area, Municipality
from .history import Change, ChangeSource
from .kpi import Direction, Indicator, IndicatorChange, IndicatorValue, KpiEdition, ValueState
from .pages import SitePage, SitePageKind
from .rounds import (
    AnswerWay,
    MailKind,
    Round,
    RoundAnswer,
    RoundMail,
    RoundSnapshot,
    RoundStatus,
    RoundTown,
)
from .synonyms import Synonym
from .table import Measure, Project, ProjectRow, Strategy
from .versions import ImportVersion
from .years import FiscalYear

__all__ = [
    "Direction",
    "Indicator",
    "IndicatorChange",
    "IndicatorValue",
    "KpiEdition",
    "ValueState",
    "Activity",
    "AnswerWay",
    "ImportVersion",
    "MailKind",
    "Round",
    "RoundAnswer",
    "RoundMail",
    "RoundSnapshot",
    "RoundStatus",
    "RoundTown",
    "Area",
    "Change",
    "ChangeSource",
    "Event",
    "FiscalYear",
    "Measure",
    "Municipality",
    "PendingUpload",
    "Precision",
    "Project",
    "ProjectRow",
    "SitePage",
    "SitePageKind",
    "StaffProfile",
    "Status",
    "Strategy",
    "Synonym",
    "export_marker",
    "status_glyph",
]
