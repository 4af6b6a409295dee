# Hand-written (COMMON.md): the Informe workspace's edition fields only
# (docs/informe-workspace.md).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compendium", "0006_spanish_field_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="edicion",
            name="informe_credits",
            field=models.TextField(blank=True, verbose_name="créditos del Informe Ejecutivo"),
        ),
        migrations.AddField(
            model_name="edicion",
            name="informe_authorities",
            field=models.TextField(
                blank=True,
                help_text="Una persona por línea: NOMBRE | cargo. Una línea sin «|» es un encabezado.",
                verbose_name="autoridades del Informe Ejecutivo",
            ),
        ),
        migrations.AddField(
            model_name="edicion",
            name="criterio_destacadas",
            field=models.TextField(
                blank=True, verbose_name="criterio de selección de las destacadas"
            ),
        ),
    ]
