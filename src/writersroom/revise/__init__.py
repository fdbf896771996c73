"""Revision on request as tracked changes, and a continuity checker (docs/revision.md)."""
