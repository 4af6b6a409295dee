from django.urls import URLPattern, URLResolver, path

from reporting.views import accounts, docx, exercises, fichas, review

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
    path("<int:pk>/eliminar/", fichas.ficha_delete, name="ficha_delete"),
    path("<int:pk>/restaurar/", fichas.ficha_restore, name="ficha_restore"),
    path("<int:pk>/imprimir/", fichas.ficha_print, name="ficha_print"),
    path("eliminadas/", fichas.fichas_deleted, name="fichas_deleted"),
    path("descargar/<int:year>/", fichas.fichas_download, name="fichas_download"),
    path("traer-del-ejercicio-anterior/", fichas.carry_over, name="carry_over"),
    # Word in, Word out (reporting/views/docx.py, docs/word.md).
    path("word/plantilla/", docx.docx_template, name="docx_template"),
    path("word/importar/", docx.docx_import, name="docx_import"),
    path("<int:pk>/word/", docx.docx_export, name="docx_export"),
    path("<int:pk>/word/aplicar/", docx.docx_apply, name="docx_apply"),
    path("<int:pk>/word/quitar-nota/", docx.docx_note_clear, name="docx_note_clear"),
    path("invitaciones/", accounts.invite, name="invite"),
    path("invitaciones/<int:pk>/reenviar/", accounts.invitation_resend, name="invitation_resend"),
    path("invitaciones/<int:pk>/revocar/", accounts.invitation_revoke, name="invitation_revoke"),
    path("invitaciones/importar/", accounts.invitation_import, name="invitation_import"),
    path(
        "invitaciones/importar/confirmar/",
        accounts.invitation_import_confirm,
        name="invitation_import_confirm",
    ),
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
    # UPMRIP: the annual exercises (reporting/views/exercises.py).
    path("ejercicios/", exercises.exercise_list, name="exercises"),
    path("ejercicios/nuevo/", exercises.exercise_create, name="exercise_create"),
    path("ejercicios/<int:year>/", exercises.exercise_detail, name="exercise_detail"),
    path("ejercicios/<int:year>/abrir/", exercises.exercise_open, name="exercise_open"),
    path("ejercicios/<int:year>/prorroga/", exercises.exercise_extend, name="exercise_extend"),
    path("ejercicios/<int:year>/cerrar/", exercises.exercise_close, name="exercise_close"),
    path("ejercicios/<int:year>/reabrir/", exercises.exercise_reopen, name="exercise_reopen"),
    path(
        "ejercicios/<int:year>/categorias/",
        exercises.exercise_categories,
        name="exercise_categories",
    ),
]
