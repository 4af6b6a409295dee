# Spanish verbose names for fields that had none (issue 11); hand-written, AlterField only.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_ficha_deleted_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="challengecategory",
            name="ejercicio",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="challenge_categories",
                to="reporting.ejercicio",
                verbose_name="ejercicio",
            ),
        ),
        migrations.AlterField(
            model_name="ficha",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="reporting.ficha",
                verbose_name="copiada de",
            ),
        ),
        migrations.AlterField(
            model_name="ficha",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="creada por",
            ),
        ),
        migrations.AlterField(
            model_name="ficha",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="modificada por",
            ),
        ),
        migrations.AlterField(
            model_name="ficha",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="versión"),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="fecha y hora"
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="por",
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="changes",
            field=models.JSONField(blank=True, default=dict, verbose_name="cambios"),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="ficha",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="reporting.ficha",
                verbose_name="ficha",
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("borrador", "Borrador"),
                    ("enviada", "Enviada"),
                    ("en_revision", "En revisión"),
                    ("observada", "Observada"),
                    ("aprobada", "Aprobada"),
                ],
                max_length=20,
                verbose_name="estado anterior",
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("creada", "Creada"),
                    ("transicion", "Cambio de estado"),
                    ("edicion", "Edición"),
                    ("clasificacion", "Clasificación"),
                    ("publicacion", "Publicación"),
                ],
                max_length=20,
                verbose_name="tipo",
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="nota"),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="notified_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="notificado"
            ),
        ),
        migrations.AlterField(
            model_name="fichaevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("borrador", "Borrador"),
                    ("enviada", "Enviada"),
                    ("en_revision", "En revisión"),
                    ("observada", "Observada"),
                    ("aprobada", "Aprobada"),
                ],
                max_length=20,
                verbose_name="estado nuevo",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="creada"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="usuario",
            ),
        ),
        migrations.AlterField(
            model_name="nota",
            name="ficha",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notas",
                to="reporting.ficha",
                verbose_name="ficha",
            ),
        ),
        migrations.AlterField(
            model_name="observacion",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="creada"),
        ),
        migrations.AlterField(
            model_name="observacion",
            name="event",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observaciones",
                to="reporting.fichaevent",
                verbose_name="evento",
            ),
        ),
        migrations.AlterField(
            model_name="observacion",
            name="ficha",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observaciones",
                to="reporting.ficha",
                verbose_name="ficha",
            ),
        ),
        migrations.AlterField(
            model_name="reto",
            name="ficha",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="retos",
                to="reporting.ficha",
                verbose_name="ficha",
            ),
        ),
        migrations.AlterField(
            model_name="subtema",
            name="eje",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subtemas",
                to="reporting.ejetematico",
                verbose_name="eje",
            ),
        ),
    ]
