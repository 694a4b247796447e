"""Authentication: Django's model backend, except that demo accounts (``load_demo``) work only
while DEBUG is on, for logging in and for the sessions they already have."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def is_demo_account(user) -> bool:
    profile = getattr(user, "staff_profile", None)
    return bool(profile and profile.is_demo)


class PortalBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if not settings.DEBUG and is_demo_account(user):
            return False
        return super().user_can_authenticate(user)
