"""Sign-in (issue 23): the guard, the session cookie, the sign-in and admin pages, the audit log."""

from __future__ import annotations

import dash

from data.accounts.audit import attach_audit_log
from web.auth.accounts import audit_path
from web.auth.cookie import configure_cookie
from web.auth.guard import install_guard


def init_auth(app: dash.Dash) -> None:
    """Guard every request (first in line) and serve the sign-in pages."""
    from web.auth.admin import bp as admin_bp
    from web.auth.oidc import init_oidc
    from web.auth.pages import bp

    server = app.server
    configure_cookie(server)
    install_guard(server)
    server.register_blueprint(bp)
    server.register_blueprint(admin_bp)  # /admin/: accounts and tokens, for admins
    init_oidc(server)  # /signin/oidc and its callback, when OIDC_ISSUER and OIDC_CLIENT_ID are set
    if server.config["AUTH"]:
        attach_audit_log(audit_path(server.config))
