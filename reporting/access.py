"""Every lookup of a ficha by a person goes through here: it is the permission check.

Outsiders get 404 (they must not learn that a ficha exists); people who may read but not
write get 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from reporting.models import Ficha, FichaQuerySet, User


def fichas_visible_to(user: User) -> FichaQuerySet:
    if not user.is_authenticated:
        return Ficha.objects.none()
    if user.is_coordinator:
        return Ficha.objects.all()
    if user.actor is not None:
        return Ficha.objects.filter(actor=user.actor)
    return Ficha.objects.none()


def get_ficha_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Ficha:
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


def require_focal_point(request: HttpRequest):
    """The actor of a logged-in focal point, or 404 for everybody else."""
    actor = request.user.actor if request.user.is_authenticated else None
    if actor is None:
        raise Http404
    return actor


def coordinator_required(view):
    """Anonymous visitors go to the login page; logged-in non-coordinators get 404.

    For a focal point the coordinators' pages do not exist, like any ficha of another
    institution: the same answer whatever the ficha, so nothing leaks.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_coordinator:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
