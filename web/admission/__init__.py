"""Admission by cost: what each client's requests cost, measured, against a shared budget."""

from web.admission.gate import init_admission

__all__ = ["init_admission"]
