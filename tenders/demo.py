"""Demo data of the tender platform and the directory (idempotent). Runs after clients, partners,
billing and tickets. Written through the models, not the services, so that restarting the
portal sends no email and counts against no rate limit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from clients.models import Organization
from partners.models import CommissionPlan, PartnerProfile

from .models import PartnerReview, TenderDelivery, TenderQuote, TenderRequest, TenderSubscription

PARTNER_ORG = "Helvetia Web Agency AG"
CLIENT_ORG = "Bäckerei Müller GmbH"
FR_CLIENT_ORG = "Atelier Dupont SARL"

PROFILE = {
    "listed_in_directory": True,
    "public_name": "Helvetia Web Agency",
    "description": (
        "Zürich web agency since 2012: websites, online shops and business email for Swiss SMEs, "
        "hosted on our provider's Swiss cloud. We migrate, maintain and support."
    ),
    "city": "Zürich",
    "website": "https://helvetia-web.example",
    "languages": ["de", "en", "fr"],
    "services": ["web_hosting", "email", "domain", "office_suite"],
    "budget_min": Decimal("2000"),
    "budget_max": Decimal("50000"),
    "skills": "WordPress, WooCommerce, Django, accessibility (WCAG 2.1), email migration",
    "references": "Bäckerei Müller GmbH (website and email), Atelier Dupont SARL (shop)",
    "certifications": "Partner of the provider since 2019; ISO 27001 trained team",
}


# More listed partners, so that the public directory has search, filters and pages to show.
DIRECTORY_PARTNERS = [
    # name, slug, country, city, languages, services
    ("Lémanweb Sàrl", "lemanweb", "CH", "Lausanne", ["fr", "en"], ["web_hosting", "domain", "email"]),
    ("Ticino Digitale SA", "ticino-digitale", "CH", "Lugano", ["it", "de"], ["web_hosting", "cloud_server"]),
    ("Bernhosting GmbH", "bernhosting", "CH", "Bern", ["de", "fr"], ["storage", "office_suite", "email"]),
    ("Vaduz IT AG", "vaduz-it", "LI", "Vaduz", ["de"], ["cloud_server", "storage"]),
    ("Atelier Pixel Lyon", "atelier-pixel-lyon", "FR", "Lyon", ["fr"], ["web_hosting", "domain"]),
    ("Nordlicht Medien GmbH", "nordlicht-medien", "DE", "Hamburg", ["de", "en"], ["web_hosting", "email"]),
    ("Wien Cloud Partner GmbH", "wien-cloud", "AT", "Wien", ["de"], ["cloud_server", "office_suite"]),
    ("Estudio Mediterráneo SL", "estudio-mediterraneo", "ES", "Valencia", ["es", "en"], ["web_hosting", "domain"]),
    ("Milano Web Srl", "milano-web", "IT", "Milano", ["it", "en"], ["web_hosting", "email", "storage"]),
    ("Brussels Digital SRL", "brussels-digital", "BE", "Bruxelles", ["fr", "en"], ["office_suite", "email"]),
    ("Lisboa Sites Lda", "lisboa-sites", "PT", "Lisboa", ["pt", "en"], ["web_hosting", "domain"]),
]


def _directory_partners() -> int:
    plan = CommissionPlan.objects.filter(is_default=True).first()
    if plan is None:
        return 0
    for name, slug, country, city, languages, services in DIRECTORY_PARTNERS:
        org, _created = Organization.objects.get_or_create(
            slug=f"demo-{slug}",
            defaults={"name": name, "kind": Organization.Kind.COMPANY, "country": country, "city": city},
        )
        PartnerProfile.objects.update_or_create(
            org=org,
            defaults={
                "slug": slug,
                "commission_plan": plan,
                "status": PartnerProfile.Status.APPROVED,
                "listed_in_directory": True,
                "public_name": name,
                "description": f"{name}: websites, hosting and business tools for companies around {city}.",
                "city": city,
                "website": f"https://{slug}.example",
                "languages": languages,
                "services": services,
                "budget_min": Decimal("1000"),
                "budget_max": Decimal("30000"),
            },
        )
    return len(DIRECTORY_PARTNERS)


def _request(marker: str, **fields) -> TenderRequest:
    """Find the demo request by its description (the marker), or create it."""
    tender = TenderRequest.objects.filter(description__startswith=marker).first()
    if tender is None:
        tender = TenderRequest.objects.create(**fields)
    return tender


def seed(stdout) -> list:
    profile = (
        PartnerProfile.objects.filter(org__name=PARTNER_ORG, status=PartnerProfile.Status.APPROVED)
        .select_related("org")
        .first()
    )
    if profile is None:
        stdout.write(f"tenders demo: no approved partner {PARTNER_ORG!r}, no tender data seeded")
        return []
    listed = _directory_partners()
    stdout.write(f"tenders demo: {listed + 1} partners listed in the directory")
    for field, value in PROFILE.items():
        setattr(profile, field, value)
    profile.save(update_fields=list(PROFILE))
    partner = profile.org
    TenderSubscription.objects.update_or_create(
        org=partner,
        defaults={
            "active": True,
            "categories": ["web_hosting", "email", "domain"],
            "countries": ["CH", "LI"],
            "languages": ["de", "en", "fr"],
            "regions": "",
        },
    )
    now = timezone.now()
    today = timezone.localdate()
    client_org = Organization.objects.filter(name=CLIENT_ORG).first()
    fr_org = Organization.objects.filter(name=FR_CLIENT_ORG).first()

    # 1. A visitor's published request with a quote from the agency (open).
    shop = _request(
        "Online shop for our flower shop",
        contact_name="Sofia Brunner",
        email="sofia.brunner@demo.example",
        company="Blumen Brunner",
        country="CH",
        region="Zürich",
        language="de",
        description="Online shop for our flower shop: about 80 products, TWINT payment, 3 mailboxes.",
        categories=["web_hosting", "email"],
        budget_min=Decimal("3000"),
        budget_max=Decimal("8000"),
        currency="CHF",
        deadline=today + timedelta(days=45),
        status=TenderRequest.Status.PUBLISHED,
        confirmed_at=now,
        published_at=now,
    )
    TenderDelivery.objects.get_or_create(request=shop, partner=partner, defaults={"seen_at": now})
    TenderQuote.objects.get_or_create(
        request=shop,
        partner=partner,
        defaults={
            "message": "WooCommerce shop with TWINT, 3 Mail Pro mailboxes, training included. Live in 5 weeks.",
            "amount": Decimal("6400.00"),
            "currency": "CHF",
            "valid_until": today + timedelta(days=30),
            "accepts_tender_exclusivity": True,
        },
    )

    # 2. A client's request, new in the agency's inbox.
    if client_org is not None:
        site = _request(
            "New bilingual website",
            contact_name="Hans Müller",
            email="hans.mueller@demo.example",
            company=CLIENT_ORG,
            country="CH",
            region="Bern",
            language="de",
            description="New bilingual website (German/French) for our three shops, with an opening-hours page.",
            categories=["web_hosting", "domain"],
            budget_min=Decimal("2000"),
            budget_max=Decimal("6000"),
            currency="CHF",
            deadline=today + timedelta(days=60),
            status=TenderRequest.Status.PUBLISHED,
            published_at=now,
            requester_org=client_org,
        )
        TenderDelivery.objects.get_or_create(request=site, partner=partner)

    # 3. An awarded request, with a review and the agency's answer.
    awarded = _request(
        "Move our office email",
        contact_name="Claire Dupont",
        email="claire.dupont@demo.example",
        company=FR_CLIENT_ORG,
        country="CH",
        region="Genève",
        language="fr",
        description="Move our office email (6 people) and shared files to a Swiss provider.",
        categories=["email", "office_suite"],
        budget_min=Decimal("1000"),
        budget_max=Decimal("3000"),
        currency="CHF",
        deadline=today + timedelta(days=10),
        status=TenderRequest.Status.AWARDED,
        published_at=now - timedelta(days=40),
        closed_at=now - timedelta(days=30),
        completed_at=now - timedelta(days=5),
        requester_org=fr_org,
    )
    TenderDelivery.objects.get_or_create(request=awarded, partner=partner, defaults={"seen_at": now})
    TenderQuote.objects.get_or_create(
        request=awarded,
        partner=partner,
        defaults={
            "status": TenderQuote.Status.ACCEPTED,
            "message": "Migration over a weekend, Mail Pro and kDrive, one training session.",
            "amount": Decimal("2400.00"),
            "currency": "CHF",
            "valid_until": today + timedelta(days=5),
            "accepts_tender_exclusivity": True,
            "decided_at": now - timedelta(days=30),
        },
    )
    PartnerReview.objects.get_or_create(
        request=awarded,
        defaults={
            "partner": partner,
            "rating": 5,
            "text": "Migration done over one weekend, nothing lost, very clear explanations.",
            "author_name": FR_CLIENT_ORG,
            "answer": "Thank you, it was a pleasure working with your team!",
            "answered_at": now - timedelta(days=4),
        },
    )
    stdout.write(
        f"tenders demo: directory profile /directory/{profile.slug}/, a visitor's private link /tenders/r/{shop.token}/"
    )
    return []
