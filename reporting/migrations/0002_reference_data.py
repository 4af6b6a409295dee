"""Load the reference tables from reporting/reference.py (objectives, ODS, ejes, states, types)."""

from django.db import migrations


def load(apps, schema_editor):
    from reporting import reference

    ObjetivoPMM = apps.get_model("reporting", "ObjetivoPMM")
    ODS = apps.get_model("reporting", "ODS")
    EjeTematico = apps.get_model("reporting", "EjeTematico")
    Subtema = apps.get_model("reporting", "Subtema")
    EntidadFederativa = apps.get_model("reporting", "EntidadFederativa")
    ActorType = apps.get_model("reporting", "ActorType")

    for number, title in reference.OBJETIVOS_PMM:
        ObjetivoPMM.objects.update_or_create(number=number, defaults={"title": title})
    for number, short, long in reference.ODS:
        ODS.objects.update_or_create(
            number=number, defaults={"short_name": short, "long_name": long}
        )
    for number, name, definition, subtemas in reference.EJES_TEMATICOS:
        eje, _ = EjeTematico.objects.update_or_create(
            number=number, defaults={"name": name, "definition": definition}
        )
        for position, sub in enumerate(subtemas, start=1):
            Subtema.objects.update_or_create(eje=eje, name=sub, defaults={"position": position})
    for code, name, printed in reference.ENTIDADES:
        EntidadFederativa.objects.update_or_create(
            inegi_code=code, defaults={"name": name, "printed_name": printed}
        )
    for code, name, chapter, title, lists_all, federal, state in reference.ACTOR_TYPES:
        ActorType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "chapter": chapter,
                "chapter_title": title,
                "lists_all_objectives": lists_all,
                "is_federal": federal,
                "is_state": state,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
