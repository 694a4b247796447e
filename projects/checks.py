"""Deployment checks (``manage.py check --deploy``): no demo account may be active."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

DEMO_ACCOUNTS = "projects.E001"


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    from projects.models import StaffProfile

    try:
        names = list(
            StaffProfile.objects.filter(is_demo=True, user__is_active=True).values_list(
                "user__username", flat=True
            )
        )
    except DatabaseError:  # no database yet (before migrate): nothing to find
        return []
    if not names:
        return []
    return [
        Error(
            "デモ用アカウントが有効です: " + "、".join(sorted(names)),
            hint="本番ではデモ用アカウントを削除するか無効にしてください "
            "(管理画面の「ユーザー」、または python manage.py remove_demo)。",
            id=DEMO_ACCOUNTS,
        )
    ]
