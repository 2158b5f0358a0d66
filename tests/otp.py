"""Codes for the test personas' TOTP devices."""

import time

from django_otp.oath import totp


def current_token(device, *, unused: bool = True) -> str:
    """A code the device accepts now. With ``unused``, the step after the last
    one accepted if that is still within the device's tolerance (so a test can
    log the same user in twice within 30 seconds without a replay refusal)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = now_step
    if unused and device.last_t >= now_step:
        step = device.last_t + 1
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step - now_step):0{device.digits}d}"


def pass_second_factor(client, user) -> None:
    """After a login through the form: post the current code to the 2FA page."""
    from django.urls import reverse

    device = user.totpdevice_set.get(confirmed=True)
    response = client.post(reverse("otp-verify"), {"token": current_token(device)})
    assert response.status_code == 302, response.content.decode()[:500]
