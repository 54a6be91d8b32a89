"""Public survey pages, mounted at /ks/ (khảo sát)."""

from django.urls import path

from chiso.web.surveys import public_views

app_name = "surveys_public"
urlpatterns = [
    path("quay/<str:key>/", public_views.kiosk, name="kiosk"),
    path("quay/<str:key>/danh-gia/", public_views.kiosk_rate, name="kiosk_rate"),
    path("<str:token>/", public_views.form, name="form"),
]
