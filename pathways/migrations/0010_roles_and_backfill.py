"""Existing rows get what 0009 added: the audit's actor names, class join codes, the student group for every
student account (and class memberships of accounts that are not students are removed), and the data-protection role
that alone reads the audit (curators no longer do)."""

import secrets

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def forwards(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    AuditEntry = apps.get_model("pathways", "AuditEntry")
    Cohort = apps.get_model("pathways", "Cohort")
    for entry in AuditEntry.objects.filter(actor__isnull=False, actor_username="").select_related("actor"):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_username=entry.actor.username)
    for cohort in Cohort.objects.filter(join_code__isnull=True):
        Cohort.objects.filter(pk=cohort.pk).update(join_code="".join(secrets.choice(ALPHABET) for _ in range(8)))
    students, _ = Group.objects.get_or_create(name="student")
    accounts = User.objects.filter(student_profile__isnull=False, is_staff=False, is_superuser=False).exclude(
        groups__name="counselor"
    )
    students.user_set.add(*accounts)
    # The old roster could place counselors, curators and staff in a class "as students": never again.
    CohortMembership = apps.get_model("pathways", "CohortMembership")
    CohortMembership.objects.exclude(student__groups__name="student").delete()
    CohortMembership.objects.filter(student__groups__name="counselor").delete()
    CohortMembership.objects.filter(student__is_staff=True).delete()
    audit = Permission.objects.filter(content_type__app_label="pathways", codename="view_auditentry")
    data_protection, _ = Group.objects.get_or_create(name="data_protection")
    data_protection.permissions.set(audit)
    for curators in Group.objects.filter(name="catalog_curators"):
        curators.permissions.remove(*audit)


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0009_class_invitations_and_audit_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
