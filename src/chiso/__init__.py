"""chiso — the yearly evaluation of a province's public administration, end to end."""

__version__ = "0.1.0"
