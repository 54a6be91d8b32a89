"""URL map: the public site at the root, staff pages under /quan-ly/, Django admin under /admin/."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon (resolved
    per request, so that a hashed static storage's manifest is read when it exists)."""
    return HttpResponsePermanentRedirect(static("chiso/favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("tai-khoan/", include("chiso.web.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-ly/nhat-ky/", include("chiso.web.audit.urls")),
    path("quan-ly/tac-vu/", include("chiso.web.jobs.urls")),
    path("quan-ly/khao-sat/", include("chiso.web.surveys.urls")),
    path("quan-ly/chat-luong/", include("chiso.web.services.urls")),
    path("quan-ly/cong-bo/", include("chiso.web.publishing.urls")),
    path("quan-ly/", include("chiso.web.evaluations.urls")),
    path("ks/", include("chiso.web.surveys.public_urls")),
    path("", include("chiso.web.services.public_urls")),
    path("", include("chiso.web.publishing.public_urls")),
    path("", include("chiso.web.public.urls")),
]
