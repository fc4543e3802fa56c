"""Curators settle the conflicts imports leave, see import runs and keep the sources'
facts (their licence, attribution and freshness) right."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
CURATOR_PERMISSIONS = {
    "benchmarks": {"resultconflict": ("view", "change")},
    "sources": {
        "source": ("view", "add", "change"),
        "importrun": ("view",),
        "runanomaly": ("view",),
    },
}


def grant(apps, schema_editor, permissions=CURATOR_PERMISSIONS):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    for app_label in permissions:
        create_permissions(
            installed_apps.get_app_config(app_label), verbosity=0, using=alias, apps=apps
        )
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *(
            Permission.objects.using(alias).get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=f"{action}_{model}",
            )
            for app_label, models in permissions.items()
            for model, actions in models.items()
            for action in actions
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0008_sources"),
        ("sources", "0001_initial"),
        ("submissions", "0002_curators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
