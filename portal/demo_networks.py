"""The three seed networks as demo data, each as two cohorts.

The finished historical cohort keeps the invitation's real dates; the new cohort
is the same timetable moved relative to ``timezone.localdate()`` (so a later run
still gives the intended states): 002 open for applications, 000 in selection
with more applicants than places, 001 running. Texts are the invitations' own
(Markdown), contacts are placeholders (@example.se). Every write is an upsert
by a natural key and saves only what differs, so a second run changes nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
    MembershipCommitment,
    MembershipParticipant,
    Network,
    NetworkCommitment,
    NetworkContact,
    NetworkParticipantRole,
    Organizer,
    ReviewCriterion,
)
from portal.demo_billing import seed_billing
from portal.demo_followup import seed_follow_up
from portal.demo_meetings import seed_invitations, seed_meetings, timetable_note
from portal.demo_reports import seed_final_report
from portal.demo_texts import (
    FINANCE_EMAIL,
    HANDS_OFF_MUNICIPALITY,
    LEAD_EMAIL,
    NETWORK_000,
    NETWORK_001,
    NETWORK_002,
    REVIEWER_EMAIL,
    SEED_NETWORKS,
    Dates,
    SeedNetwork,
    end_of_day,
    start_of_day,
    text_context,
)
from portal.demo_upsert import upsert

# --- who applies where -----------------------------------------------------------------

Kind = NetworkCommitment.Kind
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
        Cohort(NETWORK_000, False, Status.SELECTION, new_000, APPLICANTS_000, DRAFTS_000, WITHDRAWN_000, reviewed=19),
        Cohort(NETWORK_001, True, Status.FINISHED, NETWORK_001.historical, MEMBERS_001_2017, members=True),
        Cohort(NETWORK_001, False, Status.RUNNING, new_001, MEMBERS_001_NEW, members=True),
        Cohort(NETWORK_002, True, Status.FINISHED, NETWORK_002.historical, MEMBERS_002_2021, members=True),
        Cohort(NETWORK_002, False, Status.OPEN, new_002, (), DRAFTS_002),
    ]


def demo_slugs() -> list[str]:
    return [slug for spec in SEED_NETWORKS for slug in (spec.slug_for(True), spec.slug_for(False))]


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
        "timetable_note": timetable_note(spec, context),
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


# The first participant leads the municipality's project, the second sits in the steering group, the rest work in it.
DEMO_GROUPS = (["project_leader"], ["steering_group"], ["working_group"])


def seed_memberships(network: Network, applications: list[Application], cohort: Cohort, lead: User) -> None:
    """The submitted applications accepted and published, each a member with its participants and commitments."""
    published_at = min(end_of_day(cohort.dates.deadline) + timedelta(days=14), start_of_day(cohort.dates.start))
    for application in applications:
        decision = {
            "decision": Application.Decision.ACCEPTED,
            "published_decision": Application.Decision.ACCEPTED,
            "decided_by_id": lead.pk,
            "decided_at": published_at,
            "decision_published_at": published_at,
        }
        upsert(Application, decision, pk=application.pk)
        values = {
            "status": Membership.Status.ACTIVE,
            "source": Membership.Source.DECISION,
            "started_on": cohort.dates.start,
            "application_id": application.pk,
            "invoice_orgnr": application.invoice_orgnr,
            "invoice_email": application.invoice_email,
            "invoice_address": application.invoice_address,
            "buyer_reference": application.buyer_reference,
            "peppol_id": application.peppol_id,
        }
        membership = upsert(Membership, values, network=network, municipality_id=application.municipality_id)
        for number, participant in enumerate(application.participants.order_by("pk")):
            values = {"name": participant.name, "title": participant.title, "role": participant.role}
            values["groups"] = DEMO_GROUPS[min(number, len(DEMO_GROUPS) - 1)]
            upsert(MembershipParticipant, values, membership=membership, email=participant.email)
        answers = {answer.commitment_id: answer for answer in application.commitments.all()}
        for commitment in network.commitments.all():
            answer = answers.get(commitment.pk)
            values = {
                "confirmed": bool(answer and answer.confirmed),
                "decision_date": answer.decision_date if answer else None,
                "decision_reference": answer.decision_reference if answer else "",
                "details": answer.details if answer else "",
            }
            upsert(MembershipCommitment, values, membership=membership, commitment=commitment)


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
        seed_memberships(network, submitted, cohort, reviewers[0])
    seed_reviews(network, submitted[: cohort.reviewed], reviewers)


@transaction.atomic
def seed_networks(*, password_hash: str, organizers: dict[str, Organizer]) -> list[Network]:
    """The six cohorts with applications, reviews and memberships; call inside ``acting_as``."""
    today = timezone.localdate()
    plan = cohorts(today)
    codes = {code for c in plan for code in c.submitted + c.drafts + c.withdrawn}
    assert HANDS_OFF_MUNICIPALITY not in codes  # demo data's own consistency  # nosec B101
    reps = seed_representatives(codes, password_hash)
    staff = User.objects.in_bulk([LEAD_EMAIL, REVIEWER_EMAIL], field_name="email")
    reviewers = [staff[LEAD_EMAIL], staff[REVIEWER_EMAIL]]
    networks, previous = [], None
    for cohort in plan:
        network = seed_network(cohort, organizers, None if cohort.historical else previous, reviewers[0])
        seed_cohort(cohort, network, reps, reviewers)
        meetings = seed_meetings(network, cohort.spec, cohort.dates.start, historical=cohort.historical, today=today)
        seed_invitations(meetings)
        seed_follow_up(network, meetings, reviewers[0], historical=cohort.historical)
        seed_final_report(network, reviewers[0], historical=cohort.historical)
        networks.append(network)
        previous = network
    finance = User.objects.get(email=FINANCE_EMAIL)
    seed_billing(networks, plan, reviewers[0], finance)
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
