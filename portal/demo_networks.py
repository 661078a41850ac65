"""The three seed networks as demo data, each as two cohorts.

The finished historical cohort keeps the invitation's real dates; the new cohort
is the same timetable moved relative to ``timezone.localdate()`` (so a later run
still gives the intended states): 002 open for applications, 000 in selection
with more applicants than places, 001 running. Texts are the invitations' own
(Markdown), contacts are placeholders (@example.se). Every write is an upsert
by a natural key and saves only what differs, so a second run changes nothing.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationCommitment, ApplicationVersion, ProposedParticipant, Review
from applications.services import application_snapshot
from municipalities.models import Municipality, MunicipalityDomain
from networks.models import (
    Membership,
    Network,
    NetworkCommitment,
    NetworkContact,
    NetworkParticipantRole,
    Organizer,
    ReviewCriterion,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
Kind = NetworkCommitment.Kind
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

LEAD_EMAIL = "projektledare@example.se"
REVIEWER_EMAIL = "granskare@example.se"
# Upplands Väsby's demo representative applies end to end: no seeded application for 0114.
HANDS_OFF_MUNICIPALITY = "0114"


# --- dates ------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """A deadline given as a date: 23:59 Europe/Stockholm that day."""
    return datetime.combine(day, time(23, 59), tzinfo=STOCKHOLM)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=STOCKHOLM)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def day_month(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def season(day: date) -> str:
    return "våren" if day.month <= 6 else "hösten"


@dataclass(frozen=True)
class Dates:
    """One cohort's calendar: applications open, deadline (a date), start, length in months."""

    opens: date
    deadline: date
    start: date
    months: int

    @property
    def end(self) -> date:
        return end_of_month(add_months(self.start, self.months))

    def moved(self, *, deadline: date | None = None, start: date | None = None) -> Dates:
        """The same shape with the deadline (or the start) on another day."""
        days = (deadline - self.deadline).days if deadline else (start - self.start).days
        new_start = weekday_on_or_after(self.start + timedelta(days=days))
        return replace(
            self,
            opens=self.opens + timedelta(days=days),
            deadline=self.deadline + timedelta(days=days),
            start=new_start,
        )


def text_context(dates: Dates, organiser: str) -> dict[str, str]:
    return {
        "org": organiser,
        "deadline": f"{day_month(dates.deadline)} {dates.deadline.year}",
        "start_month": MONTHS[dates.start.month - 1],
        "start_month_year": month_year(dates.start),
        "start_day": day_month(dates.start),
        "start_day_year": f"{day_month(dates.start)} {dates.start.year}",
        "season": season(dates.start),
        "year1": str(dates.start.year),
        "year2": str(dates.start.year + 1),
        "season_cap": season(dates.start).capitalize(),
        "end_month_year": month_year(dates.end),
        "end_season": season(dates.end),
        "end_year": str(dates.end.year),
    }


# --- the seed networks' texts ---------------------------------------------------

TEXTS_000 = {
    "summary": (
        "Nätverk där kommuner analyserar varför styrningen inte ger önskade effekter och genomför "
        "förbättringar som förenklar och effektiviserar styrmodellen."
    ),
    "background": (
        "Tänk om det fanns en styrmodell som fungerade perfekt. Säkert tänker och önskar sig många kommuner "
        "detta. Men istället är det många kommuner som själva påtalar att det finns brister. Att man inte får "
        "genomslag eller uppnår önskade effekter. Det uppstår missnöje i organisationen som tar sig uttryck på "
        "olika sätt. Kanske handlar det om en överdos av styrning? Men det kan också finnas andra anledningar "
        "till att styrningen inte fungerar optimalt och behöver anpassas och förändras.\n\n"
        "Vi befinner oss i en tid då nya förhållningssätt och arbetssätt ska implementeras (till exempel en "
        "profession som tillåts ta ett större ansvar och ges större friheter, medborgare och brukare involveras "
        "i utveckling och förbättring av service och tjänster). Hur påverkar detta vårt sätt att styra och våra "
        "styrmodeller? Vad behöver förändras? Och hur säkerställer vi att vi uppnår allra bästa tänkbara "
        "lösning? Behöver vi se över hur vi organiserar oss? Hur vi styr? Eller hur vi leder?\n\n"
        "{org} bjuder nu in till ett nätverksarbete där deltagande kommuner dels på hemmaplan genomför en "
        "analys kring bakomliggande orsaker till behovet av förändring av styrningen. Och med genomförd analys "
        "som utgångspunkt tar fram förslag på förbättringar och implementerar dessa i sin kommun."
    ),
    "purpose": (
        "Ambitionen för deltagande kommuner ska vara:\n\n"
        "- Att genom analys skapa en tydlig bild kring bakomliggande orsaker eller utmaningar\n"
        "- Att genomföra ett förbättringsarbete som stödjer kommunen i att förenkla och effektivisera "
        "styrmodellen\n\n"
        "Genomförda förbättringsarbeten ska kunna spridas till andra kommuner som goda exempel."
    ),
    "working_forms": (
        "Under projektets gång kommer kommunerna att bjudas in till tre nätverksträffar. Vid nätverksträffarna "
        "förväntas att både representanter från styrgrupp och projektledare delta. Mellan respektive "
        "nätverksträff åtar sig kommunen att driva ett eget utvecklingsarbete på hemmaplan. {org} stödjer "
        "projektledarna genom regelbundna projektledarträffar. Uppstart av nätverket sker i {start_month} i "
        "Stockholm. Även de övriga nätverksträffarna/projektledarträffarna kommer att förläggas till Stockholm."
        "\n\nSamtliga träffar innehåller erfarenhetsutbyte, stöd och coachning till kommunerna. Externa inspel "
        "sker utifrån deltagarnas behov.\n\n"
        "Kommunen ska på hemmaplan ha inrättat en styrgrupp som aktivt deltar i arbetet."
    ),
    "cost_note": (
        "Kostnaden för deltagande i nätverket uppgår till **25 000 kr** per kommun (kommuner med > 15 000 "
        "invånare) och **15 000 kr** per kommun (kommuner med < 15 000 invånare), exklusive moms. Kommunen "
        "bekostar själva sina resor och eventuella kostnader för boende i samband med nätverksträffarna. "
        "Debitering sker vid två tillfällen: i slutet av {year1} samt under våren {year2}."
    ),
    "selection_process": (
        "Antalet deltagande kommuner är begränsat till 10 kommuner. Skulle antalet intresserade kommuner "
        "överstiga detta antal kommer en urvalsprocess att ske. Urvalet kommer att bygga på den intresseanmälan "
        "som skickas in men också på geografisk spridning, kommun-/landstingsstorlek och politisk majoritet. "
        "Detta för att få en så bra spridning som möjligt."
    ),
    "application_requirements": (
        "Till intresseanmälan ska bifogas en kort beskrivning varför kommunen vill ingå i nätverket.\n\n"
        "Senast den **{deadline}** vill vi ha er intresseanmälan."
    ),
    "contact_text": (
        "Har du frågor eller funderingar kring nätverkets upplägg hör av dig till oss.\n\n"
        "Varmt välkomna att anmäla er till ett spännande arbete kring att förenkla och effektivisera "
        "kommunens styrsystem!"
    ),
}

