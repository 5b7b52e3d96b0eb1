"""Flask CLI commands (`flask --app dashboard_app ...`): events, scores, accounts, tokens."""

from flask import Flask


def register_commands(server: Flask) -> None:
    """Attach every click command to the Flask server's CLI."""
    from cli.alerts import alerts_group
    from cli.events import demo_data_command, ensure_db_command, import_events_command
    from cli.scores import scores_reset_command
    from cli.tokens import tokens_group
    from cli.users import users_group

    for command in (
        import_events_command,
        demo_data_command,
        ensure_db_command,
        scores_reset_command,
        users_group,
        tokens_group,
        alerts_group,
    ):
        server.cli.add_command(command)
