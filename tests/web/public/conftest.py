"""The public-site tests use the publishing tests' fixtures."""

from tests.web.publishing.conftest import admin_user, chair, drawings, two_years

__all__ = ["admin_user", "chair", "drawings", "two_years"]
