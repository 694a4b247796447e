"""python manage.py load_demo — demo accounts and municipality assignments (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.models import Municipality
from projects.services.demo import (
    assign_municipalities_from_text,
    create_demo_accounts,
    publish_latest_if_none,
)

DEMO_PASSWORD = "renkei-demo"


class Command(BaseCommand):
    help = (
        "デモ用アカウント (事務局 jimukyoku と、構成市町ごとに市町の slug の担当者) を作成し、"
        "事業に関係市町を割り当てます (DEBUG 時のみ)。"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo は開発用です。DJANGO_DEBUG=true のときだけ実行できます。")
        if not Municipality.objects.active().exists():
            raise CommandError(
                "圏域の構成市町がありません。先に python manage.py setup_area FILE.toml を実行してください。"
            )
        users = create_demo_accounts(password=DEMO_PASSWORD)
        assigned = assign_municipalities_from_text()
        published = publish_latest_if_none()
        if published is not None:
            self.stdout.write(
                f"{published}を公開し、現在の年度にしました (公開中の年度がなかったため)。"
            )
        self.stdout.write(
            f"デモ用アカウント {len(users)} 件 (パスワード {DEMO_PASSWORD}): " + "、".join(users)
        )
        self.stdout.write(
            f"関係市町を割り当てた事業: {assigned} 件 (既に割り当て済みの事業はそのまま)"
        )
