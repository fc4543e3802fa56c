"""Site-wide files that belong to no app."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control

from config.http import read_only

FAVICON_MAX_AGE = 24 * 3600


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: a plain-text file needs no site-wide context.
    content = render_to_string(
        "robots.txt", {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))}
    )
    return HttpResponse(content, content_type="text/plain; charset=utf-8")


@read_only
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page links no icon (the admin's pages): send
    them to the site's icon. Not permanent, since its hashed name changes with it."""
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response
