from django.urls import path  # noqa: F401

from compendium.views import public

app_name = "compendium"

urlpatterns: list = [
    path("publicaciones/", public.public_list, name="public_list"),
    path("publicaciones/<int:year>/", public.public_edition, name="public_edition"),
    path(
        "publicaciones/<int:year>/<str:document>-v<int:version>.pdf",
        public.public_download,
        name="public_download",
    ),
]
