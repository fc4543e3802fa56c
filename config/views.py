"""Site-wide files that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: a plain-text file needs no site-wide context.
    content = render_to_string(
        "robots.txt", {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))}
    )
    return HttpResponse(content, content_type="text/plain; charset=utf-8")