# (month offset from the start, last month offset or None, who, what)
TIMETABLE_000 = [
    (0, None, "Styrgrupp + projektledare", "uppstartsmöte problembilder/utmaningar"),
    (1, None, "Projektledarträff", "uppstart av analysarbete/metod och verktyg"),
    (4, None, "Projektledarträff", "avrapportering av analysarbetet"),
    (5, None, "Styrgrupp + projektledare", "från analys till nästa steg förbättringsarbete"),
    (6, None, "Projektledarträff", "uppstart förändringsarbete/metoder/verktyg"),
    (9, None, "Projektledarträff", "pågående förändringsarbete"),
    (11, None, "Projektledarträff", "pågående förändringsarbete"),
    (12, None, "Projektledarträff", "avrapportering förändringsarbete"),
    (13, None, "Styrgrupp + projektledare", "avrapportering förändringsarbete"),
    (
        13,
        18,
        "Varje kommun",
        "implementerar sitt förändringsarbete i sin kommun. {org} har under denna period löpande kontakt med "
        "kommunerna",
    ),
    (
        18,
        None,
        "Styrgrupp + projektledare",
        "slutseminarium, presentation av förändringsarbete, erfarenheter etc. Öppet seminarium för andra "
        "kommuner som vill ta del av vad som skett i projektet",
    ),
]

TEXTS_001 = {
    "summary": (
        "Nätverk där kommuner praktiskt kartlägger sin administration och arbetar med att förenkla och "
        "effektivisera den."
    ),
    "background": (
        "Det har under flera år förts en debatt där både forskare, experter och förtroendevalda varit kritiska "
        "till en alltmer ökad administrativ börda inom offentliga verksamhet. En utveckling som i debatten "
        "framställs hämma kostnadseffektivitet och kvalitetsutveckling.\n\n"
        "Anledningen anses vara ökade krav från bland annat komplexa regelverk, lagstiftning, målstyrning, "
        "mätning, uppföljning och kontroll. Men administration är dock inte bara av ondo utan är ett nödvändigt "
        "stöd för styrning, kontroll och utveckling. Men vad är det då för administration som kostar kraft och "
        "resurser i onödan? Kraft och resurser som bättre skulle kunna användas på annat sätt? Vilken "
        "administration behövs för att stödja kommunledning, verksamhetschefer och personal så att servicen "
        "till brukarna kan bli bättre?\n\n"
        "{org} bjuder nu in till ett nätverksarbete där kommuner praktiskt kartlägger och arbetar med att "
        "förenkla och effektivisera administrationen."
    ),
    "purpose": (
        "I ett första steg ska medverkande kommuner kartlägga hur administrationen fungerar idag, dels på "
        "kommuncentral nivå, dels på enhetsnivå. Metoder för kartläggningen utformas tillsammans med {org}. "
        "Tanken är att dessa kartläggningar ska göra det möjligt att identifiera förbättringsmöjligheter för att "
        "kunna effektivisera administrationen.\n\n"
        "I ett andra steg ska kommunerna arbeta med att förenkla och effektivisera sin egen administration. "
        "Administration som inte tillför mervärde för organisationen ska tas bort och nödvändig administration "
        "ska utformas så att den blir effektiv för att stödja produktionen av tjänster."
    ),
    "working_forms": (
        "Under projektets gång kommer kommunerna att bjudas in till fyra nätverksträffar samt ett avslutande "
        "seminarium. Vid nätverksträffarna förväntas att både representanter från kommunövergripande nivå och "
        "verksamhetsnivå deltar. Mellan respektive nätverksträff åtar sig kommunen att driva ett eget "
        "utvecklingsarbete på hemmaplan. Uppstart av nätverket sker den {start_day} i Stockholm. Även de övriga "
        "nätverksträffarna kommer att förläggas till Stockholm.\n\n"
        "Kommunen ska på hemmaplan ha inrättat en egen projektgrupp som aktivt deltar i arbetet.\n\n"
        "3–4 deltagare per kommun. Vi vill att deltagarna representerar kommunövergripande stödfunktioner som "
        "ekonomi, verksamhetsstyrning eller HR samt en enhetschef från dels utbildning, dels äldreomsorg."
    ),
    "cost_note": (
        "Kostnaden för deltagande i nätverket uppgår till **15 000 kr** per kommun, exklusive moms. Kommunen "
        "bekostar själva sina resor och eventuella kostnader för boende i samband med nätverksträffarna."
    ),
    "selection_process": TEXTS_000["selection_process"],
    "application_requirements": TEXTS_000["application_requirements"],
    "contact_text": (
        "Har du frågor eller funderingar kring nätverkets upplägg hör av dig till oss.\n\n"
        "Varmt välkomna att anmäla er till ett spännande arbete kring att effektivisera kommunens "
        "administration!"
    ),
}

