"""Accounts: people and their roles, limits, passwords, sessions, tokens and the audit log."""
