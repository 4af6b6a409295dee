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


def test_ficha_content_cannot_change_behind_the_audit(admin_client, ficha_a):
    """Even a superuser only views a ficha in the admin: a POST changes nothing."""
    url = reverse("admin:reporting_ficha_change", args=[ficha_a.pk])
    version, events = ficha_a.version, ficha_a.events.count()
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="nombre"' not in page.content  # shown, not editable
    response = admin_client.post(url, {"nombre": "Renombrada en el admin"})
    assert response.status_code == 403
    ficha_a.refresh_from_db()
    assert ficha_a.nombre != "Renombrada en el admin"
    assert (ficha_a.version, ficha_a.events.count()) == (version, events)


def test_ficha_admin_offers_no_import_and_no_add(admin_client, ficha_a):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:reporting_ficha_import")
    assert admin_client.get(reverse("admin:reporting_ficha_add")).status_code == 403


@pytest.mark.parametrize("model", ["reto", "nota", "observacion", "fichaevent"])
def test_parts_of_a_ficha_are_read_only_in_the_admin(admin_client, ficha_a, model):
    from django.apps import apps

    model_class = apps.get_model("reporting", model)
    model_admin = admin.site._registry[model_class]
    request = admin_client.get("/").wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
