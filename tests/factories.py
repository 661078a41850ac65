"""Shared factories. The register (counties, municipalities) is reference data
loaded for the whole test session, so tests look municipalities up by code
rather than creating them."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import StaffRole, User
from applications.models import Application
from municipalities.models import Municipality
from networks.models import Network, NetworkCommitment, Organizer, ReviewCriterion

PASSWORD = "correct-horse-battery-staple"


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    name = factory.Faker("name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Users are verified unless a test says verified=False (allauth blocks login otherwise).
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
        if create:
            self.save()


class OrganizerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organizer

    name = factory.Sequence(lambda n: f"Organiser {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    organizer = factory.SubFactory(OrganizerFactory)
    role = StaffRole.Role.NETWORK_LEAD


def staff(role=StaffRole.Role.NETWORK_LEAD, organizer=None, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    StaffRoleFactory(user=user, organizer=organizer or OrganizerFactory(), role=role)
    return user


def representative(code: str = "0114", **user_kwargs) -> User:
    return UserFactory(municipality=municipality(code), municipality_link_source=User.LinkSource.GRANTED, **user_kwargs)


class NetworkFactory(factory.django.DjangoModelFactory):
    """An open network of ``organizer`` whose deadline is two weeks away."""

    class Meta:
        model = Network

    title = factory.Sequence(lambda n: f"Nätverk {n}")
    slug = factory.Sequence(lambda n: f"natverk-{n}")
    organizer = factory.SubFactory(OrganizerFactory)
    status = Network.Status.OPEN
    summary = "Ett nätverk för kommuner."
    capacity = 10
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    application_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class NetworkCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkCommitment

    network = factory.SubFactory(NetworkFactory)
    kind = NetworkCommitment.Kind.DECISION
    title = "Kommunledningsbeslut om deltagande före start"


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Kriterium {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application of municipality 0114 (Upplands Väsby) unless told otherwise."""

    class Meta:
        model = Application

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.LazyFunction(lambda: municipality("0114"))
    created_by = factory.SubFactory(UserFactory)
    motivation = "Vi vill utveckla vår styrning."


# --- Memberships (appended: later factories go below) ---------------------------------------

from networks.models import Membership, MembershipParticipant  # noqa: E402


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active membership of municipality 0114 (Upplands Väsby) unless told otherwise."""

    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.LazyFunction(lambda: municipality("0114"))
    status = Membership.Status.ACTIVE
    source = Membership.Source.DECISION
    started_on = factory.LazyFunction(timezone.localdate)


class MembershipParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipParticipant

    membership = factory.SubFactory(MembershipFactory)
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"deltagare{n}@example.se")
    title = "Controller"


# --- Meetings (appended: later factories go below) -------------------------------------------

from datetime import date  # noqa: E402

from meetings.models import Meeting  # noqa: E402


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned, preliminary network meeting (June 2018) for steering groups and project leaders."""

    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    kind = Meeting.Kind.NETWORK
    title = factory.Sequence(lambda n: f"Nätverksträff {n}")
    month = date(2018, 6, 1)
    audience = factory.LazyFunction(lambda: ["steering_group", "project_leader"])
