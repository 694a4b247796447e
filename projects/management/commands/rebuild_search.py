"""python manage.py rebuild_search — write every year's search texts (and 【再掲】 links) again,
after the way they are made has changed (the migrations that change it run it themselves)."""

from django.core.management.base import BaseCommand

from projects.services.rebuild import rebuild_search


class Command(BaseCommand):
    help = "すべての年度の検索用の文字列 (読み・正規化形) と【再掲】の初出を作り直します。"

    def handle(self, *args, **options):
        for year, written in rebuild_search().items():
            self.stdout.write(f"{year}年度: 検索用の文字列を {written} 件更新しました")
