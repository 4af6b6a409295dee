"""Forms of the editions page. They validate; ``compendium.editions`` writes."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from compendium.editions import TEXT_FIELDS
from compendium.models import Edicion
from reporting.text import TEXT_MAX_CHARS, cap_text_fields

# Characters of the long texts (introduction, credits, closing page, preamble, conclusions):
# the 2023 Compendio's are 800 to 1,300; twenty thousand still print on a few pages.
EDITION_TEXT_MAX_CHARS = 20_000
# Lists of one line per entry (authorities, other acronyms). The title and the place-and-date
# line keep their columns' 200.
EDITION_LIST_MAX_CHARS = 10_000


class EdicionForm(forms.ModelForm):
    """Every editable text of an edition: the Compendio's and the Informe's."""

    class Meta:
        model = Edicion
        fields = TEXT_FIELDS
        widgets = {
            "credits": forms.Textarea(attrs={"rows": 12}),
            "authorities": forms.Textarea(attrs={"rows": 5}),
            "introduction": forms.Textarea(attrs={"rows": 10}),
            "closing_text": forms.Textarea(attrs={"rows": 10}),
            "other_acronyms": forms.Textarea(attrs={"rows": 8}),
            "preambulo": forms.Textarea(attrs={"rows": 6}),
            "analisis_general": forms.Textarea(attrs={"rows": 4}),
            "analisis_federal": forms.Textarea(attrs={"rows": 4}),
            "analisis_estatal": forms.Textarea(attrs={"rows": 4}),
            "conclusiones": forms.Textarea(attrs={"rows": 6}),
            "evolucion_texto": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(
            self,
            default=EDITION_TEXT_MAX_CHARS,
            overrides={
                "authorities": EDITION_LIST_MAX_CHARS,
                "other_acronyms": EDITION_LIST_MAX_CHARS,
                # The comment on one chart.
                "analisis_general": TEXT_MAX_CHARS,
                "analisis_federal": TEXT_MAX_CHARS,
                "analisis_estatal": TEXT_MAX_CHARS,
            },
        )
        # «Evolución 2018-AAAA»: the generated paragraph a blank text prints (docs/series.md §S5).
        if draft := self.initial.pop("evolucion_borrador", ""):
            self.fields["evolucion_texto"].help_text = format_html(
                "{} «{}»", _("En blanco se imprime el párrafo generado:"), draft
            )

    def clean_introduction(self) -> str:
        text = self.cleaned_data["introduction"]
        if text.strip() and "{periodo}" not in text:
            raise forms.ValidationError(
                _("Incluya {periodo} donde debe aparecer el periodo de reporte.")
            )
        return text

    def clean_authorities(self) -> str:
        text = self.cleaned_data["authorities"]
        for number, line in enumerate(text.splitlines(), start=1):
            if line.count("|") > 1:
                raise forms.ValidationError(
                    _("Línea %(n)s: use una sola «|» entre el nombre y el cargo.") % {"n": number}
                )
        return text

    def clean_other_acronyms(self) -> str:
        text = self.cleaned_data["other_acronyms"]
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip() and "|" not in line:
                raise forms.ValidationError(
                    _("Línea %(n)s: escriba «Nombre | Sigla».") % {"n": number}
                )
        return text
