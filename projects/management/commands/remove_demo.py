"""python manage.py remove_demo — delete the demo accounts that load_demo created."""

from django.core.management.base import BaseCommand

from projects.services.demo import remove_demo_accounts


class Command(BaseCommand):
    help = "load_demo が作成したデモ用アカウントを削除します。"

    def handle(self, *args, **options):
        names = remove_demo_accounts()
        self.stdout.write(f"デモ用アカウントを削除しました: {len(names)} 件 " + "、".join(names))
