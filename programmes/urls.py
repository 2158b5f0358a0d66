from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="template-list"),
    path(
        "templates/<uuid:template_id>/", views.TemplateDetailView.as_view(), name="template-detail"
    ),
    path(
        "patients/<uuid:patient_id>/plans/new/", views.PlanCreateView.as_view(), name="plan-create"
    ),
    path("plans/<uuid:plan_id>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<uuid:plan_id>/edit/", views.PlanEditView.as_view(), name="plan-edit"),
    path("plans/<uuid:plan_id>/activate/", views.PlanActivateView.as_view(), name="plan-activate"),
    path("plans/<uuid:plan_id>/close/", views.PlanCloseView.as_view(), name="plan-close"),
    path("plans/<uuid:plan_id>/versions/", views.PlanVersionsView.as_view(), name="plan-versions"),
    path("plans/<uuid:plan_id>/handout/", views.PlanHandoutView.as_view(), name="plan-handout"),
    path(
        "plans/<uuid:plan_id>/handout.pdf",
        views.PlanHandoutPdfView.as_view(),
        name="plan-handout-pdf",
    ),
    path(
        "plans/<uuid:plan_id>/exercises/add/",
        views.PrescriptionAddView.as_view(),
        name="prescription-add",
    ),
    path(
        "plans/<uuid:plan_id>/exercises/<uuid:prescription_id>/",
        views.PrescriptionEditView.as_view(),
        name="prescription-edit",
    ),
    path(
        "plans/<uuid:plan_id>/exercises/<uuid:prescription_id>/remove/",
        views.PrescriptionRemoveView.as_view(),
        name="prescription-remove",
    ),
    path(
        "plans/<uuid:plan_id>/exercises/<uuid:prescription_id>/move/",
        views.PrescriptionMoveView.as_view(),
        name="prescription-move",
    ),
    path(
        "plans/<uuid:plan_id>/exercises/<uuid:prescription_id>/clips/add/",
        views.ClipAddView.as_view(),
        name="clip-add",
    ),
    path(
        "plans/<uuid:plan_id>/clips/<uuid:clip_id>/remove/",
        views.ClipRemoveView.as_view(),
        name="clip-remove",
    ),
    path("plans/<uuid:plan_id>/goals/add/", views.GoalAddView.as_view(), name="goal-add"),
    path(
        "plans/<uuid:plan_id>/goals/<uuid:goal_id>/remove/",
        views.GoalRemoveView.as_view(),
        name="goal-remove",
    ),
    path(
        "plans/<uuid:plan_id>/interventions/add/",
        views.InterventionAddView.as_view(),
        name="intervention-add",
    ),
    path(
        "plans/<uuid:plan_id>/interventions/<uuid:intervention_id>/remove/",
        views.InterventionRemoveView.as_view(),
        name="intervention-remove",
    ),
]
