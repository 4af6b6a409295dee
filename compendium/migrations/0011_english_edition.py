"""The English Informe Ejecutivo (docs/english-edition.md §E3-E4): its document choice and the
edition's English texts."""

from django.db import migrations, models


def _text(name: str, label: str) -> migrations.AddField:
    return migrations.AddField(
        model_name="edicion",
        name=name,
        field=models.TextField(blank=True, verbose_name=label),
    )


class Migration(migrations.Migration):
    dependencies = [("compendium", "0010_public_record_search_vector")]

    operations = [
        _text("preambulo_en", "preámbulo en inglés"),
        _text("analisis_general_en", "análisis de la gráfica general en inglés"),
        _text("analisis_federal_en", "análisis de la gráfica federal en inglés"),
        _text("analisis_estatal_en", "análisis de la gráfica estatal en inglés"),
        _text("conclusiones_en", "conclusiones en inglés"),
        _text("evolucion_texto_en", "texto de la evolución en inglés"),
        migrations.AlterField(
            model_name="publicationbuild",
            name="document",
            field=models.CharField(
                choices=[
                    ("compendio", "Compendio General"),
                    ("informe", "Informe Ejecutivo"),
                    ("informe_en", "Informe Ejecutivo (inglés)"),
                ],
                max_length=20,
                verbose_name="documento",
            ),
        ),
    ]
