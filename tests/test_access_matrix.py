"""The access matrix (issue 17): every URL pattern × persona × object, with the expected answer.

``MATRIX`` is the table. A row is one URL pattern (``namespace:name``, or its route when it has
no name); ``objects`` names what the URL is tried on (``tests/personas.py`` builds them once for
the module); ``GET`` and, for URLs that write, ``POST`` give one answer per persona, either for
every object or as a tuple in the order of ``objects``. The Django admin is summarised: one row
per kind of admin page (``ADMIN_PAGES``) applied to every registered model (``ADMIN_MODELS``).

Answers:

- ``200``, ``400``, ``403``, ``404``…: the status code, and the database did not change;
- ``"302*"``, ``"200*"``: that status, and the request changed the database (a save, a
  transition, a queued build). Any answer followed by ``*`` in a run is a write; a refusal that
  writes (``"403*"``) never matches the table;
- ``LOGIN`` / ``ADMIN_LOGIN``: a redirect to the app's or the admin's sign-in page;
- ``BARE_405``: a bare «405 Method Not Allowed» page. Issue 10 turned the app's own into
  redirects to the form's page; the ones left are Django's (sign-out by GET, admin pages);
- a ``frozenset``: any of its answers is correct (used where the right refusal may be either).

POSTs carry the page's own data where it matters (the institution's form with a changed name);
otherwise they are empty, which is enough to tell who gets through the door. Every request runs
in a savepoint that is rolled back, so the objects are the same for every cell.

Adding a URL pattern to the project without a row here fails ``test_every_pattern_has_a_row``.
The rows run in three files (``PARTS``: this one, ``test_access_matrix_fichas.py`` and
``test_access_matrix_admin.py``) so that pytest-xdist can spread them over the cores.
Cells where today's answer is wrong are listed in ``BUGS`` with the correct answer in the table;
each finding is an ``xfail(strict=True)`` test, so fixing it makes that test fail until the
finding is removed from ``BUGS``.
"""

import collections
import dataclasses
from collections.abc import Callable
from http.cookies import SimpleCookie

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import URLResolver, get_resolver, reverse

from reporting.models import Ficha
from tests.personas import (
    PERSONAS,
    World,
    ficha_form_data,
    module_world,
    report_figures,
    token_path,
)

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
BARE_405 = 405  # Django's own; the app's POST-only addresses redirect a GET (issue 10)
NO_ADMIN = frozenset({403, ADMIN_LOGIN})  # kept out of the admin, either way

# The objects a URL is tried on (built by tests/personas.py). Fichas: A's draft and sent ones
# (2024, open), B's draft and approved ones, A's ficha published in 2023, a draft A deleted
# yesterday, and an id nobody has. For focal point B, A's are «other's» and B's are «own».
FICHAS = ("draft_a", "sent_a", "draft_b", "approved_b", "published_a", "deleted_a", "missing")
TOKENS = ("valid", "invalid")  # set-password link of a pending invitation
BLOCKS = ("block_2024", "missing_year")  # (year, chapter, objective) of review_reorder
YEARS = ("with_edition", "without_edition", "missing")  # 2023, 2024, 1999
EDITIONS = ("edition_2023", "missing")
DOCUMENTS = ("compendio", "unknown_document", "missing_edition")
BUILDS = ("published", "draft", "missing")
PUBLIC_YEARS = ("published", "unpublished")  # 2023, 2024
DOWNLOADS = ("published", "unpublished_version", "nul_in_name")
EXERCISES = ("open_2024", "published_2023", "missing")  # by year; also the fichas' download
INVITATIONS = ("pending", "accepted", "missing")  # a focal point's membership

