"""Accounts of focal points: the coordinator's invitations and the set-password page they link to.

The invitations page invites one person (the tracker's «Invitar» preselects the institution)
and lists pending invitations with «Reenviar» and «Revocar»; the import page invites a list
from a CSV or XLSX after a dry run. The rules are in ``reporting/invitations.py``.

Login, logout, password reset and password change are Django's own views (``/cuentas/``) with
our templates under ``templates/registration/``.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reporting import invitations
from reporting.access import AuthenticatedHttpRequest, coordinator_required, post_only
from reporting.forms import InvitationForm
from reporting.invitation_forms import BulkConfirmForm, BulkInvitationForm, sign_rows
from reporting.invitations import InvitationError, InvitationReport


def _preselected_actor(request: AuthenticatedHttpRequest) -> dict[str, int]:
    """``?institucion=<id>`` (the tracker's «Invitar» link) preselects the institution."""
    value = request.GET.get("institucion", "")
    return {"actor": int(value)} if value.isdigit() else {}


@coordinator_required
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, initial=_preselected_actor(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invite_focal_point(by=request.user, **form.cleaned_data)
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("Se envió la invitación a %(email)s. El enlace vale 7 días y sirve una sola vez.")
                % {"email": user.email},
            )
            return redirect("reporting:invite")
    context = {"form": form, "pending": invitations.pending_invitations()}
    return render(request, "reporting/invitation_form.html", context)


@coordinator_required
@post_only("reporting:invite")
def invitation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(invitations.pending_invitations(), pk=pk)
    try:
        invitations.resend_invitation(membership, by=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Se envió un enlace nuevo a %(name)s; el anterior dejó de valer.")
            % {"name": membership.user.get_full_name() or membership.user.email},
        )
    return redirect("reporting:invite")


@coordinator_required
@post_only("reporting:invite")
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(invitations.pending_invitations(), pk=pk)
    try:
        invitations.revoke_invitation(membership, by=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Se revocó la invitación de %(name)s: su enlace ya no sirve.")
            % {"name": membership.user.get_full_name() or membership.user.email},
        )
    return redirect("reporting:invite")


def _render_import(
    request: AuthenticatedHttpRequest,
    form: BulkInvitationForm,
    report: InvitationReport | None = None,
    confirm: BulkConfirmForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "report": report, "confirm": confirm}
    return render(request, "reporting/invitations/import.html", context, status=status)


@coordinator_required
def invitation_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a list and see its dry run; nothing is created until the preview is confirmed."""
    form = BulkInvitationForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render_import(request, form, status=400 if form.is_bound else 200)
    report = invitations.plan_invitations(form.rows)
    confirm = None
    if report.to_invite and not report.errors:
        confirm = BulkConfirmForm(initial={"rows": sign_rows(form.rows)})
    return _render_import(request, BulkInvitationForm(), report, confirm)


@coordinator_required
@post_only("reporting:invitation_import")
def invitation_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invite every row of a confirmed preview in one transaction, or none if one fails now."""
    form = BulkConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("rows", [])))
        return redirect("reporting:invitation_import")
    report = invitations.invite_many(form.cleaned_data["rows"], by=request.user)
    if not report.done:
        # Something changed since the preview (an account, a simultaneous invitation).
        return _render_import(request, BulkInvitationForm(), report, status=409)
    n = len(report.to_invite)
    messages.success(
        request,
        ngettext("Se envió %(n)s invitación.", "Se enviaron %(n)s invitaciones.", n) % {"n": n},
    )
    return redirect("reporting:invite")


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-token view: single use, expires, logs the person in."""

    template_name = "reporting/invitation_accept.html"
    post_reset_login = True
    # Several backends are configured (django-axes first): log in with Django's own.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("reporting:mis_fichas")

    def get_user(self, uidb64):
        # A revoked invitation is an inactive account: its links are refused even if valid.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Su contraseña quedó guardada. Bienvenida, bienvenido."))
        return response


invitation_accept = InvitationAcceptView.as_view()
