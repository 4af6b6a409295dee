"""CSV/XLSX import and export (django-import-export) for actors, people and fichas.

Exports escape every cell that a spreadsheet would read as a formula, not only a leading «=»,
and the ficha export never contains the private contact fields.
"""

from import_export import fields, resources, widgets

from reporting.models import Actor, ActorType, EntidadFederativa, Ficha, Membership, Role, User

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


class ActorResource(SafeExportResource):
    tipo = fields.Field(
        attribute="tipo", column_name="tipo", widget=widgets.ForeignKeyWidget(ActorType, "code")
    )
    entidad = fields.Field(
        attribute="entidad",
        column_name="entidad",
        widget=widgets.ForeignKeyWidget(EntidadFederativa, "inegi_code"),
    )

    class Meta:
        model = Actor
        # Rows are matched by sigla, never by database id, so an import cannot hit another row.
        import_id_fields = ["sigla"]
        fields = ["name", "sigla", "tipo", "entidad", "active"]
        export_order = fields
        skip_unchanged = True
        report_skipped = True


class MembershipResource(SafeExportResource):
    """One row per person: email, names, role and (for focal points) the actor's sigla."""

    email = fields.Field(attribute="user__email", column_name="correo")
    first_name = fields.Field(attribute="user__first_name", column_name="nombre")
    last_name = fields.Field(attribute="user__last_name", column_name="apellidos")
    actor = fields.Field(
        attribute="actor",
        column_name="institucion",
        widget=widgets.ForeignKeyWidget(Actor, "sigla"),
    )
    role = fields.Field(attribute="role", column_name="rol")

    class Meta:
        model = Membership
        import_id_fields = ["email"]
        fields = ["email", "first_name", "last_name", "role", "actor"]
        export_order = fields
        skip_unchanged = False

    def get_instance(self, instance_loader, row):
        email = (row.get("correo") or "").strip().lower()
        return Membership.objects.select_related("user").filter(user__email__iexact=email).first()

    def init_instance(self, row=None):
        email = (row.get("correo") or "").strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            # Unusable password: the person sets one through the invitation link.
            user = User(email=email)
            user.set_unusable_password()
        return Membership(user=user)

    def import_instance(self, instance, row, **kwargs):
        # An import only brings in new focal points. Roles and institutions of existing
        # accounts change by hand, by an administrator, with an audit row (issue 17): an
        # import file must never turn a focal point into a coordinator or add an administrator.
        if instance.user.pk is not None:
            raise ValueError(
                "La cuenta ya existe: su rol e institución sólo se cambian en su ficha de usuario."
            )
        super().import_instance(instance, row, **kwargs)
        if instance.role != Role.ENLACE:
            raise ValueError(
                f"Rol {instance.role!r}: por importación sólo se dan de alta enlaces; las "
                "cuentas de coordinación y administración se crean una por una."
            )
        instance.user.email = (row.get("correo") or "").strip().lower()
        instance.user.first_name = (row.get("nombre") or "").strip()
        instance.user.last_name = (row.get("apellidos") or "").strip()

    def save_instance(self, instance, is_create, row, **kwargs):
        # Imports run in a transaction that a dry run rolls back, user row included.
        instance.user.save()
        instance.user_id = instance.user.pk
        instance.full_clean(exclude=["user"])
        super().save_instance(instance, is_create, row, **kwargs)


class FichaResource(SafeExportResource):
    """Fichas without contact data: safe to hand to anyone."""

    ejercicio = fields.Field(
        attribute="ejercicio",
        column_name="ejercicio",
        widget=widgets.ForeignKeyWidget("reporting.Ejercicio", "year"),
    )
    actor = fields.Field(
        attribute="actor",
        column_name="institucion",
        widget=widgets.ForeignKeyWidget(Actor, "sigla"),
    )
    objetivo_asignado = fields.Field(
        attribute="objetivo_asignado",
        column_name="objetivo_pmm",
        widget=widgets.ForeignKeyWidget("reporting.ObjetivoPMM", "number"),
        readonly=True,
    )
    status = fields.Field(attribute="get_status_display", column_name="estado", readonly=True)

    class Meta:
        model = Ficha
        # The program and its period's figures; never the contact block nor the unit's name.
        fields = [
            "id",
            "ejercicio",
            "actor",
            "objetivo_asignado",
            *(name for name in Ficha.PROGRAM_FIELDS if name != "unidad"),
            *(name for name in Ficha.PERIOD_FIELDS if name != "tablas"),
            "status",
        ]
        export_order = fields
        # Never exported, whatever a future edit of `fields` says.
        exclude = list(Ficha.CONTACT_FIELDS) + ["unidad"]
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Ficha.objects.select_related("ejercicio", "actor", "objetivo_asignado")
