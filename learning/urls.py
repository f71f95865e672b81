from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.report, name="report"),
    path("rapport.pptx", views.report_pptx, name="report_pptx"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("underlag.csv", views.report_csv, name="report_csv"),
    path("underlag.xlsx", views.report_xlsx, name="report_xlsx"),
    path("nationellt/", views.national, name="national"),
    path("nationellt/rapport.pptx", views.national_pptx, name="national_pptx"),
    path("nationellt/rapport.pdf", views.national_pdf, name="national_pdf"),
]
