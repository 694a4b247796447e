"""The contact, accessibility and privacy texts: the secretariat writes them."""

from django.contrib import admin

from projects.models import SitePage

from .access import SecretariatOnly


@admin.register(SitePage)
class SitePageAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    readonly_fields = ["updated_at"]
    fields = ["kind", "title", "body", "updated_at"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()
