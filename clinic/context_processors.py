from clinic.access import staff_member_of


def staff(request):
    return {"staff_member": staff_member_of(request.user)}
