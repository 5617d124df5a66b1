"""Forms of the budgets module: a budget, a project, an image, paper ballots."""
from __future__ import annotations

import colander
import deform
from pyramid.i18n import TranslationStringFactory

from beffroi.api import upload_node
from beffroi_budgets.models import AMOUNT_MAX, TEXT_MAX, TITLE_MAX, VOTE_RULES

_ = TranslationStringFactory("beffroi_budgets")
IMAGE_MAX_BYTES = 5 * 1024 * 1024


def _amount(name, title, description=None, minimum=0):
    return colander.SchemaNode(
        colander.Integer(), name=name, title=title, description=description,
        validator=colander.Range(
            min=minimum, max=AMOUNT_MAX,
            min_err=_("Type an amount of at least ${min} €.", mapping={"min": minimum}),
            max_err=_("Type an amount of at most ${max} €.", mapping={"max": AMOUNT_MAX})),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))


def _count(name, title, default, maximum=1000, description=None):
    return colander.SchemaNode(
        colander.Integer(), name=name, title=title, default=default, missing=default,
        description=description, validator=colander.Range(min=0, max=maximum),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}))


RULE_TITLES = {
    "minimum": _("Spend at least a percentage of the budget"),
    "projects": _("Select between a minimum and a maximum number of projects"),
    "ranking": _("Rank projects in order of preference"),
}


def _rule_consistent(node, value):
    error = colander.Invalid(node)
    if value["vote_rule"] == "projects" and value["maximum_projects"] \
            and value["maximum_projects"] < value["minimum_projects"]:
        error["maximum_projects"] = _("The maximum is lower than the minimum.")
    if value["vote_rule"] == "ranking" and value["ranking_size"] < 1:
        error["ranking_size"] = _("Participants must be able to rank at least one project.")
    if error.children:
        raise error


def budget_schema():
    schema = colander.MappingSchema(validator=_rule_consistent)
    schema.add(colander.SchemaNode(colander.String(), name="title", title=_("Title"),
                                   validator=colander.Length(min=2, max=TITLE_MAX)))
    schema.add(_amount("total", _("Total amount (whole euros)"), minimum=1))
    schema.add(colander.SchemaNode(
        colander.String(), name="description", title=_("Description"), missing="",
        description=_("Simple formatting (Markdown: *italic*, **bold**, lists, links)."),
        validator=colander.Length(max=TEXT_MAX), widget=deform.widget.TextAreaWidget(rows=6)))
    schema.add(colander.SchemaNode(
        colander.String(), name="territory", title=_("Territory"), missing="",
        description=_("The district or commune this budget is for (optional)."),
        validator=colander.Length(max=100)))
    schema.add(colander.SchemaNode(
        colander.String(), name="vote_rule", title=_("How participants vote"), default="minimum",
        validator=colander.OneOf(VOTE_RULES),
        widget=deform.widget.SelectWidget(values=tuple(RULE_TITLES.items()))))
    schema.add(_count("minimum_percent", _("Minimum to spend (percentage of the budget)"), 0, maximum=100,
                      description=_("With “spend at least a percentage”.")))
    schema.add(_count("minimum_projects", _("Minimum number of projects"), 0,
                      description=_("With “between a minimum and a maximum”.")))
    schema.add(_count("maximum_projects", _("Maximum number of projects (0: no maximum)"), 0,
                      description=_("With “between a minimum and a maximum”.")))
    schema.add(_count("ranking_size", _("Number of projects to rank"), 3, maximum=50,
                      description=_("With “rank projects”: the first gets that many points, "
                                    "the next one point less …")))
    return schema


def _image_check(node, value):
    from beffroi.api import UploadError, check_image, read_upload
    try:
        data = read_upload(value["fp"], IMAGE_MAX_BYTES)
        check_image(data)
    except UploadError as exc:
        raise colander.Invalid(node, exc.args[0] if exc.args else _("This image is refused."))
    value["fp"].seek(0)


def project_schema(with_image=True):
    schema = colander.MappingSchema()
    schema.add(colander.SchemaNode(colander.String(), name="title", title=_("Title"),
                                   validator=colander.Length(min=2, max=TITLE_MAX)))
    schema.add(_amount("cost", _("Cost (whole euros)"), minimum=1))
    schema.add(colander.SchemaNode(
        colander.String(), name="description", title=_("Description"), missing="",
        description=_("Simple formatting (Markdown: *italic*, **bold**, lists, links)."),
        validator=colander.Length(max=TEXT_MAX), widget=deform.widget.TextAreaWidget(rows=8)))
    schema.add(colander.SchemaNode(
        colander.String(), name="territory", title=_("Territory"), missing="",
        description=_("The district, street or place concerned (optional)."),
        validator=colander.Length(max=100)))
    schema.add(colander.SchemaNode(
        colander.String(), name="origins", title=_("Proposals it comes from"), missing="",
        description=_("One per line: the number of a proposal of this space (for example 12) "
                      "or its exact title."),
        validator=colander.Length(max=5000), widget=deform.widget.TextAreaWidget(rows=3)))
    if with_image:
        schema.add(upload_node("image", _("Image (optional)"), _image_check,
                               description=_("PNG, JPEG or WebP, 5 MB at most."),
                               accept="image/png,image/jpeg,image/webp"))
        schema.add(colander.SchemaNode(
            colander.String(), name="alt", title=_("Text alternative of the image"), missing="",
            description=_("What the image shows, for people who cannot see it. Required with an image."),
            validator=colander.Length(max=300)))
    return schema


def image_required_alt(node, value):
    """An image needs its text alternative (WCAG 2.1, 1.1.1 Non-text content)."""
    if value.get("image") and not (value.get("alt") or "").strip():
        error = colander.Invalid(node)
        error["alt"] = _("Describe the image: people who cannot see it read this text.")
        raise error


def image_schema():
    schema = colander.MappingSchema(validator=image_required_alt)
    schema.add(upload_node("image", _("Image"), _image_check,
                           description=_("PNG, JPEG or WebP, 5 MB at most."),
                           accept="image/png,image/jpeg,image/webp", missing=colander.required))
    schema.add(colander.SchemaNode(
        colander.String(), name="alt", title=_("Text alternative of the image"),
        description=_("What the image shows, for people who cannot see it."),
        validator=colander.Length(min=3, max=300)))
    return schema
