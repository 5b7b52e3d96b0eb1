"""data/accounts/claims.py: a provider's claims to a name, a role and a Scope (no provider)."""

from __future__ import annotations

import pytest

from data.accounts.claims import (
    ClaimsPolicy,
    ClaimsRefused,
    account_name,
    claimed_groups,
    map_claims,
    parse_group_limits,
)


def policy(**settings) -> ClaimsPolicy:
    base = {"admin_groups": "rb-admins", "viewer_groups": "rb-viewers, rb-de"}
    return ClaimsPolicy.from_settings(**{**base, **settings})


def test_admin_group_wins_over_viewer_group():
    assert map_claims({"groups": ["rb-viewers", "rb-admins"]}, policy()) == ("admin", {})


def test_viewer_group_without_limits_sees_everything():
    assert map_claims({"groups": ["rb-viewers", "other"]}, policy()) == ("viewer", {})


def test_no_allowed_group_is_refused():
    with pytest.raises(ClaimsRefused, match="none of the groups"):
        map_claims({"groups": ["other"]}, policy())
    with pytest.raises(ClaimsRefused):
        map_claims({}, policy())


def test_empty_viewer_groups_admit_anyone_as_viewer():
    assert map_claims({}, policy(viewer_groups="")) == ("viewer", {})


def test_limit_groups_limit_and_several_unite_per_dimension():
    limits = "rb-de:market=DE;rb-us:market=US;rb-us:device=tv;rb-fr:market=FR"
    rule = policy(limits=limits, viewer_groups="")
    assert map_claims({"groups": ["rb-de"]}, rule) == ("viewer", {"market": frozenset({"DE"})})
    # Market: the union; device: rb-de leaves it open, so the union leaves it open too.
    role, scope = map_claims({"groups": ["rb-de", "rb-us"]}, rule)
    assert scope == {"market": frozenset({"DE", "US"})}
    assert map_claims({"groups": ["rb-us"]}, rule)[1] == {
        "market": frozenset({"US"}),
        "device": frozenset({"tv"}),
    }


def test_limited_only_refuses_viewers_outside_limit_groups_but_not_admins():
    rule = policy(limits="rb-de:market=DE", limited_only=True)
    with pytest.raises(ClaimsRefused, match="what you may see"):
        map_claims({"groups": ["rb-viewers"]}, rule)
    assert map_claims({"groups": ["rb-admins"]}, rule) == ("admin", {})
    assert map_claims({"groups": ["rb-de"]}, rule) == ("viewer", {"market": frozenset({"DE"})})


def test_groups_claim_forms():
    assert claimed_groups({"groups": "solo"}, "groups") == {"solo"}
    assert claimed_groups({"groups": ["a", 3, None, ""]}, "groups") == {"a"}
    assert claimed_groups({"groups": {"a": 1}}, "groups") == frozenset()
    nested = {"realm_access": {"roles": ["rb-admins"]}}
    assert claimed_groups(nested, "realm_access.roles") == {"rb-admins"}
    assert map_claims(nested, policy(groups_claim="realm_access.roles"))[0] == "admin"


def test_group_names_may_hold_colons():
    assert parse_group_limits("org:team:market=DE") == {"org:team": {"market": frozenset({"DE"})}}


@pytest.mark.parametrize(
    "text, message",
    [
        ("rb-de=DE", "GROUP:DIMENSION"),
        ("rb-de:market", "GROUP:DIMENSION"),
        (":market=DE", "GROUP:DIMENSION"),
        ("rb-de:planet=Mars", "rb-de"),
        ("rb-de:sessiontype=cartoon", "sessiontype"),
    ],
)
def test_bad_limits_are_one_clear_line(text, message):
    with pytest.raises(ValueError, match=message):
        ClaimsPolicy.from_settings(limits=text)


def test_account_name_order():
    claims = {"sub": "0f3a", "email": "ann@example.com", "preferred_username": "ann"}
    assert account_name(claims) == "ann"
    assert account_name({"sub": "0f3a", "email": "ann@example.com"}) == "ann@example.com"
    unverified = {"sub": "0f3a", "email": "ann@example.com", "email_verified": False}
    assert account_name(unverified) == "0f3a"
    assert account_name({"sub": "0f3a", "preferred_username": " padded"}) == "0f3a"
    with pytest.raises(ClaimsRefused):
        account_name({"sub": "x" * 65})
