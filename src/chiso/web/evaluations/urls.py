"""Staff pages, mounted at /quan-ly/ (Vietnamese paths, English names)."""

from django.urls import path

from chiso.web.evaluations import setup_views, views

app_name = "evaluations"
urlpatterns = [
    path("", views.home, name="home"),
    path("tu-danh-gia/<str:unit_code>/", views.self_assessment, name="self_assessment"),
    path(
        "tu-danh-gia/<str:unit_code>/rut-lai/",
        views.self_assessment_withdraw,
        name="self_assessment_withdraw",
    ),
    path("tai-lieu/<int:pk>/", views.evidence_download, name="evidence"),
    path("tham-dinh/", views.appraisal_queue, name="appraisal_queue"),
    path("tham-dinh/<str:unit_code>/", views.appraisal, name="appraisal"),
    path("giai-trinh/<str:unit_code>/", views.explanation, name="explanation"),
    path("hoi-dong/", views.council, name="council"),
    path("hoi-dong/cong-bo/", views.council_publish, name="council_publish"),
    path("ky-danh-gia/", views.period_admin, name="period_admin"),
    path("ky-danh-gia/chuyen/", views.period_move, name="period_move"),
    path("ky-danh-gia/dieu-tra/", views.survey_upload, name="survey_import"),
]
urlpatterns += [
    path("ky-danh-gia/moi/", setup_views.period_new, name="period_new"),
    path("ky-danh-gia/bo-tieu-chi/<str:block>/", setup_views.period_method, name="period_method"),
    path("ky-danh-gia/lich/", setup_views.period_calendar, name="period_calendar"),
]
