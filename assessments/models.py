# Structured assessments (issue 3) build here.
