"""`{% confirm_step "key" %}` in a destructive form, `{% confirm_message "key" %}` on its button
(portal/confirm.py)."""

from django import template
from django.utils.html import format_html

from portal.confirm import confirmation_message

register = template.Library()


@register.simple_tag
def confirm_step(key: str):
    return format_html(
        '<input type="hidden" name="_confirm" value="{}"><input type="hidden" name="_confirmed" value="">', key
    )


@register.simple_tag
def confirm_message(key: str):
    return confirmation_message(key)
