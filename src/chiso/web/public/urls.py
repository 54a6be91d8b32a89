"""The public site: no login, published snapshots only; every page has .json and .csv twins."""

from django.urls import path, re_path

from chiso.web.public import report_views, sipas_views, views

app_name = "public"

YEAR = r"(?P<year>[0-9]{4})"
BLOCK = r"(?P<block>[A-Za-z0-9_-]+)"
UNIT = r"(?P<unit>[^/]+?)"
FMT = r"\.(?P<fmt>json|csv)"
REPORT = r"bao-cao\.(?P<fmt>pdf|docx)"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(rf"^index{FMT}$", views.home, name="home_data"),
    # "sipas" is a reserved block code: the year's satisfaction page comes before the blocks.
    re_path(rf"^{YEAR}/sipas/$", sipas_views.sipas, name="sipas"),
    re_path(rf"^{YEAR}/sipas{FMT}$", sipas_views.sipas, name="sipas_data"),
    # The province report of the year (a block's own twins are .json and .csv only).
    re_path(rf"^{YEAR}/{REPORT}$", report_views.province_report, name="province_report"),
    re_path(rf"^{YEAR}/{BLOCK}/$", views.ranking, name="ranking"),
    re_path(rf"^{YEAR}/{BLOCK}{FMT}$", views.ranking, name="ranking_data"),
    re_path(rf"^{YEAR}/{BLOCK}/{UNIT}/$", views.unit, name="unit"),
    re_path(rf"^{YEAR}/{BLOCK}/{UNIT}{FMT}$", views.unit, name="unit_data"),
    re_path(rf"^{YEAR}/{BLOCK}/{UNIT}/{REPORT}$", report_views.unit_report, name="unit_report"),
]
