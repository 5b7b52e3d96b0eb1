"""GET /openapi.json: the OpenAPI 3.1 description of the /data and /guess JSON routes."""

from __future__ import annotations

from flask import Blueprint, jsonify

from routes.openapi_spec import SPEC

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi_json():
    """Serve the hand-written description (routes/openapi_spec.py)."""
    response = jsonify(SPEC)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
