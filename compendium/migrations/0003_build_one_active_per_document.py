"""One build of a document at a time, enforced by the database (issue 17).

Before the constraint can exist, a database may already hold several queued or building builds
of one document (two simultaneous clicks, or a draft left «queued» by a crashed worker next to a
newer one): all but the newest are marked failed, as ``compendium.builds`` marks an abandoned
build, and a failed publication gives its version number back.
"""

from django.db import migrations, models
from django.utils import timezone

ACTIVE = ["queued", "building"]
INTERRUPTED = "La generación se interrumpió (el proceso terminó antes de acabar)."


def fail_all_but_newest_active(apps, schema_editor):
    PublicationBuild = apps.get_model("compendium", "PublicationBuild")
    newest: dict[tuple[int, str], int] = {}
    for pk, edicion_id, document in (
        PublicationBuild.objects.filter(status__in=ACTIVE)
        .order_by("-created_at", "-pk")
        .values_list("pk", "edicion_id", "document")
    ):
        newest.setdefault((edicion_id, document), pk)
    PublicationBuild.objects.filter(status__in=ACTIVE).exclude(pk__in=newest.values()).update(
        status="failed", version=None, finished_at=timezone.now(), error=INTERRUPTED
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compendium", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(fail_all_but_newest_active, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="publicationbuild",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "building"])),
                fields=("edicion", "document"),
                name="build_one_active_per_document",
            ),
        ),
    ]
