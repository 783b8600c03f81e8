from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from portal.errors import RuleViolation
from portal.paging import page_without_count

from . import selectors, services
from .audit import attach_detail_lines
from .forms import MemberInviteForm, MemberRoleForm, OrgCreateForm, OrgEditForm, TokenCreateForm
from .models import Organization, Role
from .tenancy import SESSION_ORG_KEY, Access, acting, switch_org


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


def form_add_violation(form: django_forms.Form, exc: RuleViolation) -> None:
    """Show a rule violation on the form: on its fields when named, else on top."""
    placed = False
    for field, msgs in (exc.fields or {}).items():
        if field in form.fields and not form.fields[field].disabled:
            for msg in msgs or [str(exc.message)]:
                form.add_error(field, msg)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


@login_required
def dashboard(request):
    access = acting(request)
    invitations = selectors.invitations_for_user(user=request.user, access=access)
    context = {"access": access, "my_invitations": list(invitations)}
    if access is None:
        return render(request, "clients/onboarding.html", context)
    if not access.is_acting_for_client:
        context["team_invitations_pending"] = selectors.member_invitations_waiting_count(access=access)
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
    # No COUNT: every email is also a notification, so a big partner's people collect thousands (issue 9).
    page = page_without_count(selectors.notifications_for(user=request.user), request.GET.get("page"), 25)
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
        # No COUNT over the trail: a partner's grows with every partnership and order (issue 9).
        page = page_without_count(selectors.audit_events_for(access=self.access), request.GET.get("page"), 50)
        attach_detail_lines(page.object_list)
        return render(request, "clients/audit.html", {"page": page})


# --- organizations (ORG-1..5) ------------------------------------------------


class OrgCreateView(LoginRequiredMixin, View):
    """ORG-1/ORG-3: create an org (the sign-up path of a user's first org)."""

    template_name = "clients/org_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": OrgCreateForm()})

    def post(self, request):
        form = OrgCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = services.org_create(
                    user=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    country=data["country"],
                    register_number=data["register_number"],
                    vat_number=data["vat_number"],
                    street=data["street"],
                    postal_code=data["postal_code"],
                    city=data["city"],
                    invoice_note=data["invoice_note"],
                )
            except RuleViolation as exc:
                form_add_violation(form, exc)
            else:
                switch_org(request, org=org)
                messages.success(
                    request, _("%(org)s was created. You are its legal representative.") % {"org": org.name}
                )
                return redirect("manager:org_detail")
        return render(request, self.template_name, {"form": form}, status=400)


class OrgDetailView(OrgViewMixin, View):
    capability = "org.view"

    def get(self, request):
        return render(request, "clients/org_detail.html", {"org": self.access.org})


class OrgEditView(OrgViewMixin, View):
    """ORG-3 (VAT with the Terms of Use), ORG-5 (invoice note)."""

    capability = "org.view"
    template_name = "clients/org_edit.html"

    def _may_edit(self) -> bool:
        return any(self.access.can(c) for c in ("org.edit", "org.change_vat", "org.billing_reference"))

    def _initial(self) -> dict:
        org = self.access.org
        return {
            "name": org.name,
            "street": org.street,
            "postal_code": org.postal_code,
            "city": org.city,
            "register_number": org.register_number_display,
            "vat_number": org.vat_number_display,
            "invoice_note": org.invoice_note,
        }

    def get(self, request):
        if not self._may_edit():
            raise Http404
        form = OrgEditForm(access=self.access, initial=self._initial())
        return render(request, self.template_name, {"form": form, "org": self.access.org})

    def post(self, request):
        if not self._may_edit():
            raise Http404
        initial = self._initial()
        form = OrgEditForm(request.POST, access=self.access, initial=initial)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "accept_terms" and k in form.changed_data}
            try:
                services.org_update(access=self.access, data=data, accept_terms=form.cleaned_data["accept_terms"])
            except RuleViolation as exc:
                form_add_violation(form, exc)
            else:
                messages.success(request, _("The organization was saved."))
                return redirect("manager:org_detail")
        return render(request, self.template_name, {"form": form, "org": self.access.org}, status=400)


# --- members (ORG-6) ---------------------------------------------------------