# fmt: off
MATRIX: dict[str, dict] = {
    # --- public pages and accounts ---------------------------------------------------------
    "home": {
        "GET":  {"anon": 200, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "login": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "logout": {
        "GET":  {"anon": BARE_405, "focal_a": BARE_405, "focal_b": BARE_405, "coord": BARE_405,
                 "admin": BARE_405},
        "POST": {"anon": 302, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "password_change": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "password_change_done": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "password_reset": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "password_reset_done": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "password_reset_confirm": {
        "objects": TOKENS,  # a valid link redirects to its set-password form
        "GET":  {"anon": (302, 200), "focal_a": (302, 200), "focal_b": (302, 200),
                 "coord": (302, 200), "admin": (302, 200)},
        "POST": {"anon": (302, 200), "focal_a": (302, 200), "focal_b": (302, 200),
                 "coord": (302, 200), "admin": (302, 200)},
    },
    "password_reset_complete": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    # Two-factor sign-in and idle sessions (reporting/twofactor.py, reporting/idle.py). The suite
    # does not require the second factor (tests/conftest.py) and these personas have none: the
    # code page sends them on, the device pages go back to «Seguridad de la cuenta».
    "twofactor_verify": {
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "twofactor_enrol": {  # an empty POST is a form error
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "account_security": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "twofactor_disable": {
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "backup_codes_new": {
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "session_status": {  # JSON: 401 when signed out
        "GET":  {"anon": 401, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": 401, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:public_list": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:public_edition": {
        "objects": PUBLIC_YEARS,
        "GET":  {"anon": (200, 404), "focal_a": (200, 404), "focal_b": (200, 404),
                 "coord": (200, 404), "admin": (200, 404)},
    },
    "compendium:public_download": {
        "objects": DOWNLOADS,
        "GET":  {"anon": (200, 404, 404), "focal_a": (200, 404, 404),
                 "focal_b": (200, 404, 404), "coord": (200, 404, 404), "admin": (200, 404, 404)},
    },
    "compendium:privacy_notice": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:accessibility_statement": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    # The series 2018→latest and its open data (issue 14): public, read-only.
    "compendium:series": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_objectives": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_ods": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_objectives_csv": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_objectives_json": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_ods_csv": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:series_ods_json": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    # Open data and the public API (issue 13, docs/data-and-api.md): public, read-only, the same
    # for everyone. data_file and api-v1:programa are tried on 2024, which has no public record.
    "compendium:data": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:data_dictionary": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:data_package": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:data_file_all": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:feed": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "api-v1:openapi-json": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "api-v1:programas": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "api-v1:ediciones": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "api-v1:objetivos": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "api-v1:agregados": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:data_file": {
        "GET":  {"anon": 404, "focal_a": 404, "focal_b": 404, "coord": 404, "admin": 404},
    },
    "api-v1:programa": {
        "GET":  {"anon": 404, "focal_a": 404, "focal_b": 404, "coord": 404, "admin": 404},
    },
    "api-v1:edicion": {
        "objects": PUBLIC_YEARS,
        "GET":  {"anon": (200, 404), "focal_a": (200, 404), "focal_b": (200, 404),
                 "coord": (200, 404), "admin": (200, 404)},
    },
    "api-v1:api-root": {  # django-ninja's root: nothing there (the docs page is off)
        "GET":  {"anon": 404, "focal_a": 404, "focal_b": 404, "coord": 404, "admin": 404},
    },
    # The program explorer, program pages and dashboards (issue 13, docs/open-data.md): public,
    # read-only. program is tried on 2024, which has no public record.
    "compendium:programs": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "compendium:program": {
        "GET":  {"anon": 404, "focal_a": 404, "focal_b": 404, "coord": 404, "admin": 404},
    },
    "compendium:dashboard": {
        "objects": PUBLIC_YEARS,
        "GET":  {"anon": (200, 404), "focal_a": (200, 404), "focal_b": (200, 404),
                 "coord": (200, 404), "admin": (200, 404)},
    },
    "compendium:favicon": {  # to the static SVG icon
        "GET":  {"anon": 301, "focal_a": 301, "focal_b": 301, "coord": 301, "admin": 301},
    },
    # --- institutions ----------------------------------------------------------------------
    # A POST-only address answers a GET with a redirect to its page (issue 10), after the same
    # checks as the POST: who may not see the page gets 404 or the login page.
    "reporting:mis_fichas": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 302, "admin": 302},
    },
    "reporting:ficha_new": {  # an empty POST lacks the retos' management form: re-rendered
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 404, "admin": 404},
        "POST": {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 404, "admin": 404},
    },
    "reporting:ficha_edit": {  # coordinators are sent to the review page, nothing saved
        "objects": FICHAS,
        #                    draft_a sent_a draft_b approved_b published_a deleted_a missing
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    200,   404,    404,       200,        404,      404),
                 "focal_b": (404,    404,   200,    200,       404,        404,      404),
                 "coord":   (302,    302,   302,    302,       302,        404,      404),
                 "admin":   (302,    302,   302,    302,       302,        404,      404)},
        "POST": {"anon": LOGIN,
                 "focal_a": ("302*", 403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   "302*", 403,       404,        404,      404),
                 "coord":   (302,    302,   302,    302,       302,        404,      404),
                 "admin":   (302,    302,   302,    302,       302,        404,      404)},
    },
    "reporting:ficha_autosave": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN,
                 "focal_a": ("200*", 403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   "200*", 403,       404,        404,      404),
                 "coord":   (403,    403,   403,    403,       403,        404,      404),
                 "admin":   (403,    403,   403,    403,       403,        404,      404)},
    },
    "reporting:ficha_submit": {  # only the ficha's institution sends it (docs/workflow.md §W3)
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN,
                 "focal_a": ("302*", 403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   "302*", 403,       404,        404,      404),
                 "coord":   (403,    403,   403,    403,       403,        404,      404),
                 "admin":   (403,    403,   403,    403,       403,        404,      404)},
    },
    "reporting:ficha_duplicate": {  # a confirmation page; any own ficha of an open exercise
        "objects": FICHAS,
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    200,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   200,    200,       404,        404,      404),
                 "coord": 404, "admin": 404},
        "POST": {"anon": LOGIN,
                 "focal_a": ("302*", "302*", 404,   404,       403,        404,      404),
                 "focal_b": (404,    404,   "302*", "302*",    404,        404,      404),
                 "coord": 404, "admin": 404},
    },
    "reporting:ficha_delete": {  # only a draft of an open exercise; the page says why not (403)
        "objects": FICHAS,
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   200,    403,       404,        404,      404),
                 "coord": 404, "admin": 404},
        "POST": {"anon": LOGIN,
                 "focal_a": ("302*", 403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   "302*", 403,       404,        404,      404),
                 "coord": 404, "admin": 404},
    },
    "reporting:ficha_restore": {  # only a deleted draft, by its institution
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN,
                 "focal_a": (404,    404,   404,    404,       404,        "302*",   404),
                 "focal_b": 404, "coord": 404, "admin": 404},
    },
    "reporting:ficha_print": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    200,   404,    404,       200,        404,      404),
                 "focal_b": (404,    404,   200,    200,       404,        404,      404),
                 "coord":   (200,    200,   200,    200,       200,        404,      404),
                 "admin":   (200,    200,   200,    200,       200,        404,      404)},
    },
    "compendium:ficha_pdf": {  # rendered in the request (stubbed here: see ``run``)
        "objects": FICHAS,
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    200,   404,    404,       200,        404,      404),
                 "focal_b": (404,    404,   200,    200,       404,        404,      404),
                 "coord":   (200,    200,   200,    200,       200,        404,      404),
                 "admin":   (200,    200,   200,    200,       200,        404,      404)},
    },
    "reporting:fichas_deleted": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 404, "admin": 404},
    },
    "reporting:fichas_download": {  # the institution's fichas of a year; none in 2023 for B
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": (200, 200, 404), "focal_b": (200, 404, 404),
                 "coord": 404, "admin": 404},
    },
    # Word in, Word out (issue 16): the template is public; an empty upload is a form error;
    # applying a preview and clearing the note are the draft's institution's only. An empty
    # POST to «aplicar» carries no formset: refused with a message, nothing saved.
    "reporting:docx_template": {
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "reporting:docx_import": {
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 400, "focal_b": 400, "coord": 400, "admin": 400},
    },
    "reporting:docx_export": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN,
                 "focal_a": (200,    200,   404,    404,       200,        404,      404),
                 "focal_b": (404,    404,   200,    200,       404,        404,      404),
                 "coord":   (200,    200,   200,    200,       200,        404,      404),
                 "admin":   (200,    200,   200,    200,       200,        404,      404)},
    },
    "reporting:docx_apply": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN,
                 "focal_a": (302,    403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   302,    403,       404,        404,      404),
                 "coord": 404, "admin": 404},
    },
    "reporting:docx_note_clear": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN,
                 "focal_a": (302,    403,   404,    404,       403,        404,      404),
                 "focal_b": (404,    404,   302,    403,       404,        404,      404),
                 "coord": 404, "admin": 404},
    },
    "reporting:carry_over": {  # an empty POST chooses nothing: re-rendered
        "GET":  {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 404, "admin": 404},
        "POST": {"anon": LOGIN, "focal_a": 200, "focal_b": 200, "coord": 404, "admin": 404},
    },
    "reporting:invitation_accept": {
        "objects": TOKENS,
        "GET":  {"anon": (302, 200), "focal_a": (302, 200), "focal_b": (302, 200),
                 "coord": (302, 200), "admin": (302, 200)},
        "POST": {"anon": (302, 200), "focal_a": (302, 200), "focal_b": (302, 200),
                 "coord": (302, 200), "admin": (302, 200)},
    },
    # --- UPMRIP: review, invitations, exercises, editions ----------------------------------
    "reporting:invite": {
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "reporting:invitation_resend": {  # only a pending invitation
        "objects": INVITATIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": ("302*", 404, 404),
                 "admin": ("302*", 404, 404)},
    },
    "reporting:invitation_revoke": {
        "objects": INVITATIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": ("302*", 404, 404),
                 "admin": ("302*", 404, 404)},
    },
    "reporting:invitation_import": {  # an empty POST has no file: re-rendered
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "reporting:invitation_import_confirm": {  # nothing to confirm: back to the import page
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
    },
    "reporting:bandeja": {
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "reporting:seguimiento": {
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "reporting:send_reminders": {  # an empty POST names no institution: redirect, nothing sent
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
    },
    "reporting:review_ficha": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (200,    200,   200,    200,       200,        404,      404),
                 "admin":   (200,    200,   200,    200,       200,        404,      404)},
    },
    "reporting:review_start": {  # only a sent ficha moves; the others get a message
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (302,    "302*", 302,   302,       302,        404,      404),
                 "admin":   (302,    "302*", 302,   302,       302,        404,      404)},
    },
    # The review forms below get an empty POST: a coordinator's is refused by the form (400).
    "reporting:review_return": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (400,    400,   400,    400,       400,        404,      404),
                 "admin":   (400,    400,   400,    400,       400,        404,      404)},
    },
    "reporting:review_approve": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (400,    400,   400,    400,       400,        404,      404),
                 "admin":   (400,    400,   400,    400,       400,        404,      404)},
    },
    "reporting:review_edit": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (200,    200,   200,    200,       200,        404,      404),
                 "admin":   (200,    200,   200,    200,       200,        404,      404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (400,    400,   400,    400,       400,        404,      404),
                 "admin":   (400,    400,   400,    400,       400,        404,      404)},
    },
    "reporting:review_classify": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (400,    400,   400,    400,       400,        404,      404),
                 "admin":   (400,    400,   400,    400,       400,        404,      404)},
    },
    "reporting:review_reopen": {
        "objects": FICHAS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404,
                 "coord":   (400,    400,   400,    400,       400,        404,      404),
                 "admin":   (400,    400,   400,    400,       400,        404,      404)},
    },
    "reporting:review_reorder": {
        "objects": BLOCKS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (400, 404),
                 "admin": (400, 404)},
    },
    "reporting:exercises": {
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "reporting:exercise_create": {  # an empty POST is refused by the form
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 400, "admin": 400},
    },
    "reporting:exercise_detail": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 200, 404),
                 "admin": (200, 200, 404)},
    },
    # State changes of an exercise: a GET goes back to its page (303), an empty POST is refused
    # by the form (400) or, for «abrir» of an exercise that cannot open, sent back (303).
    "reporting:exercise_open": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (303, 303, 404),
                 "admin": (303, 303, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (303, 303, 404),
                 "admin": (303, 303, 404)},
    },
    "reporting:exercise_extend": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (303, 303, 404),
                 "admin": (303, 303, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (400, 400, 404),
                 "admin": (400, 400, 404)},
    },
    "reporting:exercise_close": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (303, 303, 404),
                 "admin": (303, 303, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (400, 400, 404),
                 "admin": (400, 400, 404)},
    },
    "reporting:exercise_reopen": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (303, 303, 404),
                 "admin": (303, 303, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (400, 400, 404),
                 "admin": (400, 400, 404)},
    },
    "reporting:exercise_categories": {
        "objects": EXERCISES,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 200, 404),
                 "admin": (200, 200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (400, 400, 404),
                 "admin": (400, 400, 404)},
    },
    "compendium:editions": {
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 200, "admin": 200},
    },
    "compendium:edition_create": {  # an existing edition redirects to its page
        "objects": YEARS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 200, 404),
                 "admin": (302, 200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 200, 404),
                 "admin": (302, 200, 404)},
    },
    "compendium:edition_edit": {  # an empty POST lacks the title: re-rendered
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
    },
    "compendium:edition_check": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
    },
    "compendium:build_request": {  # builds are queued (the queue does not run here)
        "objects": DOCUMENTS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": ("302*", 404, 404),
                 "admin": ("302*", 404, 404)},
    },
    "compendium:build_publish": {
        "objects": DOCUMENTS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": 302, "admin": 302},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": ("302*", 404, 404),
                 "admin": ("302*", 404, 404)},
    },
    "compendium:build_status": {
        "objects": BUILDS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 200, 404),
                 "admin": (200, 200, 404)},
    },
    "compendium:build_download": {
        "objects": BUILDS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 200, 404),
                 "admin": (200, 200, 404)},
    },
    # The Informe workspace (issue 12): an empty POST saves blank texts, no highlight and no
    # category over a 2023 edition that has none, so it redirects without writing.
    "compendium:informe_workspace": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
    },
    "compendium:informe_text": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    "compendium:informe_credits": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    "compendium:informe_highlights": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    "compendium:informe_highlights_objective": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    "compendium:informe_retos": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    "compendium:informe_retos_rules": {
        "objects": EDITIONS,
        "GET":  {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (200, 404),
                 "admin": (200, 404)},
        "POST": {"anon": LOGIN, "focal_a": 404, "focal_b": 404, "coord": (302, 404),
                 "admin": (302, 404)},
    },
    # --- the admin site's own pages (model pages: ADMIN_PAGES below) -----------------------
    "admin:index": {
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": NO_ADMIN, "admin": 200},
    },
    "admin:login": {  # a signed-in administrator goes to the index
        "GET":  {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 302},
        "POST": {"anon": 200, "focal_a": 200, "focal_b": 200, "coord": 200, "admin": 200},
    },
    "admin:logout": {
        "GET":  {"anon": 302, "focal_a": 302, "focal_b": 302, "coord": 302,
                 "admin": BARE_405},
        "POST": {"anon": 302, "focal_a": 302, "focal_b": 302, "coord": 302, "admin": 302},
    },
    "admin:password_change": {
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": NO_ADMIN, "admin": 200},
    },
    "admin:password_change_done": {
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": NO_ADMIN, "admin": 200},
    },
    "admin:autocomplete": {  # without its parameters even the administrator is refused
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": ADMIN_LOGIN, "admin": 403},
    },
    "admin:jsi18n": {
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": NO_ADMIN, "admin": 200},
    },
    "admin:view_on_site": {  # a ficha's page on the site
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": NO_ADMIN, "admin": 302},
    },
    "admin:app_list": {  # reporting's models
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": ADMIN_LOGIN, "admin": 200},
    },
    "admin:auth_user_password_change": {  # focal point A's password
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": ADMIN_LOGIN, "admin": 200},
    },
    "admin/(?P<url>.*)$": {  # any other path under /admin/
        "GET":  {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN,
                 "coord": ADMIN_LOGIN, "admin": 404},
    },
}

