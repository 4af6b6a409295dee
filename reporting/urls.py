from django.urls import URLPattern, URLResolver, path

from reporting.views import accounts, fichas, review

app_name = "reporting"

# Views are split by purpose: reporting/views/fichas.py (institutions), review.py (UPMRIP),
# accounts.py (invitations).
urlpatterns: list[URLPattern | URLResolver] = [
    path("", fichas.mis_fichas, name="mis_fichas"),
    path("nueva/", fichas.ficha_new, name="ficha_new"),
    path("<int:pk>/", fichas.ficha_edit, name="ficha_edit"),
    path("<int:pk>/autoguardado/", fichas.ficha_autosave, name="ficha_autosave"),
    path("<int:pk>/enviar/", fichas.ficha_submit, name="ficha_submit"),
    path("<int:pk>/duplicar/", fichas.ficha_duplicate, name="ficha_duplicate"),
    path("traer-del-ejercicio-anterior/", fichas.carry_over, name="carry_over"),
    path("invitaciones/", accounts.invite, name="invite"),
    path("invitacion/<uidb64>/<token>/", accounts.invitation_accept, name="invitation_accept"),
    # UPMRIP review.
    path("revision/", review.bandeja, name="bandeja"),
    path("revision/seguimiento/", review.seguimiento, name="seguimiento"),
    path("revision/recordatorios/", review.send_reminders, name="send_reminders"),
    path("revision/<int:pk>/", review.review_ficha, name="review_ficha"),
    path("revision/<int:pk>/tomar/", review.review_start, name="review_start"),
    path("revision/<int:pk>/devolver/", review.review_return, name="review_return"),
    path("revision/<int:pk>/aprobar/", review.review_approve, name="review_approve"),
    path("revision/<int:pk>/editar/", review.review_edit, name="review_edit"),
    path("revision/<int:pk>/clasificar/", review.review_classify, name="review_classify"),
    path("revision/<int:pk>/reabrir/", review.review_reopen, name="review_reopen"),
    path(
        "revision/<int:year>/orden/<int:chapter>/<int:objective>/",
        review.review_reorder,
        name="review_reorder",
    ),
]
