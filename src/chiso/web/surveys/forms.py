"""Forms of the staff pages: parsing and field errors only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.io.questionnaire_files import shipped_questionnaires
from chiso.web.evaluations.models import Period
from chiso.web.surveys.estimates import EstimateOptions
from chiso.web.surveys.models import Channel
from chiso.web.surveys.selectors import STRATA_CHOICES
from chiso.web.units.models import Unit


def _shipped_choices() -> list[tuple[str, str]]:
    return [(p.stem, p.stem) for p in shipped_questionnaires()]


REFERENCE_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
"""What the reference-period fields read: DD/MM/YYYY (as the frame file) and ISO."""


def _reference_date(label: Any) -> forms.DateField:
    """A reference-period date: DD/MM/YYYY or YYYY-MM-DD, shown as DD/MM/YYYY, with the format
    as help text and in the error."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=REFERENCE_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "DD/MM/YYYY"}),
        help_text=_("Dạng DD/MM/YYYY (ví dụ 31/12/2025) hoặc YYYY-MM-DD."),
        error_messages={
            "invalid": _(
                "Ngày không đọc được; dùng dạng DD/MM/YYYY (ví dụ 31/12/2025) hoặc YYYY-MM-DD."
            )
        },
    )


class SurveyCreateForm(forms.Form):
    title = forms.CharField(label=_("Tên cuộc khảo sát"), max_length=255)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    shipped = forms.ChoiceField(label=_("Phiếu có sẵn"), required=False)
    upload = forms.FileField(label=_("hoặc tải lên tệp phiếu (YAML)"), required=False)
    reference_start = _reference_date(_("Kỳ tham chiếu từ"))
    reference_end = _reference_date(_("đến"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = [("", "—"), *_shipped_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("shipped") and not data.get("upload"):
            raise forms.ValidationError(_("Chọn một phiếu có sẵn hoặc tải lên một tệp phiếu."))
        return data


class SettingsForm(forms.Form):
    reference_start = _reference_date(_("Kỳ tham chiếu từ"))
    reference_end = _reference_date(_("đến"))
    min_sample = forms.IntegerField(label=_("Cỡ mẫu tối thiểu để xếp hạng"), min_value=1)
    kiosk_idle_seconds = forms.IntegerField(
        label=_("Máy tại quầy tự về màn hình đầu sau (giây)"), min_value=10, max_value=3600
    )
    paper_double_entry = forms.BooleanField(label=_("Nhập phiếu giấy hai lần"), required=False)


class FrameUploadForm(forms.Form):
    file = forms.FileField(label=_("Danh sách (CSV hoặc XLSX)"))


class DesignForm(forms.Form):
    strata = forms.ChoiceField(
        label=_("Phân tầng theo"),
        choices=[
            ("unit", _("đơn vị")),
            ("unit_procedure", _("đơn vị × thủ tục")),
            ("unit_channel", _("đơn vị × kênh nộp")),
            ("unit_procedure_channel", _("đơn vị × thủ tục × kênh nộp")),
        ],
    )
    size_rule = forms.ChoiceField(
        label=_("Cỡ mẫu"),
        choices=[("slovin", _("Công thức Slovin")), ("fixed", _("Cố định mỗi tầng"))],
    )
    margin = forms.DecimalField(
        label=_("Sai số e (Slovin)"),
        initial=Decimal("0.05"),
        required=False,
        min_value=Decimal("0.001"),
        max_value=Decimal("0.5"),
        decimal_places=4,
    )
    per_stratum = forms.IntegerField(label=_("Số người mỗi tầng"), required=False, min_value=1)
    reserve_share = forms.DecimalField(
        label=_("Tỷ lệ dự phòng"),
        initial=Decimal("0.2"),
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        decimal_places=4,
    )
    seed = forms.IntegerField(label=_("Hạt giống ngẫu nhiên"), min_value=0, max_value=2**63 - 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("size_rule") == "slovin" and data.get("margin") is None:
            self.add_error("margin", _("Cần sai số e cho công thức Slovin."))
        if data.get("size_rule") == "fixed" and not data.get("per_stratum"):
            self.add_error("per_stratum", _("Cần số người mỗi tầng."))
        return data

    def design_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        fixed = data["size_rule"] == "fixed"
        return {
            "strata": STRATA_CHOICES[data["strata"]],
            "size_rule": data["size_rule"],
            "reserve_share": data["reserve_share"],
            "margin": None if fixed else data["margin"],
            "per_stratum": data["per_stratum"] if fixed else None,
        }


class KioskForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.all(), to_field_name="code"
    )
    label = forms.CharField(label=_("Tên quầy"), max_length=128, required=False)


class PaperForm(forms.Form):
    """Header of a paper (or phone) form; the answers are parsed by `parse_answers`."""

    number = forms.CharField(label=_("Số phiếu"), max_length=32)
    channel = forms.ChoiceField(
        label=_("Kênh"),
        choices=[(Channel.PAPER, _("Phiếu giấy")), (Channel.PHONE, _("Điện thoại"))],
    )
    dossier = forms.CharField(label=_("Mã hồ sơ (người trong mẫu)"), max_length=64, required=False)
    unit = forms.ModelChoiceField(
        label=_("hoặc đơn vị (người ngoài mẫu)"),
        queryset=Unit.objects.all(),
        to_field_name="code",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("dossier") and not data.get("unit"):
            raise forms.ValidationError(_("Nhập mã hồ sơ của người trong mẫu, hoặc chọn đơn vị."))
        return data


class EstimateForm(forms.Form):
    """How to estimate the draft (read from the page's query string, posted again to publish
    exactly what was shown)."""

    weighting = forms.ChoiceField(
        label=_("Trọng số"),
        choices=[
            ("none", _("Không trọng số (mỗi phiếu như nhau)")),
            ("design", _("Trọng số thiết kế N/n của tầng")),
            ("raking", _("Hiệu chỉnh (raking) theo tổng thể của khung mẫu")),
        ],
    )
    margins = forms.MultipleChoiceField(
        label=_("Hiệu chỉnh theo"),
        choices=[
            ("unit", _("đơn vị")),
            ("procedure", _("thủ tục")),
            ("channel", _("kênh nộp hồ sơ")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sampled_only = forms.BooleanField(label=_("Chỉ phiếu của người trong mẫu"), required=False)
    level = forms.TypedChoiceField(
        label=_("Độ tin cậy"),
        choices=[("0.9", "90 %"), ("0.95", "95 %"), ("0.99", "99 %")],
        coerce=float,
    )
    bootstrap = forms.IntegerField(
        label=_("Số lần bootstrap"), min_value=100, max_value=10000, initial=2000
    )
    seed = forms.IntegerField(label=_("Hạt giống ngẫu nhiên"), min_value=0, max_value=2**31 - 1)

    @classmethod
    def defaults(cls, *, drawn: bool, seed: int) -> dict[str, Any]:
        return {
            "weighting": "design" if drawn else "none",
            "margins": ["unit"],
            "sampled_only": False,
            "level": "0.95",
            "bootstrap": 2000,
            "seed": seed,
        }

    def options(self) -> EstimateOptions:
        data = self.cleaned_data
        return EstimateOptions(
            weighting=data["weighting"],
            margins=tuple(data["margins"]) or ("unit",),
            sampled_only=data["sampled_only"],
            level=data["level"],
            bootstrap=data["bootstrap"],
            seed=data["seed"],
        )


class PeriodLinkForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Kỳ đánh giá nhận điểm SIPAS"),
        queryset=Period.objects.all(),
        to_field_name="year",
        required=False,
        empty_label="—",
    )