# Every model registered in the admin, with the pages it has beyond the standard ones and the
# pages that refuse even the administrator (the read-only parts, docs/architecture.md §A4).
ADMIN_MODELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    #  app/model                            extra pages                    refused to all
    "auth/group":                          ((),                            ()),
    "django_tasks_database/dbtaskresult":  ((),                            ("add", "delete")),
    "reporting/objetivopmm":               ((),                            ()),
    "reporting/ods":                       ((),                            ()),
    "reporting/ejetematico":               ((),                            ()),
    "reporting/entidadfederativa":         ((),                            ()),
    "reporting/actortype":                 ((),                            ()),
    "reporting/ejercicio":                 ((),                            ()),
    "axes/accessattempt":                  ((),                            ("add",)),
    "axes/accesslog":                      ((),                            ("add",)),
    "axes/accessfailurelog":               ((),                            ("add",)),
    "reporting/actor":                     (("import", "process_import", "export"), ()),
    "reporting/user":                      ((),                            ()),
    "reporting/membership":                (("import", "process_import", "export"), ()),
    "reporting/ficha":                     (("export",),                   ("add",)),
    "reporting/observacion":               ((),                            ("add", "delete")),
    "reporting/subtema":                   ((),                            ()),
    "reporting/challengecategory":         ((),                            ()),
    "reporting/reto":                      ((),                            ("add", "delete")),
    "reporting/nota":                      ((),                            ("add", "delete")),
    "reporting/fichaevent":                ((),                            ("add", "delete")),
    "compendium/edicion":                  ((),                            ()),
    "compendium/publicationbuild":         ((),                            ("add",)),
    "compendium/publishedprogram":         ((),                            ("add", "delete")),
    "compendium/historicalfigure":         ((),                            ("add", "delete")),
}

