"""Load the reference tables (objectives, ODS, ejes, states, actor types).

The data is a frozen copy, ``0002_reference_data.json`` beside this file, taken from
reporting/reference.py when this migration was written. It never reads the live module, so
editing reference.py later cannot change or break what a fresh install gets: a later change of
reference data is a new data migration.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).with_suffix(".json")


def load(apps, schema_editor):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    ObjetivoPMM = apps.get_model("reporting", "ObjetivoPMM")
    ODS = apps.get_model("reporting", "ODS")
    EjeTematico = apps.get_model("reporting", "EjeTematico")
    Subtema = apps.get_model("reporting", "Subtema")
    EntidadFederativa = apps.get_model("reporting", "EntidadFederativa")
    ActorType = apps.get_model("reporting", "ActorType")

    for row in data["ObjetivoPMM"]:
        ObjetivoPMM.objects.update_or_create(number=row.pop("number"), defaults=row)
    for row in data["ODS"]:
        ODS.objects.update_or_create(number=row.pop("number"), defaults=row)
    for row in data["EjeTematico"]:
        subtemas = row.pop("subtemas")
        eje, _ = EjeTematico.objects.update_or_create(number=row.pop("number"), defaults=row)
        for position, name in enumerate(subtemas, start=1):
            Subtema.objects.update_or_create(eje=eje, name=name, defaults={"position": position})
    for row in data["EntidadFederativa"]:
        EntidadFederativa.objects.update_or_create(inegi_code=row.pop("inegi_code"), defaults=row)
    for row in data["ActorType"]:
        ActorType.objects.update_or_create(code=row.pop("code"), defaults=row)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
