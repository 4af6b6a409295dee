"""The figures of each published version, frozen when it is published (issue 17).

Versions published before this migration keep an empty ``public_figures``: their figures are
not recomputed here. The fichas they counted cannot be recovered honestly: an Informe marks no
ficha, a Compendio marks only the fichas it published for the first time (``Ficha.published_at``
keeps the first date, so a second version's set is unknown), and the content of those fichas
(objective, institution, results) may have changed since. The public page says so for such a
version and points to its PDF; publishing a new version records its figures
(docs/publications.md §V2).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compendium", "0003_build_one_active_per_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicationbuild",
            name="public_figures",
            field=models.JSONField(
                blank=True, editable=False, null=True, verbose_name="cifras publicadas"
            ),
        ),
    ]
