"""The Informe workspace of an edition (coordinators only): docs/informe-workspace.md.

Every page answers 404 to anybody who is not a coordinator (``coordinator_required``), like the
rest of the editions pages. A refused save re-renders the page with everything that was typed
or chosen (status 400), never loses it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from compendium import drafts, workspace
from compendium.informe import first_sentences, informe_credits_default
from compendium.models import Edicion
from reporting import challenges, review
from reporting.access import AuthenticatedHttpRequest, coordinator_required
from reporting.models import Ficha, ObjetivoPMM
from reporting.ordering import print_key


def _posted(request: AuthenticatedHttpRequest):
    """The form data of a POST, even an empty one (``request.POST or None`` would not bind)."""
    return request.POST if request.method == "POST" else None


def _edicion(pk: int) -> Edicion:
    return get_object_or_404(Edicion.objects.select_related("ejercicio"), pk=pk)


@coordinator_required
@require_GET
def informe_workspace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    edicion = _edicion(pk)
    summary = workspace.informe_summary(edicion.ejercicio)
    done, total = challenges.progress(edicion.ejercicio)
    rows = workspace.sections(edicion, summary, done, total)
    counts = {state: sum(1 for r in rows if r.state == state) for state in workspace.STATE_LABELS}
    context = {
        "edicion": edicion,
        "sections": rows,
        "counts": counts,
        "english_sections": workspace.english_sections(edicion),
    }
    return render(request, "compendium/workspace/workspace.html", context)


@coordinator_required
def informe_text(request: AuthenticatedHttpRequest, pk: int, field: str) -> HttpResponse:
    """One typed text with its generated draft: the draft fills a blank text until saved."""
    english = field in workspace.ENGLISH_FIELDS  # docs/english-edition.md §E4
    if field not in drafts.DRAFT_FIELDS and not english:
        raise Http404
    edicion = _edicion(pk)
    if english:
        draft = workspace.english_draft(edicion, field)
    else:
        draft = workspace.text_draft(edicion, field)
    saved = getattr(edicion, field)
    use_draft = not saved.strip() or request.GET.get("borrador") == "1"
    form = workspace.InformeTextForm(
        _posted(request), field=field, initial={"text": draft if use_draft else saved}
    )
    if request.method == "POST":
        if form.is_valid():
            workspace.save_texts(edicion, by=request.user, **{field: form.cleaned_data["text"]})
            messages.success(
                request, _("Se guardó el texto «%(t)s».") % {"t": workspace.label_of(field)}
            )
            return redirect("compendium:informe_workspace", pk=edicion.pk)
        use_draft = False  # what the person typed is shown, whatever it was
    context = {
        "edicion": edicion,
        "form": form,
        "field": field,
        "title": workspace.label_of(field),
        "draft": draft,
        "saved": saved,
        "showing_draft": use_draft,
        "spanish": getattr(edicion, field.removesuffix("_en")) if english else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "compendium/workspace/text.html", context, status=status)


@coordinator_required
def informe_credits(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    edicion = _edicion(pk)
    initial = {
        "informe_credits": edicion.informe_credits or informe_credits_default(edicion),
        "informe_authorities": edicion.informe_authorities or edicion.authorities,
    }
    form = workspace.CreditsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        workspace.save_texts(edicion, by=request.user, **form.cleaned_data)
        messages.success(request, _("Se guardaron los créditos y las autoridades del Informe."))
        return redirect("compendium:informe_workspace", pk=edicion.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "edicion": edicion,
        "form": form,
        "saved": bool(edicion.informe_credits.strip() or edicion.informe_authorities.strip()),
    }
    return render(request, "compendium/workspace/credits.html", context, status=status)


@coordinator_required
def informe_highlights(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The criterion, and per objective its acciones and how many are highlighted."""
    edicion = _edicion(pk)
    initial = {"criterio_destacadas": edicion.criterio_destacadas or workspace.DEFAULT_CRITERION}
    form = workspace.CriterionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        workspace.save_texts(edicion, by=request.user, **form.cleaned_data)
        messages.success(request, _("Se guardó el criterio de selección."))
        return redirect("compendium:informe_highlights", pk=edicion.pk)
    context = {
        "edicion": edicion,
        "form": form,
        "objectives": workspace.informe_summary(edicion.ejercicio).highlights,
        "criterion_saved": bool(edicion.criterio_destacadas.strip()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "compendium/workspace/highlights.html", context, status=status)


def _objective_fichas(edicion: Edicion, objective: ObjetivoPMM) -> list[Ficha]:
    fichas = (
        Ficha.objects.approved()
        .filter(ejercicio=edicion.ejercicio, objetivo_asignado=objective)
        .select_related("actor__tipo", "actor__entidad")
        .prefetch_related("co_actors")  # printed_sigla: one query, not one per ficha
    )
    return sorted(fichas, key=print_key)


@coordinator_required
def informe_highlights_objective(
    request: AuthenticatedHttpRequest, pk: int, number: int
) -> HttpResponse:
    edicion = _edicion(pk)
    objective = get_object_or_404(ObjetivoPMM, number=number)
    fichas = _objective_fichas(edicion, objective)
    form = workspace.HighlightsForm(_posted(request), fichas=fichas)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = review.set_highlights(
                ejercicio=edicion.ejercicio,
                objective=objective,
                chosen=form.cleaned_data["destacadas"],
                loaded=form.loaded(),
                by=request.user,
            )
            if not result.conflicts:
                messages.success(
                    request,
                    _("Se guardaron las destacadas del objetivo %(n)s.") % {"n": number},
                )
                following = request.POST.get("siguiente")
                if following and following.isdigit() and 1 <= int(following) <= 23:
                    return redirect(
                        "compendium:informe_highlights_objective", pk=edicion.pk, number=following
                    )
                return redirect("compendium:informe_highlights", pk=edicion.pk)
            # Somebody changed some marks meanwhile: show the page again as it now is.
            messages.warning(
                request,
                _(
                    "Otra persona cambió %(n)s de estas marcas mientras usted trabajaba; se "
                    "conservaron las suyas. Revise la lista y guarde de nuevo."
                )
                % {"n": len(result.conflicts)},
            )
            return redirect("compendium:informe_highlights_objective", pk=edicion.pk, number=number)
    rows = [
        {
            "ficha": f,
            "summary": f.resumen_informe.strip() or first_sentences(f.descripcion),
            "own_summary": bool(f.resumen_informe.strip()),
        }
        for f in fichas
    ]
    context = {
        "edicion": edicion,
        "objective": objective,
        "form": form,
        "rows": rows,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < 23 else None,
    }
    return render(request, "compendium/workspace/highlights_objective.html", context, status=status)


RETOS_FILTERS = {"todos": False, "sin-categoria": True}


@coordinator_required
def informe_retos(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every reto of the exercise's approved fichas, a page (one batch) at a time."""
    edicion = _edicion(pk)
    ejercicio = edicion.ejercicio
    params = request.POST if request.method == "POST" else request.GET
    filtro = params.get("filtro", "todos")
    if filtro not in RETOS_FILTERS:
        filtro = "todos"
    objective = None
    if (params.get("objetivo") or "").isdigit():
        objective = ObjetivoPMM.objects.filter(number=int(params["objetivo"])).first()
    retos = challenges.retos_of(ejercicio, uncategorised=RETOS_FILTERS[filtro], objective=objective)
    paginator = Paginator(retos, workspace.RETOS_PER_PAGE)
    if request.method == "POST":
        # The rows posted are the ones saved, wherever they are now in the filtered list.
        ids = [int(k[4:]) for k in request.POST if k.startswith("cat-") and k[4:].isdigit()]
        page = None
        page_retos = list(
            challenges.retos_of(ejercicio).filter(pk__in=ids[: workspace.RETOS_PER_PAGE * 2])
        )
    else:
        page = paginator.get_page(request.GET.get("pagina"))
        page_retos = list(page.object_list)
    categories = list(ejercicio.challenge_categories.order_by("position", "name"))
    rules = challenges.rules_for(ejercicio)
    form = workspace.RetoPageForm(
        _posted(request), retos=page_retos, categories=categories, rules=rules
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = challenges.save_reto_categories(
                    ejercicio, form.assignments(), by=request.user
                )
            except challenges.ChallengesRefused as refused:
                messages.error(request, str(refused))
            else:
                if result.conflicts:
                    messages.warning(
                        request,
                        _(
                            "%(n)s retos cambiaron de categoría por otra persona mientras usted "
                            "trabajaba y no se modificaron; revíselos."
                        )
                        % {"n": len(result.conflicts)},
                    )
                messages.success(
                    request,
                    _("Se guardaron %(n)s cambios de categoría.") % {"n": result.changed},
                )
                return redirect(_retos_url(edicion, filtro, objective, request.POST.get("pagina")))
        page = paginator.get_page(request.POST.get("pagina"))
    done, total = challenges.progress(ejercicio)
    context = {
        "edicion": edicion,
        "form": form,
        "rows": form.rows(),
        "page": page,
        "filtro": filtro,
        "objective": objective,
        "objetivos": ObjetivoPMM.objects.order_by("number"),
        "categories": categories,
        "done": done,
        "total": total,
        "per_page": workspace.RETOS_PER_PAGE,
    }
    return render(request, "compendium/workspace/retos.html", context, status=status)


def _retos_url(edicion: Edicion, filtro: str, objective, page: str | None) -> str:
    """The table again after a save: the same page, or the first with «sin categoría» (the
    saved rows left the filter, so the next ones moved up)."""
    query = [f"filtro={filtro}"]
    if objective is not None:
        query.append(f"objetivo={objective.number}")
    if filtro == "todos" and page and page.isdigit():
        query.append(f"pagina={page}")
    return reverse("compendium:informe_retos", args=[edicion.pk]) + "?" + "&".join(query)


@coordinator_required
def informe_retos_rules(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The keywords that suggest each category, beside its definition."""
    edicion = _edicion(pk)
    ejercicio = edicion.ejercicio
    categories = list(ejercicio.challenge_categories.order_by("position", "name"))
    form = workspace.KeywordsForm(_posted(request), categories=categories)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                n = challenges.save_keywords(ejercicio, form.keywords(), by=request.user)
            except challenges.ChallengesRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request, _("Se guardaron las palabras clave de %(n)s categorías.") % {"n": n}
                )
                return redirect("compendium:informe_retos_rules", pk=edicion.pk)
    rules = {rule.category_id: rule for rule in challenges.rules_for(ejercicio)}
    rows = [{"category": c, "field": form[f"kw-{c.pk}"], "rule": rules[c.pk]} for c in categories]
    context = {"edicion": edicion, "form": form, "rows": rows}
    return render(request, "compendium/workspace/retos_rules.html", context, status=status)
