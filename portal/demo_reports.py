"""Demo: the lead's sections of the finished cohorts' final reports (the shape of seed 004).

Written once (get_or_create): a second run changes nothing, and a lead's own edits in the demo are kept.
"""

from __future__ import annotations

from reports.models import FinalReport

SUMMARY = (
    "{count} kommuner arbetade tillsammans i nätverket *{title}* under {period}. Varje kommun tog fram en "
    "nulägesanalys med stöd av sina nyckeltal i Kolada, valde ett utvecklingsområde och började ett lokalt "
    "förbättringsarbete med förankring hos kommunledningen.\n\n"
    "Deltagarna var nöjda med nätverket som helhet, och närvaron var hög vid de gemensamma träffarna. "
    "Flera kommuner har redan fattat beslut om att fortsätta arbetet i den ordinarie verksamheten."
)
METHOD = (
    "- Nätverksträffar med styrgrupper och projektledare, varvade med digitala avstämningar\n"
    "- Nulägesanalys per kommun med nyckeltal från Kolada och jämförelser med kommungruppen\n"
    "- Hemuppgifter mellan träffarna, som redovisades och diskuterades i nätverket\n"
    "- Utvärdering efter varje träff och en avslutande enkät till alla deltagare (NKI)"
)
STRENGTHS = (
    "- Kommunledningarnas engagemang: styrgrupperna deltog aktivt och gav projektledarna mandat\n"
    "- Jämförelserna mellan kommunerna väckte frågor som ledde till konkreta förbättringar\n"
    "- Erfarenhetsutbytet mellan träffarna, också mellan kommuner av olika storlek"
)
RECOMMENDATIONS = (
    "- **Säkerställ tydliga mål för arbetet i styrgruppen:** gemensamma mål, tydliga roller och mandat\n"
    "- **Prioritera hårdare** bland förslagen, med en gemensam metod för att välja vad som görs först\n"
    "- **Följ upp med nyckeltal** varje år, så att effekterna av arbetet blir synliga"
)
NEXT_STEPS = (
    "- Kommunerna prioriterar bland rekommendationerna i sina styrgrupper\n"
    "- Workshop för projektledarna om förändringsstrategi och handlingsplan\n"
    "- Uppföljande träff ett år efter nätverkets slut, med nya nyckeltal"
)


def seed_final_report(network, lead, *, historical: bool) -> None:
    """The finished cohorts' final report sections; a running or new cohort's report is left to the lead."""
    if not historical:
        return
    count = network.memberships.filter(left_on=None).count()
    period = network.period_text or str(network.period_start.year if network.period_start else "")
    FinalReport.objects.get_or_create(
        network=network,
        defaults={
            "summary": SUMMARY.format(count=count, title=network.title, period=period.lower() or "nätverkets tid"),
            "method": METHOD,
            "strengths": STRENGTHS,
            "recommendations": RECOMMENDATIONS,
            "next_steps": NEXT_STEPS,
            "updated_by": lead,
        },
    )
