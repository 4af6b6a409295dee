from django.urls import path  # noqa: F401

from reporting.views import accounts, fichas

app_name = "reporting"

# Views are split by purpose: reporting/views/fichas.py (institutions), review.py (UPMRIP),
# accounts.py (invitations).
urlpatterns: list = [
    path("", fichas.mis_fichas, name="mis_fichas"),
    path("nueva/", fichas.ficha_new, name="ficha_new"),
    path("<int:pk>/", fichas.ficha_edit, name="ficha_edit"),
    path("<int:pk>/autoguardado/", fichas.ficha_autosave, name="ficha_autosave"),
    path("<int:pk>/enviar/", fichas.ficha_submit, name="ficha_submit"),
    path("<int:pk>/duplicar/", fichas.ficha_duplicate, name="ficha_duplicate"),
    path("traer-del-ejercicio-anterior/", fichas.carry_over, name="carry_over"),
    path("invitaciones/", accounts.invite, name="invite"),
    path("invitacion/<uidb64>/<token>/", accounts.invitation_accept, name="invitation_accept"),
]

# UPMRIP review (reporting/views/review.py).
from reporting.views import review as review_views  # noqa: E402

urlpatterns += [
    path("revision/", review_views.bandeja, name="bandeja"),
    path("revision/seguimiento/", review_views.seguimiento, name="seguimiento"),
    path("revision/recordatorios/", review_views.send_reminders, name="send_reminders"),
    path("revision/<int:pk>/", review_views.review_ficha, name="review_ficha"),
    path("revision/<int:pk>/tomar/", review_views.review_start, name="review_start"),
    path("revision/<int:pk>/devolver/", review_views.review_return, name="review_return"),
    path("revision/<int:pk>/aprobar/", review_views.review_approve, name="review_approve"),
    path("revision/<int:pk>/editar/", review_views.review_edit, name="review_edit"),
    path("revision/<int:pk>/clasificar/", review_views.review_classify, name="review_classify"),
    path("revision/<int:pk>/reabrir/", review_views.review_reopen, name="review_reopen"),
    path(
        "revision/<int:year>/orden/<int:chapter>/<int:objective>/",
        review_views.review_reorder,
        name="review_reorder",
    ),
]
