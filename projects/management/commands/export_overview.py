"""python manage.py export_overview --year N [--format xlsx|json|csv] [-o FILE]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from projects.exports import FORMATS, filename, overview_from_db, render
from projects.models import FiscalYear


class Command(BaseCommand):
    help = "年度の資料を xlsx (資料の様式)、json (renkei-overview/1)、csv で出力します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度 (西暦の開始年、例: 2020)")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument(
            "-o",
            "--output",
            help="出力先ファイル (- で標準出力)。省略時は renkei-overview-年度.形式",
        )

    def handle(self, *args, year, format, output, **options):
        try:
            fiscal_year = FiscalYear.objects.get(year=year)
        except FiscalYear.DoesNotExist as exc:
            raise CommandError(
                f"{year} 年度のデータがありません。先に import_overview で取り込んでください。"
            ) from exc
        overview = overview_from_db(fiscal_year)
        data = render(overview, format)
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = output or filename(overview, format)
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"{path} に書き込めません: {exc.strerror}") from exc
        self.stdout.write(f"{path} に出力しました ({len(data):,} バイト)。")
