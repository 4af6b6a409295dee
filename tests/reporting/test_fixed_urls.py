"""``{% fixed_url %}`` gives what ``{% url %}`` gives (docs/load-test.md §L7)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, clear_script_prefix, resolve, set_script_prefix
from django.utils import translation

from reporting.templatetags import fixed_urls

pytestmark = pytest.mark.smoke

NAMES = [
    "home",
    "login",
    "logout",
    "account_security",
    "session_status",
    "reporting:mis_fichas",
    "reporting:bandeja",
    "compendium:public_list",
    "compendium:privacy_notice",
    "compendium:accessibility_statement",
]
WITH_PK = ["reporting:ficha_edit", "reporting:ficha_print", "reporting:ficha_duplicate"]


def render(source: str, autoescape: bool = True, **context) -> str:
    request = RequestFactory().get("/fichas/")
    request.resolver_match = resolve("/fichas/")
    return Template("{% load fixed_urls %}" + source).render(
        Context({"request": request, **context}, autoescape=autoescape)
    )


@pytest.fixture(autouse=True)
def _fresh_memory():
    fixed_urls._memory.clear()
    yield
    fixed_urls._memory.clear()
    clear_script_prefix()


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("prefix", ["/", "/pmm/"])
def test_same_address_as_url(language, prefix):
    set_script_prefix(prefix)
    with translation.override(language):
        for _ in range(2):  # reversed, then remembered
            for name in NAMES:
                assert render(f"{{% fixed_url '{name}' %}}") == render(f"{{% url '{name}' %}}")
                assert render(f"{{% fixed_url '{name}' as u %}}[{{{{ u }}}}]") == render(
                    f"{{% url '{name}' as u %}}[{{{{ u }}}}]"
                )
            for name in WITH_PK:
                for pk in (1, 42, 918273645546372818):
                    assert render(f"{{% fixed_url '{name}' pk %}}", pk=pk) == render(
                        f"{{% url '{name}' pk %}}", pk=pk
                    )
    # One entry per name and kind, per language and prefix.
    assert len(fixed_urls._memory) <= len(NAMES) + len(WITH_PK)


def test_the_language_and_prefix_are_part_of_the_key():
    with translation.override("en"):
        english = render("{% fixed_url 'compendium:public_list' %}")
    spanish = render("{% fixed_url 'compendium:public_list' %}")
    assert english.startswith("/en/") and not spanish.startswith("/en/")
    set_script_prefix("/otro/")
    assert render("{% fixed_url 'compendium:public_list' %}") == "/otro" + spanish


def test_unknown_names_behave_like_url():
    assert render("{% fixed_url 'no_such_page' as u %}[{{ u }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% fixed_url 'no_such_page' %}")
    # A value that is not a row's id is left to {% url %} itself.
    with pytest.raises(NoReverseMatch):
        render("{% fixed_url 'reporting:ficha_edit' pk %}", pk="abc")


def test_more_than_one_argument_is_refused():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        render("{% fixed_url 'reporting:ficha_edit' 1 2 %}")


@pytest.mark.parametrize(
    "pk", [True, False, -1, 0, 10**30, "5", "abc", None, 5.0, fixed_urls.PLACEHOLDER]
)
def test_odd_numbers_behave_like_url(pk):
    for _ in range(2):
        for source in (
            "{%% %s 'reporting:ficha_edit' pk %%}",
            "{%% %s 'reporting:ficha_edit' pk as u %%}[{{ u }}]",
        ):
            try:
                expected = render(source % "url", pk=pk)
            except NoReverseMatch:
                expected = "NoReverseMatch"
            try:
                found = render(source % "fixed_url", pk=pk)
            except NoReverseMatch:
                found = "NoReverseMatch"
            assert found == expected, (pk, source)


@pytest.mark.parametrize("prefix", [f"/{fixed_urls.PLACEHOLDER}/", "/a&b/", "/a b/", "/é/"])
def test_odd_prefixes_and_autoescape_behave_like_url(prefix):
    set_script_prefix(prefix)
    for _ in range(2):
        for autoescape in (True, False):
            for name, args in (("reporting:ficha_edit", " 7"), ("login", "")):
                assert render(f"{{% fixed_url '{name}'{args} %}}", autoescape=autoescape) == render(
                    f"{{% url '{name}'{args} %}}", autoescape=autoescape
                )
