from django.urls import path  # noqa: F401

app_name = "reporting"

# Views are split by purpose: reporting/views/fichas.py (institutions), review.py (UPMRIP),
# accounts.py (invitations).
urlpatterns: list = []