class MembersView(OrgViewMixin, View):
    capability = "members.view"
    template_name = "clients/members.html"

    def _context(self, invite_form=None) -> dict:
        access = self.access
        members = list(selectors.members_of(access=access))
        role_choices = Role.choices
        if not access.can("members.appoint_legal_rep"):
            role_choices = [c for c in Role.choices if c[0] != Role.LEGAL_REPRESENTATIVE]
        return {
            "members": members,
            "invitations": list(selectors.member_invitations_pending(access=access)),
            "invite_form": invite_form
            if invite_form is not None
            else (MemberInviteForm(access=access) if access.can("members.invite") else None),
            "role_choices": role_choices,
            "all_roles": Role.choices,
            "can_appoint_legal_rep": access.can("members.appoint_legal_rep"),
            "now": timezone.now(),
        }

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        """Invite a member."""
        if not self.access.can("members.invite"):
            raise Http404
        form = MemberInviteForm(request.POST, access=self.access)
        if form.is_valid():
            try:
                invitation = services.member_invite(
                    access=self.access, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
                )
            except RuleViolation as exc:
                form_add_violation(form, exc)
                return render(request, self.template_name, self._context(form), status=exc.status)
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("manager:members")
        return render(request, self.template_name, self._context(form), status=400)


def _member_action(request, func, success: str, **kwargs):
    access = acting(request)
    if access is None:
        raise Http404
    try:
        func(access=access, **kwargs)
    except RuleViolation as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("manager:members")


@login_required
@require_POST
def member_set_role_view(request, membership_id: int):
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: legal representative, administrator or collaborator."))
        return redirect("manager:members")
    return _member_action(
        request,
        services.member_set_role,
        _("The role was changed and the member was emailed."),
        membership_id=membership_id,
        role=form.cleaned_data["role"],
    )


@login_required
@require_POST
def member_remove_view(request, membership_id: int):
    return _member_action(request, services.member_remove, _("The member was removed."), membership_id=membership_id)


@login_required
@require_POST
def member_leave_view(request):
    access = acting(request)
    if access is None or access.membership is None:
        raise Http404
    try:
        services.member_leave(access=access)
    except RuleViolation as exc:
        messages.error(request, str(exc.message))
        return redirect("manager:members")
    request.session.pop(SESSION_ORG_KEY, None)
    messages.success(request, _("You left %(org)s.") % {"org": access.org.name})
    return redirect("manager:dashboard")


@login_required
@require_POST
def invitation_revoke_view(request, invitation_id: int):
    return _member_action(
        request, services.invitation_revoke, _("The invitation was revoked."), invitation_id=invitation_id
    )


@login_required
@require_POST
def invitation_resend_view(request, invitation_id: int):
    return _member_action(
        request,
        services.invitation_resend,
        _("The invitation was sent again; it is valid for 7 more days."),
        invitation_id=invitation_id,
    )


class InvitationAcceptView(View):
    """ORG-6: the link in the invitation email. Logged out: sign in or sign up, then back."""

    template_name = "clients/invitation_accept.html"

    def _context(self, request, token: str) -> dict:
        invitation = selectors.invitation_by_token(token=token)
        error = None
        try:
            services.invitation_check(invitation=invitation)
        except RuleViolation as exc:
            error = exc
        shown = invitation if error is None or error.code != "invitation_not_found" else None
        return {
            "invitation": shown,
            "error": error,
            "next": request.get_full_path(),
            # Signed in with another address: say so before offering a button that would be refused.
            "for_someone_else": bool(
                shown
                and request.user.is_authenticated
                and not services.invitation_is_for(user=request.user, invitation=shown)
            ),
        }

    def get(self, request, token: str):
        context = self._context(request, token)
        status = 200
        if context["error"] is not None:
            status = 404 if context["error"].code == "invitation_not_found" else 409
        return render(request, self.template_name, context, status=status)

    def post(self, request, token: str):
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except RuleViolation as exc:
            context = self._context(request, token)
            context["error"] = exc
            return render(request, self.template_name, context, status=exc.status)
        switch_org(request, org=membership.org)
        messages.success(
            request,
            _("You joined %(org)s as %(role)s.") % {"org": membership.org.name, "role": membership.get_role_display()},
        )
        return redirect("manager:dashboard")


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


# --- personal access tokens ---------------------------------------------------


class TokensView(OrgViewMixin, View):
    capability = "tokens.manage"
    template_name = "clients/tokens.html"

    def _context(self, form=None, created=None, raw=None) -> dict:
        return {
            "form": form or TokenCreateForm(),
            "tokens": list(selectors.tokens_for_user(user=self.request.user)),
            "created": created,
            "raw_token": raw,
            "now": timezone.now(),
        }

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.token_create(
                    access=self.access, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except RuleViolation as exc:
                form_add_violation(form, exc)
            else:
                # Shown once, in this response only; never stored in clear.
                response = render(request, self.template_name, self._context(created=token, raw=raw), status=201)
                response["Cache-Control"] = "no-store"
                return response
        return render(request, self.template_name, self._context(form=form), status=400)


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    try:
        services.token_revoke(user=request.user, token_id=token_id)
    except RuleViolation as exc:
        raise Http404 from exc
    messages.success(request, _("The token was revoked."))
    return redirect("manager:tokens")
