"""Routes outside the language prefix (/en/…): the files browsers ask for at the site's root."""

from django.urls import path

from .views import site

urlpatterns = [
    path("favicon.ico", site.favicon),
]
