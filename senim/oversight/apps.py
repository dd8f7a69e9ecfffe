from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "senim.oversight"
    label = "oversight"
    verbose_name = "National Preventive Mechanism"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.core import audit
        from senim.oversight import categories, registry

        # The NPM visits places the core reference list has no kind for (seed 004 §6), and
        # every region has its group; both are kept up to date after every migrate.
        post_migrate.connect(categories.load_kinds, sender=self)
        post_migrate.connect(registry.ensure_bodies, sender=self)
        # One-record writes are audit-logged wherever they happen; imports and the demo log one
        # entry per load instead.
        audit.AUDITED_MODELS.update(
            {
                "oversight.Visit",
                "oversight.Recommendation",
                "oversight.Obstruction",
                "oversight.Member",
                "oversight.VisitPlan",
            }
        )
