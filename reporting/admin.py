"""The Django admin, for administrators (docs/architecture.md §A4).

Investigations read two kinds of line here, under the ``pmm.security`` logger and with ids only:
every export (``LoggedExportMixin``) and every change of a membership's role or institution,
from the user's page or the memberships' (``record_role_change``), which also gets an audit
row through ``reporting.audit``.
"""

import logging

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reporting import audit, twofactor
from reporting.models import (
    ODS,
    Actor,
    ActorType,
    ChallengeCategory,
    Ejercicio,
    EjeTematico,
    EntidadFederativa,
    Ficha,
    FichaEvent,
    Membership,
    Nota,
    ObjetivoPMM,
    Observacion,
    Reto,
    Role,
    Subtema,
    User,
)
from reporting.resources import ActorResource, FichaResource, MembershipResource

logger = logging.getLogger("pmm.security")

# Django's and django-import-export's admin strings that locale/es_MX translates itself: Django's
# Spanish says «El ficha técnica … se cambió» (the article agrees with no feminine model name),
# and import-export's export page had two English strings. Listed only so that `makemessages`
# keeps them (docs/accessibility.md §L2); nothing reads this tuple.
ADMIN_MESSAGES = (
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
)

# The second factor is reset from the user's page («Restablecer segundo factor», audited), never
# edited: django-otp's own device pages would show every person's secret and QR code.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class LoggedExportMixin(ExportMixin):
    """django-import-export's export, logged: ``export user= model= rows= format=``.

    Every admin that offers an export mixes this in (``tests/reporting/test_admin.py`` checks).
    """

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        # The rows are counted here; the format is known only to get_export_data, which calls
        # this method with the same request.
        request.pmm_export_rows = len(data)
        return data

    def get_export_data(self, file_format, request, queryset, **kwargs):
        exported = super().get_export_data(file_format, request, queryset, **kwargs)
        logger.info(
            "export user=%s model=%s rows=%s format=%s",
            request.user.pk,
            self.model._meta.label_lower,
            getattr(request, "pmm_export_rows", "?"),
            file_format.get_extension(),
        )
        return exported


def _stored_role(membership: Membership) -> tuple[str, int | None]:
    """(role, institution id) of a membership as the database has it: ("", None) if new."""
    if membership.pk is None:
        return "", None
    row = Membership.objects.filter(pk=membership.pk).values_list("role", "actor_id").first()
    return row or ("", None)


def _role_label(role: str) -> str:
    return str(Role(role).label) if role else "—"


def _actor_label(actor_id: int | None) -> str:
    actor = Actor.objects.filter(pk=actor_id).first() if actor_id else None
    return str(actor) if actor else "—"


def record_role_change(
    request,
    membership: Membership,
    *,
    before: tuple[str, int | None],
    after: tuple[str, int | None],
) -> None:
    """Log and audit a change of ``membership``'s role or institution made in the admin.

    ``before`` and ``after`` are (role, institution id); ("", None) is no membership (added or
    deleted). The line is ``role-change user=<who> member=<account> role=<old>-><new>
    actor=<old id>-><new id>``; the audit row (``audit.record_change``) names role and institution.
    """
    if before == after:
        return
    (old_role, old_actor), (new_role, new_actor) = before, after
    logger.info(
        "role-change user=%s member=%s role=%s->%s actor=%s->%s",
        request.user.pk,
        membership.user_id,
        old_role or "-",
        new_role or "-",
        old_actor or "-",
        new_actor or "-",
    )
    changes = {}
    if old_role != new_role:
        changes["role"] = {
            "label": str(Membership._meta.get_field("role").verbose_name),
            "old": _role_label(old_role),
            "new": _role_label(new_role),
        }
    if old_actor != new_actor:
        changes["actor"] = {
            "label": str(Membership._meta.get_field("actor").verbose_name),
            "old": _actor_label(old_actor),
            "new": _actor_label(new_actor),
        }
    audit.record_change(membership, by=request.user, changes=changes)


@admin.register(ObjetivoPMM)
class ObjetivoPMMAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(ODS)
class ODSAdmin(admin.ModelAdmin):
    list_display = ["number", "short_name", "long_name"]


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs have accessible names: Django puts the labels in the column
    headers only, so each input gets an aria-label «<field> (fila N)» (axe rule «label»,
    docs/accessibility.md §A1)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):  # type: ignore[misc,valid-type]
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = _("fila nueva") if index is None else _("fila %(n)s") % {"n": index + 1}
                for name, field in form.fields.items():
                    field.widget.attrs.setdefault("aria-label", f"{field.label or name} ({row})")

        Labelled.__name__ = formset.__name__
        return Labelled


class SubtemaInline(LabelledTabularInline):
    model = Subtema
    extra = 0


