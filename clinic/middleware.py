from django.core.exceptions import PermissionDenied

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
            audit_record(action=AuditAction.ACCESS_DENIED, request=request)
        return None
