"""What each interest area means, in plain words for a 15-year-old (shown on the result page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AREA_MEANING = {
    "R": _(
        "You like hands-on work: using tools and machines, fixing and building things, "
        "working outdoors or with plants and animals."
    ),
    "I": _("You like finding out how things work: observing, testing, analysing data and solving puzzles."),
    "A": _(
        "You like creating: designing, drawing, filming, writing, music and performance, "
        "where you can show your own ideas."
    ),
    "S": _("You like working with people: helping, teaching, caring for others and making them feel better."),
    "E": _("You like leading and persuading: selling, organising people, starting projects and making deals."),
    "C": _("You like order and accuracy: keeping records, working with numbers and files, and following clear steps."),
}

AREA_FIELDS = {
    "R": _("For example: new-energy vehicles, smart manufacturing, construction, agriculture, rail transit."),
    "I": _("For example: laboratory testing, software, electronics, environmental monitoring, medical technology."),
    "A": _("For example: graphic and digital media design, photography and video, performing arts, crafts."),
    "S": _("For example: nursing, elderly care, early childhood education, tourism services, community work."),
    "E": _("For example: e-commerce and live-streaming, marketing, business management, hotel and catering."),
    "C": _("For example: accounting, logistics and warehousing, office administration, data and statistics."),
}
