from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.context_processors import navigation_for


@login_required
def home(request):
    """The signed-in user's start page: their role's shortcuts."""
    shortcuts = [item for item in navigation_for(request.user) if item["name"] != "home"]
    return render(request, "accounts/home.html", {"shortcuts": shortcuts})
