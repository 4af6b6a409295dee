"""Every model field has a Spanish label (issue 11, docs/accessibility.md §L1).

A field without ``verbose_name`` is labelled with its Python name: the admin's ficha history
inline read «KIND BY AT FROM STATUS TO STATUS NOTE CHANGES». Django's own models (auth, otp,
tasks) are translated by their catalogues; ours carry a Spanish ``verbose_name``.
"""

import pytest
from django.apps import apps

from reporting.models import FichaEvent

# Fields of models other sessions are still building; the coordinator removes an entry once
# the field has its label (the test fails on an entry that no longer needs it).
PENDING = {
    "compendium.PublishedProgram.search_text",
    "compendium.PublishedProgram.ficha_id",
}


def our_fields():
    for label in ("reporting", "compendium"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.auto_created or not field.concrete:
                    continue
                yield f"{label}.{model.__name__}.{field.name}", field


def test_every_field_has_an_explicit_spanish_verbose_name():
    missing = sorted(
        name for name, field in our_fields() if field._verbose_name is None and name not in PENDING
    )
    assert not missing, f"fields without a Spanish verbose_name: {missing}"


def test_no_pending_entry_is_stale():
    labelled = {name for name, field in our_fields() if field._verbose_name is not None}
    assert not (PENDING & labelled), "remove these from PENDING"


@pytest.mark.parametrize("name", ["kind", "by", "at", "from_status", "to_status", "note"])
def test_history_inline_headers_are_spanish(name):
    label = str(FichaEvent._meta.get_field(name).verbose_name)
    assert label != name.replace("_", " ")
