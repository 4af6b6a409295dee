"""The upload form of «Importar desde Word» (docs/word.md §W4)."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import Actor, Ficha, FichaQuerySet

MAX_FILES = 20
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files; ``cleaned_data`` is a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": f".docx,{DOCX_TYPE}"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class DraftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Ficha) -> str:
        return str(obj)


class DocxImportForm(forms.Form):
    archivos = MultipleFileField(
        label=_("Archivos de Word (.docx)"),
        help_text=_(
            "Una ficha por archivo; hasta 20 archivos de 10 MB cada uno. Se aceptan sólo "
            "documentos .docx: no archivos con macros (.docm), cifrados, .doc antiguos ni PDF."
        ),
        error_messages={
            "required": _("Elija uno o más archivos .docx."),
            "empty": _("El archivo está vacío."),
        },
    )

    def __init__(
        self,
        *args,
        drafts: FichaQuerySet | None = None,
        actors: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if actors:
            self.fields["actor"] = forms.ModelChoiceField(
                queryset=Actor.objects.filter(active=True).order_by("sigla"),
                label=_("Institución"),
                help_text=_("Las fichas se crean como borradores de esta institución."),
                empty_label=_("Elija la institución"),
                error_messages={
                    "required": _("Elija la institución a la que pertenecen las fichas."),
                    "invalid_choice": _("Elija una institución de la lista."),
                },
            )
        if drafts is not None:
            self.fields["destino"] = DraftChoiceField(
                queryset=drafts,
                required=False,
                label=_("¿Actualizar un borrador que ya existe?"),
                help_text=_(
                    "Si elige un borrador, verá primero qué cambiaría; nada se guarda hasta que "
                    "lo confirme. Para esto suba un solo archivo."
                ),
                empty_label=_("No: crear un borrador nuevo con cada archivo"),
                error_messages={"invalid_choice": _("Elija un borrador de la lista.")},
            )

    def clean(self):
        data = super().clean() or {}
        files = cast(list, data.get("archivos") or [])
        if len(files) > MAX_FILES:
            self.add_error("archivos", _("Suba como máximo 20 archivos a la vez."))
        if data.get("destino") and len(files) > 1:
            self.add_error("destino", _("Para actualizar un borrador, suba un solo archivo."))
        return data
