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
    # The English Informe's own texts (docs/english-edition.md §E4): a blank one prints the
    # Spanish with the «[Untranslated]» marker and is listed by the pre-publication check.
    preambulo_en = models.TextField(_("preámbulo en inglés"), blank=True)
    analisis_general_en = models.TextField(
        _("análisis de la gráfica general en inglés"), blank=True
    )
    analisis_federal_en = models.TextField(
        _("análisis de la gráfica federal en inglés"), blank=True
    )
    analisis_estatal_en = models.TextField(
        _("análisis de la gráfica estatal en inglés"), blank=True
    )
    conclusiones_en = models.TextField(_("conclusiones en inglés"), blank=True)
    evolucion_texto_en = models.TextField(_("texto de la evolución en inglés"), blank=True)
    # «Evolución 2018-AAAA» of the Informe (docs/series.md §S5): printed unless switched off;
    # a blank text prints the paragraph that compendium.series.evolution_draft writes.
    evolucion_incluida = models.BooleanField(_("incluir la evolución desde 2018"), default=True)
    evolucion_texto = models.TextField(_("texto de la evolución desde 2018"), blank=True)
    # The Informe's own credits and authorities (docs/informe-workspace.md §W6); blank prints
    # the defaults (compendium.informe.informe_front_matter).
    informe_credits = models.TextField(_("créditos del Informe Ejecutivo"), blank=True)
    informe_authorities = models.TextField(
        _("autoridades del Informe Ejecutivo"),
        blank=True,
        help_text=_("Una persona por línea: NOMBRE | cargo. Una línea sin «|» es un encabezado."),
    )
    # How the highlighted acciones were chosen (seed 004: «criterio de neutralidad…»).
    criterio_destacadas = models.TextField(_("criterio de selección de las destacadas"), blank=True)
    updated_at = models.DateTimeField(_("última modificación"), auto_now=True)

    class Meta:
        ordering = ["-ejercicio__year"]
        verbose_name = _("edición")
        verbose_name_plural = _("ediciones")

    def __str__(self) -> str:
        return self.title


class Document(models.TextChoices):
    COMPENDIO = "compendio", _("Compendio General")
    INFORME = "informe", _("Informe Ejecutivo")
    # The same Informe in English (docs/english-edition.md §E3).
    INFORME_EN = "informe_en", _("Informe Ejecutivo (inglés)")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("En cola")
    BUILDING = "building", _("Generando")
    DONE = "done", _("Terminado")
    FAILED = "failed", _("Falló")


