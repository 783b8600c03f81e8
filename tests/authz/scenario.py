"""SEC-1: the one scenario the authorization matrix and the API fuzzing run against.

- P: approved partner (listed in the directory), full partner of C1 (client pays),
  limited partner of C2 (one granted product, one not), with a legal rep, an
  administrator, a collaborator with rights on C1 and one with rights on C2 only.
- C1: a client with a legal rep, an administrator and a collaborator; products,
  an invoice, a pending member invitation, a support access grant, a tender
  request with a quote from P, an access token, a pending partnership offered by R.
- C2: P's limited client. Q: another, unrelated approved partner. R: a partner
  that invited C1. A staff user (superuser: the Django admin too) and a user
  without any org.

The names of C1 and its product are secret markers: they must never show up in
a page or API answer given to a visitor, a user without org, Q or staff outside
the admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from billing.demo import seed_catalog
from billing.tests.factories import order, ptype
from clients.models import Membership, Role
from clients.services import member_invite, token_create
from clients.tenancy import access_for
from clients.tests.factories import OrganizationFactory, ProductFactory, UserFactory
from partners.models import CollaboratorRights, Partnership
from partners.tests.factories import ApplicationFactory, PartnerProfileFactory, PartnershipFactory
from tenders.models import TenderRequest
from tenders.tests.factories import (
    DeliveryFactory,
    ListedProfileFactory,
    QuoteFactory,
    ReviewFactory,
    TenderRequestFactory,
)
from tickets.tests.factories import HelpArticleFactory, SupportAccessGrantFactory

PASSWORD = "Tr0ub4dor&3-horse"
C1_SECRET = "Zyxwv Client One AG"
C1_PRODUCT_SECRET = "c1-secret-site.example.ch"


def _member(org, role, email):
    user = UserFactory(email=email)
    Membership.objects.create(org=org, user=user, role=role)
    return user


@dataclass
class Scenario:
    users: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    objs: SimpleNamespace = field(default_factory=SimpleNamespace)
    tokens: dict = field(default_factory=dict)


def build() -> Scenario:
    s = Scenario()
    seed_catalog()
    o = s.objs

    p = OrganizationFactory(name="Pine Partner AG", slug="pine-partner")
    c1 = OrganizationFactory(name=C1_SECRET, slug="zyxwv-client-one")
    c2 = OrganizationFactory(name="Limited Client Two AG", slug="limited-client-two")
    c3 = OrganizationFactory(name="Invited Client Three AG", slug="invited-client-three")
    q = OrganizationFactory(name="Quince Other Partner AG", slug="quince-partner")
    r = OrganizationFactory(name="Rowan Inviting Partner AG", slug="rowan-partner")
    s.orgs = {"P": p, "C1": c1, "C2": c2, "C3": c3, "Q": q, "R": r}

    o.p_profile = ListedProfileFactory(org=p, slug="pine-partner", public_name="Pine Partner")
    PartnerProfileFactory(org=q, slug="quince-partner")
    PartnerProfileFactory(org=r, slug="rowan-partner")

    u = s.users
    u["c_rep"] = _member(c1, Role.LEGAL_REPRESENTATIVE, "c-rep@example.com")
    u["c_admin"] = _member(c1, Role.ADMINISTRATOR, "c-admin@example.com")
    u["c_collab"] = _member(c1, Role.COLLABORATOR, "c-collab@example.com")
    u["c_target"] = _member(c1, Role.COLLABORATOR, "c-target@example.com")  # the member acted upon
    u["c2_rep"] = _member(c2, Role.LEGAL_REPRESENTATIVE, "c2-rep@example.com")
    u["c3_rep"] = _member(c3, Role.LEGAL_REPRESENTATIVE, "c3-rep@example.com")
    u["p_rep"] = _member(p, Role.LEGAL_REPRESENTATIVE, "p-rep@example.com")
    u["p_admin"] = _member(p, Role.ADMINISTRATOR, "p-admin@example.com")
    u["p_collab_yes"] = _member(p, Role.COLLABORATOR, "p-collab-yes@example.com")
    u["p_collab_no"] = _member(p, Role.COLLABORATOR, "p-collab-no@example.com")
    u["q_rep"] = _member(q, Role.LEGAL_REPRESENTATIVE, "q-rep@example.com")
    u["r_rep"] = _member(r, Role.LEGAL_REPRESENTATIVE, "r-rep@example.com")
    u["nobody"] = UserFactory(email="nobody@example.com")
    u["staff"] = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)

    # Products: C1's (full partner P reaches all), C2's granted and not granted to P.
    o.c1_product = ProductFactory(org=c1, product_type=ptype("web-hosting-basic"), name=C1_PRODUCT_SECRET)
    o.c2_granted = ProductFactory(org=c2, product_type=ptype("web-hosting-basic"), name="c2-granted.example.ch")
    o.c2_not_granted = ProductFactory(org=c2, product_type=ptype("web-hosting-basic"), name="c2-not-granted.example.ch")
    o.q_product = ProductFactory(org=q, product_type=ptype("web-hosting-basic"), name="q-own.example.ch")

    now = timezone.now()
    o.p_c1 = PartnershipFactory(partner=p, client=c1, access_level="full", payment_method="client_pays")
    Partnership.objects.filter(pk=o.p_c1.pk).update(accepted_at=now, needs_review=True)
    o.p_c2 = PartnershipFactory(partner=p, client=c2, access_level="limited", payment_method=None)
    Partnership.objects.filter(pk=o.p_c2.pk).update(accepted_at=now)
    o.p_c2.grants.create(product=o.c2_granted)
    # Pending, both directions: R offered C1 a partnership; P invited C3.
    o.r_c1_pending = PartnershipFactory(
        partner=r, client=c1, access_level="limited", payment_method=None, status=Partnership.Status.PENDING
    )
    o.p_c3_pending = PartnershipFactory(
        partner=p, client=c3, access_level="full", payment_method="client_pays", status=Partnership.Status.PENDING
    )

    rights_yes = CollaboratorRights.objects.create(partner=p, user=u["p_collab_yes"], can_view=True, can_order=True)
    rights_yes.clients.set([c1])
    rights_no = CollaboratorRights.objects.create(partner=p, user=u["p_collab_no"], can_view=True)
    rights_no.clients.set([c2])

    # Invoices: C1 orders itself (client pays: invoiced to C1); C2 orders itself.
    c1_rep_access = access_for(user=u["c_rep"], org=c1)
    o.c1_order = order(c1_rep_access, c1, name="c1-ordered.example.ch")
    o.c1_invoice = o.c1_order.invoices.first()
    o.c2_order = order(access_for(user=u["c2_rep"], org=c2), c2, name="c2-ordered.example.ch")
    o.c2_invoice = o.c2_order.invoices.first()
    o.q_order = order(access_for(user=u["q_rep"], org=q), q, name="q-ordered.example.ch")
    o.q_invoice = o.q_order.invoices.first()

    # Members: a pending invitation, the collaborator's membership, tokens.
    o.c1_invitation = member_invite(access=c1_rep_access, email="future@example.com", role=Role.COLLABORATOR)
    o.c2_invitation = member_invite(
        access=access_for(user=u["c2_rep"], org=c2), email="future2@example.com", role=Role.COLLABORATOR
    )
    o.c1_target_membership = Membership.objects.get(org=c1, user=u["c_target"])
    o.c2_rep_membership = Membership.objects.get(org=c2, user=u["c2_rep"])
    for name in ("c_rep", "p_rep", "q_rep", "c_collab", "p_collab_yes"):
        org = {"c": c1, "p": p, "q": q}[name[0]]
        token, raw = token_create(access=access_for(user=u[name], org=org), name="matrix", days=5)
        s.tokens[name] = (token, raw)
    o.c1_token = s.tokens["c_rep"][0]
    o.p_collab_yes_id = u["p_collab_yes"].pk

    # Support: a valid grant of C1 (mail), one of C2; a help article.
    o.c1_grant = SupportAccessGrantFactory(org=c1, granted_by=u["c_rep"], mail=True, drive=True)
    o.c2_grant = SupportAccessGrantFactory(org=c2, granted_by=u["c2_rep"])
    o.article = HelpArticleFactory(slug="matrix-article", title="Matrix article")

    # Tenders: C1's published request, delivered to P, quoted by P; a visitor's
    # unconfirmed request; a review of P awaiting its answer.
    o.c1_tender = TenderRequestFactory(requester_org=c1, requester_user=u["c_rep"], company=C1_SECRET)
    o.c1_delivery = DeliveryFactory(request=o.c1_tender, partner=p)
    o.c1_quote = QuoteFactory(request=o.c1_tender, partner=p)
    o.visitor_tender = TenderRequestFactory(
        status=TenderRequest.Status.AWAITING_CONFIRMATION, published_at=None, company="Visitor GmbH"
    )
    o.public_tender = TenderRequestFactory(company="Public Requester GmbH")
    DeliveryFactory(request=o.public_tender, partner=p)
    o.public_quote = QuoteFactory(request=o.public_tender, partner=p, amount=Decimal("900.00"))
    o.review = ReviewFactory(partner=p, author_name="Happy Customer")

    # Applications: one submitted (staff queue).
    o.application = ApplicationFactory(org=c3)
    o.now = now
    o.later = now + timedelta(days=1)
    return s
