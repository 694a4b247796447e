"""The contact, accessibility and privacy texts, and the search's synonyms: the secretariat
writes them."""

from django.contrib import admin

from projects import cache as public_cache
from projects.models import SitePage, Synonym

from .access import SecretariatOnly


@admin.register(SitePage)
class SitePageAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    readonly_fields = ["updated_at"]
    fields = ["kind", "title", "body", "updated_at"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Synonym)
class SynonymAdmin(SecretariatOnly, admin.ModelAdmin):
    """A resident's word → the table's word: the public search reads the list on each query."""

    list_display = ["term", "words"]
    search_fields = ["term", "words"]
    fields = ["term", "words"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_cache.bump_on_commit()  # searches are cached pages

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_cache.bump_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_cache.bump_on_commit()