# Each kind of model page: {method: {persona: answer}}; "admin" is the answer when the model
# lets the administrator in (else 403, from ADMIN_MODELS). Pages take the model's first row.
_OUT = {"anon": ADMIN_LOGIN, "focal_a": ADMIN_LOGIN, "focal_b": ADMIN_LOGIN}
ADMIN_PAGES: dict[str, dict[str, dict]] = {
    "changelist":     {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "add":            {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "change":         {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "history":        {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "delete":         {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "<object_id>":    {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 302}},  # to «change»
    # django-import-export: only with the model's add/view permission (issue 17 #1).
    "import":         {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200},
                       "POST": {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "process_import": {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": BARE_405},
                       "POST": {**_OUT, "coord": NO_ADMIN, "admin": 200}},
    "export":         {"GET":  {**_OUT, "coord": NO_ADMIN, "admin": 200},
                       "POST": {**_OUT, "coord": NO_ADMIN, "admin": 200}},
}
# fmt: on

# Cells whose answer today is not the one in the table: (pattern, method, persona, object).
# Fixed: a coordinator (staff without model permissions) reached the admin's index, password
# change, JavaScript catalogue, view-on-site and object redirects (issue 17); the admin site now
# requires a model permission (reporting/twofactor.py TwoFactorAdminSite.has_permission).
BUGS: dict[str, list[tuple[str, str, str, str | None]]] = {}


# ---------------------------------------------------------------------------------------------
# The table as cells
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cell:
    pattern: str
    method: str
    persona: str
    obj: str | None
    expected: object

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.pattern, self.method, self.persona, self.obj)


def admin_rows() -> dict[str, dict]:
    """``ADMIN_PAGES`` × ``ADMIN_MODELS`` as rows of the table, keyed like the URL patterns."""
    rows = {}
    for model, (extra, refused) in ADMIN_MODELS.items():
        label = model.replace("/", "_")
        pages = ("changelist", "add", "change", "history", "delete", "<object_id>", *extra)
        for page in pages:
            key = f"admin:{label}_{page}"
            if page == "<object_id>":
                key = f"admin/{model}/<path:object_id>/"
            row = {method: dict(answers) for method, answers in ADMIN_PAGES[page].items()}
            if page in refused:
                row["GET"]["admin"] = 403
            rows[key] = row
    return rows


TABLE = {**MATRIX, **admin_rows()}


def cells(pattern: str | None = None):
    for key, row in TABLE.items():
        if pattern is not None and key != pattern:
            continue
        objects = row.get("objects", (None,))
        for method in ("GET", "POST"):
            for persona, answers in row.get(method, {}).items():
                if not isinstance(answers, tuple):
                    answers = (answers,) * len(objects)
                for obj, expected in zip(objects, answers, strict=True):
                    yield Cell(key, method, persona, obj, expected)


BUG_CELLS = {cell: reason for reason, cells_ in BUGS.items() for cell in cells_}


def pattern_keys(patterns=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern of the project as ``namespace:name`` (its route when unnamed)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from pattern_keys(p.url_patterns, route, ns)
        else:
            yield namespace + p.name if p.name else route


# ---------------------------------------------------------------------------------------------
# From a cell to a request
# ---------------------------------------------------------------------------------------------

MISSING = 999_999
FICHA_PATTERNS = {
    key for key, row in MATRIX.items() if row.get("objects") is FICHAS
}  # fmt: skip
EXERCISE_PATTERNS = {key for key, row in MATRIX.items() if row.get("objects") is EXERCISES}
FORM_POSTS = {"reporting:ficha_edit", "reporting:ficha_autosave", "reporting:ficha_submit"}


@dataclasses.dataclass(frozen=True)
class Target:
    path: str
    body: dict = dataclasses.field(default_factory=dict)


def target(w: World, key: str, obj: str | None) -> Target:
    if key in FICHA_PATTERNS:
        pk = MISSING if obj == "missing" else w.fichas[obj].pk
        if key in FORM_POSTS:
            ficha = w.fichas["draft_a" if obj == "missing" else obj]
            return Target(reverse(key, args=[pk]), ficha_form_data(ficha, nombre="Cambiado"))
        return Target(reverse(key, args=[pk]))
    if key in {"reporting:invitation_accept", "password_reset_confirm"}:
        uid, token = token_path(w.pending)
        return Target(reverse(key, args=[uid, token if obj == "valid" else "abc-0123456789"]))
    if key == "reporting:fichas_download" or key in EXERCISE_PATTERNS:
        year = {"open_2024": 2024, "published_2023": 2023, "missing": 1999}[obj]
        return Target(reverse(key, args=[year]))
    if key in {"reporting:invitation_resend", "reporting:invitation_revoke"}:
        user = {"pending": w.pending, "accepted": w.users["focal_a"]}.get(obj)
        return Target(reverse(key, args=[user.membership.pk if user else MISSING]))
    if key == "reporting:review_reorder":
        year = 2024 if obj == "block_2024" else 1999
        return Target(reverse(key, args=[year, w.actor_b.tipo.chapter, 7]))
    if key == "compendium:edition_create":
        year = {"with_edition": 2023, "without_edition": 2024, "missing": 1999}[obj]
        return Target(reverse(key, args=[year]))
    if key.startswith("compendium:informe_"):
        pk = w.edicion.pk if obj == "edition_2023" else MISSING
        extra = {"compendium:informe_text": ["preambulo"]}.get(key, [])
        if key == "compendium:informe_highlights_objective":
            extra = [7]
        return Target(reverse(key, args=[pk, *extra]))
    if key in {"compendium:edition_edit", "compendium:edition_check"}:
        return Target(reverse(key, args=[w.edicion.pk if obj == "edition_2023" else MISSING]))
    if key in {"compendium:build_request", "compendium:build_publish"}:
        pk = MISSING if obj == "missing_edition" else w.edicion.pk
        document = "otro" if obj == "unknown_document" else "compendio"
        return Target(reverse(key, args=[pk, document]), {"confirmar": "1"})
    if key in {"compendium:build_status", "compendium:build_download"}:
        return Target(reverse(key, args=[MISSING if obj == "missing" else w.builds[obj].pk]))
    if key == "compendium:public_edition":
        return Target(reverse(key, args=[2023 if obj == "published" else 2024]))
    if key == "compendium:data_file":
        return Target(reverse(key, args=[2024, "csv"]))
    if key == "compendium:data_file_all":
        return Target(reverse(key, args=["csv"]))
    if key == "api-v1:programa":
        return Target(reverse(key, args=[2024, 1]))
    if key == "compendium:program":
        return Target(reverse(key, args=[2024, 1]))
    if key == "compendium:dashboard":
        return Target(reverse(key, args=[2023 if obj == "published" else 2024]))
    if key == "api-v1:edicion":
        return Target(reverse(key, args=[2023 if obj == "published" else 2024]))
    if key == "compendium:public_download":
        if obj == "nul_in_name":
            return Target("/publicaciones/2023/compendio%00-v1.pdf")
        return Target(reverse(key, args=[2023, "compendio", 1 if obj == "published" else 2]))
    if key.startswith("admin"):
        return admin_target(w, key)
    return Target(reverse(key))


def _first_row(model_path: str):
    app, model = model_path.split("/")
    for registered in admin.site._registry:
        if (registered._meta.app_label, registered._meta.model_name) == (app, model):
            return registered.objects.order_by("pk").first()
    raise LookupError(model_path)


def admin_target(w: World, key: str) -> Target:
    special = {
        "admin/(?P<url>.*)$": "/admin/no-existe/",
        "admin:app_list": reverse("admin:app_list", args=["reporting"]),
        "admin:auth_user_password_change": reverse(
            "admin:auth_user_password_change", args=[w.users["focal_a"].pk]
        ),
    }
    if key in special:
        return Target(special[key])
    if key == "admin:view_on_site":
        ct = ContentType.objects.get_for_model(Ficha)
        return Target(reverse(key, args=[ct.pk, w.fichas["draft_a"].pk]))
    if key.startswith("admin/"):  # admin/<app>/<model>/<path:object_id>/
        model = "/".join(key.split("/")[1:3])
        return Target(f"/admin/{model}/{_first_row(model).pk}/")
    for model in ADMIN_MODELS:
        label = model.replace("/", "_")
        if key.startswith(f"admin:{label}_"):
            if key.rsplit("_", 1)[-1] in {"change", "history", "delete"}:
                return Target(reverse(key, args=[_first_row(model).pk]))
    return Target(reverse(key))


# ---------------------------------------------------------------------------------------------
# Running the cells
# ---------------------------------------------------------------------------------------------

# The figures of this file's part (``test_totals``); each file of the matrix keeps its own.
TOTALS: collections.Counter = collections.Counter()

# The table runs in three files, so that pytest-xdist (``make test`` hands out whole files) can
# run them on both cores: this one, tests/test_access_matrix_fichas.py (the ficha patterns) and
# tests/test_access_matrix_admin.py (the admin site). ``test_the_parts_cover_the_table`` checks
# that every row is in exactly one of them.
PARTS = ("other", "fichas", "admin")


def part_of(key: str) -> str:
    """The file that runs the row ``key``: ``PARTS``, by the kind of pattern."""
    if key.startswith("admin"):
        return "admin"
    if key in FICHA_PATTERNS:
        return "fichas"
    return "other"


def patterns_of(part: str) -> list[str]:
    """The rows of ``TABLE`` that the file of ``part`` runs, in the table's order."""
    return [key for key in TABLE if part_of(key) == part]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas and objects, once for the module, in a transaction rolled back at the end."""
    with module_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        w.clients = {persona: w.client(persona) for persona in PERSONAS}
        yield w


@pytest.fixture
def run(world, db, settings, monkeypatch):
    # Builds and emails are queued, never run, and a ficha's PDF is a stub: the matrix is about
    # who gets which answer (the PDFs are tested in tests/compendium/).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(
        "compendium.views.ficha_pdf.render_pdf",
        lambda html, *, target, **kwargs: target.write_bytes(b"%PDF-1.7 matriz"),
    )

    # Every cell runs in a savepoint rolled back afterwards, so the database before each cell is
    # the database before the first: read once per test (a cell whose change escaped the rollback
    # would make every later cell of the test answer as a write, and fail).
    before = _state()

    def run_cell(cell: Cell):
        t = target(world, cell.pattern, cell.obj)
        return ask(world, cell.persona, cell.method, t, before=before)

    return run_cell


# What a request may change, in one query: row counts, and the sums and latest changes that a
# save, a transition, an edition's texts or a new password move.
STATE_SQL = "SELECT " + ", ".join(
    [
        *(
            f"(SELECT count(*) FROM {table})"
            for table in (
                "reporting_ficha", "reporting_fichaevent", "reporting_reto", "reporting_user",
                "reporting_membership", "reporting_actor", "reporting_observacion",
                "compendium_edicion", "compendium_publicationbuild", "django_admin_log",
                "django_tasks_database_dbtaskresult",
            )
        ),
        "(SELECT sum(version) FROM reporting_ficha)",
        "(SELECT count(*) FROM reporting_ficha WHERE deleted_at IS NULL)",
        "(SELECT max(updated_at) FROM reporting_ficha)",
        "(SELECT max(updated_at) FROM compendium_edicion)",
        "(SELECT count(*) FROM reporting_user WHERE password LIKE '!%%')",
    ]
)  # fmt: skip


def _state() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        return cursor.fetchone()


def answer_of(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
    return response.status_code


def ask(world: World, persona: str, method: str, t: Target, *, before: tuple) -> object:
    """The answer to one request, inside a savepoint rolled back afterwards; ``before`` is
    ``_state()`` before the request."""
    client = world.clients[persona]
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    with transaction.atomic():
        response = client.get(t.path) if method == "GET" else client.post(t.path, t.body)
        answer = answer_of(response)
        if _state() != before:
            answer = f"{answer}*"
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout or a sign-in must not change the next cell's persona
    return answer


def matches(answer, expected) -> bool:
    if isinstance(expected, frozenset):
        return answer in expected
    return answer == expected


def show(expected) -> str:
    if isinstance(expected, frozenset):
        return " or ".join(map(str, sorted(expected, key=str)))
    return str(expected)


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_every_pattern_has_a_row():
    """A URL pattern added to the project without a row in the table fails here."""
    patterns = set(pattern_keys())
    assert sorted(patterns - TABLE.keys()) == [], "URL patterns missing from the access matrix"
    assert sorted(TABLE.keys() - patterns) == [], "rows of the access matrix with no URL pattern"


def test_the_table_is_complete():
    """Every row answers for every persona, once per object, for GET at least."""
    for key, row in TABLE.items():
        assert "GET" in row, key
        objects = row.get("objects", (None,))
        for method in set(row) - {"objects"}:
            assert method in {"GET", "POST"}, key
            assert tuple(row[method]) == PERSONAS, (key, method)
            for answers in row[method].values():
                assert not isinstance(answers, tuple) or len(answers) == len(objects), key
    unknown = [cell for cell in BUG_CELLS if cell not in {c.key for c in cells()}]
    assert unknown == []


def test_the_parts_cover_the_table():
    """Every row of the table runs in exactly one of the matrix's files (``PARTS``)."""
    parts = [patterns_of(part) for part in PARTS]
    assert sorted(key for keys in parts for key in keys) == sorted(TABLE)
    assert all(parts), "a file of the access matrix has no row"


def check_pattern(pattern: str, run, totals: collections.Counter) -> None:
    """Every cell of the row ``pattern`` answers as the table says (``test_access``)."""
    wrong = []
    observed: dict[str, dict[str, list]] = collections.defaultdict(
        lambda: collections.defaultdict(list)
    )
    for cell in cells(pattern):
        if cell.key in BUG_CELLS:
            observed[cell.method][cell.persona].append(cell.expected)
            continue
        answer = run(cell)
        totals["requests"] += 1
        observed[cell.method][cell.persona].append(answer)
        if matches(answer, cell.expected):
            totals["expected"] += 1
        else:
            totals["unexpected"] += 1
            where = f"{cell.method} {cell.persona} {cell.obj or ''}"
            wrong.append(f"{where}: {answer}, expected {show(cell.expected)}")
    assert not wrong, (
        f"{pattern}:\n" + "\n".join(wrong) + "\nToday's answers, as a row of the table (check "
        "each change before copying it):\n" + observed_row(pattern, observed)
    )


def report_totals(totals: collections.Counter, part: str) -> None:
    """Reports the figures of a file's run: requests made, answers expected and unexpected."""
    if totals["requests"]:
        report_figures(
            f"access matrix ({part}): {totals['requests']} requests, {totals['expected']} "
            f"expected, {totals['unexpected']} unexpected ({totals['known bugs']} in known "
            "bugs, xfail)"
        )


@pytest.mark.slow
@pytest.mark.parametrize("pattern", patterns_of("other"))
def test_access(pattern, run):
    check_pattern(pattern, run, TOTALS)


def part_tests(part: str) -> tuple[Callable, Callable]:
    """``test_access`` over the rows of ``part`` and its ``test_totals``, for the file that runs
    that part (tests/test_access_matrix_fichas.py, tests/test_access_matrix_admin.py)."""
    totals: collections.Counter = collections.Counter()

    @pytest.mark.slow
    @pytest.mark.parametrize("pattern", patterns_of(part))
    def test_access(pattern, run):
        check_pattern(pattern, run, totals)

    def test_totals():
        """Reports the figures of this file's run."""
        report_totals(totals, part)

    return test_access, test_totals


def observed_row(pattern: str, observed: dict[str, dict[str, list]]) -> str:
    lines = [f"    {pattern!r}: {{"]
    if "objects" in TABLE[pattern]:
        lines.append(f"        # {', '.join(TABLE[pattern]['objects'])}")
    for method, personas in observed.items():
        lines.append(f"        {method!r}: {{")
        for persona, answers in personas.items():
            value = answers[0] if len(set(map(str, answers))) == 1 else tuple(answers)
            lines.append(f"            {persona!r}: {value!r},")
        lines.append("        },")
    return "\n".join([*lines, "    },"])


# With no known bug the test runs once and checks nothing (rather than a skip in every summary).
@pytest.mark.slow
@pytest.mark.parametrize(
    "reason",
    [pytest.param(reason, marks=pytest.mark.xfail(strict=True, reason=reason)) for reason in BUGS]
    or [pytest.param(None, id="none")],
)
def test_known_bug(reason, run):
    """Each finding in ``BUGS``: its cells answer as the table says once it is fixed."""
    if reason is None:
        return
    wrong = []
    for key in BUGS[reason]:
        cell = next(c for c in cells(key[0]) if c.key == key)
        answer = run(cell)
        TOTALS["requests"] += 1
        if matches(answer, cell.expected):
            TOTALS["expected"] += 1
        else:
            TOTALS["unexpected"] += 1
            TOTALS["known bugs"] += 1
            wrong.append(f"{key}: {answer}, expected {show(cell.expected)}")
    assert not wrong, "\n".join(wrong)


def test_totals():
    """Reports the figures of this file's run (the other files report theirs)."""
    report_totals(TOTALS, "other")
