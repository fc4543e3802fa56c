from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self) -> None:
        from config.caching import connect_data_signals

        # /sources/ and every leaderboard row name sources: a change makes pages stale.
        connect_data_signals(self)
