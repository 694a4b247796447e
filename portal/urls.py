from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from portal.auth import ThrottledLoginView

admin.site.site_header = "連携事業ポータル 管理"
admin.site.site_title = "連携事業ポータル"
admin.site.index_title = "管理メニュー"

# Japanese pages have no prefix, English ones start with /en/: the language is in the URL, so
# switching needs no cookie and every page is the same for every visitor (cacheable).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("projects.site_urls")),
] + i18n_patterns(
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("projects.urls")),
    prefix_default_language=False,
)

handler404 = "portal.middleware.not_found"
