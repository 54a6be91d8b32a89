"""The shipped SIPAS questionnaires as Markdown, for `docs/questionnaires.md` (`chiso.docgen`).

One section per shipped questionnaire: its status, size, aggregation tree (overall ← contents ←
factors ← items, with each node's rule) and answer lists, read from the files themselves so that
the page cannot drift from them.
"""

from __future__ import annotations

from chiso.engine.sipas_method import Node, Questionnaire
from chiso.io.questionnaire_files import load_questionnaire, shipped_questionnaires


def shipped_questionnaires_summary() -> str:
    out: list[str] = []
    for path in shipped_questionnaires():
        out += _section(path.stem, load_questionnaire(path))
    return "\n".join(out)


def _section(name: str, q: Questionnaire) -> list[str]:
    lines = [
        f"### `{name}` — {q.title_en or q.title}",
        "",
        f"*{q.title}* · id `{q.id}` · {q.year} · status **{q.status}** · legal basis "
        f"{q.legal_basis.decision} ({q.legal_basis.date}) · minimum sample for a rank: "
        f"{q.min_sample}",
        "",
        f"{len(q.items)} rating items on the {len(q.scale.values)}-level scale (satisfied: "
        f"{', '.join(str(v) for v in q.scale.satisfied)}; no answer: "
        f"{q.scale.not_applicable.value})"
        + (f", {len(q.choices)} choice items reported as shares." if q.choices else "."),
        "",
        "| node | title | rule | children |",
        "|---|---|---|---|",
        _row(q.overall),
        *(_row(c) for c in q.contents),
        *(_row(f) for f in q.factors),
        "",
    ]
    if q.choices:
        lines += ["| choice item | answer list | answers | several answers |", "|---|---|---|---|"]
        for c in q.choices:
            answers = q.answer_list(c.scale)
            labels = "; ".join(v.label_en or v.label for v in answers.values)
            many = "yes" if c.multiple else ""
            lines.append(
                f"| `{c.code}` {c.text_en or c.text} | `{answers.code}` | {labels} | {many} |"
            )
        lines.append("")
    return lines


def _row(node: Node) -> str:
    children = ", ".join(f"`{c}`" for c in node.children)
    return f"| `{node.code}` | {node.title_en or node.title} | {node.aggregation} | {children} |"
