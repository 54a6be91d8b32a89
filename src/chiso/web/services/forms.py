"""Forms of the staff dashboard: upload records, generate the demo province, compute, and fill
the PAR Index's data leaves from a snapshot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.engine.service_tables import TABLES
from chiso.web.evaluations.models import Period
from chiso.web.services.models import ServiceSnapshot

TABLE_LABELS = {
    "units": _("Đơn vị (units)"),
    "procedures": _("Thủ tục hành chính (procedures)"),
    "unit_procedures": _("Thủ tục thuộc thẩm quyền đơn vị (unit_procedures)"),
    "dossiers": _("Hồ sơ (dossiers)"),
    "dossier_events": _("Các bước xử lý hồ sơ (dossier_events)"),
    "feedback": _("Phản ánh, kiến nghị (feedback)"),
}
ACCEPT = ".csv,.xlsx,.json,.jsonl,.ndjson,.parquet"


class UploadForm(forms.Form):
    """One optional file per contract table; any subset is imported together, all or nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for table in TABLES:
            self.fields[table.name] = forms.FileField(
                label=TABLE_LABELS.get(table.name, table.name),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def files_by_table(self) -> list[tuple[str, Any]]:
        return [
            (t.name, self.cleaned_data[t.name]) for t in TABLES if self.cleaned_data.get(t.name)
        ]


class GenerateForm(forms.Form):
    """The demo province: one year, or the years from `first_year` to `year` (as `chiso
    service generate --first-year`); the job's check (`jobs.generate_params`) refuses a first
    year after the last, too many years and years without a calendar."""

    dossiers = forms.IntegerField(
        label=_("Số hồ sơ mỗi năm"), min_value=0, max_value=5_000_000, initial=20_000
    )
    first_year = forms.IntegerField(
        label=_("Từ năm"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Để trống nếu chỉ sinh một năm."),
    )
    year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100, initial=2025)
    seed = forms.IntegerField(label=_("Hạt giống ngẫu nhiên"), initial=766)


class ComputeForm(forms.Form):
    spec = forms.CharField(
        label=_("Kỳ"),
        max_length=16,
        initial="2025",
        help_text=_("Năm (2025), quý (2025-Q3) hoặc tháng (2025-07)."),
    )
    as_of = forms.DateField(
        label=_("Tính đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Để trống nếu kỳ đã kết thúc; hồ sơ còn mở được xét tại ngày này."),
    )


class FeedForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Kỳ đánh giá Chỉ số CCHC"), queryset=Period.objects.order_by("-year")
    )
    snapshot = forms.ModelChoiceField(
        label=_("Kết quả chất lượng phục vụ dùng để điền"),
        queryset=ServiceSnapshot.objects.filter(published_at__isnull=False).only(
            "pk", "spec", "title", "as_of", "published_at"
        ),
    )
