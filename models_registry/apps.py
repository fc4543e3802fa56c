from django.apps import AppConfig
from django.db.models import Model
from simple_history.signals import pre_create_historical_record


def copy_history_ticket(*, instance: Model, history_instance: Model, **kwargs) -> None:
    """Put the ticket a change came from on its history record.

    Plumbing only: services set `_history_ticket` on the instance they save, the way
    simple-history reads `_change_reason` and `_history_user`.
    """
    if hasattr(history_instance, "history_ticket"):
        history_instance.history_ticket = getattr(instance, "_history_ticket", "")


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = "Models and organizations"

    def ready(self) -> None:
        pre_create_historical_record.connect(
            copy_history_ticket, dispatch_uid="models_registry.copy_history_ticket"
        )
        from config.caching import connect_data_signals

        # Every page shows this app's rows: any write to them makes cached pages stale.
        connect_data_signals(self)
