from decimal import Decimal

from django.db import migrations

DEFAULT_RATES = {
    "domain": "0.10",
    "web_hosting": "0.25",
    "email": "0.20",
    "storage": "0.20",
    "office_suite": "0.15",
    "cloud_server": "0.20",
    "support": "0.10",
}


def create_default_plan(apps, schema_editor):
    CommissionPlan = apps.get_model("partners", "CommissionPlan")
    CommissionRate = apps.get_model("partners", "CommissionRate")
    plan, _ = CommissionPlan.objects.get_or_create(name="Standard", defaults={"is_default": True})
    for category, rate in DEFAULT_RATES.items():
        CommissionRate.objects.get_or_create(plan=plan, category=category, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(create_default_plan, migrations.RunPython.noop)]
