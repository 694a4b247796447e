"""python manage.py import_kpi FILE [--year N]"""

from django.core.management.base import BaseCommand, CommandError

from projects.services.kpi import import_kpi, read_kpi_file
from projects.table.eras import fiscal_year_label
from projects.table.files import WorkbookError


class Command(BaseCommand):
    help = (
        "成果指標 (KPI) の表 (xlsx) を取り込みます。誤りが一つでもあれば何も書かず、"
        "誤りをシートとセルとともにすべて示します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="成果指標の表 (xlsx)")
        parser.add_argument(
            "--year", type=int, help="年度 (西暦の開始年、例: 2022)。省略時は表題の年度"
        )

    def handle(self, *args, file, year=None, **options):
        try:
            with open(file, "rb") as handle:
                sheet = read_kpi_file(handle)
        except OSError as exc:
            raise CommandError(f"ファイル「{file}」を開けません: {exc.strerror}") from exc
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        result = import_kpi(sheet=sheet, year=year, filename=file.rsplit("/", 1)[-1])
        if result.errors:
            lines = "\n".join(str(e) for e in result.errors)
            raise CommandError(f"取り込みませんでした ({len(result.errors)} 件の誤り):\n{lines}")
        self.stdout.write(
            f"{fiscal_year_label(result.year)}の成果指標を取り込みました: "
            f"新規 {result.created}、更新 {result.updated}、削除 {result.removed}"
        )
