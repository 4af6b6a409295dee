"""``{% fixed_url 'name' [pk] [as var] %}``: Django's ``{% url %}`` for an address without
arguments or with one whole number (a row's id), reversed once per process
(docs/load-test.md §L7).

Reversing costs ~0.2 ms of CPU here (the language prefix of ``i18n_patterns``, the
namespaces), and every page's header and footer reverse seven to eleven such names: more than a
millisecond on every request. An address without arguments depends only on its name, the
language, the script prefix, the URLconf and the current application namespace: those are the
key of a small per-process memory, so the address is the one ``{% url %}`` gives (tested). With
a number, the address is reversed once with a placeholder number (``PLACEHOLDER``, which no
address contains otherwise) that is replaced by the row's: a list of fichas reverses six
addresses per row.

``{% constant_text %}…{% endconstant_text %}``: the page's fixed texts, translated once per
language (docs/load-test.md §L8).
"""

import weakref

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Names × languages × prefixes: a few dozen entries. Bounded anyway, as the script prefix
# comes from the server's environment.
MEMORY_MAX = 512
_memory: dict[tuple, str | None] = {}
PLACEHOLDER = 918273645546372819


def _current_app(context) -> str | None:
    # As django.template.defaulttags.URLNode.
    request = getattr(context, "request", None) or context.get("request")
    if request is None:
        return None
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        match = getattr(request, "resolver_match", None)
        current_app = match.namespace if match else None
    return current_app


class FixedURLNode(template.Node):
    def __init__(self, node: defaulttags.URLNode):
        self.node = node

    def render(self, context) -> str:
        name = self.node.view_name.resolve(context)
        number = self.node.args[0].resolve(context) if self.node.args else None
        if number is not None and (type(number) is not int or number < 0):
            return self.node.render(context)  # not a row's id: {% url %} itself
        current_app = _current_app(context)
        key: tuple = (name, number is not None, get_language(), get_script_prefix())
        key += (get_urlconf(), current_app)
        try:
            url = _memory[key]
        except KeyError:
            args = [PLACEHOLDER] if number is not None else None
            try:
                url = reverse(name, args=args, current_app=current_app)
            except NoReverseMatch:
                url = None
            if url is not None and number is not None and url.count(str(PLACEHOLDER)) != 1:
                url = None
            if len(_memory) >= MEMORY_MAX:
                _memory.clear()
            _memory[key] = url
        if url is None:
            # Not reversible here: {% url %} itself, with its error or its empty variable.
            return self.node.render(context)
        if number is not None:
            url = url.replace(str(PLACEHOLDER), str(number))
        if self.node.asvar:
            context[self.node.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def fixed_url(parser, token) -> FixedURLNode:
    """``{% url %}`` with a name and at most one number, remembered per process."""
    node = defaulttags.url(parser, token)
    if len(node.args) > 1 or node.kwargs:
        raise template.TemplateSyntaxError("fixed_url takes a URL name and at most one number")
    return FixedURLNode(node)


class ConstantTextNode(template.Node):
    """``{% constant_text %}…{% endconstant_text %}``: text and ``{% translate "…" %}`` of
    constant strings only, rendered once per language (and autoescaping) in this process.

    A page's fixed texts (headings, guidance, buttons) cost a gettext lookup each on every
    request, ~50 on the form page (docs/load-test.md §L8). What may go inside is checked when
    the template is read, so the block can depend on nothing but the language: plain text,
    comments and ``{% translate %}`` of a literal without filters, ``as`` or a variable context.
    makemessages still finds the texts (they are ordinary ``{% translate %}`` tags).
    """

    def __init__(self, nodelist):
        for node in nodelist:
            if not _constant(node):
                raise template.TemplateSyntaxError(
                    f"constant_text takes text and {{% translate 'literal' %}} only, not {node!r}"
                )
        self.nodelist = nodelist
        self.rendered: dict[tuple, SafeString] = {}
        _constant_nodes.add(self)

    def render(self, context) -> SafeString:
        key = (get_language(), context.autoescape)
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))
        return html


# Every constant_text block compiled in this process (forget_constant_texts, for tests).
_constant_nodes: "weakref.WeakSet[ConstantTextNode]" = weakref.WeakSet()


def forget_constant_texts() -> None:
    """Forget what every constant_text block rendered (tests: a page rendered afresh)."""
    for node in list(_constant_nodes):
        node.rendered.clear()


def _constant(node) -> bool:
    from django.template.base import TextNode
    from django.template.defaulttags import CommentNode
    from django.templatetags.i18n import TranslateNode

    if isinstance(node, TextNode | CommentNode):
        return True
    if not isinstance(node, TranslateNode) or node.asvar or node.message_context:
        return False
    expression = node.filter_expression
    return not expression.filters and getattr(expression.var, "literal", None) is not None


@register.tag
def constant_text(parser, token) -> ConstantTextNode:
    nodelist = parser.parse(("endconstant_text",))
    parser.delete_first_token()
    return ConstantTextNode(nodelist)