_LATER_MEETING = (
    "Kommunerna presenterar sitt framskridande projektarbete. Stödjande diskussion mellan medverkande "
    "kommuner. {org} ger inspel och presenterar stöd till det fortsatta arbetet."
)
# (month offset from the start, title, programme); offset 0 is dated to the day.
TIMETABLE_001 = [
    (
        0,
        "Projektträff 1 – uppstartsmöte",
        "Projektupplägget presenteras. En genomgång av aktuella studier och {org}:s genomförda workshops och "
        "intervjuer kring administration. Presentation av undersökning och enkät som ska genomföras på "
        "hemmaplan. Diskussion kring projektupplägg, kommunernas egna erfarenheter samt hemuppgifter.",
    ),
    (
        4,
        "Projektträff 2",
        "Extern föreläsare. Presentation av undersöknings- och enkätresultat. Respektive kommun påbörjar "
        "formulering av möjliga vägar att förbättra/utveckla sin administration. {org} ger inspel som stöd till "
        "processen. Reflektioner och diskussioner mellan medverkande kommuner. Hemuppgifter.",
    ),
    (6, "Projektträff 3", _LATER_MEETING + " Eventuell extern föreläsare."),
    (9, "Projektträff 4", _LATER_MEETING + " Eventuellt externa inspel."),
    (
        12,
        "Seminarium – slutredovisning",
        "Ett seminarium med bred inbjudan även utanför de medverkande kommunerna. Projektet och resultatet från "
        "de medverkande kommunernas delprojekt presenteras.",
    ),
]

TEXTS_002 = {
    "summary": (
        "Utvecklingsprojekt där SKR och RKA tillsammans med deltagande kommuner ökar kunskapen om effektivitet – "
        "samspelet mellan insatta resurser och producerad volym och kvalitet – och påbörjar ett lokalt "
        "utvecklingsarbete."
    ),
    "background": (
        "En viktig ingång i arbetet är att utgå från RKA:s nyckeltal för effektivitet och de lokala förhållanden "
        "som finns hos de medverkande kommunerna. Erfarenheter från projektet ska spridas på olika sätt till "
        "hela kommunsverige.\n\n"
        "**Stöd från SKR/RKA.** Projektet leds från SKR:s sida av en arbetsgrupp med olika kompetenser från "
        "Avdelningen för Ekonomi och Styrning. I projektgruppen ingår även representanter från RKA. Till "
        "projektgruppen finns knutet referenspersoner från flera andra avdelningar på SKR."
    ),
    "purpose": (
        "**Syfte**\n\n"
        "- Att SKR och RKA tillsammans med deltagande kommuner ökar kunskapen kring effektivitet utifrån "
        "betydelsen av samspelet mellan insatta resurser och producerad volym och kvalitet.\n"
        "- Att i ett gemensamt lärande hitta system och modeller för en tydligare organisering, styrning och "
        "ledning som kan leda till effektivitetsökning.\n"
        "- Att de medverkande kommunerna anpassar de fördjupade kunskaperna till sina lokala förhållanden och "
        "påbörjar ett utvecklingsarbete för ökad effektivitet.\n\n"
        "**Mål**\n\n"
        "Att alla medverkande kommuner har påbörjat ett arbete för att öka effektiviteten utifrån definitionen\n\n"
        "> Effektivitet = Resultat × Volym / Resurs"
    ),
    "working_forms": (
        "Projektet löper över ett och ett halvt år med start {season} {year1}. Sju gemensamma samlingar där alla "
        "kommuner deltar planeras. Det första är ett gemensamt uppstartsseminarium och det sista ett "
        "avslutningsseminarium där eventuellt även andra kommuner kan bjudas in. Vid övriga gemensamma samlingar "
        "sker kompetensutveckling och erfarenhetsutbyte. Mellan de gemensamma samlingarna arbetar kommunerna "
        "enskilt, men samspelar digitalt med varandra, SKR och RKA via ett digitalt samarbetsrum och genom "
        "återkommande korta avstämningsmöten mellan respektive kommun och SKR och RKA.\n\n"
        "**Arbetsmodell**\n\n"
        "- Föreläsningar av experter från SKR/RKA samt från forskning, exempelkommuner, m.m.\n"
        "- Lärande erfarenhetsutbyte mellan medverkande kommuner och SKR/RKA\n"
        "- Utvecklingsarbete för att öka effektivitet i respektive deltagande kommun\n"
        "- Stöd från SKR/RKA riktat till de enskilda kommunerna\n\n"
        "**Exempel på inslag i arbetet**\n\n"
        "- Styrning för effektivitet (effektivitetens röda tråd)\n"
        "- Uppföljning och analys av effektivitet\n"
        "- Att jämföra effektivitet\n"
        "- Resursfördelningsmodeller\n"
        "- Värdeskapande utvecklingsarbete\n"
        "- Att leda för ökad effektivitet\n"
        "- Effektivisering genom intern och extern samverkan\n"
        "- Ny teknik, digitalisering, nya arbetsmetoder\n"
        "- Innovationsarbete\n"
        "- Kvalitetsarbete, ständiga förbättringar\n\n"
        "Innehållet formas slutligen i samverkan mellan de medverkande kommunerna och SKR.\n\n"
        "**Deltagare i kommunen.** Förtroendevalda i kommunledning och central ledningsgrupp bland "
        "tjänstepersoner samt stödfunktioner för ekonomi, kvalitet, HR, m.m. I utvecklingsprojektet krävs ett "
        "aktivt deltagande av dessa funktioner. Alla funktioner deltar inte vid alla tillfällen."
    ),
    "cost_note": (
        "**60 000 kr** (exkl. moms) per deltagande kommun. Kostnaden debiteras uppdelad på {year1} och {year2}. "
        "Kostnader för resor, lokaler, lunch etc. vid eventuella fysiska träffar kommer att debiteras utöver "
        "denna avgift."
    ),
    "selection_process": (
        "SKR förbehåller sig rätten att vid stort intresse för deltagande i projektet göra ett urval bland de "
        "sökande kommunerna. Kommuner som bedöms ha ett stort behov av stöd kommer då att prioriteras. "
        "Kommunens nulägesanalys och problembeskrivning samt effektivitetsnyckeltal i Kolada kommer att ligga "
        "till grund för en eventuell selektering av kommuner som ges tillfälle att delta."
    ),
    "application_requirements": (
        "**Nulägesanalys och problembeskrivning.** Deltagande kommuner ska till projektanmälan bifoga en "
        "nulägesanalys och problemformulering kring vad man vill förbättra avseende effektivitet. Denna "
        "problembeskrivning utgör grunden till ett utvecklingsarbete i respektive kommun under projekttiden. "
        "Problemformuleringen kan bearbetas och omformuleras tillsammans med projektledningen på SKR/RKA, dels "
        "innan projektstart, dels under löpande projekttid.\n\n"
        "Ansökan lämnas senast den **{deadline}**."
    ),
    "contact_text": "Frågor? Kontakta projektledningen.",
}

