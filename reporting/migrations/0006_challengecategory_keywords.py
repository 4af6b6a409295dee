# Hand-written (COMMON.md): keywords that suggest a challenge category
# (docs/informe-workspace.md §W5).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_spanish_field_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="challengecategory",
            name="keywords",
            field=models.TextField(
                blank=True,
                help_text="Separadas por comas o una por línea; se comparan sin mayúsculas ni acentos.",
                verbose_name="palabras clave para sugerir la categoría",
            ),
        ),
    ]
