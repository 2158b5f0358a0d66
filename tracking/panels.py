"""What the patient reported at home, on the staff pages (issue 13 builds on this)."""

from __future__ import annotations
