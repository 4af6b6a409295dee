"""Every lookup of a ficha by a person goes through here: it is the permission check.

Outsiders get 404 (they must not learn that a ficha exists); people who may read but not
write get 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from reporting import rows
from reporting.editing import RESTORE_WINDOW
from reporting.models import Actor, Ficha, FichaQuerySet, Membership, Role, User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required`` or ``coordinator_required``.

    Only an annotation: those decorators send anonymous visitors to the login page, so inside
    the view ``request.user`` is always one of our ``User`` rows, never ``AnonymousUser``.
    """

    user: User


def _visible_scope(user: User) -> tuple[bool, int | None]:
    """Whether ``user`` may open fichas at all and, if only one institution's (a focal point),
    that actor's id; ``None`` is every institution's (UPMRIP)."""
    if not user.is_authenticated:
        return False, None
    if user.is_coordinator:
        return True, None
    return (True, user.actor.pk) if user.actor is not None else (False, None)


def fichas_visible_to(user: User) -> FichaQuerySet:
    """The fichas ``user`` may open. Deleted drafts are never among them (``Ficha.objects``)."""
    visible, actor_id = _visible_scope(user)
    if not visible:
        return Ficha.objects.none()
    return Ficha.objects.all() if actor_id is None else Ficha.objects.filter(actor_id=actor_id)


def get_ficha_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False, lock: bool = False
) -> Ficha:
    """Load a ficha the user may see; with ``write=True`` also check that they may edit it now.

    Institutions may write only their own fichas while in «borrador» or «observada» and the
    exercise is open; coordinators may always write (editorial edits are audited).
    ``lock=True`` (inside ``transaction.atomic``) reads the ficha's row ``FOR UPDATE``, so a
    save in the same transaction need not read it again (``editing.save_ficha_form``'s
    ``locked_version``).

    The read is one statement prepared once per process (``rows.visible_ficha``: the same rows
    as ``fichas_visible_to(user)``, with ``ejercicio`` and, without ``lock``, ``actor.tipo``
    loaded): building it through the ORM cost a tenth of the web process's CPU under load
    (docs/load-test.md §L8b).
    """
    if lock and not transaction.get_connection().in_atomic_block:
        # SQLite ignores FOR UPDATE: without this, its smoke tests would not catch a caller
        # whose lock ends with the statement.
        raise RuntimeError("lock=True needs the caller's transaction")
    visible, actor_id = _visible_scope(request.user)
    if not visible:
        raise Http404
    # A save needs the exercise (is it open?), not the actor: a smaller statement on every
    # autosave (docs/load-test.md §L7).
    ficha = rows.visible_ficha(int(pk), actor_id, lock=lock, with_actor=not lock)
    if ficha is None:
        raise Http404
    if write and not request.user.is_coordinator and not ficha.is_editable_by_institution:
        raise PermissionDenied
    return ficha


def deleted_drafts_of(actor: Actor) -> FichaQuerySet:
    """The drafts ``actor`` deleted that can still be restored (deleted less than 30 days ago)."""
    cutoff = timezone.now() - RESTORE_WINDOW
    return Ficha.all_objects.deleted().filter(actor=actor, deleted_at__gte=cutoff)


def get_deleted_draft_for_user(request: AuthenticatedHttpRequest, pk: int) -> Ficha:
    """A deleted draft of the person's own institution, still restorable; 404 for anyone else."""
    actor = require_focal_point(request)
    return get_object_or_404(deleted_drafts_of(actor).select_related("ejercicio"), pk=pk)


def upmrip_users() -> Q:
    """Condition on ``User`` rows: the people who act as UPMRIP (``User.is_coordinator``)."""
    reviewers = Membership.objects.filter(role__in=[Role.COORDINADOR, Role.ADMINISTRADOR])
    return Q(is_superuser=True) | Q(pk__in=reviewers.values("user_id"))


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


def post_only[V: Callable[..., HttpResponseBase]](
    redirect_to: str | Callable[..., str],
) -> Callable[[V], V]:
    """Like ``require_POST``, but a GET goes to the page the form lives on instead of a bare 405.

    Reloading the address of a refused POST, or following an old link, must land on a page
    (issue 10). ``redirect_to`` is a URL name, reversed with the view's keyword arguments when
    it takes them (``ficha_submit(pk)`` → ``ficha_edit(pk)``) and without them otherwise, or a
    callable ``(request, **kwargs) -> url``. Put it under ``login_required`` or
    ``coordinator_required``, so that people who may not see the page never learn where it is.
    Methods other than GET and HEAD still get 405.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["POST"])
            if callable(redirect_to):
                return redirect(redirect_to(request, *args, **kwargs))
            try:
                return redirect(reverse(redirect_to, kwargs=kwargs or None))
            except NoReverseMatch:
                return redirect(reverse(redirect_to))

        return cast(V, wrapper)

    return decorator
