from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from clients.models import Membership, Role
from clients.tests.factories import OrganizationFactory, ProductFactory, UserFactory
from partners.models import CommissionPlan, PartnerApplication, PartnerProfile, Partnership, PartnershipProduct


def default_plan() -> CommissionPlan:
    plan = CommissionPlan.objects.filter(is_default=True).first()
    return plan or CommissionPlan.objects.create(name="Test default", is_default=True)


class PartnerProfileFactory(DjangoModelFactory):
    class Meta:
        model = PartnerProfile

    org = factory.SubFactory(OrganizationFactory)
    commission_plan = factory.LazyFunction(default_plan)
    slug = factory.Sequence(lambda n: f"partner-{n}")


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    partner = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(OrganizationFactory)
    access_level = Partnership.AccessLevel.FULL
    payment_method = Partnership.PaymentMethod.CLIENT_PAYS
    requested_access_level = factory.SelfAttribute("access_level")
    requested_payment_method = factory.SelfAttribute("payment_method")
    status = Partnership.Status.ACTIVE
    initiated_by = Partnership.Side.PARTNER


class PartnershipProductFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipProduct


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = PartnerApplication

    org = factory.SubFactory(OrganizationFactory)
    register_number = "CHE116281710"
    expected_yearly_volume = 5000
    currency = "CHF"
    website = "https://example.ch"
    accepts_minimum_volume = True
    accepts_client_support = True
    accepts_client_invoices = True
    accepts_tender_exclusivity = True
    accepts_reseller_terms = True


def member(org, role=Role.LEGAL_REPRESENTATIVE, **user_kwargs):
    user = UserFactory(**user_kwargs)
    Membership.objects.create(org=org, user=user, role=role)
    return user


__all__ = [
    "ApplicationFactory",
    "OrganizationFactory",
    "PartnerProfileFactory",
    "PartnershipFactory",
    "PartnershipProductFactory",
    "ProductFactory",
    "UserFactory",
    "member",
]
