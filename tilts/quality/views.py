"""The quality standards in the browser: the standards with their status and measures, reviews and answers,
evidence, the comparison with the last review, and participant support checklists."""

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user, role_required
from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.selectors import get_consortium
from tilts.core.access import Forbidden
from tilts.core.downloads import private_file
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.htmx import HtmxHttpRequest
from tilts.followup import charts
from tilts.followup.selectors import Scope
from tilts.projects.models import Project
from tilts.quality import plan, selectors, services
from tilts.quality.forms import (
    AnswerForm,
    ChecklistForm,
    EvidenceForm,
    ItemForm,
    ObjectiveForm,
    ObjectiveYearForm,
    ReviewForm,
    TargetsForm,
)
from tilts.quality.models import Area, Objective, PackJob, Review, Status, SupportChecklist

READERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
PAGE_SIZE = 50


def _consortium() -> Consortium:
    consortium = get_consortium()
    if consortium is None:
        raise Http404(_("The consortium has not been set up yet."))
    return consortium


def _current_review(consortium: Consortium) -> Review | None:
    """The open review, else the latest closed one."""
    reviews = Review.objects.filter(consortium=consortium)
    return reviews.filter(status="open").first() or reviews.order_by("-period_start", "-pk").first()


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    """The standards by area with their status in the current review and the measures Tilts computes: the
    consortium's for the coordinator and auditors (or one member's with ``?organisation=``), a member contact's
    own institution's (their quality summary)."""
    user = current_user(request)
    consortium = _consortium()
    organisation: Organisation | None = None
    chosen = request.GET.get("organisation", "")
    if user.can_view_everything and chosen.isdigit() and len(chosen) < 12:
        organisation = get_object_or_404(Organisation, pk=chosen)
    elif not user.can_view_everything:
        organisation = user.organisation
    scope = Scope(consortium, None, organisation)
    review = _current_review(consortium)
    summaries = {s.item.pk: s for s in selectors.item_summaries(review, organisation)} if review else {}
    measures = selectors.measures(scope)
    items = list(selectors.active_items())
    areas = []
    for area, label in Area.choices:
        rows = [
            (item, summaries.get(item.pk), [measures[code] for code in item.measures if code in measures])
            for item in items
            if item.area == area
        ]
        areas.append((area, label, rows))
    return render(
        request,
        "quality/index.html",
        {
            "consortium": consortium,
            "organisation": organisation,
            "organisations": selectors.answering_organisations(consortium) if user.can_view_everything else [],
            "review": review,
            "areas": areas,
            "statuses": Status.choices,
            "source": services.standards_source(),
            "overloads": selectors.mentor_overloads(consortium) if user.can_view_everything else [],
            "can_manage": user.is_coordinator,
            "can_pack": services.can_build_pack(user),
        },
    )


