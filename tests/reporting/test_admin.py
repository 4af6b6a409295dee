import pytest
from django.contrib import admin
from django.urls import reverse

from reporting.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin@prueba.gob.mx", "una-clave-larga-123")
    client.force_login(user)
    return client


def test_every_model_has_a_working_admin_changelist(admin_client, ficha_a):
    from django.apps import apps

    ours = [m for app in ("reporting", "compendium") for m in apps.get_app_config(app).get_models()]
    assert [m.__name__ for m in ours if m not in admin.site._registry] == []
    models = [m for m in admin.site._registry if m._meta.app_label in {"reporting", "compendium"}]
    for model in models:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_ficha_admin_export_xlsx_has_no_contact_data(admin_client, ficha_a):
    import io

    import openpyxl

    url = reverse("admin:reporting_ficha_export")
    response = admin_client.post(
        url, {"format": "1", "resource": "0", "export_items": [ficha_a.pk], **_all_fields()}
    )
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        pytest.fail("export form did not produce a file: " + response.content.decode()[:500])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert ficha_a.nombre in cells
    assert not any("maria.perez" in c or "María Pérez" in c for c in cells)


def _all_fields():
    from reporting.resources import FichaResource

    return {f"ficharesource_{f.column_name}": "on" for f in FichaResource().get_export_fields()}
