"""Journey 4: a client adds a second partner with limited access; a product another limited partner
already manages is refused with a message naming the product and that partner (PS-3, PS-5)."""

from __future__ import annotations

import pytest

from partners.models import Partnership

from .data import active_partnership, company_with_products, partner_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey4_client_adds_second_limited_partner_conflicting_product_refused(journey):
    first, _ = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    second, berg = partner_with_rep("Bergweb GmbH", "rita@bergweb.example")
    client, hans, (domain, hosting, mail) = company_with_products("Atelier Dupont SA", "claire@dupont.example")
    active_partnership(first, client, level="limited", products=[hosting])

    page = journey.login(hans, org=client)
    journey.goto("/manager/")
    page.locator("#mainnav").get_by_role("link", name="Partners", exact=True).click()
    assert journey.path() == "/manager/partners/partners/"
    journey.check("partners", mobile=True)
    assert page.locator("main tr").filter(has_text=first.name).count() == 1, "the current partner is listed"
    page.locator("main").get_by_role("link", name="Add a partner").click()
    journey.check("add-partner")
    page.locator("main").get_by_label("Partner name or email").fill("Bergweb")
    page.locator("main").get_by_role("button", name="Search").click()
    journey.check("add-partner-search", mobile=True)

    form = page.locator("main form[method=post]")
    form.get_by_label("Bergweb GmbH").check()
    form.locator("[name=access_level][value=limited]").check()
    form.locator(f"[name=products][value='{hosting.pk}']").check()
    form.locator(f"[name=products][value='{domain.pk}']").check()
    form.get_by_role("button", name="Send the invitation").click()
    journey.check("add-partner-conflict", status=400)
    error = page.locator("main").inner_text()
    assert hosting.name in error and first.name in error, (
        f"PS-5: the refusal names the product ({hosting.name!r}) and the partner that manages it "
        f"({first.name!r}); the page says: {error[:600]!r}"
    )
    assert not Partnership.objects.filter(partner=second).exists()

    # Without the conflicting product the invitation goes out; the second partner accepts it.
    form = page.locator("main form[method=post]")
    form.locator(f"[name=products][value='{hosting.pk}']").uncheck()
    if not form.locator("[name=partner]:checked").count():
        form.get_by_label("Bergweb GmbH").check()
    form.locator("[name=access_level][value=limited]").check()
    form.locator(f"[name=products][value='{domain.pk}']").check()
    form.get_by_role("button", name="Send the invitation").click()
    assert journey.path() == "/manager/partners/pending/", page.locator("main").inner_text()[:500]
    assert "sent to the partner" in messages_text(page), messages_text(page)
    journey.check("pending-client")
    p = Partnership.objects.get(partner=second, client=client)
    assert (p.status, p.access_level) == ("pending", "limited")

    mail = journey.email(to=berg.email, template_contains="invitation_to_partner")
    partner_page = journey.login_as_new(berg, org=second)
    journey.goto(journey.link_in(mail), page=partner_page)
    journey.check("pending-partner", page=partner_page)
    partner_page.locator("main tr").filter(has_text=client.name).get_by_role("link", name="Accept").click()
    journey.check("partner-accept", page=partner_page)
    partner_page.locator("main form").filter(has_text="Accept").get_by_role("button", name="Accept").click()
    assert journey.path(partner_page) == f"/manager/partners/partnerships/{p.pk}/", (
        "PS-3: the partner's Accept button does not accept a client's invitation: the accept page answered "
        f"HTTP {partner_page._watch.document_status} and says {partner_page.locator('main').inner_text()[:300]!r}"
    )
    journey.check("partner-partnership", page=partner_page, mobile=True)
    p.refresh_from_db()
    assert p.status == "active"
    assert list(p.grants.filter(active=True).values_list("product_id", flat=True)) == [domain.pk]
    assert list(hosting.partner_grants.filter(active=True).values_list("partnership__partner", flat=True)) == [first.pk]
    journey.assert_pages_ok()
