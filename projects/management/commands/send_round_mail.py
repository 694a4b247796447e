"""python manage.py send_round_mail [--today YYYY-MM-DD]  (from cron, e.g. every hour)"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from projects.services.mail import send_due


class Command(BaseCommand):
    help = (
        "受付中の照会のメール (開始・締切の3日前・締切の経過) のうち、まだ送っていないものを送ります。"
        "何度実行しても同じメールを 2 度は送りません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="この日として判定する (例: 2021-02-07)。省略時は今日")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(
                    f"--today は YYYY-MM-DD の形式で指定してください: {today}"
                ) from exc
        result = send_due(today=day)
        self.stdout.write(result.message())
        for log in result.sent:
            self.stdout.write(f"  {log.municipality.name}: {log.subject} → {log.recipients}")
        if result.failed:
            raise CommandError("送れなかったメールがあります: " + "、".join(result.failed))
