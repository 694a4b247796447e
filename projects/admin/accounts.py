"""Admin of accounts and roles (the secretariat's) and the read-only change history."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from portal import auth
from projects import permissions
from projects.models import Change, StaffProfile
from projects.reports.history import describe

from .access import CheckedDateHierarchy, SecretariatOnly, scoped_to_municipality


@admin.register(Change)
class ChangeAdmin(CheckedDateHierarchy, admin.ModelAdmin):
    """The history, read-only, each change as a sentence (「状況: ● 実施済み → ○ 実施中」)."""

    list_display = ("changed_at", "user", "source", "sentence", "project", "fiscal_year")
    list_filter = ("fiscal_year", "source", "field")
    list_select_related = ("user", "project", "fiscal_year", "activity")
    search_fields = ("old_value", "new_value", "project__name", "user__username")
    date_hierarchy = "changed_at"
    fields = ("changed_at", "user", "source", "fiscal_year", "project", "activity", "sentence")
    readonly_fields = fields

    @admin.display(description="変更")
    def sentence(self, change):
        return describe(change)

    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped_to_municipality(queryset, request.user)


@admin.register(StaffProfile)
class StaffProfileAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ("user", "municipality", "is_secretariat")
    list_filter = ("municipality", "is_secretariat")
    list_select_related = ("user", "municipality")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "municipality")


class StaffProfileInline(SecretariatOnly, admin.StackedInline):
    model = StaffProfile
    can_delete = False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(SecretariatOnly, UserAdmin):
    """The secretariat manages accounts; only a superuser can grant superuser rights."""

    inlines = [StaffProfileInline]
    list_display = ("username", "first_name", "is_staff", "is_active", "last_login", "locked")
    actions = ["lift_login_lock"]

    @admin.display(description="ログイン制限", boolean=True)
    def locked(self, user):
        return auth.is_locked(user.get_username())

    @admin.action(description="選択したアカウントのログイン制限を解除する")
    def lift_login_lock(self, request, queryset):
        names = [user.get_username() for user in queryset]
        for name in names:
            auth.reset_account(name)
        self.message_user(request, f"ログインの制限を解除しました: {'、'.join(names)}")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")
