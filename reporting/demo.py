"""Demonstration data: ``demo_data.json`` entered the way people would enter it.

``load_demo()`` fills an empty database with twenty institutions of every actor type, the UPMRIP
coordinator and administrator, focal points (enlaces), a closed Ejercicio 2023 with approved
fichas to carry over, and an open Ejercicio 2024 with fichas in every state. Texts go through
the forms and ``editing.save_ficha_form``, states through ``reporting.workflow``, last year's
program through ``carry_over``, classifications through ``review.classify_ficha``: the history,
observations and notifications are those of real use, timed at the load.

A ficha record: ``actor``; ``content``, the ficha form's fields as the enlace fills them (contact
data comes from the enlace's account); ``retos``; the ``flow`` of steps (submit, review, return,
fix, edit, approve) with their data (``return``, ``fix``, ``editorial``, ``approve``) and the
``status`` it must reach; ``classify``; optionally ``by`` (default: the actor's first enlace),
``reviewer`` (default: the coordinator), ``key`` and ``carried_over_from``.
Institution names are real; programs, people and ``@demo.gob.mx`` addresses are fictitious, and
the shared password is for demonstration only: never load this on a reachable server.
"""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from io import TextIOBase
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from reporting import twofactor, workflow
from reporting.carry_over import carry_over_fichas
from reporting.editing import save_ficha_form
from reporting.exercises import close_ejercicio, create_ejercicio
from reporting.forms import FichaForm, RetoFormSet
from reporting.models import (
    ODS,
    Actor,
    ActorType,
    Ejercicio,
    EjercicioStatus,
    EjeTematico,
    EntidadFederativa,
    Ficha,
    FichaStatus,
    Membership,
    Nota,
    ObjetivoPMM,
    Role,
    Subtema,
    User,
)
from reporting.review import classify_ficha

DATA_FILE = Path(__file__).with_name("demo_data.json")
DEMO_PASSWORD = "demo-pmm-2024"
DEMO_YEAR = 2024
PREVIOUS_YEAR = 2023
UPMRIP_LABEL = "SEGOB (UPMRIP)"
COORDINATOR = "coordinacion@demo.gob.mx"


@dataclass
class DemoAccounts:
    """What ``load_demo`` reports back: the accounts to log in with and what it created."""

    accounts: list[tuple[str, str, str]]  # (role label in Spanish, email, institution)
    password: str = DEMO_PASSWORD
    created: bool = False
    # Fichas of the demo year per status, only when this call created them.
    fichas_by_status: dict[str, int] = field(default_factory=dict)
    previous_year_fichas: int = 0
    # email -> (authenticator secret as typed in an app, backup codes left): coordinators and
    # administrators sign in with a second factor (reporting/twofactor.py), demo only.
    second_factor: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


# The coordinator's fields of a joint program and its footnotes (the admin's; the enlace has none).
_JointProgramForm = forms.modelform_factory(Ficha, fields=["sigla_override", "co_actors"])
_NotaFormSet = forms.inlineformset_factory(Ficha, Nota, fields=["marker", "texto", "position"])