@admin.register(EjeTematico)
class EjeTematicoAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    inlines = [SubtemaInline]


@admin.register(EntidadFederativa)
class EntidadFederativaAdmin(admin.ModelAdmin):
    list_display = ["inegi_code", "name", "printed_name"]
    search_fields = ["name"]


@admin.register(ActorType)
class ActorTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "chapter", "chapter_title", "lists_all_objectives"]


class ChallengeCategoryInline(LabelledTabularInline):
    model = ChallengeCategory
    extra = 0


@admin.register(Ejercicio)
class EjercicioAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "period_start", "period_end", "opens_on", "closes_on"]
    list_filter = ["status"]
    inlines = [ChallengeCategoryInline]


@admin.register(Actor)
class ActorAdmin(LoggedExportMixin, ImportExportModelAdmin):
    resource_classes = [ActorResource]
    list_display = ["name", "sigla", "tipo", "entidad", "active"]
    list_filter = ["tipo", "active"]
    search_fields = ["name", "sigla"]


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Datos personales"), {"fields": ("first_name", "last_name")}),
        (
            _("Permisos"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Fechas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["reset_second_factor"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
        for membership in deleted:
            # Audited before the row goes, while it still has its id.
            record_role_change(
                request, membership, before=_stored_role(membership), after=("", None)
            )
        changed = [
            (f.instance, _stored_role(f.instance))
            for f in formset.forms
            if f.has_changed() and f not in formset.deleted_forms
        ]
        super().save_formset(request, form, formset, change)
        for membership, before in changed:
            after = (membership.role, membership.actor_id)
            record_role_change(request, membership, before=before, after=after)

    @admin.action(description=_("Restablecer segundo factor"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """Each person loses their authenticator and backup codes and enrols again (audited)."""
        users = list(queryset)
        for user in users:
            twofactor.reset_second_factor(user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Se restableció el segundo factor de %(n)d persona: lo activará de nuevo al "
                "iniciar sesión.",
                "Se restableció el segundo factor de %(n)d personas: lo activarán de nuevo al "
                "iniciar sesión.",
                len(users),
            )
            % {"n": len(users)},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(LoggedExportMixin, ImportExportModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "role", "actor"]
    list_filter = ["role"]
    search_fields = ["user__email", "actor__sigla"]
    autocomplete_fields = ["actor"]

    def save_model(self, request, obj, form, change):
        before = _stored_role(obj)
        super().save_model(request, obj, form, change)
        record_role_change(request, obj, before=before, after=(obj.role, obj.actor_id))

    def delete_model(self, request, obj):
        record_role_change(request, obj, before=(obj.role, obj.actor_id), after=("", None))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            before = (membership.role, membership.actor_id)
            record_role_change(request, membership, before=before, after=("", None))
        super().delete_queryset(request, queryset)


class ReadOnlyInline(admin.TabularInline):
    """Rows of a ficha shown in the admin but changed only in the app (docs/architecture.md)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RetoInline(ReadOnlyInline):
    model = Reto


class NotaInline(ReadOnlyInline):
    model = Nota


class FichaEventInline(ReadOnlyInline):
    model = FichaEvent
    fields = readonly_fields = ("kind", "by", "at", "from_status", "to_status", "note", "changes")


@admin.register(Ficha)
class FichaAdmin(LoggedExportMixin, admin.ModelAdmin):
    """Fichas are read-only here: their content changes only through the app's save function
    (version check and audit row) and their status only through ``reporting.workflow``.
    Export stays (without contact data); import is not offered."""

    resource_classes = [FichaResource]
    list_display = ["nombre", "actor", "ejercicio", "objetivo_asignado", "status", "updated_at"]
    list_filter = ["ejercicio", "status", "actor__tipo", "objetivo_asignado", "destacada"]
    search_fields = ["nombre", "descripcion", "actor__sigla"]
    inlines = [RetoInline, NotaInline, FichaEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Part of a ficha or of its history: shown here, changed only in the app."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Observacion)
class ObservacionAdmin(ReadOnlyAdmin):
    list_display = ["ficha", "field", "created_at"]


@admin.register(Subtema)
class SubtemaAdmin(admin.ModelAdmin):
    list_display = ["name", "eje", "position"]
    list_filter = ["eje"]


@admin.register(ChallengeCategory)
class ChallengeCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "ejercicio", "position"]
    list_filter = ["ejercicio"]


@admin.register(Reto)
class RetoAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "ficha", "categoria"]
    list_filter = ["categoria"]


@admin.register(Nota)
class NotaAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "ficha", "marker"]


@admin.register(FichaEvent)
class FichaEventAdmin(ReadOnlyAdmin):
    """The audit trail is read-only."""

    list_display = ["ficha", "kind", "by", "at", "from_status", "to_status"]
    list_filter = ["kind", "to_status"]
