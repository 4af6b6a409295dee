from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reporting import twofactor
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
    Subtema,
    User,
)
from reporting.resources import ActorResource, FichaResource, MembershipResource

# The second factor is reset from the user's page («Restablecer segundo factor», audited), never
# edited: django-otp's own device pages would show every person's secret and QR code.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(ObjetivoPMM)
class ObjetivoPMMAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(ODS)
class ODSAdmin(admin.ModelAdmin):
    list_display = ["number", "short_name", "long_name"]


class SubtemaInline(admin.TabularInline):
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


class ChallengeCategoryInline(admin.TabularInline):
    model = ChallengeCategory
    extra = 0


@admin.register(Ejercicio)
class EjercicioAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "period_start", "period_end", "opens_on", "closes_on"]
    list_filter = ["status"]
    inlines = [ChallengeCategoryInline]


@admin.register(Actor)
class ActorAdmin(ImportExportModelAdmin):
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
class MembershipAdmin(ImportExportModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "role", "actor"]
    list_filter = ["role"]
    search_fields = ["user__email", "actor__sigla"]
    autocomplete_fields = ["actor"]


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
class FichaAdmin(ExportMixin, admin.ModelAdmin):
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
