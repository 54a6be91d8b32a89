from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """Decision 766 service quality: the dossier store, snapshots, dashboards, the PAR link."""

    name = "chiso.web.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
