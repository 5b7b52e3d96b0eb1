"""Admin command for the game's high scores: `flask --app dashboard_app scores-reset`."""

import click
from flask.cli import with_appcontext

from data.game.redis_connection import RedisUnavailable
from data.game.rules import InvalidInput, parse_max_value
from web import services


@click.command("scores-reset")
@click.option(
    "--max-value", type=int, default=None, help="Only reset the high scores of this maximum."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def scores_reset_command(max_value, yes):
    """Delete the game's high scores (all maxima, or one) under the configured key prefix."""
    if max_value is not None:
        try:
            max_value = parse_max_value(max_value)
        except InvalidInput as exc:
            raise click.BadParameter(str(exc), param_hint="--max-value") from None
    store = services.scores()
    provider = services.redis_provider()
    where = provider.url_for_display()
    what = f"the high scores for maximum {max_value}" if max_value else "ALL high scores"
    if not yes:
        click.confirm(f"Delete {what} (keys under {store.prefix!r} in {where})?", abort=True)
    try:
        deleted = store.reset(max_value)
    except RedisUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Deleted {what}: {deleted} Redis key(s) removed.")
