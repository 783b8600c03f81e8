"""Demo data of the partner program (idempotent). Runs after clients/demo.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from clients.models import Membership, Organization, Product, ProductType, Role
from portal.models import User

from . import selectors
from .models import CollaboratorRights, CommissionPlan, PartnerApplication, PartnerProfile, Partnership

try:
    from clients.demo import PASSWORD
except ImportError:  # pragma: no cover - clients demo missing
    PASSWORD = "demo-Passw0rd!"


ALPINE_UID = "CHE287654328"  # CHE-287.654.328


def _org(name: str, *, kind: str = "company", country: str = "CH", city: str = "") -> Organization:
    org = Organization.objects.filter(name=name).first()
    if org is None:
        org = Organization.objects.create(name=name, slug=slugify(name)[:60], kind=kind, country=country, city=city)
    return org


def _user(email: str, full_name: str) -> User:
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _member(org: Organization, user: User, role: str) -> None:
    Membership.objects.get_or_create(org=org, user=user, defaults={"role": role})


def _product(org: Organization, type_slug: str, category: str, name: str) -> Product:
    existing = Product.objects.filter(org=org, name=name).first()
    if existing:
        return existing
    ptype, _ = ProductType.objects.get_or_create(slug=type_slug, defaults={"category": category, "name": type_slug})
    return Product.objects.create(org=org, product_type=ptype, name=name)


def seed(stdout) -> list[tuple[str, str, str]]:
    now = timezone.now()
    plan = CommissionPlan.objects.filter(is_default=True).first() or CommissionPlan.objects.create(
        name="Standard", is_default=True
    )
    agency = _org("Helvetia Web Agency AG", city="Zürich")
    baeckerei = _org("Bäckerei Müller GmbH", city="Bern")
    atelier = _org("Atelier Dupont SARL", country="FR", city="Paris")
    jane = _org("Jane Doe", kind="individual", country="DE", city="Berlin")

    anna = _user("anna.agency@demo.example", "Anna Keller")
    _member(agency, anna, Role.LEGAL_REPRESENTATIVE)
    lea = _user("lea.agency@demo.example", "Lea Meier")
    _member(agency, lea, Role.COLLABORATOR)
    _member(baeckerei, _user("hans.mueller@demo.example", "Hans Müller"), Role.LEGAL_REPRESENTATIVE)
    _member(atelier, _user("claire.dupont@demo.example", "Claire Dupont"), Role.LEGAL_REPRESENTATIVE)
    jane_user = _user("jane.doe@demo.example", "Jane Doe")
    _member(jane, jane_user, Role.LEGAL_REPRESENTATIVE)

    # The agency is an approved partner, listed in the directory.
    profile, _ = PartnerProfile.objects.get_or_create(
        org=agency,
        defaults={
            "commission_plan": plan,
            "slug": "helvetia-web-agency",
            "public_name": agency.name,
            "description": "Websites, e-shops and hosting for Swiss SMEs since 2009.",
            "city": "Zürich",
            "website": "https://helvetia-web.example",
            "languages": ["de", "fr", "en"],
            "services": ["web_hosting", "domain", "email"],
            "budget_min": Decimal("2000"),
            "budget_max": Decimal("50000"),
            "listed_in_directory": True,
            "approved_at": now,
        },
    )
    PartnerApplication.objects.get_or_create(
        org=agency,
        status=PartnerApplication.Status.APPROVED,
        defaults={
            "register_number": agency.register_number or "CHE116281710",
            "expected_yearly_volume": Decimal("12000"),
            "currency": "CHF",
            "website": "https://helvetia-web.example",
            "accepts_minimum_volume": True,
            "accepts_client_support": True,
            "accepts_client_invoices": True,
            "accepts_tender_exclusivity": True,
            "accepts_reseller_terms": True,
            "decided_at": now,
        },
    )

    # Full client, client pays.
    if selectors.partnership_between(partner=agency, client=baeckerei) is None and not selectors.full_partnership_of(
        client=baeckerei
    ):
        Partnership.objects.create(
            partner=agency,
            client=baeckerei,
            access_level="full",
            payment_method="client_pays",
            requested_access_level="full",
            requested_payment_method="client_pays",
            status="active",
            initiated_by="partner",
            invited_email="hans.mueller@demo.example",
            invited_by=anna,
            created_at=now - timedelta(days=240),  # a client for some months, not since today
            accepted_at=now - timedelta(days=238),
        )

    # Limited client with two granted products.
    atelier_products = [
        _product(atelier, "domain-com", ProductType.Category.DOMAIN, "atelier-dupont.com"),
        _product(atelier, "web-hosting-basic", ProductType.Category.WEB_HOSTING, "Site atelier-dupont.com"),
    ]
    limited = selectors.partnership_between(partner=agency, client=atelier)
    if limited is None:
        limited = Partnership.objects.create(
            partner=agency,
            client=atelier,
            access_level="limited",
            requested_access_level="limited",
            requested_product_ids=[p.pk for p in atelier_products],
            status="active",
            initiated_by="client",
            invited_by=User.objects.filter(email="claire.dupont@demo.example").first(),
            created_at=now - timedelta(days=96),
            accepted_at=now - timedelta(days=95),
            accepted_by=anna,
        )
    for product in atelier_products:
        if not product.partner_grants.filter(active=True).exists():
            limited.grants.create(product=product)

    # Pending, partner → client (by email, not yet signed up).
    Partnership.objects.get_or_create(
        partner=agency,
        client=None,
        invited_email="new.client@demo.example",
        status="pending",
        defaults={
            "access_level": "full",
            "payment_method": "partner_pays",
            "requested_access_level": "full",
            "requested_payment_method": "partner_pays",
            "initiated_by": "partner",
            "invited_by": anna,
        },
    )
    # Pending, client → partner (Jane Doe asks the agency to manage her blog).
    if selectors.partnership_between(partner=agency, client=jane) is None:
        blog = _product(jane, "web-hosting-basic", ProductType.Category.WEB_HOSTING, "Blog janedoe.com")
        Partnership.objects.create(
            partner=agency,
            client=jane,
            access_level="limited",
            requested_access_level="limited",
            requested_product_ids=[blog.pk],
            status="pending",
            initiated_by="client",
            invited_by=jane_user,
        )

    # Collaborator with restricted rights: only Bäckerei Müller, view and manage products.
    rights, _ = CollaboratorRights.objects.get_or_create(
        partner=agency, user=lea, defaults={"all_clients": False, "can_view": True, "can_manage_products": True}
    )
    rights.clients.add(baeckerei)

    # A full-access client whose partner pays (PS-8): billing's demo invoices the agency for it.
    sonne = _org("Gasthaus Sonne AG", city="Luzern")
    if not sonne.street:
        Organization.objects.filter(pk=sonne.pk).update(street="Weggisgasse 12", postal_code="6004")
    urs = _user("urs.sonne@demo.example", "Urs Sonnenberg")
    _member(sonne, urs, Role.LEGAL_REPRESENTATIVE)
    if selectors.partnership_between(partner=agency, client=sonne) is None:
        since = now - timedelta(days=400)  # before billing's 12 months of history
        Partnership.objects.create(
            partner=agency,
            client=sonne,
            access_level="full",
            payment_method="partner_pays",
            requested_access_level="full",
            requested_payment_method="partner_pays",
            status="active",
            initiated_by="partner",
            invited_email=urs.email,
            invited_by=anna,
            created_at=since,
            accepted_at=since,
        )

    # A submitted application from another company, waiting for staff.
    # Its own UID (ORG-2: valid check digit, stored compact), on the org and on the application.
    alpine = _org("Alpine IT Solutions GmbH", city="Chur")
    if not alpine.register_number:
        alpine.register_number = ALPINE_UID
        Organization.objects.filter(pk=alpine.pk).update(register_number=ALPINE_UID)
    peter = _user("peter.alpine@demo.example", "Peter Brunner")
    _member(alpine, peter, Role.LEGAL_REPRESENTATIVE)
    # Demo databases seeded before carried Bäckerei Müller's UID on this application.
    PartnerApplication.objects.filter(org=alpine, register_number__in=["CHE-109.322.551", "CHE109322551"]).update(
        register_number=alpine.register_number
    )
    if not PartnerApplication.objects.filter(org=alpine).exists():
        PartnerApplication.objects.create(
            org=alpine,
            submitted_by=peter,
            register_number=alpine.register_number,
            expected_yearly_volume=Decimal("4000"),
            currency="CHF",
            website="https://alpine-it.example",
            accepts_minimum_volume=True,
            accepts_client_support=True,
            accepts_client_invoices=True,
            accepts_tender_exclusivity=True,
            accepts_reseller_terms=True,
        )
    stdout.write(
        f"partners: {profile.display_name} is a partner (full: {baeckerei.name}, limited: {atelier.name}); "
        "2 pending invitations; 1 application to review."
    )
    return [
        ("urs.sonne@demo.example", PASSWORD, "Gasthaus Sonne AG (CH), full-access client (partner pays)"),
        ("peter.alpine@demo.example", PASSWORD, "Alpine IT Solutions GmbH — applied to the partner program"),
    ]
