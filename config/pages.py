"""The create/edit loop every office form page shares: scope first, then role, then validate and save.

A page fetches its object (or the parent it adds to) through the app's scoped selector, so an outsider
gets 404 before anything here runs; ``office_form_page`` then refuses a non-office user with 403, builds
the form, and hands the cleaned data to one service call.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from config.exceptions import Conflict, PermissionRefused


def require_office(user) -> None:
    if not user.is_office:
        raise PermissionDenied(_("只有人大常委会办公室可以进行此操作。"))


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_status(form) -> int:
    """What a form page answers: 400 when it comes back with a refused post (bound, not saved), 200 when
    it is shown fresh. Every form page of the product asks this; the outbox and the API's callers read a
    refusal from the status."""
    return 400 if form.is_bound else 200


def render_form(request, form, *, title: str, back: str, save, success: str, template="form_page.html", extra=None):
    """The one edit loop of every form page: validate, call the service, redirect or re-render (400).

    Form pages bind their form on every POST, even an empty one: ``request.POST or None`` would leave
    an empty post unbound, and the page would come back without saying what is missing."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, success)
            return redirect(target)
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, template, context, status=form_status(form))


def office_form_page(
    request,
    form_class,
    *,
    title: str,
    back: str,
    save: Callable[[dict], object],
    success: str,
    instance: Callable[[], object] | None = None,
    form_kwargs: dict | None = None,
):
    """An office's create or edit page over an object the caller already fetched within the user's scope.

    ``instance`` fetches the edited object again, through the same scoped selector, after the role check:
    validating a ModelForm writes the posted values onto its instance, and the service must be handed
    the row as it was. ``save`` gets the cleaned data and returns where to go next.
    """
    require_office(request.user)
    kwargs = {"user": request.user, **(form_kwargs or {})}
    if instance is not None:
        kwargs["instance"] = instance()
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    return render_form(request, form, title=title, back=back, save=save, success=success)
