from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from clients.models import Organization
from clients.views import OrgViewMixin
from portal.errors import RuleViolation

from . import selectors, services
from .models import HelpArticle, SupportAccessGrant, SupportService

# --- SP-1…SP-3: the Support page -----------------------------------------------


class SupportView(OrgViewMixin, View):
    capability = "support.view"

    def get(self, request, form_errors=None, form_data=None, status=200):
        access = self.access
        plan = None if access.is_acting_for_client else selectors.support_plan_of(org=access.org)
        grants = selectors.support_access_grants_for(access=access)
        context = {
            "support_code": services.support_code_for(user=request.user),
            "plan": plan,
            "grants": grants[:50],
            "can_grant": access.can("support_access.grant") and not access.is_acting_for_client,
            "durations": SupportAccessGrant.Duration.choices,
            "service_choices": SupportService.choices,
            "form_errors": form_errors or {},
            "form_data": form_data or {"services": [], "duration": "1h", "reason": ""},
            "reason_max": services.REASON_MAX_LENGTH,
            "activity": selectors.support_access_activity_for(access=access)[:20],
        }
        return render(request, "tickets/support.html", context, status=status)


class SupportCodeRegenerateView(OrgViewMixin, View):
    capability = "support.view"

    def post(self, request):
        code = services.support_code_regenerate(user=request.user)
        messages.success(
            request, _("Your new support code is %(code)s. The old one no longer works.") % {"code": code.display}
        )
        return redirect("tickets:support")


class SupportAccessGrantView(SupportView):
    capability = "support_access.grant"
    http_method_names = ["post"]

    def post(self, request):
        data = {
            "services": request.POST.getlist("services"),
            "duration": request.POST.get("duration", ""),
            "reason": request.POST.get("reason", ""),
        }
        try:
            grant = services.support_access_grant(access=self.access, **data)
        except RuleViolation as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"non_field": [str(exc.message)]}
            return self.get(request, form_errors=errors, form_data=data, status=exc.status)
        messages.success(
            request,
            _("Support staff can access %(services)s until %(until)s.")
            % {
                "services": grant.services_display(),
                "until": date_format(timezone.localtime(grant.expires_at), "DATETIME_FORMAT"),
            },
        )
        return redirect("tickets:support")


class SupportAccessRevokeView(OrgViewMixin, View):
    capability = "support_access.grant"

    def post(self, request, pk: int):
        grant = get_object_or_404(selectors.support_access_grants_for(access=self.access), pk=pk)
        try:
            services.support_access_revoke(access=self.access, grant=grant)
        except RuleViolation as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Support access revoked."))
        return redirect("tickets:support")


# --- staff pages (is_staff only; anyone else: 404) -----------------------------------


def _require_staff(request) -> None:
    if not request.user.is_staff:
        raise Http404


@login_required
def support_lookup(request):
    _require_staff(request)
    result = None
    if request.method == "POST":
        result = selectors.support_code_lookup(staff_user=request.user, code=request.POST.get("code", ""))
    active = selectors.support_access_valid_all()
    return render(request, "tickets/staff_lookup.html", {"result": result, "active_grants": active[:100]})


@login_required
def support_staff_service(request, org: str, service: str):
    _require_staff(request)
    if service not in SupportService.values:
        raise Http404
    organization = get_object_or_404(Organization, slug=org)
    try:
        grant = services.support_access_use(staff_user=request.user, org=organization, service=service)
    except RuleViolation as exc:
        return render(
            request,
            "tickets/staff_service_denied.html",
            {"org": organization, "service": SupportService(service), "message": exc.message},
            status=exc.status,
        )
    plan = selectors.support_plan_of(org=organization)
    context = {
        "org": organization,
        "service": SupportService(service),
        "grant": grant,
        "plan": plan,
        "products": selectors.support_products_for(org=organization, service=service),
    }
    return render(request, "tickets/staff_service.html", context)


# --- SP-4 help center (public) ---------------------------------------------------------


def help_index(request):
    language = selectors.help_language()
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    if category not in HelpArticle.Category.values:
        category = ""
    if query:
        articles = selectors.help_search(language=language, query=query, category=category)
    else:
        articles = selectors.help_articles(language=language, category=category)
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/help_index.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": HelpArticle.Category.choices,
        },
    )


def help_article(request, slug: str):
    article = selectors.help_article(slug=slug, language=selectors.help_language())
    if article is None:
        raise Http404
    related = selectors.help_articles(language=article.language, category=article.category).exclude(pk=article.pk)
    return render(request, "tickets/help_article.html", {"article": article, "related": related[:5]})
