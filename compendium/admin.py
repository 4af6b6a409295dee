from django.contrib import admin

from compendium.models import Edicion, HistoricalFigure, PublicationBuild, PublishedProgram
from reporting.admin import ReadOnlyAdmin


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


# Frozen records: administrators may look, nobody edits them here. The public record is
# written only when a version is published (docs/open-data.md §R1), the 2018-2022 figures only
# by their data migration (docs/series.md §S1).
@admin.register(PublishedProgram)
class PublishedProgramAdmin(ReadOnlyAdmin):
    list_display = ["year", "number", "nombre", "sigla", "objetivo", "page"]
    list_filter = ["year", "chapter"]
    search_fields = ["nombre", "sigla"]
    # No ficha_id or search text: the record's public fields only.
    exclude = ["search_text", "ficha_id"]


@admin.register(HistoricalFigure)
class HistoricalFigureAdmin(ReadOnlyAdmin):
    list_display = ["year", "kind", "number", "value", "source"]
    list_filter = ["year", "kind"]
