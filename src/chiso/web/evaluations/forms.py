"""Forms of the staff pages: one small form per criterion row, its value field fitted to the rule.

A row's inputs are named `<criterion code>-<field>` (the form prefix), so a whole page posts as
one HTML form and each row can also post on its own (htmx). Forms only parse what the browser
sent; the services decide whether a value may be saved and score it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.engine import Criterion
from chiso.web.evaluations.selectors import value_differs

RATE_KINDS = frozenset({"threshold", "proportional", "survey"})
COUNT_KINDS = frozenset({"deduction", "count"})


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    points: float


@dataclass(frozen=True)
class InputSpec:
    """How a leaf's value is entered: radio buttons with points, or a bounded number."""

    widget: str  # "radio" or "number"
    choices: tuple[Choice, ...] = ()
    min: float = 0
    max: float | None = None
    step: str = "any"
    suffix: str = ""
    label: str = ""


def input_spec(leaf: Criterion) -> InputSpec:
    """The input a leaf's rule reads: levels and yes/no as radios, rates, counts, points."""
    kind = leaf.rule.kind if leaf.rule else "manual"
    params = leaf.rule.params if leaf.rule else {}
    if kind == "levels":
        choices = tuple(
            Choice(str(lv["code"]), str(lv.get("label") or lv["code"]), float(lv["points"]))
            for lv in params["levels"]
        )
        return InputSpec("radio", choices)
    if kind == "binary":
        return InputSpec("radio", (Choice("1", _("Có"), leaf.max), Choice("0", _("Không"), 0.0)))
    if kind in RATE_KINDS:
        return InputSpec("number", max=100, suffix="%", label=str(_("Tỷ lệ đạt được")))
    if kind == "deduction":
        return InputSpec("number", step="1", suffix=str(_("lần")), label=str(_("Số lần vi phạm")))
    if kind == "count":
        return InputSpec("number", step="1", label=str(_("Số lượng")))
    step = params.get("step", "any")
    return InputSpec(
        "number", max=leaf.max, step=str(step), suffix=str(_("điểm")), label=str(_("Số điểm"))
    )


def value_text(leaf: Criterion, raw: str) -> str:
    """A stored value as a person reads it: the level's label, "Có"/"Không", "85 %"."""
    if not raw:
        return ""
    spec = input_spec(leaf)
    for choice in spec.choices:
        if choice.value == raw:
            return str(choice.label)
    try:
        float(raw)
    except ValueError:  # survey counts per option ("A=30;B=10"), or text from an import
        return raw
    return f"{raw.replace('.', ',')} {spec.suffix}".strip()


class LocalDecimalField(forms.DecimalField):
    """A decimal that also accepts the Vietnamese decimal comma ("90,5")."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().rstrip("%").strip()
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


def value_field(leaf: Criterion, label: str) -> forms.Field:
    """A form field that accepts exactly the values the leaf's input allows."""
    spec = input_spec(leaf)
    if spec.widget == "radio":
        choices = [(c.value, c.label) for c in spec.choices]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if spec.step == "1":
        return forms.IntegerField(label=label, min_value=0, required=False)
    step = None if spec.step == "any" else Decimal(spec.step)
    return LocalDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=None if spec.max is None else Decimal(str(spec.max)),
        step_size=step,
        required=False,
    )


def as_raw(value: Any) -> str:
    """The stored text of a cleaned value: '90.5', '3', 'dung_han', '' when empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def digest(*parts: str) -> str:
    """A short fingerprint of what a row showed, to tell the rows a user changed from the rest."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


class _RowForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, leaf: Criterion, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", leaf.code)
        super().__init__(*args, **kwargs)
        self.leaf = leaf
        self.spec = input_spec(leaf)
        self.fields["value"] = value_field(leaf, str(leaf.title))
        self.order_fields(["value"])

    def shown(self) -> str:
        """The fingerprint of the row as the user edited it (compare with `seen`)."""
        return digest(*(as_raw(self.cleaned_data.get(name)) for name in self.compared))

    def is_changed(self) -> bool:
        return self.shown() != self.cleaned_data.get("seen")

    compared: tuple[str, ...] = ()


