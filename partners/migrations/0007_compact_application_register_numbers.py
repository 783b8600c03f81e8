"""ORG-2: application register numbers are stored compact (they were stored as typed).

A number that doesn't validate for its org's country is left as it is: staff see it
as typed in the queue and decide."""

from django.db import migrations


def compact_register_numbers(apps, schema_editor):
    from clients import identifiers

    PartnerApplication = apps.get_model("partners", "PartnerApplication")
    for application in PartnerApplication.objects.select_related("org").exclude(register_number="").iterator():
        try:
            compact = identifiers.clean_register(application.register_number, application.org.country)
        except identifiers.InvalidNumber:
            continue
        if compact != application.register_number:
            PartnerApplication.objects.filter(pk=application.pk).update(register_number=compact)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_affiliateenrollment"),
    ]

    operations = [
        migrations.RunPython(compact_register_numbers, migrations.RunPython.noop),
    ]
