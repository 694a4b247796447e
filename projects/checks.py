"""Deployment checks (``manage.py check --deploy``): no demo account may be active, and the
database must be there to tell (a check that cannot run is an error, never a pass)."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from portal import database

DEMO_ACCOUNTS = "projects.E001"
NO_DATABASE = "projects.E002"

UNCHECKED_HINT = (
    "DATABASE_URL のデータベースを作成し (PostgreSQL なら createdb)、python manage.py migrate を"
    "実行してから、もう一度 check --deploy を実行してください。"
)


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    from projects.models import StaffProfile

    settings_dict = connection.settings_dict
    if (path := database.missing_sqlite_file(settings_dict)) is not None:
        return [unchecked(f"SQLite のファイル {path} がありません")]
    try:
        names = list(
            StaffProfile.objects.filter(is_demo=True, user__is_active=True).values_list(
                "user__username", flat=True
            )
        )
    except DatabaseError as exc:  # unreachable, or not migrated: nothing could be checked
        message = database.unreachable()
        reason = (
            message.splitlines()[0] if message else f"表を読めません。migrate の前ですか: {exc}"
        )
        return [unchecked(reason)]
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


def unchecked(reason: str) -> Error:
    return Error(
        f"データベースを読めないため、デモ用アカウントの有無を確かめられません ({reason})。",
        hint=UNCHECKED_HINT,
        id=NO_DATABASE,
    )