# (day offset from the start, title, programme lines)
TIMETABLE_002 = [
    (
        0,
        "(digitalt)",
        [
            "10.00–12.00 Uppstart. SKR, förtroendevalda ur kommunledning samt alla involverade tjänstepersoner "
            "(styrgrupp, arbetsgrupp) medverkar.",
            "13.00–15.00 Planering. SKR, tjänstepersoner från kommunerna.",
        ],
    ),
    (
        73,
        "(digitalt, preliminärt program)",
        [
            "10.00–12.00 Inspiration, kompetensutveckling, erfarenhetsutbyte. SKR, tjänstepersoner i deltagande "
            "kommuner.",
            "13.00–15.00 Kommunvis arbete, SKR deltar.",
        ],
    ),
]
TIMETABLE_002_AFTER = (
    "**Övriga möten.** Kommunvisa möten mellan SKR och deltagande kommuner kommer att planeras in under "
    "{season}. Detta görs i samband med projektstarten i {start_month}. Gemensamma möten under {year2} kommer "
    "att planeras in efter dialog med medverkande kommuner."
)


def timetable_000(dates: Dates, context: dict) -> str:
    lines = []
    for first, last, who, what in TIMETABLE_000:
        when = month_year(add_months(dates.start, first)).capitalize()
        if last is not None:
            when = f"{when} – {month_year(add_months(dates.start, last))}"
        lines.append(f"- **{when}:** {who} – {what.format(**context)}.")
    return "\n".join(lines)


def timetable_001(dates: Dates, context: dict) -> str:
    lines = []
    for offset, title, programme in TIMETABLE_001:
        when = context["start_day_year"] if offset == 0 else month_year(add_months(dates.start, offset))
        lines.append(f"- **{title}, {when}.** {programme.format(**context)}")
    return "\n".join(lines)


def timetable_002(dates: Dates, context: dict) -> str:
    parts = []
    for offset, note, programme in TIMETABLE_002:
        day = dates.start + timedelta(days=offset)
        items = "\n".join(f"- {line}" for line in programme)
        parts.append(f"**{day_month(day)} {day.year} {note}**\n\n{items}")
    parts.append(TIMETABLE_002_AFTER.format(**context))
    return "\n\n".join(parts)


# --- the networks' rules -------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str
    email: str


LEAD = Contact("Petra Projektledare", "Projektledare", "08-000 00 00", LEAD_EMAIL)


@dataclass(frozen=True)
class SeedNetwork:
    key: str
    slug: str
    title: str
    texts: dict
    timetable: object  # (Dates, context) -> Markdown
    historical: Dates
    period_text: str
    facts: dict
    commitments: tuple  # (kind, title, description)
    roles: tuple
    criteria: tuple  # (title, description)
    contacts: tuple
    co_organizers: tuple = ()

    def slug_for(self, historical: bool) -> str:
        return f"{self.slug}-{self.historical.start.year}" if historical else self.slug


NETWORK_000 = SeedNetwork(
    key="000",
    slug="forenklat-och-effektivare-styrsystem",
    title="Förenklat och effektivare styrsystem",
    texts=TEXTS_000,
    timetable=timetable_000,
    # Real: deadline 28 April 2017, start in May 2017, final seminar November 2018. The opening day and
    # the start's day of the month are not in the invitation (chosen for the demo).
    historical=Dates(opens=date(2017, 3, 15), deadline=date(2017, 4, 28), start=date(2017, 5, 23), months=18),
    period_text="{start_month_year} – {end_month_year}",
    facts={"capacity": 10, "place": "Stockholm"},
    commitments=(
        (
            Kind.STEERING_GROUP,
            "En styrgrupp på hemmaplan som aktivt deltar i arbetet",
            "Representanter från styrgruppen deltar i nätverksträffarna tillsammans med projektledaren.",
        ),
        (
            Kind.OTHER,
            "En projektledare som driver arbetet och deltar i projektledarträffarna",
            "Projektledaren deltar i nätverksträffar och regelbundna projektledarträffar i Stockholm.",
        ),
        (
            Kind.TIME,
            "Ett eget utvecklingsarbete på hemmaplan mellan nätverksträffarna",
            "Analys av bakomliggande orsaker och ett förbättringsarbete som genomförs i kommunen.",
        ),
    ),
    roles=("Projektledare", "Representant för styrgruppen"),
    criteria=(
        ("Motivering", "Hur väl beskriver kommunen varför den vill ingå i nätverket och vad den vill förändra?"),
        ("Förutsättningar på hemmaplan", "Styrgrupp, projektledare och tid för ett eget utvecklingsarbete."),
        ("Möjlighet att sprida erfarenheter", "Kan förbättringsarbetet bli ett gott exempel för andra kommuner?"),
    ),
    contacts=(LEAD,),
)

