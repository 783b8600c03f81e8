"""allauth adapter: every allauth email (verification, password reset, ...) goes
through the outbox like any other (NT-1), in the request's language."""

from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.template.loader import render_to_string
from django.utils import translation

from .models import User
from .outbox import outbox_store


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = User.objects.filter(email__iexact=email).first()
        language = translation.get_language() or settings.LANGUAGE_CODE
        if user is not None and user.language:
            language = user.language
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = content
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        if not html:  # allauth's emails are text only; NT-2 wants an HTML part too: the same text, laid out
            with translation.override(language):
                html = render_to_string("account/email/text_as_html.html", {"subject": message.subject, "body": text})
        outbox_store(
            key=f"allauth:{template_prefix}:{email}:{uuid.uuid4().hex}",
            to=email,
            subject=message.subject,
            body_text=text,
            body_html=html,
            language=language,
            template=template_prefix,
            user=user,
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        lang = translation.get_language()
        if lang and lang[:2] in dict(settings.LANGUAGES):
            user.language = lang[:2]
        if commit:
            user.save()
        return user
