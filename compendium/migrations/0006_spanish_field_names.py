# Spanish verbose names for fields that had none (issue 11); hand-written, AlterField only.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compendium", "0005_published_program"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="edicion",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="última modificación"),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="solicitada"
            ),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="edicion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="builds",
                to="compendium.edicion",
                verbose_name="edición",
            ),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="terminada"),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="solicitada por",
            ),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="iniciada"),
        ),
        migrations.AlterField(
            model_name="publicationbuild",
            name="task_id",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="identificador de la tarea"
            ),
        ),
    ]
