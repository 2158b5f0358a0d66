"""The patient-facing portal (issue 6): views, urls and templates only."""
