import factory

from assessments.models import Assessment
from tests.factories import PatientFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.LazyAttribute(lambda a: a.patient.assigned_clinician)
    assessed_on = factory.Faker("date_this_year")
