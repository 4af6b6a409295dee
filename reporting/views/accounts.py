"""Accounts of focal points: the coordinator's invitation and the set-password page it links to.

Login, logout, password reset and password change are Django's own views (``/cuentas/``) with
our templates under ``templates/registration/``.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from reporting.access import AuthenticatedHttpRequest, coordinator_required
from reporting.forms import InvitationForm
from reporting.invitations import invite_focal_point


@coordinator_required
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = invite_focal_point(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Se envió la invitación a %(email)s. El enlace vale 7 días y sirve una sola vez.")
            % {"email": user.email},
        )
        return redirect("reporting:invite")
    return render(request, "reporting/invitation_form.html", {"form": form})


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-token view: single use, expires, logs the person in."""

    template_name = "reporting/invitation_accept.html"
    post_reset_login = True
    success_url = reverse_lazy("reporting:mis_fichas")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Su contraseña quedó guardada. Bienvenida, bienvenido."))
        return response


invitation_accept = InvitationAcceptView.as_view()
