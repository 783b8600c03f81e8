from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from . import selectors
from .models import Organization
from .tenancy import Access, acting, switch_org


class OrgViewMixin(LoginRequiredMixin):
    """Manager pages in the acting org. `capability` is asked of the policy;
    a user with no org is sent to create one."""

    capability: str | None = None
    access: Access

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = acting(request)
        if access is None:
            return redirect("manager:org_create")
        if self.capability and not access.can(self.capability):
            raise Http404
        self.access = access
        return super().dispatch(request, *args, **kwargs)


@login_required
def dashboard(request):
    access = acting(request)
    context = {"access": access}
    if access is None:
        return render(request, "clients/onboarding.html", context)
    return render(request, "clients/dashboard.html", context)


@login_required
@require_POST
def switch_org_view(request):
    org = get_object_or_404(Organization, slug=request.POST.get("org", ""))
    if switch_org(request, org=org) is None:
        raise Http404
    messages.success(request, _("You now act in %(org)s.") % {"org": org.name})
    return redirect("manager:dashboard")


@login_required
def notifications(request):
    page = Paginator(selectors.notifications_for(user=request.user), 25).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    if unread:
        selectors.notifications_for(user=request.user).filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "clients/notifications.html", {"page": page})


@login_required
def account(request):
    return render(request, "clients/account.html", {})


class AuditView(OrgViewMixin, View):
    capability = "audit.view"

    def get(self, request):
        page = Paginator(selectors.audit_events_for(access=self.access), 50).get_page(request.GET.get("page"))
        return render(request, "clients/audit.html", {"page": page})
