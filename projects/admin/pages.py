"""The contact, accessibility and privacy texts, and the search's synonyms: the secretariat
writes them."""

from django.contrib import admin

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
    """A resident's word → the table's word: the public search reads the list on each query
    (a save is a change set like every admin write, so the cached searches are renewed)."""

    list_display = ["term", "words"]
    search_fields = ["term", "words"]
    fields = ["term", "words"]
