"""Files browsers ask for at the site's root, whatever the page says."""

from django.conf import settings
from django.http import FileResponse


def favicon(request):
    """The icon, kept for a week."""
    response = FileResponse(
        open(settings.BASE_DIR / "static" / "favicon.ico", "rb"), content_type="image/x-icon"
    )
    response["Cache-Control"] = "public, max-age=604800"
    return response
