"""The Accreditation Progress Report pack: the Erasmus Plan's progress with its measures and charts, the quality
standards with their status and evidence per institution, and the projects' targets, as a PDF (WeasyPrint) and
an editable ODT document, in Latvian or English.

Every number comes from the same selectors as the pages (the goals dashboard, the standards, the plan), so the
pack's numbers equal what the pages show on the day it is built.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tilts.consortium.models import Consortium, Organisation
from tilts.core import dates
from tilts.followup import charts
from tilts.followup.selectors import GoalReach, Reach, Scope, reach_by_goal, total_reach
from tilts.projects.models import Project
from tilts.quality import odt, plan, selectors, services
from tilts.quality.models import Answer, Review, Status

Progress = Callable[[int], None]


@dataclass(frozen=True)
class EvidenceLine:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class AnswerLine:
    answer: Answer
    evidence: list[EvidenceLine]


@dataclass(frozen=True)
class MemberSection:
    organisation: Organisation
    answers: list[AnswerLine]
    measures: list[selectors.Measure]


@dataclass(frozen=True)
class PackData:
    consortium: Consortium
    generated: datetime.date
    review: Review | None
    source: dict[str, Any]
    objectives: list[plan.ObjectiveProgress]
    objective_charts: list[charts.BarChart | None]
    total: Reach
    goals: list[GoalReach]
    goals_chart: charts.BarChart
    measures: list[selectors.Measure]
    items: list[selectors.ItemSummary]
    members: list[MemberSection]
    targets: list[tuple[Project, list[plan.TargetRow]]]
    statuses: list[tuple[str, str]]


def _current_review(consortium: Consortium) -> Review | None:
    reviews = Review.objects.filter(consortium=consortium)
    return reviews.filter(status="open").first() or reviews.order_by("-period_start", "-pk").first()


def _member(review: Review, organisation: Organisation, consortium: Consortium) -> MemberSection:
    answers = review.answers.filter(organisation=organisation).select_related("item").prefetch_related("evidence")
    lines = [
        AnswerLine(
            answer,
            [
                EvidenceLine(e.get_kind_display(), e.label, f"{settings.SITE_URL}{services.linked_url(e)}")
                for e in answer.evidence.all()
            ],
        )
        for answer in answers
    ]
    measures = list(selectors.measures(Scope(consortium, None, organisation)).values())
    return MemberSection(organisation, lines, measures)


def collect(consortium: Consortium, progress: Progress | None = None) -> PackData:
    """Everything the pack shows, in the active language; ``progress`` hears 0-80 as the institutions are done."""
    report = progress or (lambda value: None)
    review = _current_review(consortium)
    objectives = plan.plan_progress(consortium)
    scope = Scope(consortium)
    goals = reach_by_goal(scope)
    goal_label = _("Goal %(number)s")
    report(10)
    organisations = selectors.visible_organisations_all(review) if review else []
    members = []
    for index, organisation in enumerate(organisations, start=1):
        assert review is not None
        members.append(_member(review, organisation, consortium))
        report(10 + int(70 * index / len(organisations)))
    return PackData(
        consortium=consortium,
        generated=timezone.localdate(),
        review=review,
        source=services.standards_source(),
        objectives=objectives,
        objective_charts=[
            charts.horizontal_bars(
                f"objective-{row.objective.pk}",
                str(row.objective),
                [(str(year.year), int(year.value or 0)) for year in row.years],
                label_width=60,
            )
            if row.years
            else None
            for row in objectives
        ],
        total=total_reach(scope),
        goals=goals,
        goals_chart=charts.horizontal_bars(
            "goals",
            _("Colleagues reached per goal"),
            [(goal_label % {"number": row.goal.number}, row.reach.colleagues) for row in goals],
        ),
        measures=list(selectors.measures(scope).values()),
        items=selectors.item_summaries(review) if review else [],
        members=members,
        targets=[(project, plan.project_targets(project)) for project in consortium.projects.order_by("call_year")],
        statuses=[(value, str(label)) for value, label in Status.choices],
    )


def render_pdf(data: PackData) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("quality/pdf/pack.html", {"data": data})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]


def _measure_text(measure: selectors.Measure) -> str:
    if measure.of is None:
        return str(measure.count)
    percent = f" ({measure.percent} %)" if measure.percent is not None else ""
    return f"{measure.count} / {measure.of}{percent}"


def _number(value: Any) -> str:
    return "–" if value is None else str(formats.localize(value, use_l10n=True))


def render_odt(data: PackData) -> bytes:
    """The same content as the PDF, editable (charts are given as their tables)."""
    doc = odt.Document()
    doc.heading(_("Accreditation progress report"), 1)
    doc.paragraph(f"{data.consortium.name} · {data.consortium.accreditation_number}")
    doc.paragraph(_("Prepared on %(date)s") % {"date": dates.short(data.generated)})
    doc.heading(_("Progress on the Erasmus Plan"), 2)
    for row in data.objectives:
        doc.heading(str(row.objective), 3)
        if row.objective.explanation:
            doc.paragraph(row.objective.explanation)
        doc.paragraph(
            f"{_('Timing')}: {row.objective.timing or '–'} · {_('Measure')}: {row.objective.get_measure_display()}"
        )
        doc.table(
            [_("Year"), _("Target"), _("Value"), "%", _("Evidence")],
            [[y.year, _number(y.target), _number(y.value), _number(y.percent), y.evidence] for y in row.years],
        )
    doc.heading(_("Colleagues reached per goal"), 3)
    doc.table(
        [_("Goal"), _("Mobilities"), _("Participants"), _("Colleagues reached")],
        [[str(r.goal), r.reach.mobilities, r.reach.participants, r.reach.colleagues] for r in data.goals]
        + [[_("Total"), data.total.mobilities, data.total.participants, data.total.colleagues]],
    )
    doc.heading(_("Measured by Tilts"), 3)
    doc.table([_("Measure"), _("Value")], [[str(m.label), _measure_text(m)] for m in data.measures])
    doc.heading(_("Quality standards"), 2)
    doc.paragraph(f"{_('Source:')} {data.source['source']}")
    if data.review:
        doc.paragraph(_("Status from the review “%(title)s”.") % {"title": data.review.title})
    doc.table(
        [_("Item"), *[label for _value, label in data.statuses]],
        [[f"{s.item.code} {s.item.title}", *s.counts] for s in data.items],
    )
    for member in data.members:
        doc.heading(member.organisation.legal_name, 3)
        doc.table(
            [_("Item"), _("Status"), _("Responsible"), _("Notes"), _("Evidence")],
            [
                [
                    f"{line.answer.item.code} {line.answer.item.title}",
                    line.answer.get_status_display(),
                    line.answer.owner,
                    line.answer.notes,
                    "\n".join(f"{e.kind}: {e.label} ({e.url})" for e in line.evidence),
                ]
                for line in member.answers
            ],
        )
        doc.table([_("Measure"), _("Value")], [[str(m.label), _measure_text(m)] for m in member.measures])
    doc.heading(_("Targets of the grant agreements"), 2)
    for project, rows in data.targets:
        doc.heading(f"{project.title} ({project.call_year})", 3)
        doc.table(
            [_("Target"), _("Grant agreement"), _("Implemented"), "%", _("Planned")],
            [[r.label, _number(r.target), r.implemented, _number(r.percent), r.planned] for r in rows],
        )
    return doc.save()
