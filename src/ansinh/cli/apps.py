from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "ansinh.cli"
    label = "cli"
    verbose_name = "Command line"
