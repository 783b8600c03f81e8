"""Forms of the tender pages. They render and type-check; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients import identifiers
from clients.models import ProductType
from partners.models import DirectoryLanguage

from .models import (
    AMOUNT_MAX_DIGITS,
    COMPANY_MAX,
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    REASON_MAX,
    REGION_MAX,
    REVIEW_MAX,
    Currency,
    TenderLanguage,
    TenderRequest,
)

HONEYPOT_FIELD = "website"
COUNTRY_CHOICES = [("", "—")] + list(identifiers.COUNTRY_CHOICES)


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_field(label, required=False):
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=AMOUNT_MAX_DIGITS, decimal_places=2
    )


class TenderRequestForm(forms.Form):
    contact_name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_(
            "We email a link to confirm this address before the request is sent to partners, unless it is "
            "a verified address of your account."
        ),
    )
    company = forms.CharField(label=_("Company (optional)"), max_length=COMPANY_MAX, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    region = forms.CharField(label=_("Region or city (optional)"), max_length=REGION_MAX, required=False)
    language = forms.ChoiceField(label=_("Language of the project"), choices=TenderLanguage.choices)
    description = forms.CharField(
        label=_("Project description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you need, for whom, and any constraints (at most 5,000 characters)."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Services needed"), choices=ProductType.Category.choices, widget=forms.CheckboxSelectMultiple
    )
    budget_min = _amount_field(_("Minimum budget (optional)"))
    budget_max = _amount_field(_("Maximum budget (optional)"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=_date_widget(), help_text=_("A date in the future."))
    # Honeypot: hidden from people, filled by bots; a filled one refuses the request quietly.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class QuoteForm(forms.Form):
    message = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    amount = _amount_field(_("Amount"), required=True)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    valid_until = forms.DateField(label=_("Valid until"), widget=_date_widget())
    accepts_tender_exclusivity = forms.BooleanField(
        label=_("We commit to use only the provider's products for the contract won through this request (PP-1d)."),
        required=False,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class SubscriptionForm(forms.Form):
    active = forms.BooleanField(label=_("Receive quote requests"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories (none ticked: all)"),
        choices=ProductType.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries (none selected: all)"),
        choices=identifiers.COUNTRY_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        required=False,
    )
    regions = forms.CharField(
        label=_("Regions (optional)"),
        max_length=500,
        required=False,
        help_text=_("Comma-separated, e.g. Zürich, Vaud. Leave empty for every region."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages (none ticked: all)"),
        choices=TenderLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(str(i), str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        max_length=REVIEW_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=REVIEW_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def _filter(label, choices) -> forms.ChoiceField:
    """A list filter: "All" or one of `choices`; another value is ignored, and the form says so."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("All"))] + list(choices),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not one of the choices: this filter is ignored.")},
    )


class InboxFilterForm(forms.Form):
    category = _filter(_("Category"), ProductType.Category.choices)
    country = _filter(_("Country"), identifiers.COUNTRY_CHOICES)
    language = _filter(_("Language"), TenderLanguage.choices)
    status = _filter(
        _("Status"),
        [
            ("new", _("New")),
            (TenderRequest.Status.PUBLISHED, pgettext_lazy("tender status", "Open")),
            ("answered", _("Answered by us")),
            (TenderRequest.Status.AWARDED, _("Awarded")),
            (TenderRequest.Status.CLOSED, _("Closed")),
        ],
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = _filter(_("Country"), identifiers.COUNTRY_CHOICES)
    language = _filter(_("Language"), DirectoryLanguage.choices)  # the languages profiles list (TD-5)
    service = _filter(_("Service"), ProductType.Category.choices)