def _formset_data(prefix: str, stored: list, rows: list[dict]) -> dict[str, Any]:
    """What a page posts for an inline formset: stored rows (blank when dropped), then new ones."""
    total = max(len(stored), len(rows))
    data: dict[str, Any] = {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": len(stored)}
    for i in range(total):
        data |= {f"{prefix}-{i}-{k}": v for k, v in (rows[i] if i < len(rows) else {}).items()}
        data[f"{prefix}-{i}-position"] = i + 1
        if i < len(stored):
            data[f"{prefix}-{i}-id"] = stored[i].pk
    return data


def _save(form: forms.ModelForm, formset, *, by: User, record_edit: bool) -> Ficha:
    if not (form.is_valid() and formset.is_valid()):
        raise ValueError(f"{form.instance}: {form.errors} {formset.errors}")
    version = form.instance.version
    return save_ficha_form(
        form, by=by, expected_version=version, formsets=[formset], record_edit=record_edit
    )


def _accounts(people: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The demo accounts that exist, in the printed order."""
    emails = [p["email"] for p in people]
    found = Membership.objects.select_related("user", "actor").filter(user__email__in=emails)
    return [
        (str(Role(m.role).label), m.user.email, m.actor.sigla if m.actor else UPMRIP_LABEL)
        for m in sorted(found, key=lambda m: emails.index(m.user.email))
    ]


def _demo_second_factor(people: list[dict[str, Any]]) -> dict[str, tuple[str, list[str]]]:
    """The demo coordinator's and administrator's authenticator and backup codes.

    Created when missing, and a new set of backup codes once every code was used, so that
    ``make run`` can always sign them in with the printed codes. Never in production.
    """
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo second factors are never created in production.")
    found = {}
    for row in people:
        if Role(row["role"]) not in (Role.COORDINADOR, Role.ADMINISTRADOR):
            continue
        user = User.objects.filter(email__iexact=row["email"]).first()
        if user is None:
            continue
        device = twofactor.authenticator_of(user) or twofactor.create_authenticator(user)
        codes = twofactor.backup_codes_left(user) or twofactor.create_backup_codes(user)
        found[user.email] = (twofactor.secret_for_typing(device.key), codes)
    return found


class _Loader:
    def __init__(self, data: dict[str, Any], stdout: TextIOBase | None):
        self.data, self.stdout = data, stdout
        self.actors: dict[str, Actor] = {}
        self.users: dict[str, User] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.enlaces: dict[str, list[User]] = {}
        self.by_key: dict[str, Ficha] = {}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def load_actors(self) -> None:
        types = {t.code: t for t in ActorType.objects.all()}
        for row in self.data["actors"]:
            entidad = EntidadFederativa.objects.get(pk=row["entidad"]) if "entidad" in row else None
            sigla = entidad.printed_name if entidad else row["sigla"]
            self.actors[sigla], _created = Actor.objects.get_or_create(
                sigla=sigla,
                defaults={"name": row["name"], "tipo": types[row["tipo"]], "entidad": entidad},
            )
        self.say(f"Instituciones: {len(self.actors)}.")

    def load_people(self) -> None:
        password = make_password(DEMO_PASSWORD)  # one slow hash for every account
        for row in self.data["people"]:
            role = Role(row["role"])
            user = User.objects.filter(email__iexact=row["email"]).first()
            user = user or User(email=row["email"], password=password)
            user.first_name, user.last_name = row["first_name"], row["last_name"]
            user.is_staff = role in (Role.COORDINADOR, Role.ADMINISTRADOR)
            user.is_superuser = role == Role.ADMINISTRADOR
            user.save()
            actor = self.actors[row["actor"]] if row["actor"] else None
            Membership.objects.update_or_create(
                user=user,
                defaults=dict(role=role, actor=actor, position=row["position"], phone=row["phone"]),
            )
            self.users[row["email"]], self.people[row["email"]] = user, row
            if actor is not None:
                self.enlaces.setdefault(actor.sigla, []).append(user)
        self.say(f"Cuentas: {len(self.users)}.")

    def save_content(
        self, ficha: Ficha, record: dict, content: dict, *, by: User, submitting: bool = False
    ) -> Ficha:
        """Post the enlace's form as «Guardar» (or «Enviar a revisión») does, and save it."""
        stored = list(ficha.retos.order_by("position", "pk")) if ficha.pk else []
        texts = [{"texto": reto["texto"]} for reto in record.get("retos", [])]
        data = content | _formset_data("retos", stored, texts)
        formset = RetoFormSet(data, instance=ficha, prefix="retos")
        form = FichaForm(
            data,
            instance=ficha,
            ejercicio=ficha.ejercicio,
            retos_formset=formset,
            submitting=submitting,
        )
        # As the form view: corrections after a return are audited for the reviewers.
        return _save(form, formset, by=by, record_edit=ficha.status == FichaStatus.OBSERVADA)

    def save_editorial(self, ficha: Ficha, editorial: dict[str, Any], *, by: User) -> Ficha:
        """The coordinator's joint-program fields and footnotes, saved and audited as an edit."""
        data = {
            "sigla_override": editorial.get("sigla_override", ""),
            "co_actors": [self.actors[sigla].pk for sigla in editorial.get("co_actors", [])],
        } | _formset_data("notas", [], editorial.get("notas", []))
        form = _JointProgramForm(data, instance=ficha)
        formset = _NotaFormSet(data, instance=ficha, prefix="notas")
        return _save(form, formset, by=by, record_edit=True)

    def classify(self, ficha: Ficha, record: dict[str, Any]) -> Ficha:
        """The coordinator's classification of an approved ficha and of its challenges."""
        wanted, clasif = record.get("retos", []), record.get("classify", {})
        if not (wanted or clasif):
            return ficha
        categories = {c.name: c for c in ficha.ejercicio.challenge_categories.all()}
        retos = ficha.retos.order_by("position", "pk")
        categorias = {r.pk: categories[w["categoria"]] for r, w in zip(retos, wanted, strict=True)}
        eje = EjeTematico.objects.get(pk=clasif["eje"]) if clasif else None
        return classify_ficha(
            ficha,
            by=self.users[COORDINATOR],
            expected_version=ficha.version,
            eje=eje,
            subtema=Subtema.objects.get(eje=eje, name=clasif["subtema"]) if eje else None,
            ods=ODS.objects.filter(pk__in=clasif.get("ods", [])),
            destacada=clasif.get("destacada", False),
            resumen_informe=clasif.get("resumen_informe", ""),
            categorias=categorias,
        )

    def load_ficha(self, ejercicio: Ejercicio, record: dict[str, Any]) -> Ficha:
        actor = self.actors[record["actor"]]
        enlace = self.users[record["by"]] if "by" in record else self.enlaces[actor.sigla][0]
        reviewer = self.users[record.get("reviewer", COORDINATOR)]
        content = dict(record["content"])
        if content.get("descripcion") and content.get("objetivo_programa"):
            # The enlace gives themself as contact point, as their account describes them.
            person = self.people[enlace.email]
            phone, _sep, extension = person["phone"].partition(" ext. ")
            contact = (enlace.get_full_name(), person["position"], phone, extension)
            content |= dict(zip(Ficha.CONTACT_FIELDS, (*contact, enlace.email), strict=True))
        ficha = Ficha(actor=actor, ejercicio=ejercicio)
        if old := self.by_key.get(record.get("carried_over_from", "")):
            (ficha,) = carry_over_fichas(
                actor, from_ejercicio=old.ejercicio, to_ejercicio=ejercicio, by=enlace, ids=[old.pk]
            )
        if record["flow"][:1] != ["submit"]:  # else «Enviar a revisión» saves the text first
            ficha = self.save_content(ficha, record, content, by=enlace)
        for step in record["flow"]:
            if step == "submit":
                ficha = self.save_content(ficha, record, content, by=enlace, submitting=True)
                ficha = workflow.submit(ficha, by=enlace)
            elif step == "review":
                ficha = workflow.start_review(ficha, by=reviewer)
            elif step == "return":
                ficha = workflow.return_for_changes(ficha, by=reviewer, **record["return"])
            elif step == "fix":
                content |= record["fix"]
                ficha = self.save_content(ficha, record, content, by=enlace)
            elif step == "edit":
                ficha = self.save_editorial(ficha, record["editorial"], by=reviewer)
            elif step == "approve":
                objective = ObjetivoPMM.objects.get(pk=record["approve"]["objective"])
                note = record["approve"].get("note", "")
                ficha = workflow.approve(ficha, by=reviewer, objective=objective, note=note)
            else:
                raise ValueError(f"{ficha}: unknown step {step!r}")
        if ficha.status == FichaStatus.APROBADA:
            ficha = self.classify(ficha, record)
        if ficha.status != record["status"]:
            raise ValueError(f"{ficha}: {ficha.status} != {record['status']}")
        if "key" in record:
            self.by_key[record["key"]] = ficha
        return ficha


@transaction.atomic
def load_demo(*, stdout: TextIOBase | None = None) -> DemoAccounts:
    """Create the demonstration data unless an Ejercicio 2024 already exists.

    Side effects: creates institutions (reusing those with the same sigla), users and
    memberships, two exercises and their fichas through the domain functions, which write the
    audit rows and queue notifications for when the transaction commits. Every call (also
    when the data exists) makes sure the demo coordinator and administrator have a second
    factor (``_demo_second_factor``). Refused in production settings.
    Returns the accounts to log in with.
    """
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demonstration data is never loaded in production.")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if Ejercicio.objects.filter(year=DEMO_YEAR).exists():
        return DemoAccounts(
            accounts=_accounts(data["people"]),
            created=False,
            second_factor=_demo_second_factor(data["people"]),
        )

    loader = _Loader(data, stdout)
    loader.load_actors()
    loader.load_people()
    previous_count = 0
    if not Ejercicio.objects.filter(year=PREVIOUS_YEAR).exists():
        # Open while its fichas are sent and approved, then closed as in real life.
        previous = create_ejercicio(
            PREVIOUS_YEAR,
            status=EjercicioStatus.ABIERTO,
            opens_on=datetime.date(PREVIOUS_YEAR, 7, 3),
            closes_on=datetime.date(PREVIOUS_YEAR, 8, 31),
        )
        previous_count = len(
            [loader.load_ficha(previous, record) for record in data["fichas"][str(PREVIOUS_YEAR)]]
        )
        close_ejercicio(previous, by=loader.users[COORDINATOR])
        loader.say(f"Ejercicio {PREVIOUS_YEAR}: {previous_count} fichas aprobadas.")

    today = timezone.localdate()
    current = create_ejercicio(
        DEMO_YEAR,
        status=EjercicioStatus.ABIERTO,
        opens_on=today - datetime.timedelta(days=28),
        closes_on=today + datetime.timedelta(days=21),
    )
    fichas = [loader.load_ficha(current, record) for record in data["fichas"][str(DEMO_YEAR)]]
    by_status = dict(Counter(ficha.status for ficha in fichas))
    loader.say(f"Ejercicio {DEMO_YEAR}: {sum(by_status.values())} fichas.")
    return DemoAccounts(
        accounts=_accounts(data["people"]),
        created=True,
        fichas_by_status=by_status,
        previous_year_fichas=previous_count,
        second_factor=_demo_second_factor(data["people"]),
    )
