"""python manage.py import_overview FILE [--dry-run] [--year N] [--if-absent]"""

from django.core.management.base import BaseCommand, CommandError

from projects.models import FiscalYear
from projects.services.imports import LEVEL_NAMES, ImportRefused, import_overview, read_workbook
from projects.table.files import WorkbookError


class Command(BaseCommand):
    help = "資料の Excel ブック (.xlsx) を読み込み、その年度の事業を作成・更新します。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="資料の .xlsx ファイル")
        parser.add_argument(
            "--dry-run", action="store_true", help="書き込まずに変更内容だけを表示する"
        )
        parser.add_argument(
            "--year", type=int, help="年度 (西暦の開始年、例: 2020)。表題から読めない場合に指定"
        )
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="その年度がまだないときだけ取り込む (あれば、ファイルと違う点を表示して何も変えない)",
        )

    def progress(self, done, total):
        if total and self.stderr.isatty():
            self.stderr.write(f"\r読込中 {done}/{total} 行", ending="")
            if done == total:
                self.stderr.write("")

    def handle(self, *args, file, dry_run, year, if_absent=False, **options):
        try:
            overview = read_workbook(file, year=year, progress=self.progress)
            if if_absent and FiscalYear.objects.filter(year=overview.fiscal_year).exists():
                return self.keep_existing(overview, file)
            result = import_overview(overview, dry_run=dry_run, filename=str(file))
        except WorkbookError as exc:
            raise CommandError(self.describe_errors(exc.problems)) from exc
        except ImportRefused as exc:  # no warnings: they say how a file would be imported
            raise CommandError(self.describe_errors(exc.result.errors)) from exc
        self.report_warnings(result.warnings)
        prefix = "[確認のみ・書き込みなし] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{overview.sheet} ({result.fiscal_year}年度): "
            + "、".join(f"{k} {v}" for k, v in self.totals(result).items())
        )
        for line in result.summary_lines():
            self.stdout.write(prefix + line)
        for label in result.created_projects:
            self.stdout.write(f"{prefix}  + 事業 {label}")
        for label in result.removed_projects:
            self.stdout.write(f"{prefix}  - 事業 {label}")
        for diff in result.activity_changes:
            mark = " (画面で変更済みの項目を上書き)" if diff.conflict else ""
            self.stdout.write(
                f"{prefix}  ~ {diff.cell} 事業「{diff.project}」 {diff.old_status} → {diff.new_status}{mark}"
            )
        for d in result.shown_differences:
            if d.level == "activities" and d.field in ("status", "text"):
                continue  # listed above
            where = " ".join(x for x in (d.cell, f"事業「{d.project}」" if d.project else "") if x)
            first = d.describe().split("\n")[0]
            self.stdout.write(f"{prefix}  * {where + ' ' if where else ''}{first}")
        for line in result.link_lines:
            self.stdout.write(prefix + line)

    def keep_existing(self, overview, file):
        """The year is there already: say what importing would overwrite, and change nothing."""
        result = import_overview(overview, dry_run=True, filename=str(file))
        year = overview.fiscal_year
        if not result.changed:
            self.stdout.write(f"{year}年度はすでにあり、ファイルと同じです。取り込みは不要です。")
            return
        self.stdout.write(
            f"{year}年度はすでにあり、ファイルと違う点があります (画面での変更など): "
            + " / ".join(result.summary_lines())
        )
        self.stdout.write(
            "画面での変更を残すため、取り込みませんでした。ファイルの内容で上書きするには "
            f"python manage.py import_overview {file} を実行してください "
            "(--dry-run で違う点を 1 件ずつ表示します)。"
        )

    @staticmethod
    def totals(result):
        return {LEVEL_NAMES[k]: v for k, v in result.totals.items()}

    def report_warnings(self, warnings):
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"警告: {warning}"))

    @staticmethod
    def describe_errors(problems):
        lines = [
            f"取り込みを中止しました。データベースは変更していません。エラー {len(problems)} 件:"
        ]
        for problem in problems:
            hint = " --year で年度を指定してください。" if problem.code == "no_year" else ""
            lines.append(f"  {problem}{hint}")
        return "\n".join(lines)
