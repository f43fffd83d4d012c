"""The student's classes page: which classes and counselors can see my data, invitations to accept or decline, a
join code to type, and leaving a class. The counselor's side (the join code, the roster of invitations) is on the
class page in counsel/views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pathways.counsel import classes
from pathways.counsel.forms import ClassJoinForm
from pathways.models import CohortInvitation, CohortMembership, InvitationStatus
from pathways.students import access
from pathways.students.consent import consent_state
from programs.web.api import page_allowed
from programs.web.inputs import parse_id
from programs.web.responses import too_many_requests
from programs.web.typing import SignedInRequest


def _act(request: SignedInRequest, form: ClassJoinForm) -> None:
    action = request.POST.get("action", "")
    guardian = classes.Guardian(**form.guardian())
    if action == "join":
        membership = classes.class_join(student=request.user, code=form.data.get("code", ""), guardian=guardian)
        messages.success(request, _("You joined %(name)s.") % {"name": membership.cohort.name})
    elif action in ("accept", "decline"):
        invitation = classes.invitation_answer(
            student=request.user,
            invitation_id=parse_id(request.POST.get("invitation")) or 0,
            accept=action == "accept",
            guardian=guardian,
        )
        messages.success(
            request,
            _("You joined %(name)s.") % {"name": invitation.cohort.name}
            if action == "accept"
            else _("You declined the invitation to %(name)s.") % {"name": invitation.cohort.name},
        )
    elif action == "leave":
        cohort = classes.class_leave(student=request.user)
        if cohort is not None:
            messages.success(
                request, _("You left %(name)s. Its counselors no longer see your data.") % {"name": cohort.name}
            )
    else:
        raise classes.ClassRefused(_("Unknown action."))


@login_required
@require_http_methods(["GET", "POST"])
def my_classes(request: SignedInRequest) -> HttpResponse:
    form = ClassJoinForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "join" and not page_allowed(request, "join"):
            return too_many_requests(request)
        try:
            _act(request, form)
        except classes.ClassRefused as exc:
            messages.error(request, str(exc))
        return redirect("pathways:my_classes")
    membership = (
        CohortMembership.objects.filter(student=request.user)
        .select_related("cohort__school")
        .prefetch_related("cohort__counselors")
        .first()
    )
    invitations = CohortInvitation.objects.filter(student=request.user, status=InvitationStatus.PENDING)
    context = {
        "membership": membership,
        "form": ClassJoinForm(auto_id="join_%s"),
        "invitations": [
            (i, ClassJoinForm(auto_id=f"invitation{i.pk}_%s"))
            for i in invitations.select_related("cohort__school", "invited_by")
        ],
        "is_student": access.is_student(request.user),
        "guardian_needed": consent_state(user=request.user).guardian_needed,
    }
    return render(request, "pathways/my_classes.html", context)