class PublicationBuild(models.Model):
    """One PDF build of one document: a draft, or a published (frozen) version."""

    edicion = models.ForeignKey(
        Edicion, on_delete=models.PROTECT, related_name="builds", verbose_name=_("edición")
    )
    document = models.CharField(_("documento"), max_length=20, choices=Document.choices)
    draft = models.BooleanField(_("borrador"), default=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    task_id = models.CharField(_("identificador de la tarea"), max_length=64, blank=True)
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solicitada por"),
    )
    created_at = models.DateTimeField(_("solicitada"), default=timezone.now)
    started_at = models.DateTimeField(_("iniciada"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminada"), null=True, blank=True)
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


class TextSearchVector(models.Field):
    """A PostgreSQL ``tsvector`` column (plain text elsewhere, never filled there).

    ``field__matches=text`` is ``field @@ websearch_to_tsquery('pmm_es', text)``: the public
    record's full-text search (docs/open-data.md §R5). Defined here rather than using
    ``django.contrib.postgres``, which the project does not install.
    """

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


@TextSearchVector.register_lookup
class _Matches(models.Lookup):
    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"{lhs} @@ websearch_to_tsquery('pmm_es'::regconfig, {rhs})"
        return sql, [*lhs_params, *rhs_params]


class PublishedProgram(models.Model):
    """One program as a published Compendio version printed it: the public record.

    Written once, when the version is published (``compendium.public_record``, its only
    writer) or when a past edition is imported with ``--publish``; never edited afterwards. Public
    pages, open data and the API read only these rows, so a reopened or edited ficha changes
    nothing public until a new version is published (docs/open-data.md §R1). A new version of
    the same edition replaces the edition's rows as a whole; ``build`` says which version they
    come from. Contact data never enters it: there is no field for it.
    """

    build = models.ForeignKey(
        PublicationBuild,
        on_delete=models.CASCADE,
        related_name="programs",
        verbose_name=_("versión publicada"),
    )
    # Denormalised from the build's exercise: every public filter starts with the year.
    year = models.PositiveSmallIntegerField(_("año"), db_index=True)
    number = models.PositiveIntegerField(_("número en el Compendio"))
    # The heading as printed: «{printed_number}. {nombre} – {printed_sigla}.» (the number
    # restarts in each chapter and objective, docs/publications.md §C4; ``number`` runs through
    # the edition and is the program's address, docs/open-data.md §R2).
    printed_number = models.PositiveIntegerField(_("número impreso"), default=1)
    printed_sigla = models.CharField(_("sigla impresa"), max_length=300, blank=True)
    chapter = models.PositiveSmallIntegerField(_("capítulo"))
    chapter_title = models.CharField(_("título del capítulo"), max_length=150)
    objetivo = models.ForeignKey(
        "reporting.ObjetivoPMM",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("objetivo del PMM"),
    )
    # The institution as printed (the heading's sigla, the glossary's name).
    institution = models.CharField(_("institución"), max_length=300)
    sigla = models.CharField(_("sigla"), max_length=60, db_index=True)
    # Co-reporting institutions: [{"name": ..., "sigla": ...}].
    co_institutions = models.JSONField(_("instituciones participantes"), default=list, blank=True)
    # Filter keys «|SIGLA|SIGLA|» (lead and co-institutions) and «|07|19|» (the reporting state
    # and the states of the scope): one ``contains`` serves the filter, a split the facet
    # (compendium.public_record, docs/open-data.md §R4).
    siglas = models.CharField(_("siglas"), max_length=600, blank=True, editable=False)
    state_codes = models.CharField(
        _("claves de entidad"), max_length=120, blank=True, editable=False
    )
    actor_type = models.ForeignKey(
        "reporting.ActorType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tipo de actor"),
    )
    # The reporting state government's state (chapter 2); blank for every other actor.
    entidad = models.ForeignKey(
        "reporting.EntidadFederativa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entidad federativa"),
    )
    # States where the program acts (its scope), as the ficha gave them.
    alcance_entidades = models.ManyToManyField(
        "reporting.EntidadFederativa",
        blank=True,
        related_name="+",
        verbose_name=_("entidades del alcance"),
    )
    alcance_nacional = models.BooleanField(_("alcance nacional"), default=False)
    ods = models.ManyToManyField(
        "reporting.ODS", blank=True, related_name="+", verbose_name=_("ODS")
    )
    eje = models.ForeignKey(
        "reporting.EjeTematico",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eje temático"),
    )
    subtema = models.ForeignKey(
        "reporting.Subtema",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subtema"),
    )
    # The texts as printed (docs/publications.md §C5-C7), plain text with blank lines
    # between paragraphs; ``retos``: [{"texto": ..., "categoria": ... or ""}]; ``notas``: the
    # program's footnotes as printed [{"number": n, "texto": ...}].
    nombre = models.CharField(_("nombre del programa"), max_length=500)
    objetivo_programa = models.TextField(_("objetivo del programa"), blank=True)
    poblacion_objetivo = models.TextField(_("población objetivo"), blank=True)
    descripcion = models.TextField(_("descripción"), blank=True)
    resultados = models.TextField(_("resultados"), blank=True)
    retos = models.JSONField(_("retos"), default=list, blank=True)
    notas = models.JSONField(_("notas al pie"), default=list, blank=True)
    # Structured figures (docs/ficha.md): {"personas_atendidas": n or null, "mujeres": ...,
    # "hombres": ..., "otras_personas": ..., "num_acciones": ..., "tipo_acciones": ...}.
    figures = models.JSONField(_("cifras"), default=dict, blank=True)
    # The PDF page where the program's heading is printed (recorded at build time).
    page = models.PositiveIntegerField(_("página en el PDF"), null=True, blank=True)
    # Accent- and case-folded text of name, institution and texts (reporting.text.fold), for
    # the SQLite search fallback and as the source of PostgreSQL's full-text index.
    search_text = models.TextField(editable=False, blank=True)
    # PostgreSQL only: ``to_tsvector('pmm_es', search_text)``, stored by
    # ``compendium.public_record.freeze`` so a search never recomputes it (GIN-indexed by
    # migration 0010; docs/open-data.md §R5). Empty on SQLite.
    search_vector = TextSearchVector(_("vector de búsqueda"), null=True, editable=False)
    # Traceability for coordinators only; never shown or exported publicly.
    ficha_id = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("programa publicado")
        verbose_name_plural = _("programas publicados")
        constraints = [
            models.UniqueConstraint(fields=["build", "number"], name="published_program_number"),
        ]
        indexes = [models.Index(fields=["year", "objetivo"], name="published_year_objetivo")]

    def __str__(self) -> str:
        return f"{self.year} · {self.number}. {self.nombre}"


class HistoricalFigure(models.Model):
    """One figure of the years before the app (2018-2022), as UPMRIP published it.

    Reference data loaded by migration ``compendium/0008_series_history`` from the JSON file
    beside it (its only writer); never edited. Later years are counted from the published
    records (``PublishedProgram``), never stored here (docs/series.md §S1).
    """

    class Kind(models.TextChoices):
        # Acciones per PMM objective (``number`` 1-23) and the printed total of the year.
        OBJETIVO = "objetivo", _("acciones por Objetivo del PMM")
        TOTAL = "total", _("total impreso de acciones")
        # Acciones con resultados per ODS (``number`` 1-17; one acción may count under several
        # ODS) and the printed total of distinct acciones con resultados.
        ODS = "ods", _("acciones con resultados por ODS")
        TOTAL_ODS = "total_ods", _("total impreso de acciones con resultados")

    year = models.PositiveSmallIntegerField(_("año"))
    kind = models.CharField(_("tipo de cifra"), max_length=20, choices=Kind.choices)
    # Objective or ODS number; null for a printed total.
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    value = models.PositiveIntegerField(_("valor"))
    source = models.CharField(_("fuente"), max_length=400)
    # Where the source disagrees with itself (or a cell was recovered): shown with the figure.
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["year", "kind", "number"]
        verbose_name = _("cifra histórica")
        verbose_name_plural = _("cifras históricas")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number"],
                condition=models.Q(number__isnull=False),
                name="historical_figure_unique",
            ),
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=models.Q(number__isnull=True),
                name="historical_figure_one_total",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="objetivo", number__gte=1, number__lte=23)
                    | models.Q(kind="ods", number__gte=1, number__lte=17)
                    | models.Q(kind__in=["total", "total_ods"], number__isnull=True)
                ),
                name="historical_figure_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_kind_display()} {self.number or ''}: {self.value}"