NETWORK_001 = SeedNetwork(
    key="001",
    slug="en-effektivare-administration",
    title="En effektivare administration",
    texts=TEXTS_001,
    timetable=timetable_001,
    # Real: deadline 28 April 2017, start 30 May 2017, final seminar May 2018; opening day chosen.
    historical=Dates(opens=date(2017, 3, 15), deadline=date(2017, 4, 28), start=date(2017, 5, 30), months=12),
    period_text="{start_month_year} – {end_month_year}",
    facts={"capacity": 10, "place": "Stockholm", "participants_min": 3, "participants_max": 4},
    commitments=(
        (
            Kind.PROJECT_GROUP,
            "En egen projektgrupp på hemmaplan som aktivt deltar i arbetet",
            "3–4 deltagare: kommunövergripande stödfunktioner (ekonomi, verksamhetsstyrning eller HR) samt en "
            "enhetschef från utbildning och en från äldreomsorg.",
        ),
        (
            Kind.TIME,
            "Ett eget utvecklingsarbete på hemmaplan mellan nätverksträffarna",
            "Kartläggning av administrationen på kommuncentral nivå och enhetsnivå, enkät och hemuppgifter.",
        ),
    ),
    roles=("Ekonomi", "Verksamhetsstyrning", "HR", "Enhetschef utbildning", "Enhetschef äldreomsorg"),
    criteria=(
        ("Motivering", "Hur väl beskriver kommunen varför den vill ingå i nätverket?"),
        ("Projektgrupp och deltagare", "Finns en projektgrupp med de efterfrågade funktionerna?"),
    ),
    contacts=(LEAD, Contact("Lars Ledare", "Projektledare", "08-000 00 01", "lars.ledare@example.se")),
)

NETWORK_002 = SeedNetwork(
    key="002",
    slug="effektivare-kommun",
    title="Effektivare kommun",
    texts=TEXTS_002,
    timetable=timetable_002,
    # Real: start 13 September 2021, one and a half years. The project description gives no
    # application period; opening and deadline are chosen for the demo.
    historical=Dates(opens=date(2021, 5, 4), deadline=date(2021, 6, 15), start=date(2021, 9, 13), months=18),
    period_text="{season_cap} {year1} – {end_season} {end_year} (ett och ett halvt år)",
    facts={"capacity": 10, "place": "Digitalt, eventuella fysiska träffar", "requires_problem_description": True},
    commitments=(
        (
            Kind.DECISION,
            "Ett kommunledningsbeslut om deltagande finns innan uppstartsträffen i {start_month_year}",
            "Ange datum och diarienummer för beslutet, eller när beslutet väntas.",
        ),
        (
            Kind.TIME,
            "Central ledningsgrupp och stödfunktioner avsätter erforderlig arbetstid",
            "Tid för dels gemensamma möten, dels internt utvecklingsarbete mellan mötena.",
        ),
        (Kind.STEERING_GROUP, "En styrgrupp för projektet utses", ""),
        (
            Kind.CONTACT_PERSON,
            "En kontaktperson utses",
            "Kontaktpersonen ansvarar för att företräda kommunen i kontakter med SKR.",
        ),
        (
            Kind.WORKING_GROUP,
            "En arbetsgrupp utses",
            "Arbetsgruppen ansvarar för det operativa förändringsarbetet i den egna kommunen.",
        ),
    ),
    roles=("Förtroendevald i kommunledningen", "Central ledningsgrupp", "Ekonomi", "Kvalitet", "HR"),
    criteria=(
        ("Behov av stöd", "Nulägesanalys och effektivitetsnyckeltal i Kolada."),
        ("Nulägesanalys och problembeskrivning", "Är problemet tydligt och möjligt att arbeta med i projektet?"),
        ("Förankring", "Kommunledningsbeslut, styrgrupp och arbetsgrupp."),
    ),
    contacts=(LEAD, Contact("Rut Analys", "Projektledare RKA", "08-000 00 02", "rut.analys@example.se")),
    co_organizers=("rka",),
)

SEED_NETWORKS = (NETWORK_000, NETWORK_001, NETWORK_002)


# --- who applies where -----------------------------------------------------------------

Status = Network.Status
AppStatus = Application.Status


@dataclass(frozen=True)
class Cohort:
    spec: SeedNetwork
    historical: bool
    status: str
    dates: Dates
    submitted: tuple[str, ...]  # municipality codes
    drafts: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    members: bool = False  # the submitted ones are members
    reviewed: int = 0  # the first n submitted applications have reviews

    @property
    def slug(self) -> str:
        return self.spec.slug_for(self.historical)

    @property
    def organiser_name(self) -> str:
        return "SKL" if self.historical and self.dates.start.year < 2019 else "SKR"


