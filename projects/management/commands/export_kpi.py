"""python manage.py export_kpi --year N [--format xlsx|json|csv] [-o FILE]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from projects.models import KpiEdition
from projects.reports.kpi.export import to_csv, to_json, workbook_bytes

WRITERS = {"xlsx": workbook_bytes, "json": to_json, "csv": to_csv}


class Command(BaseCommand):
    help = (
        "年度の成果指標を xlsx (取り込んだ表の様式、セルごとに同じ文字)、"
        "json (renkei-kpi/1)、csv (BOM 付き UTF-8) で出力します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度 (西暦の開始年、例: 2022)")
        parser.add_argument("--format", choices=sorted(WRITERS), default="xlsx")
        parser.add_argument(
            "-o", "--output", help="出力先ファイル (- で標準出力)。省略時は renkei-kpi-年度.形式"
        )

    def handle(self, *args, year, format, output=None, **options):
        edition = KpiEdition.objects.filter(fiscal_year__year=year).first()
        if edition is None:
            raise CommandError(
                f"{year} 年度の成果指標がありません。先に import_kpi で取り込んでください。"
            )
        data = WRITERS[format](edition)
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = output or f"renkei-kpi-{year}.{format}"
        with open(path, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"{path} に書き出しました ({len(data):,} バイト)")
