"""The series 2018→latest (issue 14): the historical figures and the Informe's «Evolución».

Hand-written (docs/series.md §S1). Creates ``HistoricalFigure`` and loads the published
figures of 2018-2022 from the frozen copy beside this file, ``0008_series_history.json``
(Table A: acciones per PMM objective and the printed total; Table B: acciones con resultados
per ODS and the printed total, each figure with its source and, where the source disagrees with
itself, a note). This migration is the table's only writer (tests/write_owners.py); a correction
is a new data migration. Adds the two fields of the Informe's optional «Evolución 2018-AAAA».
"""

import json
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).with_suffix(".json")


def load(apps, schema_editor):
    """Insert the figures that are missing (safe to call again, e.g. after a test's flush)."""
    HistoricalFigure = apps.get_model("compendium", "HistoricalFigure")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["figures"]
    existing = set(HistoricalFigure.objects.values_list("year", "kind", "number"))
    HistoricalFigure.objects.bulk_create(
        HistoricalFigure(**row)
        for row in rows
        if (row["year"], row["kind"], row["number"]) not in existing
    )


def unload(apps, schema_editor):
    apps.get_model("compendium", "HistoricalFigure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("compendium", "0007_informe_workspace")]

    operations = [
        migrations.AddField(
            model_name="edicion",
            name="evolucion_incluida",
            field=models.BooleanField(default=True, verbose_name="incluir la evolución desde 2018"),
        ),
        migrations.AddField(
            model_name="edicion",
            name="evolucion_texto",
            field=models.TextField(blank=True, verbose_name="texto de la evolución desde 2018"),
        ),
        migrations.CreateModel(
            name="HistoricalFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="año")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("objetivo", "acciones por Objetivo del PMM"),
                            ("total", "total impreso de acciones"),
                            ("ods", "acciones con resultados por ODS"),
                            ("total_ods", "total impreso de acciones con resultados"),
                        ],
                        max_length=20,
                        verbose_name="tipo de cifra",
                    ),
                ),
                (
                    "number",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="número"),
                ),
                ("value", models.PositiveIntegerField(verbose_name="valor")),
                ("source", models.CharField(max_length=400, verbose_name="fuente")),
                ("note", models.TextField(blank=True, verbose_name="nota")),
            ],
            options={
                "verbose_name": "cifra histórica",
                "verbose_name_plural": "cifras históricas",
                "ordering": ["year", "kind", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(number__isnull=False),
                        fields=("year", "kind", "number"),
                        name="historical_figure_unique",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(number__isnull=True),
                        fields=("year", "kind"),
                        name="historical_figure_one_total",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "objetivo"), ("number__gte", 1), ("number__lte", 23)),
                            models.Q(("kind", "ods"), ("number__gte", 1), ("number__lte", 17)),
                            models.Q(
                                ("kind__in", ["total", "total_ods"]), ("number__isnull", True)
                            ),
                            _connector="OR",
                        ),
                        name="historical_figure_number",
                    ),
                ],
            },
        ),
        migrations.RunPython(load, unload),
    ]