MEMBERS_000_2017 = ("0117", "0380", "0483", "0586", "0780", "1281", "1490", "1784", "2180", "2482")
MEMBERS_001_2017 = ("0126", "0484", "0683", "0880", "1080", "1382", "1496", "1980", "2281", "2380")
MEMBERS_002_2021 = ("0181", "0360", "0562", "0764", "1293", "1441", "1883", "2085", "2183", "2581")
MEMBERS_001_NEW = ("0136", "0187", "0486", "0685", "0883", "1233", "1384", "1472", "2080", "2584")
# 000 in selection: 19 counties, all eight riksområden, A1–C9, every bloc, nine under 15 000 inhabitants.
APPLICANTS_000 = (
    "0180", "1283", "0582", "2418", "1783", "0680", "1427", "2321", "0331", "1880", "0767",
    "1480", "1214", "2062", "0980", "1315", "1082", "2161", "0482", "2284", "2580",
)  # fmt: skip
DRAFTS_000 = ("0163", "2514", "1962")
WITHDRAWN_000 = ("0885",)
DRAFTS_002 = ("0582", "2580")


def cohorts(today: date) -> list[Cohort]:
    """The six cohorts, each historical one before its successor."""
    new_000 = NETWORK_000.historical.moved(deadline=today - timedelta(days=7))
    new_001 = NETWORK_001.historical.moved(start=today - timedelta(days=120))
    new_002 = NETWORK_002.historical.moved(deadline=today + timedelta(days=21))
    return [
        Cohort(NETWORK_000, True, Status.FINISHED, NETWORK_000.historical, MEMBERS_000_2017, members=True),
        Cohort(NETWORK_000, False, Status.SELECTION, new_000, APPLICANTS_000, DRAFTS_000, WITHDRAWN_000, reviewed=9),
        Cohort(NETWORK_001, True, Status.FINISHED, NETWORK_001.historical, MEMBERS_001_2017, members=True),
        Cohort(NETWORK_001, False, Status.RUNNING, new_001, MEMBERS_001_NEW, members=True),
        Cohort(NETWORK_002, True, Status.FINISHED, NETWORK_002.historical, MEMBERS_002_2021, members=True),
        Cohort(NETWORK_002, False, Status.OPEN, new_002, (), DRAFTS_002),
    ]


def demo_slugs() -> list[str]:
    return [slug for spec in SEED_NETWORKS for slug in (spec.slug_for(True), spec.slug_for(False))]


# --- generic upsert ------------------------------------------------------------------


def upsert(model, values: dict, **lookup):
    """update_or_create that saves (and writes history) only when something differs."""
    obj = model.objects.filter(**lookup).order_by("pk").first()  # pk: no Meta.ordering joins
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj


# --- networks --------------------------------------------------------------------------


def network_values(cohort: Cohort, organizers: dict[str, Organizer], previous: Network | None) -> dict:
    spec, dates = cohort.spec, cohort.dates
    context = text_context(dates, cohort.organiser_name)
    return {
        **{field: text.format(**context) for field, text in spec.texts.items()},
        **spec.facts,
        "title": spec.title,
        "organizer_id": organizers["skr"].pk,
        "previous_cohort_id": previous.pk if previous else None,
        "status": cohort.status,
        "timetable_note": spec.timetable(dates, context),
        "period_start": dates.start,
        "period_end": dates.end,
        "period_text": spec.period_text.format(**context).capitalize(),
        "applications_open_at": start_of_day(dates.opens),
        "application_deadline": end_of_day(dates.deadline),
    }


def seed_network(cohort: Cohort, organizers: dict[str, Organizer], previous: Network | None, lead: User) -> Network:
    network = upsert(Network, network_values(cohort, organizers, previous), slug=cohort.slug)
    network.co_organizers.set([organizers[slug] for slug in cohort.spec.co_organizers])
    seed_rules(network, cohort.spec, text_context(cohort.dates, cohort.organiser_name))
    for order, contact in enumerate(cohort.spec.contacts):
        values = {"name": contact.name, "role": contact.role, "phone": contact.phone, "order": order}
        values["user_id"] = lead.pk if contact.email == LEAD_EMAIL else None
        upsert(NetworkContact, values, network=network, email=contact.email)
    return network


def seed_rules(network: Network, spec: SeedNetwork, context: dict) -> None:
    for order, (kind, title, description) in enumerate(spec.commitments):
        values = {"kind": kind, "title": title.format(**context), "description": description}
        upsert(NetworkCommitment, values, network=network, order=order)
    for order, title in enumerate(spec.roles):
        upsert(NetworkParticipantRole, {"order": order}, network=network, title=title)
    for order, (title, description) in enumerate(spec.criteria):
        upsert(ReviewCriterion, {"title": title, "description": description}, network=network, order=order)


# --- municipality representatives ------------------------------------------------------

FIRST_NAMES = ("Maria", "Erik", "Karin", "Lars", "Sofia", "Johan", "Elin", "Anders", "Linnea", "Per", "Ida", "Mats")
LAST_NAMES = ("Berg", "Lindqvist", "Holm", "Nyberg", "Sandberg", "Ek", "Lund", "Ström", "Åberg", "Forsberg", "Sjöberg")


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def demo_domain(municipality: Municipality) -> str:
    """<kommun>.example.se: å/ä/ö folded, spaces dropped (Upplands Väsby → upplandsvasby)."""
    return f"{ascii_fold(municipality.name).replace(' ', '')}.example.se"


