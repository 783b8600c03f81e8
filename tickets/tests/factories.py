from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory  # noqa: F401
from tickets.models import HelpArticle, SupportAccessGrant


class StaffFactory(UserFactory):
    is_staff = True


class SupportAccessGrantFactory(DjangoModelFactory):
    class Meta:
        model = SupportAccessGrant

    org = factory.SubFactory(OrganizationFactory)
    mail = True
    drive = False
    reason = "Mail bounces"
    duration = "24h"
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=24))


class HelpArticleFactory(DjangoModelFactory):
    class Meta:
        model = HelpArticle

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    language = "en"
    category = HelpArticle.Category.SUPPORT
    body = "Some text."
