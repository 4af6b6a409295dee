"""Coordinators' sessions end after ``COORDINATOR_IDLE_MINUTES`` without a request
(docs/architecture.md §A8).

``ExpireIdleSessions`` keeps the time of the last request in the session and signs the person
out once the limit has passed. ``static/js/idle.js`` (loaded for coordinators by
``templates/base.html``) asks ``session_status`` how long is left, opens a warning dialog
``IDLE_WARNING_SECONDS`` before the end and, when the person chooses «Seguir trabajando», posts
to it to extend the session. Asking (GET) is not activity; posting is. Focal points keep the
normal session length: their ficha form saves itself as they type.
"""

import logging
import time
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from reporting.models import User

logger = logging.getLogger("pmm.security")

LAST_ACTIVITY = "pmm_last_activity"
IDLE_WARNING_SECONDS = 120
# The stored time of the last request moves in steps of this many seconds: writing it on every
# request saved the whole session (three queries) on every coordinator page. A session may
# therefore end up to this much earlier than the limit after the last request; «Seguir
# trabajando» (a POST to ``session_status``) always stores the exact time.
ACTIVITY_RESOLUTION = 60


def is_watched(user) -> bool:
    """Whose sessions end when idle: coordinators and administrators."""
    return bool(user.is_authenticated and cast(User, user).is_coordinator)


def idle_limit() -> int:
    return int(settings.COORDINATOR_IDLE_MINUTES) * 60


def seconds_left(request: HttpRequest) -> int:
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        return idle_limit()
    return max(0, idle_limit() - (int(time.time()) - int(last)))


def _is_status_path(request: HttpRequest) -> bool:
    return request.path_info == reverse("session_status")


def _is_status_check(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and _is_status_path(request)


class ExpireIdleSessions(MiddlewareMixin):
    """Signs a coordinator out after ``COORDINATOR_IDLE_MINUTES`` without a request.

    Every request but a status check counts as activity. A ``process_request`` hook, so that
    it is not on the stack while a view runs.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not is_watched(user):
            return None
        if LAST_ACTIVITY in request.session and seconds_left(request) == 0:
            user_id = user.pk
            logout(request)
            logger.info("session expired user=%s", user_id)
            # Shown by the login page, where the page (or idle.js after a 401) goes next.
            messages.info(
                request,
                _(
                    "Su sesión se cerró tras %(minutes)s minutos sin actividad. Inicie sesión de "
                    "nuevo."
                )
                % {"minutes": settings.COORDINATOR_IDLE_MINUTES},
            )
            if _is_status_path(request):
                return JsonResponse({"expired": True}, status=401)
            return redirect_to_login(request.get_full_path())
        if not _is_status_check(request):
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            explicit = request.method == "POST" and _is_status_path(request)
            if explicit or last is None or now - int(last) >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY] = now
        return None


def session_status(request: HttpRequest) -> JsonResponse:
    """GET: seconds left before the session ends when idle (``null`` for sessions that do not
    end when idle). POST («Seguir trabajando»): the session starts counting again.

    The activity itself is recorded by ``ExpireIdleSessions``, which sees the POST.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"expired": True}, status=401)
    if not is_watched(request.user):
        return JsonResponse({"remaining": None})
    if request.method == "POST":
        logger.info("session extended user=%s", request.user.pk)
    return JsonResponse({"remaining": seconds_left(request), "warning": IDLE_WARNING_SECONDS})
