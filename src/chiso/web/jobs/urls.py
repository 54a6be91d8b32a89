"""Job pages, mounted at /quan-ly/tac-vu/."""

from django.urls import path

from chiso.web.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("<int:pk>/tep/", views.job_download, name="download"),
    path("<int:pk>/huy/", views.job_cancel_view, name="cancel"),
    path("kiem-tra-ket-qua/", views.recompute_start, name="recompute_start"),
]
