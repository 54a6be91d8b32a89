"""Staff survey pages, mounted at /quan-ly/khao-sat/."""

from django.urls import path

from chiso.web.surveys import estimate_views, export_views, paper_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/chuyen/", views.transition, name="transition"),
    path("<int:pk>/thiet-lap/", views.update_settings, name="settings"),
    path("<int:pk>/khung-mau/", views.frame_upload, name="frame"),
    path("<int:pk>/chon-mau/", views.draw, name="draw"),
    path("<int:pk>/mau/", views.members, name="members"),
    path("<int:pk>/mau/<int:member_pk>/", views.member_update, name="member"),
    path("<int:pk>/ma/", views.tokens_issue, name="tokens"),
    path("<int:pk>/ma.csv", export_views.tokens_csv, name="tokens_csv"),
    path("<int:pk>/ma/in/", export_views.tokens_sheet, name="sheet"),
    path("<int:pk>/ma/<int:token_pk>/phieu/", export_views.token_slip, name="slip"),
    path("<int:pk>/ma/<int:token_pk>.<str:fmt>", export_views.token_qr, name="qr"),
    path("<int:pk>/quay/", views.kiosk_add, name="kiosk_add"),
    path("<int:pk>/quay/<int:kiosk_pk>/", views.kiosk_toggle, name="kiosk"),
    path("<int:pk>/phieu-giay/", paper_views.paper_entry, name="paper"),
    path("<int:pk>/phieu-giay/bat-dong/", paper_views.disagreements, name="disagreements"),
    path("<int:pk>/phieu-giay/<int:form_pk>/", paper_views.resolve, name="resolve"),
    path("<int:pk>/uoc-luong/", estimate_views.estimates, name="estimates"),
    path(
        "<int:pk>/uoc-luong/tien-do/<int:job>/",
        estimate_views.estimates_progress,
        name="estimates_progress",
    ),
    path("<int:pk>/uoc-luong/tinh/", estimate_views.estimates_start, name="estimates_start"),
    path("<int:pk>/uoc-luong/cong-bo/", estimate_views.publish, name="publish"),
    path("<int:pk>/uoc-luong/chi-so-cchc/", estimate_views.feed, name="feed"),
    path("<int:pk>/ky-danh-gia/", estimate_views.link_period, name="period"),
]
