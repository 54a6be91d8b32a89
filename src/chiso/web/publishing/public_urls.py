"""Public publication URLs, stable per year: the files (`/2024/tai-ve/phu-luc.xlsx`, …), the
downloads page and the released press summary. Mounted at the root before the public site,
whose `/<year>/<block>/` would otherwise take `tai-ve` and `thong-cao` for block codes."""

from django.urls import re_path

from chiso.web.publishing import views

app_name = "downloads"

YEAR = r"(?P<year>[0-9]{4})"

urlpatterns = [
    re_path(rf"^{YEAR}/tai-ve/$", views.year_downloads, name="year"),
    re_path(rf"^{YEAR}/tai-ve/(?P<name>[^/]+)$", views.year_file, name="file"),
    re_path(rf"^{YEAR}/thong-cao/$", views.press_page, name="press"),
    re_path(rf"^{YEAR}/thong-cao\.(?P<fmt>md)$", views.press_page, name="press_data"),
]
