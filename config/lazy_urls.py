"""A URL include whose module is imported at its first use (docs/data-and-api.md §A1).

``include("module")`` imports the module when the URLconf loads, and Django's reverse() makes
every nested resolver fill its names as soon as any name is reversed (which every page does).
``LazyURLResolver`` leaves its module unimported until a request's path reaches its prefix or
a name of its namespace is reversed; the parent's filling skips it (a namespaced include adds
only its namespace to the parent, not its names). Used for the public API, whose django-ninja
and pydantic are half of the URLconf's import time (docs/load-test.md §L4).

System checks (``manage.py check``, runserver) still walk every pattern and import it.
"""

from typing import Any

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class LazyURLResolver(URLResolver):
    def _loaded(self) -> bool:
        return "urlconf_module" in self.__dict__  # the cached_property has run

    def _load(self) -> None:
        self.url_patterns  # noqa: B018  (imports the module)

    def _populate(self) -> None:
        # The parent's _populate() calls this for every include; do nothing until loaded.
        if self._loaded():
            super()._populate()

    @property
    def reverse_dict(self) -> Any:
        self._load()
        return super().reverse_dict

    @property
    def namespace_dict(self) -> Any:
        self._load()
        return super().namespace_dict

    @property
    def app_dict(self) -> Any:
        self._load()
        return super().app_dict

    def _is_callback(self, name: str) -> bool:
        self._load()
        return super()._is_callback(name)


def lazy_include(route: str, module: str, *, app_name: str, namespace: str) -> LazyURLResolver:
    """``path(route, include((module, app_name), namespace))``, imported at first use."""
    return LazyURLResolver(RoutePattern(route), module, app_name=app_name, namespace=namespace)
