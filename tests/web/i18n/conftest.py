"""The English page tests use the public-site fixtures and the staff page fixtures."""

from tests.web.publishing.conftest import admin_user, chair, two_years
from tests.web.views.conftest import method_yaml, move, officer, period, units

__all__ = ["admin_user", "chair", "method_yaml", "move", "officer", "period", "two_years", "units"]
