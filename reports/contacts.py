"""The participant and contact list of a network (deltagar- och kontaktlista), as a page and a PDF.

- The network's own contacts (its project leaders at the organiser) first.
- Then every current member municipality, in Swedish alphabetical order: its contact persons (the
  municipality's representatives, with phone when they have stored one) and its participants in the
  network (name, role in the network, job title, e-mail; a phone when the participant has an account
  with one), the steering group first, then the project leader, the working group and the rest.
- Members that have left are listed last with the date they left, without their people: they are no
  longer contacts of the network.

A constant number of queries whatever the number of members and participants.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from applications.workbench import sort_name_key
from networks.models import Membership, MembershipParticipant, ParticipantGroup
from reports import pdf

GROUP_ORDER = {group: index for index, group in enumerate(ParticipantGroup.values)}


@dataclass
class ParticipantRow:
    participant: MembershipParticipant
    phone: str = ""

    @property
    def order(self) -> tuple:
        groups = [GROUP_ORDER[group] for group in self.participant.groups or () if group in GROUP_ORDER]
        return (min(groups, default=len(GROUP_ORDER)), sort_name_key(self.participant.name), self.participant.pk)


@dataclass
class MemberContacts:
    membership: Membership
    representatives: list[User] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)

    @property
    def municipality(self):
        return self.membership.municipality


def _memberships(network) -> list[Membership]:
    participants = MembershipParticipant.objects.order_by("name", "pk")
    queryset = (
        Membership.objects.filter(network=network)
        .select_related("municipality__county")
        .prefetch_related(Prefetch("participants", queryset=participants, to_attr="listed"))
    )
    return sorted(queryset, key=lambda membership: sort_name_key(membership.municipality.name))


def _representatives(municipality_ids: set[int]) -> dict[int, list[User]]:
    by_municipality: dict[int, list[User]] = defaultdict(list)
    if not municipality_ids:
        return by_municipality
    users = User.objects.filter(municipality_id__in=municipality_ids, is_active=True).only(
        "name", "email", "phone", "title", "municipality_id"
    )
    for user in sorted(users, key=lambda user: sort_name_key(user.name or user.email)):
        by_municipality[user.municipality_id].append(user)
    return by_municipality


def _phones(emails: set[str]) -> dict[str, str]:
    """Phone numbers participants stored with their own accounts, by e-mail (lower case)."""
    if not emails:
        return {}
    users = User.objects.filter(email__in=emails, is_active=True).exclude(phone="").values_list("email", "phone")
    return {email.lower(): phone for email, phone in users}


def contact_list_context(network) -> dict:
    """The network's contacts, its current members with their contact persons and participants, and who left."""
    memberships = _memberships(network)
    current = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    left = [m for m in memberships if m.status != Membership.Status.ACTIVE]
    representatives = _representatives({m.municipality_id for m in current})
    phones = _phones({p.email.lower() for m in current for p in m.listed})
    members = []
    for membership in current:
        rows = sorted(
            (ParticipantRow(participant=p, phone=phones.get(p.email.lower(), "")) for p in membership.listed),
            key=lambda row: row.order,
        )
        members.append(
            MemberContacts(
                membership=membership,
                representatives=representatives.get(membership.municipality_id, []),
                participants=rows,
            )
        )
    return {
        "network": network,
        "network_contacts": list(network.contacts.all()),
        "members": members,
        "left": left,
        "participant_count": sum(len(member.participants) for member in members),
        "now": timezone.now(),
    }


def contact_list_document_context(network) -> dict:
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        title = _("Participant and contact list")
        return contact_list_context(network) | {
            "title": f"{title}: {network.title}",
            "heading": title,
            "organizer_name": network.organizer.name,
            "logo": pdf.logo_data_uri(network.organizer),
            "document_date": timezone.localdate(),
            "description": network.title,
        }


def contact_list_html(network) -> str:
    return pdf.render_html("reports/contacts.html", contact_list_document_context(network))


def contact_list_pdf(network) -> bytes:
    return pdf.html_to_pdf(contact_list_html(network))


def contact_list_file_name(network) -> str:
    return pdf.file_name("kontaktlista", network.slug)
