# Hand-written (COMMON.md): the «Texto no reconocido» note of a ficha imported from Word
# (docs/word.md §W4).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_challengecategory_keywords"),
    ]

    operations = [
        migrations.AddField(
            model_name="ficha",
            name="texto_no_reconocido",
            field=models.TextField(blank=True, editable=False, verbose_name="Texto no reconocido"),
        ),
    ]
