"""python manage.py setup_area FILE.toml [--if-absent]"""

from django.core.management.base import BaseCommand, CommandError

from projects.models import Area
from projects.services.area import AreaFileError, setup_area


class Command(BaseCommand):
    help = "圏域の名称・事務局・構成市町を TOML ファイルから作成・更新します (何度実行しても同じ結果)。"

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="圏域の TOML ファイル (形式は README の「圏域の設定」、例は fixtures/areas/)",
        )
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="圏域がまだ設定されていないときだけ設定する (あれば何も変えない)",
        )

    def handle(self, *args, file, if_absent=False, **options):
        if if_absent and (area := Area.objects.current()) is not None:
            self.stdout.write(
                f"圏域「{area}」は設定済みです。画面での変更を残すため、{file} は読みませんでした"
                " (ファイルの内容にするには --if-absent なしで実行してください)。"
            )
            return
        try:
            result = setup_area(path=file)
        except AreaFileError as exc:
            lines = [
                f"圏域を設定しませんでした。データベースは変更していません。エラー {len(exc.problems)} 件:"
            ]
            lines += [f"  {p}" for p in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        for line in result.lines():
            self.stdout.write(line)
