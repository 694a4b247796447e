"""python manage.py expire_uploads — delete uploads whose preview was never confirmed in time
(OVERVIEW_PENDING_SECONDS). Meant for cron, e.g. every hour."""

from django.core.management.base import BaseCommand

from projects.models import PendingUpload


class Command(BaseCommand):
    help = "確認されないまま期限 (OVERVIEW_PENDING_SECONDS) を過ぎたアップロードを削除します。"

    def handle(self, *args, **options):
        removed = PendingUpload.remove_expired()
        self.stdout.write(f"期限切れのアップロードを削除しました: {removed} 件")