@role_required(Role.COORDINATOR)
def item_create(request: HttpRequest) -> HttpResponse:
    """The consortium's own item of the standards."""
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(by=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Item %(code)s has been added.") % {"code": item.code})
            return redirect("quality:index")
    return render(request, "quality/item_form.html", {"form": form}, status=422 if form.errors else 200)


# Reviews -------------------------------------------------------------------------------------------------------


@role_required(*READERS)
def review_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    reviews = selectors.reviews_for(user).filter(consortium=_consortium()).order_by("-period_start", "-pk")
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/review_list.html", {"page": page, "can_manage": user.is_coordinator})


@role_required(Role.COORDINATOR)
def review_create(request: HttpRequest) -> HttpResponse:
    consortium = _consortium()
    form = ReviewForm(request.POST or None, initial=services.suggested_review(consortium))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.open_review(consortium, by=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The review has been opened; the institutions can answer now."))
            return redirect("quality:review", pk=review.pk)
    return render(request, "quality/review_form.html", {"form": form}, status=422 if form.errors else 200)


@role_required(*READERS)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    review = selectors.access_review(user, pk)
    organisations = selectors.visible_organisations(user, review)
    return render(
        request,
        "quality/review_detail.html",
        {
            "review": review,
            "rows": selectors.progress(review, organisations),
            "earlier": selectors.previous_review(review),
            "can_close": user.is_coordinator and review.is_open,
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.access_review(current_user(request), pk, for_write=True)
    try:
        services.close_review(review, by=current_user(request))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The review has been closed; its answers are kept read-only."))
    return redirect("quality:review", pk=pk)


def _review_and_organisation(user: User, pk: int, organisation_pk: int) -> tuple[Review, Organisation]:
    """A review and one of its institutions the user sees; other institutions answer 404."""
    review = selectors.access_review(user, pk)
    if not user.can_view_everything and user.organisation_id != organisation_pk:
        raise Http404
    organisation = get_object_or_404(selectors.organisations_in(review), pk=organisation_pk)
    return review, organisation


@role_required(*READERS)
def answers(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """One institution's answers in a review: a form while the review is open and the user may answer."""
    user = current_user(request)
    review, organisation = _review_and_organisation(user, pk, organisation_pk)
    rows = list(review.answers.filter(organisation=organisation).select_related("item").prefetch_related("evidence"))
    editable = selectors.can_answer(user, review, organisation.pk)
    data = request.POST if request.method == "POST" and editable else None
    forms = [
        (
            answer,
            AnswerForm(
                data,
                prefix=f"a{answer.pk}",
                initial={
                    "status": answer.status,
                    "owner": answer.owner,
                    "notes": answer.notes,
                    "due_date": answer.due_date,
                },
            ),
        )
        for answer in rows
    ]
    if data is not None and all(form.is_valid() for _answer, form in forms):
        try:
            with transaction.atomic():  # all the answers or none
                for answer, form in forms:
                    if form.has_changed():
                        services.save_answer(answer, by=user, **form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("quality:answers", pk=review.pk, organisation_pk=organisation.pk)
    return render(
        request,
        "quality/answers.html",
        {"review": review, "organisation": organisation, "forms": forms, "editable": editable},
        status=422 if data is not None else 200,
    )


@role_required(*READERS)
def compare(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """What changed in an institution's answers since the previous review."""
    user = current_user(request)
    review, organisation = _review_and_organisation(user, pk, organisation_pk)
    earlier = selectors.previous_review(review)
    return render(
        request,
        "quality/compare.html",
        {
            "review": review,
            "organisation": organisation,
            "earlier": earlier,
            "changes": selectors.changes(review, organisation, earlier),
        },
    )


@role_required(*READERS)
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer with its evidence; while the review is open, evidence can be added."""
    user = current_user(request)
    answer = selectors.access_answer(user, pk)
    editable = selectors.can_answer(user, answer.review, answer.organisation_id)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            raise Forbidden
        if form.is_valid():
            try:
                services.add_evidence(
                    answer,
                    by=user,
                    kind=form.cleaned_data["kind"],
                    label=form.cleaned_data["label"],
                    object_id=form.cleaned_data["object_id"],
                    url=form.cleaned_data["url"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The evidence has been added."))
                return redirect("quality:answer", pk=answer.pk)
    evidence = [(item, services.linked_url(item)) for item in answer.evidence.all()]
    return render(
        request,
        "quality/answer_detail.html",
        {"answer": answer, "evidence": evidence, "form": form, "editable": editable},
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(*READERS)
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    evidence = selectors.access_answer_evidence(user, pk, for_write=True)
    services.delete_evidence(evidence, by=user)
    messages.success(request, _("The evidence has been removed."))
    return redirect("quality:answer", pk=evidence.answer_id)


@role_required(*READERS)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded document, only for those who see the answer; always downloaded, never shown inline."""
    evidence = selectors.access_answer_evidence(current_user(request), pk)
    if not evidence.file:
        raise Http404
    suffix = PurePath(evidence.file.name).suffix
    name = evidence.label if evidence.label.lower().endswith(suffix) else f"{evidence.label}{suffix}"
    return private_file(evidence.file, filename=name)


# Participant support -------------------------------------------------------------------------------------------

CHECKLIST_USERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT, Role.PARTICIPANT)


@role_required(*CHECKLIST_USERS)
def support_list(request: HttpRequest) -> HttpResponse:
    """The mobilities the user sees with how far their support checklist is filled in."""
    user = current_user(request)
    mobilities = (
        selectors.checklist_mobilities(user)
        .select_related("support_checklist", "project")
        .order_by("-start_date", "pk")
    )
    page = Paginator(mobilities, PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[tuple[Any, SupportChecklist | None]] = [
        (m, getattr(m, "support_checklist", None)) for m in page.object_list
    ]
    return render(request, "quality/support_list.html", {"page": page, "rows": rows})


@role_required(*CHECKLIST_USERS)
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    mobility = selectors.access_checklist(user, pk)
    current = SupportChecklist.objects.filter(mobility=mobility).first()
    editable = selectors.can_edit_checklist(user, mobility)
    form = ChecklistForm(request.POST if editable else None, instance=current)
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.save_checklist(mobility, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("quality:checklist", pk=mobility.pk)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "quality/checklist.html",
        {"mobility": mobility, "form": form, "editable": editable, "checklist": current},
        status=422 if form.errors else 200,
    )


# The Erasmus Plan and targets ------------------------------------------------------------------------------------


@role_required(*READERS)
def plan_view(request: HttpRequest) -> HttpResponse:
    """The Erasmus Plan's objectives with their targets and values per year, and the projects' targets."""
    consortium = _consortium()
    progress = plan.plan_progress(consortium)
    charts_by_objective = _objective_charts(progress)
    return render(
        request,
        "quality/plan.html",
        {
            "rows": [(row, charts_by_objective.get(row.objective.pk)) for row in progress],
            "projects": consortium.projects.order_by("-call_year", "pk"),
            "can_manage": current_user(request).is_coordinator,
        },
    )


def _objective_charts(progress: list[plan.ObjectiveProgress]) -> dict[int, charts.BarChart]:
    """One bar chart per objective: its value per year."""
    return {
        row.objective.pk: charts.horizontal_bars(
            f"objective-{row.objective.pk}",
            str(row.objective),
            [(str(year.year), int(year.value or 0)) for year in row.years],
            label_width=60,
        )
        for row in progress
        if row.years
    }


def _save_objective(request: HttpRequest, form: ObjectiveForm, objective: Objective | None) -> Objective | None:
    try:
        return services.save_objective(
            _consortium(), by=current_user(request), objective=objective, **form.cleaned_data
        )
    except ValidationError as error:
        show_on_form(form, error)
        return None


@role_required(Role.COORDINATOR)
def objective_create(request: HttpRequest) -> HttpResponse:
    consortium = _consortium()
    number = (Objective.objects.filter(consortium=consortium).count() or 0) + 1
    form = ObjectiveForm(request.POST or None, consortium=consortium, initial={"number": number})
    if request.method == "POST" and form.is_valid():
        objective = _save_objective(request, form, None)
        if objective is not None:
            messages.success(request, _("The objective has been added."))
            return redirect("quality:objective", pk=objective.pk)
    return render(request, "quality/objective_form.html", {"form": form}, status=422 if form.errors else 200)


@role_required(*READERS)
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An objective with its years; the coordinator edits it and sets a year's target (and value)."""
    user = current_user(request)
    consortium = _consortium()
    objective = get_object_or_404(Objective.objects.filter(consortium=consortium), pk=pk)
    editing = user.is_coordinator
    posted = request.POST if request.method == "POST" and editing else None
    which = request.POST.get("form", "")
    form = ObjectiveForm(
        posted if which == "objective" else None,
        instance=Objective.objects.get(pk=pk),
        consortium=consortium,
    )
    year_form = ObjectiveYearForm(posted if which == "year" else None)
    saved = posted is not None and which == "objective" and form.is_valid()
    if saved and _save_objective(request, form, objective) is not None:
        messages.success(request, _("Saved."))
        return redirect("quality:objective", pk=pk)
    if posted is not None and which == "year" and year_form.is_valid():
        try:
            services.save_objective_year(objective, by=user, **year_form.cleaned_data)
        except ValidationError as error:
            show_on_form(year_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("quality:objective", pk=pk)
    progress = next(row for row in plan.plan_progress(consortium) if row.objective.pk == pk)
    return render(
        request,
        "quality/objective_detail.html",
        {"objective": objective, "progress": progress, "form": form, "year_form": year_form, "editing": editing},
        status=422 if form.errors or year_form.errors else 200,
    )


@role_required(*READERS)
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's targets from the grant agreement next to what is implemented and planned."""
    user = current_user(request)
    project = get_object_or_404(Project.objects.filter(consortium=_consortium()), pk=pk)
    rows = plan.project_targets(project)
    form = TargetsForm(
        request.POST if request.method == "POST" and user.is_coordinator else None,
        kinds=[(row.kind, row.label) for row in rows],
        initial={row.kind: row.target for row in rows},
    )
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            for row in rows:
                services.set_target(project, by=user, kind=row.kind, target=form.cleaned_data[row.kind])
        messages.success(request, _("Saved."))
        return redirect("quality:targets", pk=project.pk)
    return render(
        request,
        "quality/targets.html",
        {"project": project, "rows": rows, "form": form, "editing": user.is_coordinator},
        status=422 if form.errors else 200,
    )


# The Accreditation Progress Report pack --------------------------------------------------------------------------

PACK_BUILDERS = (Role.COORDINATOR, Role.AUDITOR)


def _packs_of(request: HttpRequest) -> Any:
    return PackJob.objects.filter(created_by=current_user(request))


@role_required(*PACK_BUILDERS)
def packs(request: HttpRequest) -> HttpResponse:
    """Build the pack (POST, with the language) and see the packs built before."""
    user = current_user(request)
    if request.method == "POST":
        try:
            job = services.start_pack(_consortium(), by=user, language=request.POST.get("language", ""))
        except ValidationError as error:
            report_errors(request, error)
        else:
            return redirect("quality:pack", pk=job.pk)
    page = Paginator(_packs_of(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/packs.html", {"page": page})


@role_required(*PACK_BUILDERS)
def pack_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_packs_of(request), pk=pk)
    template = "quality/_pack_progress.html" if request.htmx else "quality/pack_detail.html"
    return render(request, template, {"job": job})


@role_required(*PACK_BUILDERS)
def pack_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    job = get_object_or_404(_packs_of(request), pk=pk, status="done")
    stored = job.pdf if kind == "pdf" else job.odt if kind == "odt" else None
    if not stored:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else "application/vnd.oasis.opendocument.text"
    return private_file(stored, filename=stored.name.rsplit("/", 1)[-1][33:], content_type=content_type)
