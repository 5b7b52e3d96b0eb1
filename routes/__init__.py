"""Flask blueprints: the /data JSON API, the /guess game, health and the OpenAPI description."""

from flask import Flask


def register_blueprints(server: Flask) -> None:
    """Attach every blueprint to the Flask server."""
    from routes.alerts import bp as alerts_bp
    from routes.annotations import bp as annotations_bp
    from routes.data_api import bp as data_api_bp
    from routes.guess import bp as guess_bp
    from routes.health import bp as health_bp
    from routes.openapi import bp as openapi_bp

    for blueprint in (alerts_bp, annotations_bp, data_api_bp, guess_bp, health_bp, openapi_bp):
        server.register_blueprint(blueprint)
