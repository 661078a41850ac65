"""The seed invitations' facts and texts (Markdown), with their timetables as offsets.

Data for ``portal.demo_networks``: what each of the three seed networks says,
which rules it sets, and how its dates hang together, so a cohort can be moved
to another start date and keep the timetable's shape.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from networks.models import NetworkCommitment

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
FINANCE_EMAIL = "ekonomi@example.se"
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
