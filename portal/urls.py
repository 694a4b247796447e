from django.conf.urls.i18n import i18n_patterns  # noqa: F401 - content URLs stay language-neutral
from django.contrib import admin
from django.urls import include, path

from portal.auth import ThrottledLoginView

admin.site.site_header = "連携事業ポータル 管理"
admin.site.site_title = "連携事業ポータル"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("projects.urls")),
]
