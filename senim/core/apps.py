from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "senim.core"
    label = "core"
    verbose_name = "Senim core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.config import keys  # noqa: F401  (registers the deploy check of the keys)
        from senim.core import audit, reference

        post_migrate.connect(reference.load_after_migrate, sender=self)
        # Create and update of these models are audit-logged wherever they happen through the ORM;
        # bulk loads log one entry per batch instead (register.ingest).
        audit.AUDITED_MODELS.update(
            {
                "core.User",
                "core.Person",
                "core.Officer",
                "core.Unit",
                "core.Facility",
                "register.Appeal",
                "register.Offence",
                "register.OffenceParty",
            }
        )
        audit.connect_signals()
