from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import identifiers
from .models import Organization, Role
from .services import INVOICE_NOTE_MAX, TOKEN_MAX_DAYS

TERMS_LABEL = _("I accept the Terms of Use for the VAT number I give.")


class OrgCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Entity type"), choices=Organization.Kind.choices, widget=forms.RadioSelect, initial="company"
    )
    name = forms.CharField(label=_("Name (legal name for a company)"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—")] + list(identifiers.COUNTRY_CHOICES))
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    register_number = forms.CharField(
        label=_("Commercial register number"),
        max_length=40,
        required=False,
        help_text=_("Swiss UID (CHE-123.456.789), French SIRET, or your country's equivalent."),
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=40,
        required=False,
        help_text=_("Optional. Swiss UID with MWST/TVA/IVA, or an EU VAT number with its country prefix."),
    )
    invoice_note = forms.CharField(
        label=_("Invoice note (billing reference)"),
        max_length=INVOICE_NOTE_MAX,
        required=False,
        help_text=_("Printed on every future invoice (at most 128 characters)."),
    )
    accept_terms = forms.BooleanField(label=TERMS_LABEL, required=False)

    def clean(self):
        data = super().clean()
        if data.get("vat_number") and not data.get("accept_terms"):
            self.add_error("accept_terms", _("To give a VAT number, accept the Terms of Use."))
        return data


class OrgEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    register_number = forms.CharField(label=_("Commercial register number"), max_length=40, required=False)
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=40,
        required=False,
        help_text=_("Swiss UID with MWST/TVA/IVA, or an EU VAT number with its country prefix."),
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the Terms of Use (required to change the VAT number)."), required=False
    )
    invoice_note = forms.CharField(
        label=_("Invoice note (billing reference)"),
        required=False,
        help_text=_("Printed on every future invoice (at most 128 characters)."),
        widget=forms.TextInput(attrs={"maxlength": INVOICE_NOTE_MAX}),
    )

    GENERAL = ("name", "street", "postal_code", "city", "register_number")

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can("org.edit"):
            for name in self.GENERAL:
                self.fields[name].disabled = True
        if not access.can("org.change_vat"):
            self.fields["vat_number"].disabled = True
            self.fields["accept_terms"].disabled = True
        if not access.can("org.billing_reference"):
            self.fields["invoice_note"].disabled = True


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.COLLABORATOR)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can("members.appoint_legal_rep"):
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.LEGAL_REPRESENTATIVE]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. a script."))
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=TOKEN_MAX_DAYS, initial=30, help_text=_("1 to 365 days.")
    )
