"""Atom feed of recent status changes in published years (from the Change history)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from projects.models import Change, Status
from projects.reports import public as data

ITEMS = 50


class StatusChangesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("連携事業ポータル: 実績の状況の更新")

    def subtitle(self):
        return _("公開中の年度の実績項目の状況 (● 実施済み・○ 実施中・△ 実施予定・■ 中止) の変更")

    def link(self):
        return reverse("projects:project_list")

    def items(self):
        return list(
            Change.objects.filter(field="status", fiscal_year__published=True)
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
        return str(item.project) if item.project else item.fiscal_year.label

    def item_link(self, item):
        if item.project_id is None:
            return item.fiscal_year.get_absolute_url()
        url = reverse("projects:project_detail", args=[item.project_id])
        return url + (f"#activity-{item.activity_id}" if item.activity_id else "")

    def item_guid(self, item):
        return f"tag:renkei-portal,{item.changed_at:%Y-%m-%d}:change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.changed_at

    def item_updateddate(self, item):
        return item.changed_at
