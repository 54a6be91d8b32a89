"""Staff service-quality pages, mounted at /quan-ly/chat-luong/."""

from django.urls import path, re_path

from chiso.web.services import staff_views as views

app_name = "services"

PK = r"(?P<pk>[0-9]+)"
UNIT = r"(?P<unit>[^/]+?)"
FMT = r"\.(?P<fmt>json|csv)"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tai-len/", views.upload, name="upload"),
    path("sinh-du-lieu/", views.generate, name="generate"),
    path("tinh/", views.compute, name="compute"),
    path("dien-chi-so-cchc/", views.feed, name="feed"),
    re_path(rf"^ket-qua/{PK}/$", views.snapshot, name="snapshot"),
    re_path(rf"^ket-qua/{PK}{FMT}$", views.snapshot, name="snapshot_data"),
    re_path(rf"^ket-qua/{PK}/cong-bo/$", views.publish, name="publish"),
    re_path(rf"^ket-qua/{PK}/{UNIT}/$", views.snapshot_unit, name="unit"),
    re_path(rf"^ket-qua/{PK}/{UNIT}{FMT}$", views.snapshot_unit, name="unit_data"),
    re_path(rf"^ket-qua/{PK}/{UNIT}/thu-tuc/$", views.snapshot_procedures, name="procedures"),
    re_path(
        rf"^ket-qua/{PK}/{UNIT}/thu-tuc{FMT}$",
        views.snapshot_procedures,
        name="procedures_data",
    ),
    re_path(rf"^ket-qua/{PK}/{UNIT}/tre-han/$", views.overdue, name="overdue"),
    re_path(rf"^ket-qua/{PK}/{UNIT}/tre-han\.(?P<fmt>csv)$", views.overdue, name="overdue_data"),
]
