"""``manage.py purge_deleted_fichas``: remove for good the drafts deleted more than 30 days ago.

Run it daily (cron or a systemd timer). A deleted draft stays restorable from «Fichas
eliminadas» for 30 days (``reporting.editing.RESTORE_WINDOW``); after that this command deletes
it with its retos, notes and history. Running it twice does nothing the second time.
"""

from django.core.management.base import BaseCommand

from reporting.editing import purge_deleted_drafts


class Command(BaseCommand):
    help = (
        "Elimina definitivamente los borradores que las instituciones eliminaron hace más de "
        "30 días (con sus retos, notas e historial)."
    )

    def handle(self, *args, **options) -> None:
        purged = purge_deleted_drafts()
        self.stdout.write(f"Borradores eliminados definitivamente: {purged}.")
