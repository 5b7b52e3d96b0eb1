"""Annotation callbacks: load the view's annotations (for the charts and the list), and the
card's form: add, edit, cancel, delete, with the access rules of web/annotation_access.py."""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import from_store
from data.events.annotations import AnnotationNotFound, AnnotationRefused
from data.events.params import InvalidParameter
from layouts import ids
from layouts.annotations import DELETE_TYPE, EDIT_TYPE, annotation_list
from web import annotation_access as access

ADD, SAVE = "Add", "Save"


def _load_failed(message: str, _inputs: dict) -> tuple:
    return [], message


def page_filters(state_data) -> dict:
    """The page's current filters as an annotation's filters ({dimension: [values]})."""
    filters = from_store(state_data).filters()
    return {name: sorted(values) for name, values in filters.where}


def _form(message, changed=no_update, *, text=None, editing=None, days=(None, None), scoped=False):
    """The form's outputs: a message, the reload count, and the fields (empty: a new one)."""
    return {
        "message": message,
        "changed": changed,
        "text": text or "",
        "editing": editing,
        "label": SAVE if editing is not None else ADD,
        "start": days[0] or "",
        "end": days[1] if days[1] != days[0] else "",
        "scoped": scoped,
    }


def _form_failed(message: str, _inputs: dict) -> dict:
    return {**dict.fromkeys(_form("").keys(), no_update), "message": message}


def _clicked() -> object:
    """The id of what was clicked; PreventUpdate when a list redraw (new buttons, no clicks)
    set the callback off."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    return ctx.triggered_id


def register(app, _analytics) -> None:
    """Register the annotation callbacks on `app`."""

    @app.callback(
        Output(ids.ANNOTATIONS, "data"),
        Output(ids.ANNOTATION_LIST, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_REFRESH, "data"),
        Input(ids.ANNOTATIONS_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guarded(_load_failed)
    def load_annotations(state_data, _version, _changed):
        if state_data is None:
            raise PreventUpdate
        state = from_store(state_data)
        items = access.listed(state.start, state.end, automatic=state.premieres)
        return items, annotation_list(items)

    @app.callback(
        output={
            "message": Output(ids.ANNOTATION_MESSAGE, "children"),
            "changed": Output(ids.ANNOTATIONS_CHANGED, "data"),
            "text": Output(ids.ANNOTATION_TEXT, "value"),
            "editing": Output(ids.ANNOTATION_EDITING, "data"),
            "label": Output(ids.ANNOTATION_SAVE, "children"),
            "start": Output(ids.ANNOTATION_START, "value"),
            "end": Output(ids.ANNOTATION_END, "value"),
            "scoped": Output(ids.ANNOTATION_USE_FILTERS, "value"),
        },
        inputs={
            "save": Input(ids.ANNOTATION_SAVE, "n_clicks"),
            "cancel": Input(ids.ANNOTATION_CANCEL, "n_clicks"),
            "edits": Input({"type": EDIT_TYPE, "index": ALL}, "n_clicks"),
            "deletes": Input({"type": DELETE_TYPE, "index": ALL}, "n_clicks"),
        },
        state={
            "start": State(ids.ANNOTATION_START, "value"),
            "end": State(ids.ANNOTATION_END, "value"),
            "text": State(ids.ANNOTATION_TEXT, "value"),
            "scoped": State(ids.ANNOTATION_USE_FILTERS, "value"),
            "state_data": State(ids.STATE, "data"),
            "editing": State(ids.ANNOTATION_EDITING, "data"),
            "changed": State(ids.ANNOTATIONS_CHANGED, "data"),
            "items": State(ids.ANNOTATIONS, "data"),
        },
        prevent_initial_call=True,
    )
    @guarded(_form_failed)
    def annotation_form(save, cancel, edits, deletes, **values):
        clicked = _clicked()
        count = (values["changed"] or 0) + 1
        try:
            if clicked == ids.ANNOTATION_CANCEL:
                return _form(None)
            if isinstance(clicked, dict) and clicked.get("type") == EDIT_TYPE:
                return _edit(clicked["index"], values["items"] or [])
            if isinstance(clicked, dict) and clicked.get("type") == DELETE_TYPE:
                access.delete(_number(clicked["index"]))
                return _form("Deleted.", count)
            return _save(values, count)
        except (AnnotationRefused, AnnotationNotFound) as exc:
            return {**_form_failed(str(exc), {}), "message": f"Not saved: {exc}"}


def _number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameter("the annotation's id is malformed; reload the page")
    return value


def _edit(ident: object, items: list) -> dict:
    """Fill the form with a listed annotation the reader may edit."""
    ident = _number(ident)
    item = next((i for i in items if isinstance(i, dict) and i.get("id") == ident), None)
    if item is None:
        raise AnnotationNotFound(f"no annotation with id {ident}")
    item = access.one(ident)  # as stored now, and only if it may be seen
    days = (item["start"], item["end"])
    return _form(
        f"Editing the annotation of {item['start']}.",
        text=item["text"],
        editing=ident,
        days=days,
        scoped=bool(item["filters"]),
    )


def _save(values: dict, count: int) -> dict:
    """Add an annotation, or save the one being edited."""
    start, end = (
        v.strip() if isinstance(v, str) and v.strip() else None
        for v in (values["start"], values["end"])
    )
    if start is None:
        raise InvalidParameter("choose the annotation's day (or first day) first")
    body = {
        "start": start,
        "end": end or start,
        "text": values["text"] or "",
        "filters": page_filters(values["state_data"]) if values["scoped"] else {},
    }
    if values["editing"] is not None:
        access.update(_number(values["editing"]), body)
        return _form("Saved.", count)
    access.create(body)
    return _form("Added.", count)
