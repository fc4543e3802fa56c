"""Which methods a view answers, as HTTP says.

Every page answers GET and HEAD (monitors and link checkers send HEAD; the server sends
the headers without the body), and OPTIONS with the methods it allows. Django's
require_GET refused HEAD with 405; its require_http_methods answers OPTIONS with 405.
"""

import functools
from collections.abc import Callable, Sequence

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

type View = Callable[..., HttpResponse]


def allow(*methods: str) -> Callable[[View], View]:
    """Answer these methods, HEAD with GET, and OPTIONS (200, its Allow header listing
    them); anything else 405 with the same Allow header."""
    allowed = _with_head_and_options(methods)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def allowed_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=200)
                response["Allow"] = ", ".join(allowed)
                response["Content-Length"] = "0"
                return response
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, *args, **kwargs)

        return allowed_view

    return decorator


def _with_head_and_options(methods: Sequence[str]) -> list[str]:
    allowed = [method.upper() for method in methods]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return [*allowed, "OPTIONS"]


# A page that only reads: GET, HEAD and OPTIONS.
read_only = allow("GET")
