"""Flask CLI commands (`flask --app dashboard_app ...`): event import, demo data, score admin."""

from flask import Flask


def register_commands(server: Flask) -> None:
    """Attach every click command to the Flask server's CLI."""
    from cli.events import demo_data_command, ensure_db_command, import_events_command
    from cli.scores import scores_reset_command

    for command in (
        import_events_command,
        demo_data_command,
        ensure_db_command,
        scores_reset_command,
    ):
        server.cli.add_command(command)
