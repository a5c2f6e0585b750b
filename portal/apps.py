from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _staff_roles_sync(sender, **kwargs) -> None:
    # Imported late: the role map reads the cases admin's permissions.
    from portal.staff_roles import staff_roles_sync_after_migrate

    staff_roles_sync_after_migrate(sender, **kwargs)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Infrastructure, not domain flow: keep the staff groups' permissions in step with
        # portal.staff_roles after every migrate (and flush). Sent once with this app as sender.
        post_migrate.connect(_staff_roles_sync, sender=self, dispatch_uid="portal_staff_roles")
