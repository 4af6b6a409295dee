"""English reference data for the English Informe Ejecutivo (docs/english-edition.md §E1).

Sources, copied by hand (frozen here: a later correction is a new data migration):

* The 23 objectives: the UN's official English titles, Global Compact for Safe, Orderly and
  Regular Migration, General Assembly resolution A/RES/73/195 (19 December 2018), annex,
  paragraph 16.
* The 17 Sustainable Development Goals: long names from «Transforming our world: the 2030
  Agenda for Sustainable Development», A/RES/70/1 (25 September 2015), paragraph 59 (goal 13
  without its footnote asterisk); short names as the United Nations prints them on the SDG
  icons (un.org/sustainabledevelopment).
* Actor types and chapter titles: UPMRIP's English names for the Compendio's chapters (our
  translation; Mexican institutions keep their Spanish names in the English Informe).
"""

from django.db import migrations, models

OBJECTIVES_EN = {
    1: "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
    2: "Minimize the adverse drivers and structural factors that compel people to leave their "
    "country of origin",
    3: "Provide accurate and timely information at all stages of migration",
    4: "Ensure that all migrants have proof of legal identity and adequate documentation",
    5: "Enhance availability and flexibility of pathways for regular migration",
    6: "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
    7: "Address and reduce vulnerabilities in migration",
    8: "Save lives and establish coordinated international efforts on missing migrants",
    9: "Strengthen the transnational response to smuggling of migrants",
    10: "Prevent, combat and eradicate trafficking in persons in the context of international "
    "migration",
    11: "Manage borders in an integrated, secure and coordinated manner",
    12: "Strengthen certainty and predictability in migration procedures for appropriate "
    "screening, assessment and referral",
    13: "Use migration detention only as a measure of last resort and work towards alternatives",
    14: "Enhance consular protection, assistance and cooperation throughout the migration cycle",
    15: "Provide access to basic services for migrants",
    16: "Empower migrants and societies to realize full inclusion and social cohesion",
    17: "Eliminate all forms of discrimination and promote evidence-based public discourse to "
    "shape perceptions of migration",
    18: "Invest in skills development and facilitate mutual recognition of skills, "
    "qualifications and competences",
    19: "Create conditions for migrants and diasporas to fully contribute to sustainable "
    "development in all countries",
    20: "Promote faster, safer and cheaper transfer of remittances and foster financial "
    "inclusion of migrants",
    21: "Cooperate in facilitating safe and dignified return and readmission, as well as "
    "sustainable reintegration",
    22: "Establish mechanisms for the portability of social security entitlements and earned "
    "benefits",
    23: "Strengthen international cooperation and global partnerships for safe, orderly and "
    "regular migration",
}

SDGS_EN = {
    1: ("No poverty", "End poverty in all its forms everywhere"),
    2: (
        "Zero hunger",
        "End hunger, achieve food security and improved nutrition and promote sustainable "
        "agriculture",
    ),
    3: (
        "Good health and well-being",
        "Ensure healthy lives and promote well-being for all at all ages",
    ),
    4: (
        "Quality education",
        "Ensure inclusive and equitable quality education and promote lifelong learning "
        "opportunities for all",
    ),
    5: ("Gender equality", "Achieve gender equality and empower all women and girls"),
    6: (
        "Clean water and sanitation",
        "Ensure availability and sustainable management of water and sanitation for all",
    ),
    7: (
        "Affordable and clean energy",
        "Ensure access to affordable, reliable, sustainable and modern energy for all",
    ),
    8: (
        "Decent work and economic growth",
        "Promote sustained, inclusive and sustainable economic growth, full and productive "
        "employment and decent work for all",
    ),
    9: (
        "Industry, innovation and infrastructure",
        "Build resilient infrastructure, promote inclusive and sustainable industrialization "
        "and foster innovation",
    ),
    10: ("Reduced inequalities", "Reduce inequality within and among countries"),
    11: (
        "Sustainable cities and communities",
        "Make cities and human settlements inclusive, safe, resilient and sustainable",
    ),
    12: (
        "Responsible consumption and production",
        "Ensure sustainable consumption and production patterns",
    ),
    13: ("Climate action", "Take urgent action to combat climate change and its impacts"),
    14: (
        "Life below water",
        "Conserve and sustainably use the oceans, seas and marine resources for sustainable "
        "development",
    ),
    15: (
        "Life on land",
        "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably "
        "manage forests, combat desertification, and halt and reverse land degradation and "
        "halt biodiversity loss",
    ),
    16: (
        "Peace, justice and strong institutions",
        "Promote peaceful and inclusive societies for sustainable development, provide access "
        "to justice for all and build effective, accountable and inclusive institutions at all "
        "levels",
    ),
    17: (
        "Partnerships for the goals",
        "Strengthen the means of implementation and revitalize the Global Partnership for "
        "Sustainable Development",
    ),
}

# code → (name, chapter title)
ACTOR_TYPES_EN = {
    "apf": ("Federal Public Administration agency", "Federal Public Administration Agencies"),
    "desconcentrado": (
        "Decentralized administrative body",
        "Federal Public Administration Agencies",
    ),
    "descentralizado": (
        "Decentralized or state-owned entity",
        "Federal Public Administration Agencies",
    ),
    "estatal": ("State government", "States"),
    "legislativo": ("Legislative Branch", "Legislative Branch"),
    "judicial": ("Judicial Branch", "Judicial Branch"),
    "autonomo": ("Constitutional autonomous body", "Constitutional Autonomous Bodies"),
    "osc": ("Civil society organization", "Civil Society Organizations"),
}


def load(apps, schema_editor):
    """Fill the English fields (also called by tests/conftest.py after a flush)."""
    ObjetivoPMM = apps.get_model("reporting", "ObjetivoPMM")
    ODS = apps.get_model("reporting", "ODS")
    ActorType = apps.get_model("reporting", "ActorType")
    for number, title in OBJECTIVES_EN.items():
        ObjetivoPMM.objects.filter(number=number).update(title_en=title)
    for number, (short, long) in SDGS_EN.items():
        ODS.objects.filter(number=number).update(short_name_en=short, long_name_en=long)
    for code, (name, chapter_title) in ACTOR_TYPES_EN.items():
        ActorType.objects.filter(code=code).update(name_en=name, chapter_title_en=chapter_title)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0008_ficha_search_index")]

    operations = [
        migrations.AddField(
            model_name="objetivopmm",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="título en inglés"),
        ),
        migrations.AddField(
            model_name="ods",
            name="short_name_en",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="nombre corto en inglés"
            ),
        ),
        migrations.AddField(
            model_name="ods",
            name="long_name_en",
            field=models.CharField(
                blank=True, max_length=400, verbose_name="nombre completo en inglés"
            ),
        ),
        migrations.AddField(
            model_name="actortype",
            name="name_en",
            field=models.CharField(blank=True, max_length=150, verbose_name="nombre en inglés"),
        ),
        migrations.AddField(
            model_name="actortype",
            name="chapter_title_en",
            field=models.CharField(
                blank=True, max_length=150, verbose_name="título del capítulo en inglés"
            ),
        ),
        migrations.AddField(
            model_name="ficha",
            name="resumen_informe_en",
            field=models.TextField(
                blank=True, verbose_name="Resumen para el Informe Ejecutivo en inglés"
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
