"""Request-level safety nets that hold for every view (docs/architecture.md §A7).

- ``reject_control_characters``: a path with NUL or another control character answers 404
  (PostgreSQL refuses NUL in text, so such a path could only ever fail later with a 500).
- ``no_store_when_signed_in``: pages served to a signed-in person carry
  ``Cache-Control: no-store``, so a shared computer's back button or cache shows nothing private.
- ``log_refusals``: every 403 and 404 answered to a signed-in person is logged with the user's
  id, the route and the object id: enough for an investigation, and never a name, an email or a
  token (logs may travel further than the database).
"""

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.defaults import page_not_found

logger = logging.getLogger("pmm.security")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Handler = Callable[[HttpRequest], HttpResponse]


def reject_control_characters(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        if _CONTROL.search(request.path) or _CONTROL.search(request.path_info):
            return page_not_found(request, exception=None)
        return get_response(request)

    return middleware


def no_store_when_signed_in(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


def log_refusals(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if response.status_code in (403, 404) and user is not None and user.is_authenticated:
            match = request.resolver_match
            route = match.view_name if match else "-"
            object_id = next(iter(match.kwargs.values()), "-") if match and match.kwargs else "-"
            logger.warning(
                "refused status=%s user=%s route=%s object=%s method=%s",
                response.status_code,
                user.pk,
                route,
                object_id,
                request.method,
            )
        return response

    return middleware
