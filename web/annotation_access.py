"""Annotations as the request's principal may see and change them: shared by /data/annotations/
and the page's callbacks, so that both follow one set of access rules.

Rules: reading needs a principal (the guard's; a token or a session); each account sees only
annotations whose filters lie inside its scope (an unlimited one sees all). Writing: anyone
signed in (or with a token) may add one inside their scope; its author edits and deletes it,
an admin any. Automatic ones are computed from the scoped analytics, so they are inside too.
"""

from __future__ import annotations

from flask import current_app, g

from data.events.annotations import (
    AnnotationNotFound,
    AnnotationRefused,
    check_input,
    check_write,
    may_edit,
    timestamp,
    within_scope,
)
from data.events.stores import annotation_table as table
from web import services


def _principal():
    account = g.get("principal")
    if account is None:  # the guard lets no such request through; kept for safety
        raise AnnotationRefused("sign in to read or write annotations")
    return account


def _store():
    return current_app.config["EVENT_STORE"]


def _now() -> str:
    return timestamp(_store().bounds.clock())


def _visible(annotation) -> bool:
    return within_scope(annotation.filters, _principal().scope)


def listed(start: str | None, end: str | None, automatic: bool = True) -> list[dict]:
    """The annotations overlapping start..end that the principal may see, JSON-ready, each
    with "editable" for the page; automatic ones after the written ones of a day."""
    account = _principal()
    items = []
    for annotation in table.list_annotations(_store(), start, end):
        if within_scope(annotation.filters, account.scope):
            item = annotation.as_json()
            items.append({**item, "editable": may_edit(annotation, account.name, account.role)})
    if automatic:
        for item in services.analytics().premieres():
            if (start is None or item["end"] >= start) and (end is None or item["start"] <= end):
                items.append({**item, "editable": False})
    items.sort(key=lambda item: (item["start"], item["automatic"]))
    return items


def one(ident: int) -> dict:
    """One annotation the principal may see; AnnotationNotFound otherwise (hidden or none)."""
    annotation = table.get_annotation(_store(), ident)
    if not _visible(annotation):
        raise AnnotationNotFound(f"no annotation with id {ident}")
    return annotation.as_json()


def create(body: object) -> dict:
    """Add an annotation from a JSON body, written by the principal."""
    account = _principal()
    fields = check_input(body)
    check_write(None, fields, account.name, account.role, account.scope)
    return table.create_annotation(_store(), fields, account.name, _now()).as_json()


def update(ident: int, body: object) -> dict:
    """Change an annotation (the fields given) the principal may edit."""
    account = _principal()
    before = table.get_annotation(_store(), ident)
    if not _visible(before):
        raise AnnotationNotFound(f"no annotation with id {ident}")
    fields = check_input(body, before)
    check_write(before, fields, account.name, account.role, account.scope)
    return table.update_annotation(_store(), ident, fields, _now()).as_json()


def delete(ident: int) -> None:
    """Delete an annotation the principal may edit."""
    account = _principal()
    before = table.get_annotation(_store(), ident)
    if not _visible(before):
        raise AnnotationNotFound(f"no annotation with id {ident}")
    check_write(before, None, account.name, account.role, account.scope)
    table.delete_annotation(_store(), ident)
