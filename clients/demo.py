"""Demo data of the clients layer (idempotent): users, orgs, members, an
invitation, the product types of the catalog and the clients' products."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from portal.models import User

from . import identifiers
from .models import MemberInvitation, Membership, Organization, Product, ProductType, Role

PASSWORD = "demo-Partner-2026"
STAFF_PASSWORD = "demo-Admin-2026"

PRODUCT_TYPES = [
    ("domain-ch", ProductType.Category.DOMAIN, ".ch domain"),
    ("domain-com", ProductType.Category.DOMAIN, ".com domain"),
    ("web-hosting-basic", ProductType.Category.WEB_HOSTING, "Web Hosting Basic"),
    ("web-hosting-pro", ProductType.Category.WEB_HOSTING, "Web Hosting Pro"),
    ("mail-pro", ProductType.Category.EMAIL, "Mail Pro"),
    ("kdrive-1tb", ProductType.Category.STORAGE, "kDrive 1 TB"),
    ("office-suite", ProductType.Category.OFFICE_SUITE, "Office Suite"),
    ("cloud-server-s", ProductType.Category.CLOUD_SERVER, "Cloud Server S"),
    ("support-pro", ProductType.Category.SUPPORT, "Premium Support Pro"),
    ("support-business", ProductType.Category.SUPPORT, "Premium Support Business"),
]

# slug, name, kind, country, street, postal code, city, register number, VAT number
ORGS = [
    (
        "helvetia-web-agency",
        "Helvetia Web Agency AG",
        "company",
        "CH",
        "Bahnhofstrasse 10",
        "8001",
        "Zürich",
        "CHE-116.281.710",
        "CHE-116.281.710 MWST",
    ),
    (
        "baeckerei-mueller",
        "Bäckerei Müller GmbH",
        "company",
        "CH",
        "Marktgasse 5",
        "3011",
        "Bern",
        "CHE-109.322.551",
        "",
    ),
    (
        "atelier-dupont",
        "Atelier Dupont SARL",
        "company",
        "FR",
        "12 rue de la Paix",
        "75002",
        "Paris",
        "732 829 320 00074",
        "FR40303265045",
    ),
    ("jane-doe", "Jane Doe", "individual", "DE", "Hauptstraße 1", "10115", "Berlin", "", ""),
]

# email, full name, org slug, role, description
USERS = [
    ("anna.agency@demo.example", "Anna Keller", "helvetia-web-agency", Role.LEGAL_REPRESENTATIVE,
     "Helvetia Web Agency AG — legal representative"),
    ("marco.agency@demo.example", "Marco Rossi", "helvetia-web-agency", Role.ADMINISTRATOR,
     "Helvetia Web Agency AG — administrator"),
    ("lea.agency@demo.example", "Lea Meier", "helvetia-web-agency", Role.COLLABORATOR,
     "Helvetia Web Agency AG — collaborator"),
    ("hans.mueller@demo.example", "Hans Müller", "baeckerei-mueller", Role.LEGAL_REPRESENTATIVE,
     "Bäckerei Müller GmbH (CH client) — legal representative"),
    ("claire.dupont@demo.example", "Claire Dupont", "atelier-dupont", Role.LEGAL_REPRESENTATIVE,
     "Atelier Dupont SARL (FR client) — legal representative"),
    ("jane.doe@demo.example", "Jane Doe", "jane-doe", Role.LEGAL_REPRESENTATIVE,
     "Jane Doe (individual, DE) — legal representative"),
]  # fmt: skip

# org slug → (product type slug, name)
PRODUCTS = {
    "baeckerei-mueller": [
        ("domain-ch", "baeckerei-mueller.ch"),
        ("web-hosting-pro", "Website baeckerei-mueller.ch"),
        ("mail-pro", "Mail baeckerei-mueller.ch"),
        ("kdrive-1tb", "kDrive Bäckerei"),
    ],
    "atelier-dupont": [
        ("domain-com", "atelier-dupont.com"),
        ("web-hosting-basic", "Site atelier-dupont.com"),
        ("office-suite", "Suite bureautique Atelier"),
        ("cloud-server-s", "Serveur de rendu"),
    ],
    "jane-doe": [
        ("domain-com", "janedoe.com"),
        ("web-hosting-basic", "Blog janedoe.com"),
        ("mail-pro", "Mail janedoe.com"),
    ],
}


def _user(email: str, password: str, *, full_name: str = "", staff: bool = False) -> User:
    from allauth.account.models import EmailAddress

    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name or user.full_name
    user.is_staff = staff or user.is_staff
    user.is_superuser = staff or user.is_superuser
    user.is_active = True
    user.set_password(password)
    user.save()
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


def seed(stdout) -> list[tuple[str, str, str]]:
    accounts: list[tuple[str, str, str]] = []
    _user("admin@demo.example", STAFF_PASSWORD, full_name="Portal Admin", staff=True)
    accounts.append(("admin@demo.example", STAFF_PASSWORD, "staff superuser (Django admin, reviews)"))

    orgs: dict[str, Organization] = {}
    for slug, name, kind, country, street, postal, city, register, vat in ORGS:
        org, _created = Organization.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "country": country,
                "street": street,
                "postal_code": postal,
                "city": city,
                "register_number": identifiers.clean_register(register, country),
                "vat_number": identifiers.clean_vat(vat, country),
                "terms_accepted_at": timezone.now() if vat else None,
            },
        )
        orgs[slug] = org

    for email, full_name, org_slug, role, what in USERS:
        user = _user(email, PASSWORD, full_name=full_name)
        Membership.objects.get_or_create(org=orgs[org_slug], user=user, defaults={"role": role})
        accounts.append((email, PASSWORD, what))

    agency = orgs["helvetia-web-agency"]
    invitation = MemberInvitation.objects.filter(
        org=agency, email="newhire@demo.example", status=MemberInvitation.Status.PENDING
    ).first()
    if invitation is None:
        MemberInvitation.objects.create(
            org=agency,
            email="newhire@demo.example",
            role=Role.COLLABORATOR,
            invited_by=User.objects.get(email="anna.agency@demo.example"),
        )
    elif invitation.expires_at <= timezone.now():
        invitation.expires_at = timezone.now() + timedelta(days=7)
        invitation.save(update_fields=["expires_at"])

    types = {}
    for slug, category, name in PRODUCT_TYPES:
        types[slug], _ = ProductType.objects.get_or_create(slug=slug, defaults={"category": category, "name": name})

    expires = date.today() + timedelta(days=200)
    for org_slug, items in PRODUCTS.items():
        for type_slug, name in items:
            Product.objects.get_or_create(
                org=orgs[org_slug], name=name, defaults={"product_type": types[type_slug], "expires_at": expires}
            )

    stdout.write(
        f"clients: {len(orgs)} organizations, {len(USERS) + 1} users, {len(types)} product types, "
        "1 pending invitation (newhire@demo.example → Helvetia Web Agency AG)."
    )
    return accounts
