"""python manage.py export_overview --year N [--format xlsx|json|csv|pdf] [--as-of YYYY-MM-DD]
[--base-url URL] [-o FILE]: the same file as the download buttons (``reports.export``)."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from projects.models import FiscalYear
from projects.reports.export import FORMATS, AsOfRefused, PdfUnavailable, export_year


class Command(BaseCommand):
    help = (
        "年度の資料を xlsx (取り込んだ資料の様式)、json (renkei-overview/1)、csv、"
        "pdf (会議用の A3 横) で出力します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度 (西暦の開始年、例: 2020)")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument(
            "--as-of",
            help="この日の終わり時点の内容で出力する (例: 2022-01-31)。表題に「（令和4年1月31日現在）」を付けます",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="json と csv の URL をこのサイトの絶対 URL にする (例: https://renkei.example.jp)",
        )
        parser.add_argument(
            "-o",
            "--output",
            help="出力先ファイル (- で標準出力)。省略時は renkei-overview-年度.形式",
        )

    def handle(self, *args, year, format, output, as_of=None, base_url="", **options):
        as_of = as_of_date(as_of) if as_of is not None else None
        try:
            fiscal_year = FiscalYear.objects.get(year=year)
        except FiscalYear.DoesNotExist as exc:
            raise CommandError(
                f"{year} 年度のデータがありません。先に import_overview で取り込んでください。"
            ) from exc
        try:
            file = export_year(fiscal_year, fmt=format, as_of=as_of, base_url=base_url)
        except AsOfRefused as exc:
            raise CommandError(str(exc)) from exc
        except PdfUnavailable as exc:
            raise CommandError(f"PDF を作れません: {exc}") from exc
        if output == "-":
            sys.stdout.buffer.write(file.content)
            return
        path = output or file.filename
        try:
            with open(path, "wb") as handle:
                handle.write(file.content)
        except OSError as exc:
            raise CommandError(f"{path} に書き込めません: {exc.strerror}") from exc
        self.stdout.write(f"{path} に出力しました ({len(file.content):,} バイト)。")


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
