"""The Django project: stores records, runs the workflow, calls the engine, publishes snapshots.

Nothing in `chiso.engine` may import this package (an import-linter contract enforces it).
"""
