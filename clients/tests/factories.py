from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from clients.models import Membership, Organization, Product, ProductType, Role
from portal.models import User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "Tr0ub4dor&3-horse")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """allauth needs a verified primary address to log in."""
        if not create:
            return
        self.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n} AG")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.COMPANY
    country = "CH"
    city = "Zürich"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    org = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEGAL_REPRESENTATIVE


class ProductTypeFactory(DjangoModelFactory):
    class Meta:
        model = ProductType
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"type-{n}")
    category = ProductType.Category.WEB_HOSTING
    name = factory.Sequence(lambda n: f"Product type {n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    org = factory.SubFactory(OrganizationFactory)
    product_type = factory.SubFactory(ProductTypeFactory)
    name = factory.Sequence(lambda n: f"site{n}.example.ch")
