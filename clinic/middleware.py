import zoneinfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from clinic.audit import audit_record
from clinic.models import AuditAction


class AuditDeniedMiddleware:
    """Every 403 raised by a view leaves an access-denied audit event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            # Say what was refused: the page's URL name (never the path, which
            # may carry ids; never query strings).
            match = getattr(request, "resolver_match", None)
            audit_record(
                action=AuditAction.ACCESS_DENIED,
                request=request,
                object_type="page",
                object_id=match.view_name if match is not None else "",
            )
        return None


SESSION_TIME_ZONE_KEY = "clinic_time_zone"


class ClinicTimeZoneMiddleware:
    """Show times in the clinic's zone (stored in the session at login); UTC otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_TIME_ZONE_KEY) if hasattr(request, "session") else None
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)
