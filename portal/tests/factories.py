from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from portal.models import User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "Tr0ub4dor&3-horse")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """allauth needs a verified primary address to log in."""
        if not create:
            return
        self.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})
