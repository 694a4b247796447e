"""python manage.py export_overview --year N [--format xlsx|json|csv|pdf] [--as-of YYYY-MM-DD] [-o FILE]"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from projects.models import FiscalYear
from projects.reports.handout import PdfUnavailable, overview_pdf
from projects.reports.tables import AsOfRefused, overview_as_of, overview_from_db
from projects.table.formats import CONTENT_TYPES, filename, render


class Command(BaseCommand):
    help = (
        "年度の資料を xlsx (取り込んだ資料の様式)、json (renkei-overview/1)、csv、"
        "pdf (会議用の A3 横) で出力します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度 (西暦の開始年、例: 2020)")
        parser.add_argument("--format", choices=sorted(CONTENT_TYPES), default="xlsx")
        parser.add_argument(
            "--as-of",
            help="この日の終わり時点の内容で出力する (例: 2022-01-31)。表題に「（令和4年1月31日現在）」を付けます",
        )
        parser.add_argument(
            "-o",
            "--output",
            help="出力先ファイル (- で標準出力)。省略時は renkei-overview-年度.形式",
        )

    def handle(self, *args, year, format, output, as_of=None, **options):
        as_of = as_of_date(as_of) if as_of is not None else None
        try:
            fiscal_year = FiscalYear.objects.get(year=year)
        except FiscalYear.DoesNotExist as exc:
            raise CommandError(
                f"{year} 年度のデータがありません。先に import_overview で取り込んでください。"
            ) from exc
        if as_of is None:
            overview = overview_from_db(fiscal_year)
        else:
            try:
                overview = overview_as_of(fiscal_year, as_of)
            except AsOfRefused as exc:
                raise CommandError(str(exc)) from exc
        try:
            data = overview_pdf(overview) if format == "pdf" else render(overview, format)
        except PdfUnavailable as exc:
            raise CommandError(f"PDF を作れません: {exc}") from exc
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        suffix = f"-as-of-{as_of.isoformat()}" if as_of else ""
        path = output or filename(overview, format, suffix)
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"{path} に書き込めません: {exc.strerror}") from exc
        self.stdout.write(f"{path} に出力しました ({len(data):,} バイト)。")


def as_of_date(value: str) -> datetime.date:
    """Checked here, not as the option's type: argparse would let a CommandError raised there
    escape as a traceback."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or day >= datetime.date.max or len(value) != 10:
        raise CommandError(f"--as-of は YYYY-MM-DD の形式で指定してください: {value}")
    return day
