"""Spanish where Django and its add-ons leave English or the wrong gender, and chart colours and
names that work without sight of colour (issue 11, docs/accessibility.md §L2, §C1, §C2)."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext
from django.views.i18n import JavaScriptCatalog

from compendium import charts
from reporting.admin import ADMIN_MESSAGES


@pytest.fixture(autouse=True)
def spanish():
    with translation.override("es-mx"):
        yield


@pytest.mark.parametrize("msgid", ADMIN_MESSAGES)
def test_admin_messages_are_spanish_and_agree_with_any_gender(msgid):
    text = gettext(msgid)
    assert text != msgid
    # Django's own Spanish says «El {name}…»: «El ficha técnica», «El institución».
    assert not re.match(r"^(El|Eliminado|Agregado|Añadido)\b", text), text
    # The placeholders survive the translation.
    assert set(re.findall(r"\{\w*\}|%\(\w+\)s", text)) == set(
        re.findall(r"\{\w*\}|%\(\w+\)s", msgid)
    )


def test_admin_date_widgets_speak_spanish_day_first():
    response = JavaScriptCatalog.as_view(packages=["django.contrib.admin"])(
        RequestFactory().get("/admin/jsi18n/")
    )
    catalog = response.content.decode()
    assert '"Today (%(date)s)": "Hoy (%(date)s)"' in catalog
    assert '"%(month)s %(day)s, %(year)s": "%(day)s de %(month)s de %(year)s"' in catalog
    assert '"November": "noviembre"' in catalog


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_neighbouring_map_classes_differ_by_three_to_one_or_a_pattern():
    solid = [fill for fill in charts.MAP_FILLS if fill.startswith("#")]
    for lower, higher in zip(solid, solid[1:], strict=False):
        assert _contrast(lower, higher) >= 3, (lower, higher, _contrast(lower, higher))
    # The last class is hatched (four steps of 3:1 do not fit between white and black).
    assert charts.MAP_FILLS[len(solid) :] == ["url(#mapa-trama)"]
    svg = str(charts.state_map({"19": 22, "07": 4, "04": 2}, map_id="m"))
    assert '<pattern id="mapa-trama"' in svg
    # State borders stand out from the white of «Sin fichas».
    border = re.search(r'stroke="(#[0-9A-F]{6})"', svg)
    assert border and _contrast(border.group(1), "#FFFFFF") >= 3


def test_charts_are_named_by_their_title_not_by_every_value():
    svg = str(charts.state_map({"19": 22, "07": 4}, map_id="m"))
    assert 'aria-labelledby="m-t"' in svg and 'aria-describedby="m-d"' in svg
    description = re.search(r'<desc id="m-d">(.*?)</desc>', svg).group(1)
    assert "Nuevo León" not in description and "22" not in description
