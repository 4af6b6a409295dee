from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from reporting import audit
from reporting.models import Actor, Membership, User

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


# ---------------------------------------------------------------------------------------------
# What an investigation reads: exports and role changes, ids only (issue 17)
# ---------------------------------------------------------------------------------------------


def _security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pmm.security"]


def _no_contact_data(caplog, *people: User) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records)
    for person in people:
        for value in (person.email, person.first_name, person.last_name):
            assert not value or value not in text
    assert "@" not in text


class _FormReader(HTMLParser):
    """What a browser posts for one form of a page, as the page shows it."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag in {"input", "select", "textarea"}:
            return
        if tag == "input" and a.get("type", "text") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"}:
                self.data.setdefault(a["name"], []).append(a.get("value", ""))
            elif "checked" in a:
                self.data.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "select":
            self.select, self.options = (a["name"], "multiple" in a), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[a["name"]] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [v for v, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.data[name] = chosen
            self.select = None


def _posted_form(client, url: str, form_id: str, **changes: str) -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(client.get(url).content.decode())
    data = dict(reader.data)
    for suffix, value in changes.items():
        # An inline's hidden template row (``__prefix__``) is posted too, and ignored.
        (name,) = [
            n for n in data if (n == suffix or n.endswith(f"-{suffix}")) and "__prefix__" not in n
        ]
        data[name] = [value]
    return data


def _errors(response) -> object:
    """The errors of an admin change page that refused a POST."""
    context = response.context
    inlines = [f.formset.errors for f in context["inline_admin_formsets"]]
    return context["adminform"].form.errors, inlines, context.get("errors")


def _fields_of(resource_class) -> dict[str, str]:
    prefix = resource_class.__name__.lower()
    return {f"{prefix}_{f.column_name}": "on" for f in resource_class().get_export_fields()}


def test_every_admin_export_is_logged() -> None:
    from import_export.admin import ExportMixin

    from reporting.admin import LoggedExportMixin

    exporting = [
        type(a).__name__ for a in admin.site._registry.values() if isinstance(a, ExportMixin)
    ]
    assert exporting, "no admin offers an export any more: drop this test"
    assert [
        type(a).__name__
        for a in admin.site._registry.values()
        if isinstance(a, ExportMixin) and not isinstance(a, LoggedExportMixin)
    ] == []


@pytest.mark.parametrize(
    ("model", "resource", "fmt", "extension"),
    [("actor", "ActorResource", "0", "csv"), ("ficha", "FichaResource", "1", "xlsx")],
)
def test_export_is_logged_with_ids_only(
    admin_client, ficha_a, focal_a, caplog, model, resource, fmt, extension
) -> None:
    from reporting import resources

    caplog.set_level("INFO", logger="pmm.security")
    admin_user = User.objects.get(email="admin@prueba.gob.mx")
    fields = _fields_of(getattr(resources, resource))
    response = admin_client.post(
        reverse(f"admin:reporting_{model}_export"), {"format": fmt, "resource": "0", **fields}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    rows = {"actor": Actor.objects.count(), "ficha": 1}[model]
    assert _security_lines(caplog) == [
        f"export user={admin_user.pk} model=reporting.{model} rows={rows} format={extension}"
    ]
    _no_contact_data(caplog, admin_user, focal_a)


def test_role_change_in_the_user_page_is_logged_and_audited(
    admin_client, focal_a, actor_a, caplog
) -> None:
    caplog.set_level("INFO", logger="pmm.security")
    admin_user = User.objects.get(email="admin@prueba.gob.mx")
    url = reverse("admin:reporting_user_change", args=[focal_a.pk])
    data = _posted_form(admin_client, url, "user_form", role="coordinador", actor="")

    response = admin_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    membership = Membership.objects.get(user=focal_a)
    assert (membership.role, membership.actor_id) == ("coordinador", None)
    assert _security_lines(caplog) == [
        f"role-change user={admin_user.pk} member={focal_a.pk} "
        f"role=enlace->coordinador actor={actor_a.pk}->-"
    ]
    _no_contact_data(caplog, admin_user, focal_a)
    ours = [e for e in audit.history_of(membership) if "→" in e.change_message]
    assert [(e.user_id, e.change_message) for e in ours] == [
        (
            admin_user.pk,
            f"rol: «Enlace de institución» → «Coordinación UPMRIP».\n"
            f"institución: «{actor_a}» → «—».",
        )
    ]


def test_institution_change_in_the_memberships_page_is_logged_and_audited(
    admin_client, focal_a, actor_a, actor_b, caplog
) -> None:
    caplog.set_level("INFO", logger="pmm.security")
    admin_user = User.objects.get(email="admin@prueba.gob.mx")
    membership = Membership.objects.get(user=focal_a)
    url = reverse("admin:reporting_membership_change", args=[membership.pk])
    data = _posted_form(admin_client, url, "membership_form", actor=str(actor_b.pk))
    # The autocomplete box offers only the current institution; the browser fills the other.

    response = admin_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    membership.refresh_from_db()
    assert membership.actor_id == actor_b.pk
    assert _security_lines(caplog) == [
        f"role-change user={admin_user.pk} member={focal_a.pk} "
        f"role=enlace->enlace actor={actor_a.pk}->{actor_b.pk}"
    ]
    _no_contact_data(caplog, admin_user, focal_a)
    ours = [e for e in audit.history_of(membership) if "→" in e.change_message]
    assert [e.change_message for e in ours] == [f"institución: «{actor_a}» → «{actor_b}»."]


def test_saving_a_membership_unchanged_logs_nothing(admin_client, focal_a, caplog) -> None:
    caplog.set_level("INFO", logger="pmm.security")
    membership = Membership.objects.get(user=focal_a)
    url = reverse("admin:reporting_membership_change", args=[membership.pk])
    response = admin_client.post(url, _posted_form(admin_client, url, "membership_form"))
    assert response.status_code == 302
    assert _security_lines(caplog) == []
    assert [e for e in audit.history_of(membership) if "→" in e.change_message] == []


def test_deleting_a_membership_is_logged(admin_client, coordinator, caplog) -> None:
    caplog.set_level("INFO", logger="pmm.security")
    admin_user = User.objects.get(email="admin@prueba.gob.mx")
    membership = Membership.objects.get(user=coordinator)
    url = reverse("admin:reporting_membership_delete", args=[membership.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert _security_lines(caplog) == [
        f"role-change user={admin_user.pk} member={coordinator.pk} role=coordinador->- actor=-->-"
    ]
    _no_contact_data(caplog, admin_user, coordinator)
