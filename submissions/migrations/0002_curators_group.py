"""The "Curators" group: what curating the catalogue and triaging tickets needs, and no more.

Permissions are made by a post_migrate signal, after all migrations have run, so
on a fresh database they do not exist yet here: this migration makes them first.
"""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

# app label -> model name -> actions. Tickets come from visitors, so no "add".
CURATOR_PERMISSIONS = {
    "models_registry": {
        "organization": ("view", "add", "change", "delete"),
        "license": ("view", "add", "change", "delete"),
        "aimodel": ("view", "add", "change", "delete"),
        "provider": ("view", "add", "change", "delete"),
        "offering": ("view", "add", "change", "delete"),
    },
    "benchmarks": {
        "category": ("view", "add", "change", "delete"),
        "benchmark": ("view", "add", "change", "delete"),
        "result": ("view", "add", "change", "delete"),
    },
    "submissions": {
        "datareport": ("view", "change", "delete"),
        "resultsubmission": ("view", "change", "delete"),
    },
}


def create_curators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    for app_label in CURATOR_PERMISSIONS:
        # The installed app config only answers "has models"; the models and
        # permissions themselves come from this migration's state (apps=apps).
        create_permissions(
            installed_apps.get_app_config(app_label), verbosity=0, using=alias, apps=apps
        )
    permissions = [
        Permission.objects.using(alias).get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in CURATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def delete_curators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("models_registry", "0001_initial"),
        ("benchmarks", "0001_initial"),
        ("submissions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_curators_group, delete_curators_group)]
