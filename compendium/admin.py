from django.contrib import admin

from compendium.models import Edicion, PublicationBuild


@admin.register(Edicion)
class EdicionAdmin(admin.ModelAdmin):
    list_display = ["title", "ejercicio", "updated_at"]


@admin.register(PublicationBuild)
class PublicationBuildAdmin(admin.ModelAdmin):
    list_display = ["edicion", "document", "draft", "status", "version", "pages", "created_at"]
    list_filter = ["document", "draft", "status"]
    readonly_fields = [f.name for f in PublicationBuild._meta.fields]

    def has_add_permission(self, request):
        return False
