"""Atom feeds of status changes in published years (from the Change history): the whole area,
one project, one town. Each entry has an author (RFC 4287): the area's council."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.models import Area, Change, Municipality, Project, ProjectRow, Status
from projects.reports import public as data

ITEMS = 50


def project_name(project) -> str:
    """The project's name in the feed's language: on the English site its English name, or the
    Japanese one marked 「日本語のみ」 (Japanese only)."""
    if get_language() != "en":
        return str(project)
    if project.name_en:
        return f"{project.number} {project.name_en}" if project.number else project.name_en
    return f"{project} ({_('日本語のみ')})"


class StatusChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj=None):
        return _("連携事業ポータル: 実績の状況の更新")

    def subtitle(self, obj=None):
        return _("公開中の年度の実績項目の状況 (● 実施済み・○ 実施中・△ 実施予定・■ 中止) の変更")

    def link(self, obj=None):
        return reverse("projects:project_list")

    def author_name(self, obj=None):
        area = Area.objects.current()
        return (area.council or area.name) if area else _("連携事業ポータル")

    def changes(self, obj):
        return Change.objects.filter(field="status", fiscal_year__published=True)

    def items(self, obj=None):
        return list(
            self.changes(obj)
            .select_related("fiscal_year", "project", "activity")
            .order_by("-changed_at", "-id")[:ITEMS]
        )

    def _status(self, change, value):
        if value not in Status.values:
            return _("記号なし")
        return f"{Status(value).glyph} {data.status_labels(change.fiscal_year)[value]}"

    def item_title(self, item):
        return _("%(new)s (変更前: %(old)s)") % {
            "new": self._status(item, item.new_value),
            "old": self._status(item, item.old_value),
        } + (f" {item.activity.text}" if item.activity else "")

    def item_description(self, item):
        return project_name(item.project) if item.project else item.fiscal_year.label

    def item_link(self, item):
        if item.project_id is None:
            return item.fiscal_year.get_absolute_url()
        url = reverse("projects:project_detail", args=[item.project_id])
        return url + (f"#activity-{item.activity_id}" if item.activity_id else "")

    def item_guid(self, item):
        return f"tag:renkei-portal,{item.changed_at:%Y-%m-%d}:change-{item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return self.author_name()

    def item_pubdate(self, item):
        return item.changed_at

    def item_updateddate(self, item):
        return item.changed_at


class ProjectStatusFeed(StatusChangesFeed):
    """One project's status changes."""

    def get_object(self, request, pk):
        project = Project.objects.published().filter(pk=pk).first()
        if project is None:
            raise data.NotFound(_("この事業は公開されていません。"))
        return project

    def title(self, obj=None):
        return _("%(project)s: 実績の状況の更新") % {"project": project_name(obj)}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def changes(self, obj):
        return super().changes(obj).filter(project=obj)


class MunicipalityStatusFeed(StatusChangesFeed):
    """The status changes of the activities in a town's rows."""

    def get_object(self, request, slug):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise data.NotFound(_("市町が見つかりません。"))
        return municipality

    def title(self, obj=None):
        name = obj.name_en if get_language() == "en" and obj.name_en else obj.name
        return _("%(name)sの連携事業: 実績の状況の更新") % {"name": name}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def changes(self, obj):
        rows = ProjectRow.objects.concerning(obj)
        return super().changes(obj).filter(activity__row__in=rows)
