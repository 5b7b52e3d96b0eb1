"""GET /openapi.json: the OpenAPI 3.1 description of the /data and /guess JSON routes."""

from __future__ import annotations

from flask import Blueprint, jsonify

from routes.openapi.spec import SPEC
from web.paths import OPENAPI_PATH

bp = Blueprint("openapi", __name__)


@bp.get(OPENAPI_PATH)
def openapi_json():
    """Serve the description (routes/openapi/spec.py)."""
    response = jsonify(SPEC)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
