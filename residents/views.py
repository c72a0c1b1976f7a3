"""Residents' voice pages: the public QR form and follow-up link, the station poster, the inbox,
and the hot-issue list. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config.exceptions import Conflict, PermissionRefused
from liaison_stations.selectors import get_station
from residents import exports, forms, selectors, services
from residents.filters import MessageFilter
from residents.models import UNRELEASED, MessageStatus

PAGE_SIZE = 30


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@never_cache
def public_form(request, key):
    """The page behind a station's QR code: no login, one phone screen."""
    station = selectors.public_station_or_404(key)
    form = forms.PublicMessageForm(request.POST or None, station=station)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = services.message_submit(
                    station=station,
                    text=data["text"],
                    region=data["region"],
                    name=data["name"],
                    phone=data["phone"],
                    submitter_hash=services.address_hash(_client_address(request)),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except services.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                if message.status == MessageStatus.HELD:
                    messages.success(request, _("留言已收到。当前留言较多，您的留言将由工作人员审核后转给代表。请保存下面的链接，用它查看回复。"))
                else:
                    messages.success(request, _("留言已收到。请保存下面的链接，用它查看代表的回复。"))
                return redirect("residents:follow_up", token=message.token)
        if status == 200:
            status = 400
        form.forget_answer()
    return render(request, "residents/public_form.html", {"form": form, "station": station}, status=status)


@never_cache
@require_GET
def challenge_picture(request, token):
    """The QR form's question as a picture (no login: the form is opened by strangers)."""
    from residents import challenge

    response = HttpResponse(challenge.svg(token), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@never_cache
def follow_up(request, token):
    """The resident's private link: their message and the reply, no one's personal data."""
    message = selectors.message_by_token(token)
    return render(
        request,
        "residents/follow_up.html",
        {"message": message, "link": request.build_absolute_uri(reverse("residents:follow_up", args=[message.token]))},
    )


def _form_url(request, station) -> str:
    return request.build_absolute_uri(reverse("residents:public_form", args=[selectors.station_public_key(station)]))


@login_required
def poster(request, station_pk):
    """A printable A4 poster for the station's wall with its QR code."""
    station = get_station(request.user, station_pk)
    return render(request, "residents/poster.html", {"station": station, "form_url": _form_url(request, station)})


@login_required
def poster_qr(request, station_pk):
    """The QR code itself, drawn here (SVG) so no outside service learns the station's link."""
    station = get_station(request.user, station_pk)
    image = qrcode.make(_form_url(request, station), image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
def inbox(request):
    """群众留言: the messages of the user's stations (deputies) or of the stations in scope (offices)."""
    if not (request.user.is_superuser or request.user.is_office or request.user.is_township_staff or request.user.is_deputy):
        raise Http404
    filterset = MessageFilter(request.GET or None, queryset=selectors.inbox_messages(request.user, request.GET))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.present(page.object_list, request.user)
    return render(
        request,
        "residents/inbox.html",
        {
            "filter": filterset,
            "page_obj": page,
            "personal": selectors.sees_personal_data(request.user),
            "poster_stations": selectors.poster_stations(request.user),
            "held_count": selectors.held_count(request.user),
            "reviewing": filterset.form.is_valid() and filterset.form.cleaned_data.get("status") == MessageStatus.HELD
            and selectors.may_review(request.user),
        },
    )


def _detail_context(request, message, *, reply_form=None, adopt_form=None):
    # A held or discarded message is reviewed first; it is answered only once released.
    handler = selectors.may_handle(request.user) and message.status not in UNRELEASED
    deputies = None if request.user.is_deputy else selectors.station_deputies(message)
    selectors.present([message], request.user)
    return {
        "message": message,
        "personal": selectors.sees_personal_data(request.user),
        "can_handle": handler,
        "reply_form": reply_form or forms.ReplyForm(initial={"reply": message.reply}),
        "adopt_form": adopt_form or forms.AdoptForm(deputies=deputies),
        "adoptable": handler and message.status not in (MessageStatus.ADOPTED, *UNRELEASED),
        "reviewable": message.status == MessageStatus.HELD and selectors.may_review(request.user),
    }


@login_required
def detail(request, pk):
    message = selectors.message_detail(request.user, pk)
    return render(request, "residents/detail.html", _detail_context(request, message))


@login_required
@require_POST
def reply(request, pk):
    message = selectors.message_detail(request.user, pk)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.message_reply(message.pk, actor=request.user, text=form.cleaned_data["reply"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except (PermissionRefused, Conflict) as exc:
            messages.error(request, exc.message)
            return redirect(message)
        else:
            messages.success(request, _("回复已发送，群众可通过查询链接看到。"))
            return redirect(message)
    return render(request, "residents/detail.html", _detail_context(request, message, reply_form=form), status=400)


@login_required
@require_POST
def adopt(request, pk):
    message = selectors.message_detail(request.user, pk)
    deputies = None if request.user.is_deputy else selectors.station_deputies(message)
    form = forms.AdoptForm(request.POST, deputies=deputies)
    if form.is_valid():
        try:
            suggestion = services.message_adopt(
                message.pk, actor=request.user, title=form.cleaned_data["title"], lead_deputy=form.cleaned_data.get("lead_deputy")
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except (PermissionRefused, Conflict) as exc:
            messages.error(request, exc.message)
            return redirect(message)
        else:
            messages.success(request, _("已转为建议草稿，请完善后提交。"))
            return redirect("suggestions:detail", pk=suggestion.pk)
    return render(request, "residents/detail.html", _detail_context(request, message, adopt_form=form), status=400)


def _review(request, pk, service, done: str):
    message = selectors.message_detail(request.user, pk)
    try:
        service(message.pk, actor=request.user)
    except (PermissionRefused, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(message)


@login_required
@require_POST
def review_held(request):
    """The held list's bulk buttons: release or discard the ticked messages, or discard the whole page."""
    if not selectors.may_review(request.user):
        raise Http404
    action = request.POST.get("action")
    if action not in ("release", "discard", "discard_page"):
        raise Http404
    posted = request.POST.getlist("page_ids" if action == "discard_page" else "ids")
    ids = [int(v) for v in posted[:PAGE_SIZE * 2] if v.isdigit() and len(v) < 18]
    count = services.messages_review(ids, actor=request.user, release=action == "release")
    if action == "release":
        messages.success(request, _("已放行 %(n)d 条留言，联络站代表将收到通知。") % {"n": count})
    else:
        messages.success(request, _("已将 %(n)d 条留言标记为不予处理。") % {"n": count})
    return redirect(reverse("residents:inbox") + "?status=held")


@login_required
@require_POST
def release(request, pk):
    """放行 a held message: it reaches the station's deputies and they are notified."""
    return _review(request, pk, services.message_release, _("留言已放行，联络站代表将收到通知。"))


@login_required
@require_POST
def discard(request, pk):
    """不予处理 a held message (a flood, an advertisement): kept for the record, goes no further."""
    return _review(request, pk, services.message_discard, _("留言已标记为不予处理。"))


@login_required
def hot_issues(request):
    """热点问题: the week's clusters for the provincial and city offices."""
    if not (request.user.is_superuser or request.user.is_office):
        raise Http404
    issues = selectors.hot_issues_visible_to(request.user)[:50]
    return render(request, "residents/hot_issues.html", {"issues": issues})


@login_required
def hot_issue_detail(request, pk):
    issue = selectors.hot_issue_detail(request.user, pk)
    return render(
        request,
        "residents/hot_issue_detail.html",
        {"issue": issue, "suggestions": issue.suggestions.select_related("region", "region__parent", "region__parent__parent", "lead_deputy").order_by("-submitted_at")[:200]},
    )


@login_required
def hot_issues_export(request):
    if not (request.user.is_superuser or request.user.is_office):
        raise Http404
    return exports.hot_issues_xlsx(selectors.hot_issues_visible_to(request.user))
