"""Editions of the annual publications and the PDF files built for them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import Ejercicio


class Edicion(models.Model):
    """Editable texts of one exercise's Compendio General and Informe Ejecutivo."""

    ejercicio = models.OneToOneField(
        Ejercicio, on_delete=models.PROTECT, related_name="edicion", verbose_name=_("ejercicio")
    )
    title = models.CharField(
        _("título"), max_length=200, help_text=_("p. ej. «Compendio General 2023»")
    )
    date_line = models.CharField(
        _("lugar y fecha"),
        max_length=200,
        help_text=_("p. ej. «Ciudad de México a 28 de noviembre de 2023.»"),
    )
    credits = models.TextField(_("página de créditos"), blank=True)
    authorities = models.TextField(
        _("autoridades"),
        blank=True,
        help_text=_("Una persona por línea: NOMBRE | cargo. Una línea sin «|» es un encabezado."),
    )
    introduction = models.TextField(
        _("introducción"),
        blank=True,
        help_text=_(
            "Párrafos separados por una línea en blanco. {periodo} se sustituye por el periodo."
        ),
    )
    closing_text = models.TextField(_("página final"), blank=True)
    other_acronyms = models.TextField(
        _("otras siglas y abreviaturas"),
        blank=True,
        help_text=_("Una por línea: Nombre | Sigla."),
    )
    # Informe Ejecutivo texts.
    preambulo = models.TextField(_("preámbulo"), blank=True)
    analisis_general = models.TextField(_("análisis de la gráfica general"), blank=True)
    analisis_federal = models.TextField(_("análisis de la gráfica federal"), blank=True)
    analisis_estatal = models.TextField(_("análisis de la gráfica estatal"), blank=True)
    conclusiones = models.TextField(_("conclusiones"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ejercicio__year"]
        verbose_name = _("edición")
        verbose_name_plural = _("ediciones")

    def __str__(self) -> str:
        return self.title


class Document(models.TextChoices):
    COMPENDIO = "compendio", _("Compendio General")
    INFORME = "informe", _("Informe Ejecutivo")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("En cola")
    BUILDING = "building", _("Generando")
    DONE = "done", _("Terminado")
    FAILED = "failed", _("Falló")


class PublicationBuild(models.Model):
    """One PDF build of one document: a draft, or a published (frozen) version."""

    edicion = models.ForeignKey(Edicion, on_delete=models.PROTECT, related_name="builds")
    document = models.CharField(_("documento"), max_length=20, choices=Document.choices)
    draft = models.BooleanField(_("borrador"), default=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    progress = models.CharField(_("avance"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("archivo"), upload_to="publicaciones/", blank=True)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("páginas"), null=True, blank=True)
    seconds = models.FloatField(_("segundos"), null=True, blank=True)
    # Published versions are numbered per document and edition: 1, 2 (a correction)…
    version = models.PositiveIntegerField(_("versión"), null=True, blank=True)
    published_at = models.DateTimeField(_("fecha de publicación"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The figures the public edition page shows, computed when this version was published
    # from exactly the fichas it printed (compendium.informe.PublicFigures.to_json). Empty for
    # drafts and for versions published before the figures were kept (docs/publications.md §V2).
    public_figures = models.JSONField(_("cifras publicadas"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generación de PDF")
        verbose_name_plural = _("generaciones de PDF")
        constraints = [
            models.UniqueConstraint(
                fields=["edicion", "document", "version"],
                condition=models.Q(draft=False),
                name="build_unique_published_version",
            ),
            # One build of a document at a time, draft or published: two simultaneous requests
            # cannot both insert one (compendium.builds catches the refusal).
            models.UniqueConstraint(
                fields=["edicion", "document"],
                condition=models.Q(status__in=[BuildStatus.QUEUED, BuildStatus.BUILDING]),
                name="build_one_active_per_document",
            ),
        ]

    def __str__(self) -> str:
        kind = _("borrador") if self.draft else _("versión %(v)s") % {"v": self.version}
        return f"{self.get_document_display()} {self.edicion.ejercicio.year} ({kind})"
