from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = _("連携事業")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
