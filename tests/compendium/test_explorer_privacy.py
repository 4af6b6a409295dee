"""Privacy of the public routes (docs/open-data.md §R1): every contact value stored in the
database is absent from every public response.

``PUBLIC_ROUTES`` lists the public routes with the URLs to request for the data made here; the
test requests each of them and looks for every contact value of the database (fichas' contact
fields, people's names, emails and phones). A new public route over published data adds its
entry here.
"""

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.urls import reverse

from compendium.models import PublishedProgram
from reporting.models import Actor, Ficha, Membership, Role, User
from tests import factories
from tests.compendium.published import publish_edition


def _programs() -> list[str]:
    return [
        reverse("compendium:program", args=[year, number])
        for year, number in PublishedProgram.objects.values_list("year", "number")
    ]


def _explorer() -> list[str]:
    url = reverse("compendium:programs")
    return [
        url,
        f"{url}?page=2",
        f"{url}?anio=2023&objetivo=7",
        f"{url}?institucion=INM&q=migrantes",
        f"{url}?entidad=07&capitulo=2",
        f"{url}?page=-1",
    ]


def _dashboards() -> list[str]:
    return [reverse("compendium:dashboard", args=[year]) for year in (2023, 2024)]


def _open_data() -> list[str]:
    """Open data and the API (docs/data-and-api.md); XLSX, being zipped, is checked unzipped
    in test_opendata.py."""
    urls = [
        reverse(name)
        for name in ("compendium:data", "compendium:data_dictionary", "compendium:data_package")
    ]
    urls.append(reverse("compendium:feed"))
    for fmt in ("csv", "json"):
        urls.append(reverse("compendium:data_file_all", args=[fmt]))
        urls += [reverse("compendium:data_file", args=[year, fmt]) for year in (2023, 2024)]
    api = "/api/v1"
    return urls + [
        f"{api}/programas?por_pagina=100",
        f"{api}/programas?q=migrantes",
        f"{api}/programas/2023/1",
        f"{api}/ediciones",
        f"{api}/ediciones/2024",
        f"{api}/objetivos",
        f"{api}/agregados",
        f"{api}/openapi.json",
    ]


# name → the URLs to request (called after the data is made).
PUBLIC_ROUTES: dict[str, Callable[[], list[str]]] = {
    "home": lambda: ["/"],
    "publicaciones": lambda: [reverse("compendium:public_list")],
    "edicion": lambda: [reverse("compendium:public_edition", args=[2024])],
    "programas": _explorer,
    "programa": _programs,
    "tablero": _dashboards,
    "datos": _open_data,
    # The same pages in English under /en/ (docs/english-edition.md §E7).
    "english": lambda: (
        [
            "/en" + url
            for route in ("home", "publicaciones", "edicion", "programas", "programa", "tablero")
            for url in PUBLIC_ROUTES[route]()
        ]
        + ["/en" + reverse(name) for name in ("compendium:data", "compendium:data_dictionary")]
    ),
}


def contact_values() -> set[str]:
    """Every contact value in the database: fichas' contact fields, people, phones."""
    values: set[str] = set()
    for row in Ficha.all_objects.values_list(*Ficha.CONTACT_FIELDS):
        values.update(row)
    for email, first, last in User.objects.values_list("email", "first_name", "last_name"):
        values.update([email, first, last, f"{first} {last}"])
    values.update(Membership.objects.values_list("phone", flat=True))
    return {v.strip() for v in values if v and v.strip()}


@pytest.fixture
def published(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publish_edition(2023, programs=24)
    publish_edition(2024, programs=4, with_file=True)
    for role, email, first, last, phone in (
        (Role.ENLACE, "fulgencio.enlace@inm.gob.mx", "Fulgencio", "Tlapaltótoli", "55 1111 2222"),
        (Role.COORDINADOR, "coordina.upmrip@segob.gob.mx", "Eustaquia", "Quetzalcóatl", ""),
    ):
        user = User.objects.create_user(email, factories.PASSWORD, first_name=first, last_name=last)
        Membership.objects.create(
            user=user,
            role=role,
            actor=Actor.objects.get(sigla="INM") if role == Role.ENLACE else None,
            phone=phone,
        )
    values = contact_values()
    assert "Rigoberta Contactoprivado Quiñones" in values and "55 1111 2222" in values
    return values


@pytest.mark.parametrize("route", list(PUBLIC_ROUTES))
def test_no_contact_value_in_any_public_response(client, published, route) -> None:
    urls = PUBLIC_ROUTES[route]()
    assert urls
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        leaked = [v for v in published if v in text or quote(v) in text]
        assert not leaked, (url, leaked)


def test_contact_values_are_not_searchable(client, published) -> None:
    url = reverse("compendium:programs")
    for value in ("Rigoberta", "Contactoprivado", "enlace.privado", "9876 5432", "Fulgencio"):
        assert client.get(url, {"q": value}).context["page_obj"].paginator.count == 0
