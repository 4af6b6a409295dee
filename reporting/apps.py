from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporte de fichas técnicas")

    def ready(self) -> None:
        from config import database
        from reporting import signin

        signin.connect_lockout_log()
        database.connect()