def person(code: str, offset: int = 0) -> tuple[str, str]:
    number = int(code) + offset * 5
    return FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[(number // 3 + offset) % len(LAST_NAMES)]


def person_email(first: str, last: str, domain: str) -> str:
    return f"{ascii_fold(first)}.{ascii_fold(last)}@{domain}"


def representative_email(municipality: Municipality) -> str:
    return person_email(*person(municipality.code), demo_domain(municipality))


def seed_representative(municipality: Municipality, password_hash: str) -> User:
    domain = demo_domain(municipality)
    upsert(MunicipalityDomain, {"municipality_id": municipality.pk, "is_demo": True}, domain=domain)
    first, last = person(municipality.code)
    email = representative_email(municipality)
    values = {"name": f"{first} {last}", "title": "Utvecklingsstrateg", "municipality_id": municipality.pk}
    values |= {"municipality_link_source": User.LinkSource.DOMAIN, "password": password_hash}
    user = upsert(User, values, email=email)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def shared_password_hash(password: str, emails: list[str]) -> str:
    """One hash for every demo user (hashing is slow on purpose), kept while the password stays the same."""
    existing = User.objects.filter(email__in=emails).values_list("password", flat=True).first()
    if existing and check_password(password, existing):
        return existing
    return make_password(password)


def seed_representatives(codes: set[str], password_hash: str) -> dict[str, User]:
    municipalities = Municipality.objects.filter(code__in=codes)
    return {m.code: seed_representative(m, password_hash) for m in municipalities}


# --- applications ----------------------------------------------------------------------

MOTIVATIONS = {
    "000": (
        "{name} har en styrmodell med många mål och indikatorer men svagt genomslag i verksamheterna. Vi vill "
        "analysera orsakerna tillsammans med andra kommuner och förenkla styrningen.",
        "I {name} upplever både förtroendevalda och chefer att styrningen har blivit för detaljerad. Vi vill "
        "pröva en enklare modell som ger professionen större ansvar.",
        "{name} har infört en ny organisation och behöver se över hur mål, budget och uppföljning hänger ihop. "
        "Nätverket ger oss metod och erfarenhetsutbyte.",
        "Medborgardialogen i {name} har visat att styrningen inte fångar brukarnas behov. Vi vill göra en "
        "grundlig analys och ett förbättringsarbete med styrgruppen.",
    ),
    "001": (
        "Cheferna i {name} lägger allt mer tid på administration. Vi vill kartlägga vilken administration som "
        "skapar värde och ta bort resten.",
        "{name} vill minska den administrativa bördan för enhetscheferna inom skola och äldreomsorg och frigöra "
        "tid för ledarskap.",
    ),
    "002": (
        "{name} har höga kostnader i förhållande till resultaten enligt Koladas nyckeltal. Vi behöver stöd för "
        "att arbeta systematiskt med effektivitet.",
        "Ekonomin i {name} är ansträngd och vi vill lära oss att jämföra effektivitet och använda "
        "resursfördelningsmodeller.",
    ),
}
PROBLEMS_002 = (
    (
        "Äldreomsorg",
        "Kostnaden per brukare i hemtjänsten ligger över jämförbara kommuner medan brukarnöjdheten är lägre.",
        "Vi saknar en gemensam bild av vad som driver kostnaderna och hur resurserna fördelas mellan enheterna.",
        "En resursfördelningsmodell och en uppföljning som kopplar ihop resurs, volym och resultat.",
    ),
    (
        "Grundskola",
        "Kostnaden per elev är hög och andelen elever med godkända betyg har sjunkit de senaste åren.",
        "Styrningen fokuserar på budgetföljsamhet, inte på effektivitet; jämförelser görs sällan.",
        "Att skolorna jämför sin effektivitet och att ledningen följer upp den två gånger per år.",
    ),
)
ROLE_TITLES = {
    "Projektledare": "Utvecklingsstrateg",
    "Representant för styrgruppen": "Kommundirektör",
    "Ekonomi": "Ekonomichef",
    "Verksamhetsstyrning": "Controller",
    "HR": "HR-strateg",
    "Enhetschef utbildning": "Rektor",
    "Enhetschef äldreomsorg": "Enhetschef äldreomsorg",
    "Förtroendevald i kommunledningen": "Kommunstyrelsens ordförande",
    "Central ledningsgrupp": "Kommundirektör",
    "Kvalitet": "Kvalitetsstrateg",
}
COMMITMENT_DETAILS = {
    Kind.STEERING_GROUP: "Kommundirektör (ordförande), ekonomidirektör, HR-direktör och två förvaltningschefer.",
    Kind.WORKING_GROUP: "Controller, verksamhetsutvecklare och en förvaltningsekonom.",
    Kind.PROJECT_GROUP: "Ekonomichef, HR-strateg, en rektor och en enhetschef inom äldreomsorgen.",
    Kind.TIME: "Avsatt i ledningsgruppens mötesplan och i arbetsgruppens uppdrag.",
}


def application_content(spec: SeedNetwork, municipality: Municipality, index: int) -> dict:
    texts = MOTIVATIONS[spec.key]
    content = {"motivation": texts[index % len(texts)].format(name=municipality.name)}
    if spec.facts.get("requires_problem_description"):
        area, current, problem, goal = PROBLEMS_002[index % len(PROBLEMS_002)]
        content |= {"problem_area": area, "current_state": current, "problem": problem, "goal": goal}
    orgnr = municipality.organisation_number
    content |= {
        "invoice_orgnr": orgnr,
        "invoice_email": f"faktura@{demo_domain(municipality)}",
        "buyer_reference": f"{1000 + int(municipality.code)}",
        "peppol_id": f"0007:{orgnr}" if orgnr else "",
    }
    return content


def submitted_time(dates: Dates, index: int) -> datetime:
    """Spread over the weeks before the deadline, always before it."""
    return end_of_day(dates.deadline) - timedelta(days=1 + (index * 3) % 24, hours=2 + (index * 5) % 9)


def application_values(cohort: Cohort, municipality: Municipality, rep: User, status: str, index: int) -> dict:
    values = application_content(cohort.spec, municipality, index)
    submitted = None if status == AppStatus.DRAFT else submitted_time(cohort.dates, index)
    withdrawn = submitted + timedelta(hours=20) if status == AppStatus.WITHDRAWN else None
    return values | {
        "status": status,
        "created_by_id": rep.pk,
        "version": 1 if submitted else 0,
        "submitted_at": submitted,
        "submitted_by_id": rep.pk if submitted else None,
        "withdrawn_at": withdrawn,
    }


def commitment_answer(commitment: NetworkCommitment, rep: User, cohort: Cohort, index: int, complete: bool) -> dict:
    answer = {"confirmed": complete, "details": COMMITMENT_DETAILS.get(commitment.kind, "")}
    if commitment.kind == Kind.CONTACT_PERSON:
        answer["details"] = f"{rep.name}, {rep.title}, {rep.email}"
    if commitment.kind == Kind.DECISION and index % 4 == 3:
        answer |= {"decision_pending": True, "expected_date": cohort.dates.start - timedelta(days=14)}
    elif commitment.kind == Kind.DECISION and complete:
        decided = submitted_time(cohort.dates, index).date() - timedelta(days=9)
        answer |= {"decision_date": decided, "decision_reference": f"KS {decided.year}/{100 + index * 7}"}
    return answer


def seed_commitments(application: Application, cohort: Cohort, rep: User, index: int) -> None:
    complete = application.status != AppStatus.DRAFT
    for commitment in application.network.commitments.all():
        answer = commitment_answer(commitment, rep, cohort, index, complete)
        upsert(ApplicationCommitment, answer, application=application, commitment=commitment)


def seed_participants(application: Application, cohort: Cohort, index: int) -> None:
    roles = [role.title for role in application.network.participant_roles.all()]
    count = (cohort.spec.facts.get("participants_min") or 2) + index % 2
    municipality = application.municipality
    for offset, role in enumerate((roles * 2)[index % len(roles) :][:count], start=1):
        first, last = person(municipality.code, offset)
        values = {"name": f"{first} {last}", "title": ROLE_TITLES.get(role, ""), "role": role}
        email = person_email(first, last, demo_domain(municipality))
        upsert(ProposedParticipant, values, application=application, email=email)


def seed_application(network: Network, cohort: Cohort, municipality, rep, status: str, index: int) -> Application:
    values = application_values(cohort, municipality, rep, status, index)
    application = upsert(Application, values, network=network, municipality=municipality)
    application.network, application.municipality = network, municipality  # the prefetched rules
    seed_commitments(application, cohort, rep, index)
    seed_participants(application, cohort, index)
    if application.submitted_at:
        # The same snapshot the submit service stores, so the leads' version views read it.
        data = application_snapshot(application)
        values = {"submitted_at": application.submitted_at, "submitted_by_id": rep.pk, "data": data}
        upsert(ApplicationVersion, values, application=application, number=1)
    return application


def seed_cohort_applications(network: Network, cohort: Cohort, reps: dict[str, User]) -> list[Application]:
    plan = [(code, AppStatus.SUBMITTED) for code in cohort.submitted]
    plan += [(code, AppStatus.DRAFT) for code in cohort.drafts]
    plan += [(code, AppStatus.WITHDRAWN) for code in cohort.withdrawn]
    municipalities = Municipality.objects.in_bulk([code for code, _status in plan], field_name="code")
    return [
        seed_application(network, cohort, municipalities[code], reps[code], status, index)
        for index, (code, status) in enumerate(plan)
    ]


def seed_memberships(network: Network, applications: list[Application], started_on: date) -> None:
    for application in applications:
        values = {"status": Membership.Status.ACTIVE, "source": Membership.Source.DECISION, "started_on": started_on}
        upsert(Membership, values, network=network, municipality_id=application.municipality_id)


def seed_reviews(network: Network, applications: list[Application], reviewers: list[User]) -> None:
    """Scores 0–5, some "ej bedömd" (no score); the second reviewer has done about half."""
    criteria = list(network.review_criteria.all())
    for i, application in enumerate(applications):
        for r, reviewer in enumerate(reviewers[: 1 + (i % 2 == 0)]):
            for j, criterion in enumerate(criteria):
                score = None if (i + j + r) % 7 == 3 else (i * 2 + j * 3 + r + 1) % 6
                comment = "Tydlig motivering." if score and score >= 4 and j == 0 else ""
                values = {"score": score, "comment": comment}
                upsert(Review, values, application=application, criterion=criterion, reviewer=reviewer)


# --- entry points ----------------------------------------------------------------------


def seed_cohort(cohort: Cohort, network: Network, reps: dict[str, User], reviewers: list[User]) -> None:
    network = Network.objects.prefetch_related("commitments", "participant_roles", "review_criteria").get(pk=network.pk)
    applications = seed_cohort_applications(network, cohort, reps)
    submitted = [a for a in applications if a.status == AppStatus.SUBMITTED]
    if cohort.members:
        seed_memberships(network, submitted, cohort.dates.start)
    seed_reviews(network, submitted[: cohort.reviewed], reviewers)


@transaction.atomic
def seed_networks(*, password_hash: str, organizers: dict[str, Organizer]) -> list[Network]:
    """The six cohorts with applications, reviews and memberships; call inside ``acting_as``."""
    plan = cohorts(timezone.localdate())
    codes = {code for c in plan for code in c.submitted + c.drafts + c.withdrawn}
    assert HANDS_OFF_MUNICIPALITY not in codes
    reps = seed_representatives(codes, password_hash)
    staff = User.objects.in_bulk([LEAD_EMAIL, REVIEWER_EMAIL], field_name="email")
    reviewers = [staff[LEAD_EMAIL], staff[REVIEWER_EMAIL]]
    networks, previous = [], None
    for cohort in plan:
        network = seed_network(cohort, organizers, None if cohort.historical else previous, reviewers[0])
        seed_cohort(cohort, network, reps, reviewers)
        networks.append(network)
        previous = network
    return networks


def network_summary() -> list[Network]:
    """The demo networks with counts, for the command's output."""
    submitted = Q(applications__status=AppStatus.SUBMITTED)
    return list(
        Network.objects.filter(slug__in=demo_slugs())
        .annotate(
            n_applications=Count("applications", distinct=True),
            n_submitted=Count("applications", filter=submitted, distinct=True),
            n_members=Count("memberships", distinct=True),
        )
        .order_by("title", "period_start")
    )
