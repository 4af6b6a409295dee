"""The Atom feed lists what the publications list shows (docs/data-and-api.md §D6)."""

import pytest
from django.urls import reverse

from tests.compendium.published import publish_edition, publish_version

pytestmark = pytest.mark.django_db


def test_a_version_without_a_file_is_in_the_feed_and_links_to_its_page(client):
    with_pdf = publish_edition(2301, programs=1, with_file=True)
    publish_version(with_pdf.edicion, with_file=True, day=29)
    publish_edition(2302, programs=1)  # imported without its PDF (docs/open-data.md §R3)

    xml = client.get(reverse("compendium:feed")).content.decode()
    assert xml.count("<entry>") == 3
    assert "Compendio General 2302, versión 1" in xml
    assert "sin su PDF en este sitio" in xml
    page = "http://testserver" + reverse("compendium:public_edition", args=[2302])
    assert f'<link href="{page}#sin-pdf-compendio" rel="alternate"' in xml
    assert f"<id>{page}#compendio-v1</id>" in xml
    assert "/publicaciones/2302/compendio-v1.pdf" not in xml  # no file, no download address
    # The versions with a file keep their ids (their download addresses), newest first.
    assert xml.index("Compendio General 2302") < xml.index("Compendio General 2301, versión 2")
    assert "<id>http://testserver/publicaciones/2301/compendio-v2.pdf</id>" in xml
    assert "<id>http://testserver/publicaciones/2301/compendio-v1.pdf</id>" in xml

    listed = client.get(reverse("compendium:public_list")).content.decode()
    for year in (2301, 2302):
        assert reverse("compendium:public_edition", args=[year]) in listed


def test_a_version_without_a_file_after_one_with_a_file_is_left_out_as_in_the_list(client):
    """The list offers the document's PDF and does not mention the later file-less version."""
    build = publish_edition(2303, programs=1, with_file=True)
    publish_version(build.edicion, day=29)
    xml = client.get(reverse("compendium:feed")).content.decode()
    assert xml.count("<entry>") == 1
    assert "Compendio General 2303, versión 1" in xml