class SelfAssessmentForm(_RowForm):
    """One criterion of the self-assessment: value, explanation note, evidence files."""

    note = forms.CharField(
        label=_("Giải thích của đơn vị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=_("Thêm tài liệu kiểm chứng"), required=False)
    compared = ("value", "note")


class AppraisalForm(_RowForm):
    """One criterion of the appraisal: the appraised value and the reason for a change."""

    reason = forms.CharField(
        label=_("Lý do thẩm định"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    message = forms.CharField(
        label=_("Nội dung yêu cầu giải trình"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    compared = ("value", "reason")

    def __init__(self, leaf: Criterion, *args: Any, claimed: str = "", **kwargs: Any) -> None:
        super().__init__(leaf, *args, **kwargs)
        self.claimed = claimed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = as_raw(data.get("value"))
        reason = (data.get("reason") or "").strip()
        if value_differs(self.leaf, self.claimed, value) and not reason:
            self.add_error("reason", _("Cần ghi lý do khi điểm thẩm định khác điểm tự chấm."))
        return data


class AnswerForm(forms.Form):
    """The unit's answer to one explanation request."""

    answer = forms.CharField(
        label=_("Nội dung giải trình"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp kết quả điều tra xã hội học (CSV hoặc XLSX)"),
    )


class TransitionForm(forms.Form):
    """A move of the period; where units are not ready, the office's confirmation and the
    units it was shown (a unit that falls behind after the page was read is asked about again)."""

    to = forms.CharField()
    confirm = forms.BooleanField(required=False)
    not_ready = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def confirmed_not_ready(self) -> list[str]:
        """The units the office confirmed moving on without (none unless it ticked the box)."""
        if not self.is_valid() or not self.cleaned_data["confirm"]:
            return []
        return [str(code) for code in self.cleaned_data["not_ready"] or []]


# --- period setup -------------------------------------------------------------------------------


class PeriodCreateForm(forms.Form):
    """A new period: its year and its title."""

    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kỳ đánh giá"), max_length=255)


def shipped_method_choices() -> list[tuple[str, str]]:
    """The method files shipped with chiso, by their short name (``par/model-2024-so``)."""
    from chiso.io.method_files import shipped_methods

    names = [p.relative_to(p.parents[1]).with_suffix("").as_posix() for p in shipped_methods()]
    return [(name, name) for name in names]


class MethodForm(forms.Form):
    """A block's method: an uploaded YAML file or one of the shipped files, not both."""

    file = forms.FileField(label=_("Tải lên tệp bộ tiêu chí (YAML)"), required=False)
    shipped = forms.ChoiceField(label=_("hoặc chọn bộ tiêu chí có sẵn"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = [("", "—"), *shipped_method_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("shipped")):
            raise forms.ValidationError(
                _("Hãy tải lên một tệp hoặc chọn một bộ tiêu chí có sẵn (chỉ một trong hai)."),
                code="one_source",
            )
        return data

    def method_yaml(self) -> str:
        """The chosen file's text (after `is_valid`); `ValidationError` if it is not UTF-8."""
        from chiso.io.method_files import resolve_method

        upload = self.cleaned_data.get("file")
        if not upload:
            return resolve_method(self.cleaned_data["shipped"]).read_text(encoding="utf-8")
        try:
            return b"".join(upload.chunks()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Tệp không phải văn bản UTF-8."), code="encoding"
            ) from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CalendarForm(forms.Form):
    """The period's dates, in the workflow's order; each may be left empty."""

    self_assessment_opens = forms.DateField(
        label=_("Mở tự đánh giá"), required=False, widget=DateInput()
    )
    self_assessment_closes = forms.DateField(
        label=_("Hạn nộp tự đánh giá"), required=False, widget=DateInput()
    )
    appraisal_closes = forms.DateField(label=_("Hạn thẩm định"), required=False, widget=DateInput())
    explanation_closes = forms.DateField(
        label=_("Hạn giải trình"), required=False, widget=DateInput()
    )
    second_appraisal_closes = forms.DateField(
        label=_("Hạn thẩm định vòng 2"), required=False, widget=DateInput()
    )
