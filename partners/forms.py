from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import ProductType
from portal.errors import RuleViolation

from .models import DirectoryLanguage, PartnerProfile, Partnership

# An <input type="date"> takes only ISO dates, whatever the page's language (the Spanish format
# "05/12/2026" showed an empty field, and saving then cleared the date).
ISO_DATE = "%Y-%m-%d"


def apply_violation(form: forms.Form, exc: RuleViolation) -> None:
    """Show a RuleViolation on the form: on its fields when named, else as a form error."""
    placed: list[str] = []
    for name, messages in (exc.fields or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
                placed.append(str(message))
    # The summary on top, unless it only repeats what a field already says.
    if not placed or (exc.code not in ("invalid",) and str(exc.message) not in placed):
        form.add_error(None, str(exc.message))


class ApplicationForm(forms.Form):
    register_number = forms.CharField(
        label=_("Commercial register number"),
        max_length=40,
        required=False,
        help_text=_(
            "Your organization's number, as on its page: a Swiss UID (CHE-123.456.789), a French SIRET "
            "or your country's equivalent."
        ),
    )
    website = forms.URLField(label=_("Your company's active website"), assume_scheme="https")
    expected_yearly_volume = forms.DecimalField(
        label=_("Expected yearly volume managed through the program"), max_digits=12, decimal_places=2, min_value=0
    )
    accepts_minimum_volume = forms.BooleanField(
        label=_("Our volume will be at least 2,000 CHF/year or 1,800 EUR/year."), required=False
    )
    accepts_client_support = forms.BooleanField(
        label=_("We support our clients for the products we manage."), required=False
    )
    accepts_client_invoices = forms.BooleanField(
        label=_("We are responsible for our clients' invoices for those products."), required=False
    )
    accepts_tender_exclusivity = forms.BooleanField(
        label=_("Contracts won through the tender platform use only the provider's products."), required=False
    )
    accepts_reseller_terms = forms.BooleanField(label=_("We accept the reseller terms."), required=False)

    def __init__(self, *args, currency: str, minimum: str = "", **kwargs):
        """PP-1: the volume is in the org's own currency, shown with the label (no choice to make)."""
        super().__init__(*args, **kwargs)
        field = self.fields["expected_yearly_volume"]
        field.label = _("Expected yearly volume managed through the program (%(currency)s)") % {"currency": currency}
        if minimum:
            field.help_text = _("At least %(min)s a year.") % {"min": minimum}


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the applicant)"), widget=forms.Textarea(attrs={"rows": 3}))


class LevelFormMixin(forms.Form):
    access_level = forms.ChoiceField(
        label=_("Access level"), choices=Partnership.AccessLevel.choices, widget=forms.RadioSelect
    )
    payment_method = forms.ChoiceField(
        label=_("Who pays (full access only)"),
        choices=[("", "—"), *Partnership.PaymentMethod.choices],
        required=False,
    )


class InviteClientForm(LevelFormMixin):
    client_email = forms.EmailField(label=_("Client's email address"))


class ProductsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.product_type.get_category_display()}"


class InvitePartnerForm(LevelFormMixin):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=PartnerProfile.objects.none(), to_field_name="slug", widget=forms.RadioSelect
    )
    products = ProductsField(
        label=_("Products the partner manages (limited access)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partners, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["products"].queryset = products


class AcceptForm(LevelFormMixin):
    products = ProductsField(
        label=_("Products the partner manages (limited access)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products
        if not products.exists():  # an empty list of boxes, then "choose at least one product", said nothing
            self.fields["products"].help_text = _(
                "Your organization has no product yet. Limited access manages chosen products: accept with "
                "full access, or order a product first and accept then."
            )


class ProductsForm(forms.Form):
    products = ProductsField(
        label=_("Granted products"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products


class PaymentMethodForm(forms.Form):
    payment_method = forms.ChoiceField(
        label=_("Who pays"), choices=Partnership.PaymentMethod.choices, widget=forms.RadioSelect
    )


class EndDateForm(forms.Form):
    ends_on = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
        help_text=_("Leave empty to remove the end date."),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CollaboratorRightsForm(forms.Form):
    all_clients = forms.BooleanField(label=_("All clients, present and future"), required=False)
    clients = forms.ModelMultipleChoiceField(
        label=_("Only these clients"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("view", _("View")),
            ("manage_products", _("Manage products")),
            ("order", _("Order and renew (full access only)")),
            ("billing", _("Billing")),
        ],
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].queryset = clients


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=DirectoryLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=ProductType.Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerProfile
        fields = [
            "listed_in_directory",
            "public_name",
            "description",
            "city",
            "website",
            "languages",
            "services",
            "budget_min",
            "budget_max",
            "skills",
            "references",
            "certifications",
            "logo",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "references": forms.Textarea(attrs={"rows": 2}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
        }


class SecurityForm(forms.Form):
    require_mfa = forms.BooleanField(label=_("Require two-factor authentication"), required=False)
