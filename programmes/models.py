# Exercise library, plans, reminders and adherence (issues 4 and 5) build here.
