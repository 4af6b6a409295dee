"""Small builders for test data. Reference tables come from the migrations."""

import itertools

from reporting.exercises import create_ejercicio
from reporting.models import (
    Actor,
    ActorType,
    Ejercicio,
    EjercicioStatus,
    EntidadFederativa,
    Ficha,
    Membership,
    ObjetivoPMM,
    Reto,
    Role,
    User,
)

_seq = itertools.count(1)
PASSWORD = "una-contraseña-de-prueba-77"


def ejercicio(year: int = 2024, status: str = EjercicioStatus.ABIERTO) -> Ejercicio:
    existing = Ejercicio.objects.filter(year=year).first()
    return existing or create_ejercicio(year, status=status)


def actor(sigla: str | None = None, tipo: str = "apf", entidad: str | None = None, **kw) -> Actor:
    n = next(_seq)
    sigla = sigla or f"ACT{n}"
    return Actor.objects.create(
        name=kw.pop("name", f"Institución de prueba {sigla}"),
        sigla=sigla,
        tipo=ActorType.objects.get(code=tipo),
        entidad=EntidadFederativa.objects.get(inegi_code=entidad) if entidad else None,
        **kw,
    )


def user(email: str | None = None, *, role: str = Role.ENLACE, actor: Actor | None = None) -> User:
    email = email or f"persona{next(_seq)}@prueba.gob.mx"
    u = User.objects.create_user(email, PASSWORD, first_name="Persona", last_name="De Prueba")
    Membership.objects.create(user=u, role=role, actor=actor if role == Role.ENLACE else None)
    return u


def ficha(actor: Actor, ejercicio_obj: Ejercicio | None = None, **kw) -> Ficha:
    retos = kw.pop("retos", ["Falta de personal capacitado en las oficinas de atención."])
    propuestos = kw.pop("propuestos", [7])
    defaults = dict(
        nombre=f"Programa de atención a personas migrantes {next(_seq)}",
        objetivo_programa="Brindar orientación y acompañamiento a personas migrantes.",
        poblacion_objetivo="Personas migrantes en tránsito y sus familias.",
        temporalidad="permanente",
        descripcion="El programa ofrece orientación jurídica y canalización a servicios.",
        resultados="Se brindaron 1,245 atenciones en el periodo.",
        personas_atendidas=1245,
        mujeres=600,
        hombres=645,
        alcance_nacional=True,
        contacto_nombre="María Pérez López",
        contacto_cargo="Directora de Área",
        contacto_telefono="55 4321 8765",
        contacto_extension="1234",
        contacto_correo="maria.perez@prueba.gob.mx",
    )
    defaults.update(kw)
    f = Ficha.objects.create(ejercicio=ejercicio_obj or ejercicio(), actor=actor, **defaults)
    for i, text in enumerate(retos):
        Reto.objects.create(ficha=f, position=i, texto=text)
    f.objetivos_propuestos.set(ObjetivoPMM.objects.filter(number__in=propuestos))
    return f


def editorial_post(ficha: Ficha, **changes) -> dict:
    """A complete, valid POST of the coordinators' editorial form: the ficha's texts and its
    retos formset as stored, with ``changes`` on top."""
    retos = list(ficha.retos.order_by("position", "pk"))
    data: dict = {
        "loaded_version": ficha.version,
        "nombre": ficha.nombre,
        "sigla_override": ficha.sigla_override,
        "objetivo_programa": ficha.objetivo_programa,
        "poblacion_objetivo": ficha.poblacion_objetivo,
        "descripcion": ficha.descripcion,
        "resultados": ficha.resultados,
        "edit_note": "",
        "retos-TOTAL_FORMS": len(retos),
        "retos-INITIAL_FORMS": len(retos),
        "retos-MIN_NUM_FORMS": 0,
        "retos-MAX_NUM_FORMS": 1000,
    }
    for i, reto in enumerate(retos):
        data[f"retos-{i}-id"] = reto.pk
        data[f"retos-{i}-ficha"] = ficha.pk
        data[f"retos-{i}-texto"] = reto.texto
    return {**data, **changes}
