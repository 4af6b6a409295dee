"""Actors, people, exercises and fichas técnicas.

Reference tables (objectives, ODS, ejes, states, actor types) are filled by data migrations from
``reporting/reference.py`` and are never typed twice. ``Ficha.status`` is written only by
``reporting/workflow.py``.
"""

import datetime
from enum import nonmember
from typing import ClassVar, cast

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class ObjetivoPMM(models.Model):
    number = models.PositiveSmallIntegerField(_("número"), primary_key=True)
    title = models.CharField(_("título"), max_length=300)
    # The UN's official English title (A/RES/73/195, para. 16), for the English Informe
    # (docs/english-edition.md §E1); filled by migration 0009_english_reference.
    title_en = models.CharField(_("título en inglés"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Objetivo del PMM")
        verbose_name_plural = _("Objetivos del PMM")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def heading(self) -> str:
        return f"Objetivo {self.number}. {self.title}"


class ODS(models.Model):
    number = models.PositiveSmallIntegerField(_("número"), primary_key=True)
    short_name = models.CharField(_("nombre corto"), max_length=100)
    long_name = models.CharField(_("nombre completo"), max_length=400)
    # Official English names (A/RES/70/1; short names: the UN SDG icons), docs/english-edition.md.
    short_name_en = models.CharField(_("nombre corto en inglés"), max_length=100, blank=True)
    long_name_en = models.CharField(_("nombre completo en inglés"), max_length=400, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Objetivo de Desarrollo Sostenible (ODS)")
        verbose_name_plural = _("Objetivos de Desarrollo Sostenible (ODS)")

    def __str__(self) -> str:
        return f"ODS {self.number}. {self.short_name}"


class EjeTematico(models.Model):
    number = models.PositiveSmallIntegerField(_("número"), primary_key=True)
    name = models.CharField(_("nombre"), max_length=200)
    definition = models.TextField(_("definición"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("eje temático")
        verbose_name_plural = _("ejes temáticos")

    def __str__(self) -> str:
        return f"Eje temático {self.number}: {self.name}"


class Subtema(models.Model):
    eje = models.ForeignKey(
        EjeTematico, on_delete=models.CASCADE, related_name="subtemas", verbose_name=_("eje")
    )
    name = models.CharField(_("nombre"), max_length=200)
    position = models.PositiveSmallIntegerField(_("posición"), default=0)

    class Meta:
        ordering = ["eje", "position"]
        verbose_name = _("subtema")
        verbose_name_plural = _("subtemas")
        constraints = [models.UniqueConstraint(fields=["eje", "name"], name="subtema_unique_name")]

    def __str__(self) -> str:
        return self.name


class EntidadFederativa(models.Model):
    inegi_code = models.CharField(_("clave INEGI"), max_length=2, primary_key=True)
    name = models.CharField(_("nombre"), max_length=100, unique=True)
    printed_name = models.CharField(
        _("nombre impreso"),
        max_length=100,
        help_text=_("Como aparece en los encabezados del Compendio, en mayúsculas."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("entidad federativa")
        verbose_name_plural = _("entidades federativas")

    def __str__(self) -> str:
        return self.name


class ActorType(models.Model):
    """The kind of reporting institution, and the Compendio chapter it prints in."""

    code = models.SlugField(_("clave"), max_length=30, primary_key=True)
    name = models.CharField(_("nombre"), max_length=150)
    chapter = models.PositiveSmallIntegerField(_("capítulo"))
    chapter_title = models.CharField(_("título del capítulo"), max_length=150)
    # English names for the English Informe (docs/english-edition.md §E1).
    name_en = models.CharField(_("nombre en inglés"), max_length=150, blank=True)
    chapter_title_en = models.CharField(
        _("título del capítulo en inglés"), max_length=150, blank=True
    )
    lists_all_objectives = models.BooleanField(
        _("lista los 23 objetivos"),
        default=False,
        help_text=_(
            "Si el capítulo muestra los objetivos sin fichas con «No se reportaron acciones.»"
        ),
    )
    # Used by the Informe Ejecutivo to split federal bodies from state governments.
    is_federal = models.BooleanField(_("federal"), default=False)
    is_state = models.BooleanField(_("estatal"), default=False)

    class Meta:
        ordering = ["chapter"]
        verbose_name = _("tipo de actor")
        verbose_name_plural = _("tipos de actor")

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Exercises, actors, people
# ---------------------------------------------------------------------------------------------


class EjercicioStatus(models.TextChoices):
    PREPARACION = "preparacion", _("En preparación")
    ABIERTO = "abierto", _("Abierto")
    CERRADO = "cerrado", _("Cerrado")
    PUBLICADO = "publicado", _("Publicado")


class EjercicioQuerySet(models.QuerySet["Ejercicio"]):
    def reportable(self) -> "EjercicioQuerySet":
        """Exercises institutions may see: every one but those «en preparación»."""
        return self.exclude(status=EjercicioStatus.PREPARACION)

    def current(self) -> "Ejercicio | None":
        """The exercise pages show by default (docs/workflow.md §W10).

        The open one, else the most recent one that is not «en preparación»: creating next
        year's exercise never moves anybody's page to it.
        """
        reportable = self.reportable().order_by("-year")
        return reportable.filter(status=EjercicioStatus.ABIERTO).first() or reportable.first()

    def chosen(self, anio: str | None, *, user: "User") -> "Ejercicio | None":
        """The exercise a page shows: the year ``anio`` (``?anio=2024``), else ``current``.

        Coordinators may choose any exercise (and see the newest one when all are still «en
        preparación»); institutions never one «en preparación». Raises ``Ejercicio.DoesNotExist``
        for a year that does not exist or that ``user`` may not see (the view answers 404).
        """
        choices = self if user.is_coordinator else self.reportable()
        if anio:
            # ASCII digits only: «²».isdigit() is true and int("²") fails.
            if not (anio.isascii() and anio.isdigit()):
                raise Ejercicio.DoesNotExist(anio)
            return choices.get(year=int(anio))
        default = choices.current()
        if default is None and user.is_coordinator:
            default = choices.order_by("-year").first()
        return default

    def with_counts(self) -> "EjercicioQuerySet":
        """Each exercise with ``n_fichas``, ``n_aprobadas``, ``n_en_proceso`` and ``n_actores``.

        Counted through ``Ficha.objects``, so only the fichas every list shows count.
        """

        def count(expression: models.Aggregate, **condition: object) -> Coalesce:
            fichas = Ficha.objects.filter(ejercicio=models.OuterRef("pk"), **condition)
            rows = fichas.order_by().values("ejercicio").annotate(n=expression).values("n")
            return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), 0)

        in_progress = [s for s in FichaStatus.values if s != FichaStatus.APROBADA]
        return self.annotate(
            n_fichas=count(models.Count("pk")),
            n_aprobadas=count(models.Count("pk"), status=FichaStatus.APROBADA),
            n_en_proceso=count(models.Count("pk"), status__in=in_progress),
            n_actores=count(models.Count("actor", distinct=True)),
        )


class Ejercicio(models.Model):
    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    period_start = models.DateField(_("inicio del periodo de reporte"))
    period_end = models.DateField(_("fin del periodo de reporte"))
    opens_on = models.DateField(_("apertura de la recepción"), null=True, blank=True)
    closes_on = models.DateField(_("cierre de la recepción"), null=True, blank=True)
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=EjercicioStatus.choices,
        default=EjercicioStatus.PREPARACION,
    )

    objects = EjercicioQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("ejercicio")
        verbose_name_plural = _("ejercicios")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lt=models.F("period_end")),
                name="ejercicio_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return _("Ejercicio %(year)s") % {"year": self.year}

    @staticmethod
    def default_period(year: int) -> tuple[datetime.date, datetime.date]:
        """1 June of the previous year to 30 June of the year (docs/workflow.md §W10)."""
        return datetime.date(year - 1, 6, 1), datetime.date(year, 6, 30)

    @property
    def is_open(self) -> bool:
        return self.status == EjercicioStatus.ABIERTO

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if not self.closes_on:
            return None
        today = today or timezone.localdate()
        return (self.closes_on - today).days


class Actor(models.Model):
    """A reporting institution (dependencia, state government, chamber, OSC…)."""

    name = models.CharField(_("nombre oficial"), max_length=300)
    sigla = models.CharField(
        _("sigla"),
        max_length=80,
        unique=True,
        help_text=_(
            "Como se imprime en los encabezados del Compendio. Para gobiernos estatales, "
            "el nombre del estado en mayúsculas."
        ),
    )
    tipo = models.ForeignKey(
        ActorType, on_delete=models.PROTECT, related_name="actors", verbose_name=_("tipo")
    )
    entidad = models.ForeignKey(
        EntidadFederativa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("entidad federativa"),
    )
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")
        constraints = [
            models.CheckConstraint(
                condition=Q(tipo="estatal", entidad__isnull=False) | ~Q(tipo="estatal"),
                name="actor_state_has_entidad",
            )
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.sigla)

    @staticmethod
    def label(name: str, sigla: str) -> str:
        """«Nombre (SIGLA)», or the name alone when the sigla is the name: how an institution is
        named in lists (``__str__``, and the desk's select read without model instances)."""
        return f"{name} ({sigla})" if sigla != name else name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("The email must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str | None) -> "User":
        return self.get(email__iexact=email)

    def get(self, *args, **kwargs) -> "User":
        """``User.objects.get(pk=<int>)``, how Django's ``ModelBackend`` loads the person signed
        in on every request, reads the user and their membership (``User.membership``) in one
        statement prepared once per process (``reporting.rows.user_with_membership``;
        docs/load-test.md §L8b). Any other lookup is the ORM's."""
        pk = kwargs.get("pk")
        if (
            args
            or len(kwargs) != 1
            or type(pk) is not int
            or self._db not in (None, "default")
            # Not a related manager (``group.user_set``: a subclass with its own filter) nor a
            # migration's historical model: those are the ORM's.
            or type(self) is not UserManager
            or self.model is not User
        ):
            return super().get(*args, **kwargs)
        from reporting.rows import user_with_membership

        user = user_with_membership(pk)
        if user is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return user


class User(AbstractUser):
    """A person who logs in with their email address."""

    # Django's documented way to drop an inherited field; the stubs type it as a CharField.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("correo electrónico"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs expect AbstractUser's manager (create_user takes a username); ours takes an email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def membership(self) -> "Membership | None":
        """Read once per request (the middleware, access checks and views all ask), with its
        actor and the actor's type, and ``has_authenticator``: whether the person has a
        confirmed authenticator, so the second step's check of every request
        (reporting/twofactor.py) needs no query of its own. One statement, prepared once per
        process (``reporting.rows.membership_of``, docs/load-test.md §L7)."""
        from reporting.rows import membership_of

        membership = membership_of(self.pk)
        if membership is not None:
            membership.user = self
        return membership

    @property
    def is_coordinator(self) -> bool:
        membership = self.membership
        return bool(membership and membership.can_review) or self.is_superuser

    @property
    def actor(self) -> "Actor | None":
        membership = self.membership
        return membership.actor if membership and membership.role == Role.ENLACE else None


class Role(models.TextChoices):
    ENLACE = "enlace", _("Enlace de institución")
    COORDINADOR = "coordinador", _("Coordinación UPMRIP")
    ADMINISTRADOR = "administrador", _("Administración")


class Membership(models.Model):
    """What a person may do: focal point of one actor, or UPMRIP coordinator/administrator."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("usuario")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("institución"),
    )
    position = models.CharField(_("cargo"), max_length=200, blank=True)
    phone = models.CharField(_("teléfono"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("creada"), default=timezone.now)

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="enlace", actor__isnull=False)
                    | (~Q(role="enlace") & Q(actor__isnull=True))
                ),
                name="membership_enlace_has_actor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def can_review(self) -> bool:
        return self.role in {Role.COORDINADOR, Role.ADMINISTRADOR}


class ChallengeCategory(models.Model):
    """A «categoría de retos», editable per exercise (docs/reference-data.md §D6)."""

    ejercicio = models.ForeignKey(
        Ejercicio,
        on_delete=models.CASCADE,
        related_name="challenge_categories",
        verbose_name=_("ejercicio"),
    )
    name = models.CharField(_("nombre"), max_length=150)
    definition = models.TextField(_("definición"), blank=True)
    position = models.PositiveSmallIntegerField(_("posición"), default=0)
    # Words that suggest this category for a reto (reporting.challenges, docs/informe-workspace.md
    # §W5): comma- or line-separated; blank uses the built-in list of a default category.
    keywords = models.TextField(
        _("palabras clave para sugerir la categoría"),
        blank=True,
        help_text=_("Separadas por comas o una por línea; se comparan sin mayúsculas ni acentos."),
    )

    class Meta:
        ordering = ["ejercicio", "position", "name"]
        verbose_name = _("categoría de retos")
        verbose_name_plural = _("categorías de retos")
        constraints = [
            models.UniqueConstraint(fields=["ejercicio", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Fichas
# ---------------------------------------------------------------------------------------------


class FichaStatus(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    ENVIADA = "enviada", _("Enviada")
    EN_REVISION = "en_revision", _("En revisión")
    OBSERVADA = "observada", _("Observada")
    APROBADA = "aprobada", _("Aprobada")

    # Named groups of statuses (docs/workflow.md §W2); use these instead of local tuples.
    # The institution may edit and send the ficha (while the exercise is open).
    EDITABLE = nonmember(frozenset({"borrador", "observada"}))
    # Sent at least once and not approved yet: UPMRIP's work in progress.
    IN_REVIEW = nonmember(frozenset({"enviada", "en_revision", "observada"}))
    # Received by UPMRIP and not returned: what the institution has delivered.
    RECEIVED = nonmember(frozenset({"enviada", "en_revision", "aprobada"}))


class Temporalidad(models.TextChoices):
    PERMANENTE = "permanente", _("Permanente")
    TEMPORAL = "temporal", _("Temporal")


class FichaQuerySet(models.QuerySet["Ficha"]):
    def approved(self) -> "FichaQuerySet":
        return self.filter(status=FichaStatus.APROBADA)

    def for_print(self) -> "FichaQuerySet":
        """Approved fichas with everything the publications print, in a handful of queries."""
        return (
            self.approved()
            .select_related("actor__tipo", "actor__entidad", "objetivo_asignado")
            .prefetch_related("co_actors", "retos__categoria", "notas")
        )

    def deleted(self) -> "FichaQuerySet":
        """Drafts their institution deleted (from ``Ficha.all_objects``; ``objects`` hides them)."""
        return self.filter(deleted_at__isnull=False)


# A named base, the form of ``from_queryset`` that the mypy plugin types (a call written in the
# class statement is opaque to mypy, and every ``Ficha.objects`` query would be untyped).
_FichaManagerBase = models.Manager.from_queryset(FichaQuerySet)


class FichaManager(_FichaManagerBase["Ficha"]):
    """The default manager: every ficha except the drafts their institution deleted.

    A deleted draft (``deleted_at`` set, restorable for 30 days) must vanish from every list,
    count and choice at once, so the filter sits here rather than in each query. Related managers
    (``ejercicio.fichas``) use it too; only joins (``Count("fichas")``) must filter by hand.
    Restoring and purging go through ``Ficha.all_objects``.
    """

    def get_queryset(self) -> FichaQuerySet:
        # The plugin types the base's get_queryset as a plain QuerySet; it is a FichaQuerySet.
        return cast(FichaQuerySet, super().get_queryset()).filter(deleted_at__isnull=True)


class Ficha(models.Model):
    """One program, action or good practice reported by one institution (one ficha técnica)."""

    ejercicio = models.ForeignKey(
        Ejercicio, on_delete=models.PROTECT, related_name="fichas", verbose_name=_("ejercicio")
    )
    # 1. Institution (lead actor) and co-actors for joint programs.
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="fichas", verbose_name=_("institución")
    )
    co_actors = models.ManyToManyField(
        Actor,
        blank=True,
        related_name="joint_fichas",
        verbose_name=_("instituciones participantes"),
    )
    sigla_override = models.CharField(
        _("sigla impresa (opcional)"),
        max_length=120,
        blank=True,
        help_text=_("Sólo si el encabezado debe mostrar otra forma, p. ej. «STPS y SRE»."),
    )
    # 2. Unit. Never printed.
    unidad = models.CharField(_("Unidad/Dirección General"), max_length=300, blank=True)
    # 3. Proposed objective(s); the coordinator assigns exactly one.
    objetivos_propuestos = models.ManyToManyField(
        ObjetivoPMM,
        blank=True,
        related_name="fichas_propuestas",
        verbose_name=_("Objetivo(s) del PMM propuesto(s)"),
    )
    # 4. Program name.
    nombre = models.CharField(_("Nombre del programa"), max_length=500, blank=True)
    # 5. Description, with its structured sub-fields.
    objetivo_programa = models.TextField(_("Objetivo del programa"), blank=True)
    poblacion_objetivo = models.TextField(_("Población objetivo"), blank=True)
    fecha_inicio = models.DateField(_("Fecha de inicio"), null=True, blank=True)
    temporalidad = models.CharField(
        _("Temporalidad"), max_length=20, choices=Temporalidad.choices, blank=True
    )
    fecha_conclusion = models.DateField(_("Fecha de conclusión"), null=True, blank=True)
    descripcion = models.TextField(_("Descripción"), blank=True)
    periodo_inicio = models.DateField(_("Inicio del periodo reportado"), null=True, blank=True)
    periodo_fin = models.DateField(_("Fin del periodo reportado"), null=True, blank=True)
    # 6. Results: narrative plus structured figures.
    resultados = models.TextField(_("Resultados alcanzados"), blank=True)
    num_acciones = models.PositiveIntegerField(_("Número de acciones"), null=True, blank=True)
    tipo_acciones = models.CharField(
        _("Tipo de acciones"),
        max_length=200,
        blank=True,
        help_text=_("Campañas, foros, materiales, trámites, documentos emitidos…"),
    )
    personas_atendidas = models.PositiveIntegerField(_("Personas atendidas"), null=True, blank=True)
    mujeres = models.PositiveIntegerField(_("Mujeres"), null=True, blank=True)
    hombres = models.PositiveIntegerField(_("Hombres"), null=True, blank=True)
    otras_personas = models.PositiveIntegerField(
        _("Otras personas o sexo no especificado"), null=True, blank=True
    )
    grupos_traslapados = models.BooleanField(
        _("Los grupos se traslapan"),
        default=False,
        help_text=_("Marque si una misma persona puede contarse en más de un grupo."),
    )
    traslape_explicacion = models.TextField(_("Explicación del traslape"), blank=True)
    alcance_nacional = models.BooleanField(_("Alcance nacional"), default=False)
    entidades = models.ManyToManyField(
        EntidadFederativa,
        blank=True,
        related_name="fichas",
        verbose_name=_("Entidades federativas"),
    )
    alcance_extranjero = models.BooleanField(_("En el extranjero"), default=False)
    alcance_regiones = models.TextField(_("Regiones o localidades"), blank=True)
    explicacion_sin_cifras = models.TextField(
        _("Explicación cualitativa (si no hay cifras)"), blank=True
    )
    # Simple tables printed under «Resultados»: [{"caption": str, "header": [...], "rows": [[...]]}]
    tablas = models.JSONField(_("tablas"), default=list, blank=True)
    # 7. Challenges are Reto rows; this flag records an explicit «No se identificaron retos».
    sin_retos = models.BooleanField(_("No se identificaron retos"), default=False)
    # 8. Contact point. PRIVATE: never printed, published or logged.
    contacto_nombre = models.CharField(_("Nombre"), max_length=200, blank=True)
    contacto_cargo = models.CharField(_("Cargo"), max_length=200, blank=True)
    contacto_telefono = models.CharField(_("Teléfono"), max_length=40, blank=True)
    contacto_extension = models.CharField(_("Extensión"), max_length=20, blank=True)
    contacto_correo = models.EmailField(_("Correo electrónico"), blank=True)

    # Coordinator-side fields.
    objetivo_asignado = models.ForeignKey(
        ObjetivoPMM,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fichas",
        verbose_name=_("Objetivo del PMM asignado"),
    )
    nota_asignacion = models.TextField(_("Justificación del objetivo asignado"), blank=True)
    eje = models.ForeignKey(
        EjeTematico, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("eje temático")
    )
    subtema = models.ForeignKey(
        Subtema, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("subtema")
    )
    ods = models.ManyToManyField(ODS, blank=True, related_name="fichas", verbose_name=_("ODS"))
    destacada = models.BooleanField(_("Destacada en el Informe Ejecutivo"), default=False)
    resumen_informe = models.TextField(_("Resumen para el Informe Ejecutivo"), blank=True)
    # Its English version for the English Informe (docs/english-edition.md §E4); blank prints
    # the Spanish summary with the «[Untranslated]» marker.
    resumen_informe_en = models.TextField(
        _("Resumen para el Informe Ejecutivo en inglés"), blank=True
    )
    orden = models.PositiveIntegerField(
        _("orden"), null=True, blank=True, help_text=_("Posición dentro de su objetivo y capítulo.")
    )

    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=FichaStatus.choices,
        default=FichaStatus.BORRADOR,
        editable=False,
    )
    # Optimistic locking: every save through a form must carry the version it started from.
    version = models.PositiveIntegerField(_("versión"), default=1, editable=False)
    published_at = models.DateTimeField(_("publicada"), null=True, blank=True, editable=False)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copiada de"),
    )
    created_at = models.DateTimeField(_("creada"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("creada por"),
    )
    updated_at = models.DateTimeField(_("última modificación"), default=timezone.now)
    updated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modificada por"),
    )
    # Soft delete of a draft by its institution (reporting.editing.delete_draft); purged after
    # 30 days by ``manage.py purge_deleted_fichas``.
    deleted_at = models.DateTimeField(_("eliminada"), null=True, blank=True, editable=False)
    # Text of an imported Word file that fitted no field (reporting/docx_import.py), shown to
    # the institution on the draft. Internal: never printed, exported or published.
    texto_no_reconocido = models.TextField(_("Texto no reconocido"), blank=True, editable=False)

    objects = FichaManager()
    # Deleted drafts included: the «Fichas eliminadas» list, restoring and purging only.
    all_objects = FichaQuerySet.as_manager()

    # Field groups of the official ficha (docs/ficha.md §F1-F8), defined once and used by the
    # form, the export, copies and the demo.
    # What the institution wrote about the program itself: carried into any copy.
    PROGRAM_FIELDS = (
        "unidad",
        "nombre",
        "objetivo_programa",
        "poblacion_objetivo",
        "fecha_inicio",
        "temporalidad",
        "fecha_conclusion",
        "descripcion",
        "alcance_nacional",
        "alcance_extranjero",
        "alcance_regiones",
        "sin_retos",
    )
    # Many-to-many parts of the program, copied with it.
    PROGRAM_RELATIONS = ("objetivos_propuestos", "entidades", "co_actors")
    # What happened in one reporting period: copied by «Duplicar» (same period), never into a
    # new exercise, whose results must be that year's own (docs/ficha.md §R7).
    PERIOD_FIELDS = (
        "periodo_inicio",
        "periodo_fin",
        "resultados",
        "num_acciones",
        "tipo_acciones",
        "personas_atendidas",
        "mujeres",
        "hombres",
        "otras_personas",
        "grupos_traslapados",
        "traslape_explicacion",
        "explicacion_sin_cifras",
        "tablas",
    )
    # Fields that are never published nor exported for the public.
    CONTACT_FIELDS = (
        "contacto_nombre",
        "contacto_cargo",
        "contacto_telefono",
        "contacto_extension",
        "contacto_correo",
    )
    # Everything the institution's form edits, in the order of the official ficha: the groups
    # above (less the tables, which only imports fill) and the proposed objectives and states.
    INSTITUTION_FIELDS = (
        "unidad",
        "objetivos_propuestos",
        "nombre",
        "objetivo_programa",
        "poblacion_objetivo",
        "fecha_inicio",
        "temporalidad",
        "fecha_conclusion",
        "descripcion",
        "periodo_inicio",
        "periodo_fin",
        "num_acciones",
        "tipo_acciones",
        "personas_atendidas",
        "mujeres",
        "hombres",
        "otras_personas",
        "grupos_traslapados",
        "traslape_explicacion",
        "alcance_nacional",
        "entidades",
        "alcance_extranjero",
        "alcance_regiones",
        "explicacion_sin_cifras",
        "resultados",
        "sin_retos",
        "contacto_nombre",
        "contacto_cargo",
        "contacto_telefono",
        "contacto_extension",
        "contacto_correo",
    )
    # The coordinators' classification of a program (reporting/review.py classify).
    CLASSIFICATION_FIELDS = (
        "eje",
        "subtema",
        "ods",
        "destacada",
        "resumen_informe",
        "resumen_informe_en",
    )
    # Fields an institution may never set, whatever the request carries.
    COORDINATOR_FIELDS = (
        "objetivo_asignado",
        "nota_asignacion",
        *CLASSIFICATION_FIELDS,
        "orden",
        "status",
        "published_at",
    )

    class Meta:
        ordering = ["ejercicio", "actor__name", "nombre"]
        verbose_name = _("ficha técnica")
        verbose_name_plural = _("fichas técnicas")
        indexes = [models.Index(fields=["ejercicio", "status"])]
        constraints = [
            # docs/ficha.md §R3: an approved ficha carries exactly one PMM objective.
            models.CheckConstraint(
                condition=~Q(status="aprobada") | Q(objetivo_asignado__isnull=False),
                name="ficha_approved_has_objective",
            ),
            models.CheckConstraint(
                condition=Q(fecha_conclusion__isnull=True)
                | Q(fecha_inicio__isnull=True)
                | Q(fecha_inicio__lte=models.F("fecha_conclusion")),
                name="ficha_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.nombre or _("Ficha sin nombre (%(pk)s)") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("reporting:ficha_edit", args=[self.pk])

    @property
    def chapter(self) -> int:
        return self.actor.tipo.chapter

    @property
    def is_editable_by_institution(self) -> bool:
        return self.status in FichaStatus.EDITABLE and self.ejercicio.is_open

    @property
    def printed_sigla(self) -> str:
        """Sigla after the dash in the heading: lead actor, then co-actors joined by «/»."""
        if self.sigla_override:
            return self.sigla_override
        siglas = [self.actor.sigla] + sorted(a.sigla for a in self.co_actors.all())
        return "/".join(siglas)

    @property
    def has_figures(self) -> bool:
        return any(
            value is not None
            for value in (
                self.num_acciones,
                self.personas_atendidas,
                self.mujeres,
                self.hombres,
                self.otras_personas,
            )
        )


class Reto(models.Model):
    """One challenge («reto») of a ficha, printed as a bullet."""

    ficha = models.ForeignKey(
        Ficha, on_delete=models.CASCADE, related_name="retos", verbose_name=_("ficha")
    )
    position = models.PositiveSmallIntegerField(_("posición"), default=0)
    texto = models.TextField(_("Reto"))
    categoria = models.ForeignKey(
        ChallengeCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retos",
        verbose_name=_("categoría"),
    )

    class Meta:
        ordering = ["ficha", "position", "pk"]
        verbose_name = _("reto")
        verbose_name_plural = _("retos")

    def __str__(self) -> str:
        return self.texto[:80]


class Nota(models.Model):
    """A footnote of a ficha; the publications number them through the whole book."""

    ficha = models.ForeignKey(
        Ficha, on_delete=models.CASCADE, related_name="notas", verbose_name=_("ficha")
    )
    position = models.PositiveSmallIntegerField(_("posición"), default=0)
    marker = models.CharField(
        _("marca"),
        max_length=20,
        blank=True,
        help_text=_("Texto en el que se coloca la marca, p. ej. «[^1]» en la descripción."),
    )
    texto = models.TextField(_("nota al pie"))

    class Meta:
        ordering = ["ficha", "position", "pk"]
        verbose_name = _("nota al pie")
        verbose_name_plural = _("notas al pie")

    def __str__(self) -> str:
        return self.texto[:80]


class FichaEventKind(models.TextChoices):
    CREATED = "creada", _("Creada")
    TRANSITION = "transicion", _("Cambio de estado")
    EDIT = "edicion", _("Edición")
    CLASSIFY = "clasificacion", _("Clasificación")
    PUBLISHED = "publicacion", _("Publicación")


class FichaEvent(models.Model):
    """Audit row: who did what to a ficha and when (one per state change or recorded edit)."""

    ficha = models.ForeignKey(
        Ficha, on_delete=models.CASCADE, related_name="events", verbose_name=_("ficha")
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=FichaEventKind.choices)
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("por")
    )
    at = models.DateTimeField(_("fecha y hora"), default=timezone.now)
    from_status = models.CharField(
        _("estado anterior"), max_length=20, choices=FichaStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("estado nuevo"), max_length=20, choices=FichaStatus.choices, blank=True
    )
    note = models.TextField(_("nota"), blank=True)
    # Editorial edits: {"field": {"label": str, "old": str, "new": str}}.
    changes = models.JSONField(_("cambios"), default=dict, blank=True)
    # When the coordinators' digest reported this «enviada» transition (notifications.py).
    notified_at = models.DateTimeField(_("notificado"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["ficha", "at", "pk"]
        verbose_name = _("evento de ficha")
        verbose_name_plural = _("historial de fichas")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class Observacion(models.Model):
    """A coordinator's observation when returning a ficha: general (field="") or per field."""

    ficha = models.ForeignKey(
        Ficha, on_delete=models.CASCADE, related_name="observaciones", verbose_name=_("ficha")
    )
    event = models.ForeignKey(
        FichaEvent,
        on_delete=models.CASCADE,
        related_name="observaciones",
        null=True,
        verbose_name=_("evento"),
    )
    field = models.CharField(_("campo"), max_length=60, blank=True)
    texto = models.TextField(_("observación"))
    created_at = models.DateTimeField(_("creada"), default=timezone.now)

    # Not a column: the label of ``field``, set on the rows that ``review.ficha_history`` loads.
    label: str

    class Meta:
        ordering = ["ficha", "created_at", "pk"]
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")

    def __str__(self) -> str:
        return self.texto[:80]
