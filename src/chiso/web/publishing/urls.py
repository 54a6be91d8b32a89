"""Staff pages of publication, mounted at /quan-ly/cong-bo/."""

from django.urls import path

from chiso.web.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.press_years, name="press_years"),
    path("<int:year>/", views.press_edit, name="press_edit"),
]
