from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clients.models import Membership, Role
from clients.tests.factories import OrganizationFactory, UserFactory
from partners.tests.factories import PartnerProfileFactory
from tenders.models import PartnerReview, TenderDelivery, TenderQuote, TenderRequest, TenderSubscription


def member(org, role=Role.LEGAL_REPRESENTATIVE, **user_kwargs):
    user = UserFactory(**user_kwargs)
    Membership.objects.create(org=org, user=user, role=role)
    return user


def future(days: int = 30):
    return timezone.localdate() + timedelta(days=days)


class ListedProfileFactory(PartnerProfileFactory):
    listed_in_directory = True
    public_name = factory.Sequence(lambda n: f"Agency {n:03d}")
    description = "Websites and hosting for small businesses."
    city = "Zürich"
    languages = factory.LazyFunction(lambda: ["de", "en"])
    services = factory.LazyFunction(lambda: ["web_hosting", "email"])


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = TenderSubscription

    org = factory.SubFactory(OrganizationFactory)
    active = True
    categories = factory.LazyFunction(list)
    countries = factory.LazyFunction(list)
    languages = factory.LazyFunction(list)
    regions = ""


class TenderRequestFactory(DjangoModelFactory):
    class Meta:
        model = TenderRequest

    contact_name = "Anna Muster"
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    company = "Muster GmbH"
    country = "CH"
    region = "Zürich"
    language = "de"
    description = "A new website with email for 10 people."
    categories = factory.LazyFunction(lambda: ["web_hosting"])
    budget_min = Decimal("1000")
    budget_max = Decimal("5000")
    currency = "CHF"
    deadline = factory.LazyFunction(future)
    status = TenderRequest.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = TenderDelivery

    request = factory.SubFactory(TenderRequestFactory)
    partner = factory.SubFactory(OrganizationFactory)


class QuoteFactory(DjangoModelFactory):
    class Meta:
        model = TenderQuote

    request = factory.SubFactory(TenderRequestFactory)
    partner = factory.SubFactory(OrganizationFactory)
    message = "We can do it."
    amount = Decimal("3200.00")
    currency = "CHF"
    valid_until = factory.LazyFunction(future)
    accepts_tender_exclusivity = True


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = PartnerReview

    request = factory.SubFactory(TenderRequestFactory, status=TenderRequest.Status.AWARDED)
    partner = factory.SubFactory(OrganizationFactory)
    rating = 5
    text = "Great work."
    author_name = "Muster GmbH"


__all__ = [
    "DeliveryFactory",
    "ListedProfileFactory",
    "OrganizationFactory",
    "PartnerProfileFactory",
    "QuoteFactory",
    "ReviewFactory",
    "SubscriptionFactory",
    "TenderRequestFactory",
    "UserFactory",
    "future",
    "member",
]
