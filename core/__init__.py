"""Leaf helpers every app may import: the one error base, the after-commit event helper and the
spreadsheet-safe cell. It imports nothing from the project layer or any feature app."""
