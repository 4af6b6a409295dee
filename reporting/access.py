"""Every lookup of a ficha by a person goes through here: it is the permission check.

Outsiders get 404 (they must not learn that a ficha exists); people who may read but not
write get 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from reporting.models import Actor, Ficha, FichaQuerySet, User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required`` or ``coordinator_required``.

    Only an annotation: those decorators send anonymous visitors to the login page, so inside
    the view ``request.user`` is always one of our ``User`` rows, never ``AnonymousUser``.
    """

    user: User


def fichas_visible_to(user: User) -> FichaQuerySet:
    if not user.is_authenticated:
        return Ficha.objects.none()
    if user.is_coordinator:
        return Ficha.objects.all()
    if user.actor is not None:
        return Ficha.objects.filter(actor=user.actor)
    return Ficha.objects.none()


def get_ficha_for_user(request: AuthenticatedHttpRequest, pk: int, *, write: bool = False) -> Ficha:
    """Load a ficha the user may see; with ``write=True`` also check that they may edit it now.

    Institutions may write only their own fichas while in «borrador» or «observada» and the
    exercise is open; coordinators may always write (editorial edits are audited).
    """
    ficha = get_object_or_404(
        fichas_visible_to(request.user).select_related("ejercicio", "actor__tipo"), pk=pk
    )
    if write and not request.user.is_coordinator and not ficha.is_editable_by_institution:
        raise PermissionDenied
    return ficha


def require_focal_point(request: AuthenticatedHttpRequest) -> Actor:
    """The actor of a logged-in focal point, or 404 for everybody else."""
    actor = request.user.actor if request.user.is_authenticated else None
    if actor is None:
        raise Http404
    return actor


def coordinator_required[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Anonymous visitors go to the login page; logged-in non-coordinators get 404.

    For a focal point the coordinators' pages do not exist, like any ficha of another
    institution: the same answer whatever the ficha, so nothing leaks.
    """

    @wraps(view)
    @login_required
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_coordinator:
            raise Http404
        return view(request, *args, **kwargs)

    # ``wraps`` keeps the view's name and signature; mypy cannot see that without the cast.
    return cast(V, wrapper)
