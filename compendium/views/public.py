"""Pages anyone can see: the home page and the published editions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reporting.models import Ejercicio, ObjetivoPMM


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        if user.is_coordinator:
            return redirect("reporting:bandeja")
        if user.actor is not None:
            return redirect("reporting:mis_fichas")
    context = {
        "ejercicio": Ejercicio.objects.current(),
        "objetivos": ObjetivoPMM.objects.all(),
    }
    return render(request, "compendium/home.html", context)
