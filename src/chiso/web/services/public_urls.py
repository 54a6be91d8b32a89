"""Public service-quality pages, at /chat-luong/ (before the public site's /<year>/<block>/,
which cannot take them: `chat-luong` is not a year). Every page has .json and .csv twins."""

from django.urls import re_path

from chiso.web.services import views

app_name = "service_public"

SPEC = r"(?P<spec>[0-9]{4}(?:-(?:Q[1-4]|0[1-9]|1[0-2]))?)"
UNIT = r"(?P<unit>[^/]+?)"
FMT = r"\.(?P<fmt>json|csv)"

urlpatterns = [
    re_path(r"^chat-luong/$", views.index, name="index"),
    re_path(rf"^chat-luong{FMT}$", views.index, name="index_data"),
    re_path(rf"^chat-luong/{SPEC}/$", views.ranking, name="ranking"),
    re_path(rf"^chat-luong/{SPEC}{FMT}$", views.ranking, name="ranking_data"),
    re_path(rf"^chat-luong/{SPEC}/{UNIT}/$", views.unit, name="unit"),
    re_path(rf"^chat-luong/{SPEC}/{UNIT}{FMT}$", views.unit, name="unit_data"),
    re_path(rf"^chat-luong/{SPEC}/{UNIT}/thu-tuc/$", views.procedures, name="procedures"),
    re_path(rf"^chat-luong/{SPEC}/{UNIT}/thu-tuc{FMT}$", views.procedures, name="procedures_data"),
]
