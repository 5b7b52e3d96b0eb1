"""Single sign-on's rule: who a provider's person is here (a name, a role, a Scope), from claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.accounts.limits import Scope, parse_limit

# The account name is the first of these claims a provider sends (a text of 1-64 printable
# characters): preferred_username (Keycloak, Okta, Entra), else email (Google), else sub.
NAME_CLAIMS = ("preferred_username", "email", "sub")


class ClaimsRefused(Exception):
    """This person may not sign in here; the message says why, in words for them."""


@dataclass(frozen=True)
class ClaimsPolicy:
    """OIDC_GROUPS_CLAIM, OIDC_ADMIN_GROUPS, OIDC_VIEWER_GROUPS, OIDC_LIMITS, OIDC_LIMITED_ONLY."""

    groups_claim: str = "groups"
    admin_groups: frozenset[str] = frozenset()
    # Empty: anyone the provider signs in is at least a viewer.
    viewer_groups: frozenset[str] = frozenset()
    # A group -> the Scope its members are limited to.
    limits: dict[str, Scope] = field(default_factory=dict)
    # Viewers in none of the limits' groups are refused rather than unlimited.
    limited_only: bool = False

    @classmethod
    def from_settings(
        cls,
        groups_claim: str | None = "groups",
        admin_groups: str | None = "",
        viewer_groups: str | None = "",
        limits: str | None = "",
        limited_only: bool = False,
    ) -> ClaimsPolicy:
        """The policy the settings' texts describe; ValueError with a one-line message."""
        claim = (groups_claim or "groups").strip()
        return cls(
            groups_claim=claim or "groups",
            admin_groups=parse_groups(admin_groups),
            viewer_groups=parse_groups(viewer_groups),
            limits=parse_group_limits(limits),
            limited_only=bool(limited_only),
        )


def parse_groups(text: str | None) -> frozenset[str]:
    """A comma list of group names (blanks around each dropped, empty entries ignored)."""
    return frozenset(name.strip() for name in (text or "").split(",") if name.strip())


def parse_group_limits(text: str | None) -> dict[str, Scope]:
    """`group:DIMENSION=V1,V2;group2:DIMENSION=V3` -> {group: Scope}. A group named twice is
    limited in each dimension it names (the same dimension twice: both's values)."""
    limits: dict[str, Scope] = {}
    for entry in (text or "").split(";"):
        if not entry.strip():
            continue
        head, equals, values = entry.partition("=")
        # Split at the last colon before `=`: a group name may hold colons, a dimension not.
        group, colon, dimension = head.rpartition(":")
        if not equals or not colon or not group.strip():
            raise ValueError(
                f"OIDC_LIMITS entries are GROUP:DIMENSION=V1,V2 separated by ';', "
                f"got {entry.strip()[:60]!r}"
            )
        try:
            name, allowed = parse_limit(f"{dimension}={values}")
        except ValueError as error:
            raise ValueError(f"OIDC_LIMITS, group {group.strip()!r}: {error}") from None
        scope = limits.setdefault(group.strip(), {})
        scope[name] = scope.get(name, frozenset()) | allowed
    return limits


def claimed_groups(claims: dict, claim: str) -> frozenset[str]:
    """The groups claim as a set of texts: a list or one text; a dotted name reaches into
    objects (Keycloak's `realm_access.roles`). Anything else counts as no group."""
    value: object = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str) and item)


def account_name(claims: dict) -> str:
    """The name of the provider's person here (see NAME_CLAIMS); an unverified email skipped."""
    for claim in NAME_CLAIMS:
        value = claims.get(claim)
        if claim == "email" and claims.get("email_verified") is False:
            continue
        if isinstance(value, str) and _good_name(value):
            return value
    raise ClaimsRefused("the provider sent no usable user name (preferred_username, email, sub)")


def map_claims(claims: dict, policy: ClaimsPolicy) -> tuple[str, Scope]:
    """(role, scope) for an ID token's (and userinfo's) claims; ClaimsRefused when the person
    is in none of the allowed groups, or in no limited group under OIDC_LIMITED_ONLY."""
    groups = claimed_groups(claims, policy.groups_claim)
    if groups & policy.admin_groups:
        role = "admin"
    elif not policy.viewer_groups or groups & policy.viewer_groups:
        role = "viewer"
    else:
        raise ClaimsRefused("your account is in none of the groups allowed to use Reelboard")
    limited = [policy.limits[group] for group in sorted(groups & policy.limits.keys())]
    if not limited:
        if policy.limited_only and role != "admin":
            raise ClaimsRefused("your account is in none of the groups that say what you may see")
        return role, {}
    return role, union_of(limited)


def union_of(scopes: list[Scope]) -> Scope:
    """The narrowest Scope that allows everything any of the scopes allows: per dimension the
    union of their values; a dimension one of them leaves open stays open."""
    shared = set(scopes[0]).intersection(*scopes[1:])
    return {name: frozenset().union(*(scope[name] for scope in scopes)) for name in shared}


def _good_name(text: str) -> bool:
    # The accounts store's rule: 1-64 printable characters, no blanks around.
    return 0 < len(text) <= 64 and text.isprintable() and text == text.strip()
