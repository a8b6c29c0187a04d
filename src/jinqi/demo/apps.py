from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models: installed for its `jinqi demo` command and the `registry synth` subcommand."""

    name = "jinqi.demo"
    label = "demo"

    def ready(self) -> None:
        # Here, not at the top: the synth command imports models, which load after app configs.
        from jinqi.core.commandline import register_subcommand
        from jinqi.demo.synth_command import SYNTH_SUBCOMMAND

        register_subcommand("registry", SYNTH_SUBCOMMAND)
