"""The indicator SQL: one named query per family of measures, set-based, over the dossier tables.

Every query reads the tables of the data contract (`chiso.engine.service_tables`) plus four
small relations the engine registers for the run:

- `chiso_periods` (idx, period, start_ts, end_ts, first_day, last_day): the periods, in order
  and contiguous, `end_ts` being the exclusive moment each is judged at (its end, or the
  cut-off date), `last_day` the last day counted;
- `chiso_period_days` (day, idx): the period of every day the periods count, and
  `chiso_period_spans` (first_idx, last_idx, idx): every period between two — so that placing
  a dossier in its periods is an equality join, never a range join over all periods;
- `chiso_days` (day, working, ordinal, name): the working-day calendar, one row per day,
  `ordinal` = working days before the day (`chiso.engine.calendar`);
- `chiso_settings`: one row with the method's on-time rules and deadlines;
- `chiso_copy_procedures` (procedure_code): the certified-copy procedures.

`{keys}` is filled with the grouping columns — `period, unit_code` or `period, unit_code,
procedure_code` — so the same definitions give unit × period and unit × procedure × period.
The SQL is standard (CTEs, window `LEAD`, `CASE`, equality joins) except for what `DUCKDB_SPECIFIC`
lists, each with its Spark SQL equivalent; `docs/service-method.md` repeats that list.
"""

from __future__ import annotations

from typing import Final

from chiso.engine.calendar import position_sql

DUCKDB_SPECIFIC: Final = (
    ("epoch(ts)", "seconds since 1970 of a timestamp", "unix_timestamp(ts)"),
    ("epoch_us(ts)", "whole microseconds since 1970 of a timestamp", "unix_micros(ts)"),
    ("hash(row) in the inputs fingerprint", "a 64-bit hash of a whole row", "xxhash64(*)"),
    ("CREATE TEMP TABLE … AS", "a table for the run", "CACHE TABLE … AS / a temp view"),
    ('"at" (the events\' time column, a reserved word)', "a quoted name", "`at`"),
)


def _position(ts: str, cal: str) -> str:
    return position_sql(ts, cal)


def _epoch(ts: str) -> str:
    return f"epoch({ts})"


def _epoch_us(ts: str) -> str:
    return f"epoch_us({ts})"


RECEIVED: Final = """
-- Dossiers received in each period, by unit and procedure: the flags the rates count
-- (COUNT … FILTER, standard SQL, is about a fifth cheaper here than SUM(CASE …)).
CREATE TEMP TABLE chiso_received AS
SELECT p.period, d.unit_code, d.procedure_code,
       COUNT(*) AS received,
       COUNT(*) FILTER (WHERE d.synced) AS synced,
       COUNT(*) FILTER (WHERE d.channel = 'truc_tuyen') AS submitted_online,
       COUNT(*) FILTER (WHERE d.channel = 'truc_tuyen' AND (
           d.e_result OR NOT (s.written_needs_e_result AND pr.requires_written_result)
       )) AS online,
       COUNT(*) FILTER (WHERE d.fee_due) AS fee_due,
       COUNT(*) FILTER (WHERE d.fee_due AND d.paid_online) AS paid_online,
       COUNT(*) FILTER (WHERE d.e_result) AS e_result,
       COUNT(*) FILTER (WHERE d.digitised) AS digitised,
       COUNT(*) FILTER (WHERE d.reused_data) AS reused_data,
       COUNT(*) FILTER (WHERE d.personal_store) AS personal_store,
       COUNT(*) FILTER (WHERE d.vneid) AS vneid
FROM dossiers d
JOIN chiso_period_days pd ON pd.day = CAST(d.received_at AS DATE)
JOIN chiso_periods p ON p.idx = pd.idx
JOIN procedures pr ON pr.procedure_code = d.procedure_code
CROSS JOIN chiso_settings s
GROUP BY p.period, d.unit_code, d.procedure_code
"""

DOSSIERS: Final = """
-- 1.4, 3.3, 4.3, 6.x: shares of the dossiers received in the period.
SELECT {keys},
       SUM(received) AS received, SUM(synced) AS synced, SUM(online) AS online,
       SUM(fee_due) AS fee_due, SUM(paid_online) AS paid_online, SUM(e_result) AS e_result,
       SUM(digitised) AS digitised, SUM(reused_data) AS reused_data,
       SUM(personal_store) AS personal_store, SUM(vneid) AS vneid
FROM chiso_received
GROUP BY {keys}
"""

PROGRESS: Final = f"""
-- 2.1, 2.2, 5.3: each dossier in each period it was in a unit's hands, judged on time or not.
WITH pauses AS (
    -- The clock stops at a supplement request and restarts at the next supplement change.
    SELECT dossier_id, status, "at" AS paused_at,
           LEAD("at") OVER (PARTITION BY dossier_id ORDER BY seq) AS resumed_at
    FROM dossier_events
    WHERE status IN ('supplement_requested', 'supplement_supplied')
),
placed AS (
    -- The first and last period each dossier is in a unit's hands: from the period it was
    -- received in (the first, if before) to the one it finished in (the last, if open).
    SELECT d.dossier_id, d.unit_code, d.procedure_code, d.received_at, d.due_at,
           d.finished_at, d.complaint, d.rating,
           CASE WHEN d.received_at < span.start_ts THEN span.first_idx ELSE pr.idx END
               AS first_idx,
           CASE WHEN d.finished_at IS NULL OR d.finished_at >= span.end_ts THEN span.last_idx
                ELSE pf.idx END AS last_idx
    FROM dossiers d
    CROSS JOIN (SELECT MIN(idx) AS first_idx, MAX(idx) AS last_idx, MIN(start_ts) AS start_ts,
                       MAX(end_ts) AS end_ts FROM chiso_periods) AS span
    LEFT JOIN chiso_period_days pr ON pr.day = CAST(d.received_at AS DATE)
    LEFT JOIN chiso_period_days pf ON pf.day = CAST(d.finished_at AS DATE)
    WHERE d.received_at < span.end_ts
      AND (d.finished_at IS NULL OR d.finished_at >= span.start_ts)
),
handled AS (
    -- Each dossier in each period it was in a unit's hands: received before the period ends
    -- and not finished before it starts; its end is the first terminal status, or the
    -- period's end for a dossier still open then.
    SELECT p.period, d.dossier_id, d.unit_code, d.procedure_code, d.received_at, d.due_at,
           d.complaint, d.rating,
           COALESCE(d.finished_at < p.end_ts, FALSE) AS finished,
           CASE WHEN d.finished_at < p.end_ts THEN d.finished_at ELSE p.end_ts END AS end_at
    FROM placed d
    JOIN chiso_period_spans ps ON ps.first_idx = d.first_idx AND ps.last_idx = d.last_idx
    JOIN chiso_periods p ON p.idx = ps.idx
    CROSS JOIN chiso_settings s
    WHERE s.judge_open OR d.finished_at < p.end_ts
),
spans AS (
    -- Supplement requests before the end, each clipped to the end.
    SELECT h.period, h.dossier_id, r.paused_at,
           CASE WHEN r.resumed_at < h.end_at THEN r.resumed_at ELSE h.end_at END AS resumed_at
    FROM handled h
    JOIN pauses r ON r.dossier_id = h.dossier_id
    WHERE r.status = 'supplement_requested' AND r.paused_at < h.end_at
),
stops AS (
    SELECT sp.period, sp.dossier_id, COUNT(*) AS requests,
           SUM({_epoch("sp.resumed_at")} - {_epoch("sp.paused_at")}) AS stopped_s,
           SUM({_epoch_us("sp.resumed_at")} - {_epoch_us("sp.paused_at")}) AS stopped_us,
           SUM({_position("sp.resumed_at", "c2")} - {_position("sp.paused_at", "c1")})
               AS stopped_wd
    FROM spans sp
    JOIN chiso_days c1 ON c1.day = CAST(sp.paused_at AS DATE)
    JOIN chiso_days c2 ON c2.day = CAST(sp.resumed_at AS DATE)
    GROUP BY sp.period, sp.dossier_id
),
timed AS (
    SELECT h.period, h.unit_code, h.procedure_code, h.finished, h.complaint, h.rating,
           h.dossier_id, h.received_at, h.end_at, h.due_at, pr.legal_limit, pr.legal_limit_unit,
           COALESCE(st.requests, 0) AS requests,
           s.pause_factor * COALESCE(st.stopped_s, 0) AS stopped_s,
           s.pause_factor * COALESCE(st.stopped_wd, 0) AS stopped_wd,
           CAST(s.pause_factor AS BIGINT) * COALESCE(st.stopped_us, 0) AS stopped_us,
           {_epoch("h.end_at")} - {_epoch("h.received_at")} AS elapsed_s,
           {_epoch_us("h.end_at")} - {_epoch_us("h.received_at")} AS elapsed_us,
           {_position("h.end_at", "ce")} - {_position("h.received_at", "cr")} AS elapsed_wd,
           s.use_appointment, s.overdue_requests
    FROM handled h
    JOIN procedures pr ON pr.procedure_code = h.procedure_code
    LEFT JOIN stops st ON st.period = h.period AND st.dossier_id = h.dossier_id
    JOIN chiso_days cr ON cr.day = CAST(h.received_at AS DATE)
    JOIN chiso_days ce ON ce.day = CAST(h.end_at AS DATE)
    CROSS JOIN chiso_settings s
),
verdicts AS (
    SELECT period, unit_code, procedure_code, finished, complaint, rating,
           dossier_id, received_at, end_at, due_at, requests,
           CASE
               WHEN overdue_requests IS NOT NULL AND requests >= overdue_requests
                   THEN 'supplements'
               WHEN use_appointment AND due_at IS NOT NULL THEN 'appointment'
               ELSE 'legal_limit'
           END AS basis,
           elapsed_s - stopped_s AS net_s,
           elapsed_us - stopped_us AS net_us,
           CASE
               WHEN overdue_requests IS NOT NULL AND requests >= overdue_requests THEN FALSE
               WHEN use_appointment AND due_at IS NOT NULL
                   THEN {_epoch("end_at")} - stopped_s <= {_epoch("due_at")}
               WHEN legal_limit_unit = 'working_days'
                   THEN elapsed_wd - stopped_wd <= legal_limit + 1e-9
               WHEN legal_limit_unit = 'days'
                   THEN (elapsed_s - stopped_s) / 86400.0 <= legal_limit + 1e-9
               ELSE (elapsed_s - stopped_s) / 3600.0 <= legal_limit + 1e-9
           END AS on_time
    FROM timed
)
SELECT {{keys}},
       COUNT(*) AS judged,
       SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS on_time,
       SUM(CASE WHEN on_time THEN 0 ELSE 1 END)
         + SUM(CASE WHEN complaint OR rating = 'dissatisfied' THEN 1 ELSE 0 END)
           AS overdue_or_complained,
       SUM(CASE WHEN finished THEN 1 ELSE 0 END) AS finished,
       -- whole microseconds, added exactly: the same days whatever the order of the rows
       SUM(CASE WHEN finished THEN net_us ELSE 0 END) / 86400000000.0 AS processing_days
FROM verdicts
GROUP BY {{keys}}
"""

PUBLICITY: Final = """
-- 1.1, 1.2, 1.3: the procedures under each unit's authority.
WITH marked AS (
    SELECT p.period, up.unit_code, up.procedure_code, pr.mandatory_parts_complete,
           pr.publication_decision_date BETWEEN p.first_day AND p.last_day AS in_period,
           pr.legal_basis_effective_date IS NOT NULL AS judged,
           -- working days strictly between the decision day and the effective day
           ce.ordinal - cd.ordinal - CASE WHEN cd.working THEN 1 ELSE 0 END AS days_between,
           -- working days after the decision day up to the day it was made public
           cm.ordinal + CASE WHEN cm.working THEN 1 ELSE 0 END
               - cd.ordinal - CASE WHEN cd.working THEN 1 ELSE 0 END AS public_after,
           pr.made_public_date <= p.last_day AS made_public
    FROM unit_procedures up
    JOIN procedures pr ON pr.procedure_code = up.procedure_code
    CROSS JOIN chiso_periods p
    LEFT JOIN chiso_days cd ON cd.day = pr.publication_decision_date
    LEFT JOIN chiso_days ce ON ce.day = pr.legal_basis_effective_date
    LEFT JOIN chiso_days cm ON cm.day = pr.made_public_date
)
SELECT {keys},
       COUNT(*) AS procedures,
       SUM(CASE WHEN mandatory_parts_complete THEN 1 ELSE 0 END) AS complete_parts,
       SUM(CASE WHEN in_period THEN 1 ELSE 0 END) AS published,
       SUM(CASE WHEN in_period AND judged THEN 1 ELSE 0 END) AS published_judged,
       SUM(CASE WHEN in_period AND judged AND m.days_between >= s.lead_days THEN 1 ELSE 0 END)
           AS published_on_time,
       SUM(CASE WHEN in_period AND made_public AND m.public_after <= s.public_within
                THEN 1 ELSE 0 END) AS made_public_on_time
FROM marked m CROSS JOIN chiso_settings s
GROUP BY {keys}
"""

ONLINE: Final = """
-- 3.1, 3.2, 4.1, 4.2, 6.6: the procedures under each unit's authority and their use.
WITH used AS (
    SELECT p.period, up.unit_code, up.procedure_code, pr.online_level, pr.has_fee,
           pr.fee_online_integrated,
           COALESCE(r.received, 0) AS received, COALESCE(r.submitted_online, 0) AS online,
           COALESCE(r.fee_due, 0) AS fee_due, COALESCE(r.paid_online, 0) AS paid_online,
           COALESCE(r.vneid, 0) AS vneid
    FROM unit_procedures up
    JOIN procedures pr ON pr.procedure_code = up.procedure_code
    CROSS JOIN chiso_periods p
    LEFT JOIN chiso_received r ON r.period = p.period AND r.unit_code = up.unit_code
                              AND r.procedure_code = up.procedure_code
)
SELECT {keys},
       COUNT(*) AS procedures,
       SUM(CASE WHEN online_level <> 'none' THEN 1 ELSE 0 END) AS offered_online,
       SUM(CASE WHEN online_level <> 'none' AND online > 0 THEN 1 ELSE 0 END) AS online_used,
       SUM(CASE WHEN has_fee THEN 1 ELSE 0 END) AS fee_procedures,
       SUM(CASE WHEN has_fee AND fee_online_integrated THEN 1 ELSE 0 END) AS fee_integrated,
       SUM(CASE WHEN has_fee AND fee_due > 0 THEN 1 ELSE 0 END) AS fee_used,
       SUM(CASE WHEN has_fee AND paid_online > 0 THEN 1 ELSE 0 END) AS fee_paid_online,
       SUM(CASE WHEN received > 0 THEN 1 ELSE 0 END) AS used,
       SUM(CASE WHEN vneid > 0 THEN 1 ELSE 0 END) AS vneid_used
FROM used
GROUP BY {keys}
"""

FEEDBACK: Final = f"""
-- 5.1, 5.2: feedback (PAKN) sent in the period, judged against its deadlines.
WITH sent AS (
    SELECT p.period, f.unit_code, f.likes, f.dislikes, f.re_raised, p.end_ts,
           -- the clock runs from the latest transfer, or from sending
           CASE WHEN f.transferred_at < p.end_ts THEN f.transferred_at ELSE f.sent_at END
               AS clock_at,
           CASE WHEN f.rejected_at < p.end_ts THEN f.rejected_at END AS rejected_at,
           CASE WHEN f.supplement_requested_at < p.end_ts THEN f.supplement_requested_at END
               AS asked_at,
           CASE WHEN f.published_at < p.end_ts THEN f.published_at END AS published_at
    FROM feedback f
    JOIN chiso_period_days pd ON pd.day = CAST(f.sent_at AS DATE)
    JOIN chiso_periods p ON p.idx = pd.idx
),
timed AS (
    SELECT t.period, t.unit_code, t.likes, t.dislikes, t.re_raised,
           t.rejected_at IS NOT NULL AS rejected, t.asked_at IS NOT NULL AS asked,
           t.published_at IS NOT NULL AS published,
           {_position("t.rejected_at", "cj")} - {_position("t.clock_at", "c0")} AS to_reject,
           {_position("t.asked_at", "ca")} - {_position("t.clock_at", "c0")} AS to_ask,
           COALESCE({_position("t.published_at", "cp")}, {_position("t.end_ts", "ce")})
               - {_position("t.clock_at", "c0")} AS to_publish
    FROM sent t
    JOIN chiso_days c0 ON c0.day = CAST(t.clock_at AS DATE)
    JOIN chiso_days ce ON ce.day = CAST(t.end_ts AS DATE)
    LEFT JOIN chiso_days cj ON cj.day = CAST(t.rejected_at AS DATE)
    LEFT JOIN chiso_days ca ON ca.day = CAST(t.asked_at AS DATE)
    LEFT JOIN chiso_days cp ON cp.day = CAST(t.published_at AS DATE)
),
verdicts AS (
    SELECT t.period, t.unit_code, t.re_raised,
           CASE WHEN s.fb_any_dislike THEN t.dislikes > 0
                ELSE t.dislikes > t.likes END AS disliked,
           CASE WHEN t.rejected THEN t.to_reject <= s.fb_reject + 1e-9
                ELSE (NOT t.asked OR t.to_ask <= s.fb_supplement + 1e-9)
                     AND t.to_publish <= s.fb_handle + 1e-9
           END AS on_time
    FROM timed t CROSS JOIN chiso_settings s
    WHERE s.fb_judge_open OR t.rejected OR t.published
)
SELECT {{keys}},
       COUNT(*) AS feedback,
       SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS feedback_on_time,
       SUM(CASE WHEN on_time AND NOT disliked AND NOT re_raised THEN 1 ELSE 0 END)
           AS feedback_satisfied
FROM verdicts
GROUP BY {{keys}}
"""

COPIES: Final = """
-- 6.3: communes that returned an electronic certified copy in the period.
WITH issued AS (
    SELECT r.period, r.unit_code, SUM(r.e_result) AS e_results
    FROM chiso_received r
    JOIN chiso_copy_procedures c ON c.procedure_code = r.procedure_code
    GROUP BY r.period, r.unit_code
),
communes AS (
    SELECT p.period, u.unit_code,
           CASE WHEN COALESCE(i.e_results, 0) > 0 THEN 1 ELSE 0 END AS copies_provided
    FROM units u
    CROSS JOIN chiso_periods p
    LEFT JOIN issued i ON i.period = p.period AND i.unit_code = u.unit_code
    WHERE u.level = 'commune'
)
SELECT {keys}, SUM(copies_provided) AS copies_provided, COUNT(*) AS communes
FROM communes
GROUP BY {keys}
"""

FAMILIES: Final = {
    "dossiers": DOSSIERS,
    "progress": PROGRESS,
    "publicity": PUBLICITY,
    "online": ONLINE,
    "feedback": FEEDBACK,
    "copies": COPIES,
}
"""Each family's query; `chiso.engine.service_measures.MEASURES` says which columns hold a
measure's numerator and denominator."""

OVERDUE: Final = (
    PROGRESS.rsplit("SELECT {keys}", 1)[0]
    + """
-- The dossiers behind 2.1's shortfall: each one judged not on time, in each period, with the
-- rule that judged it (a second supplement request, the appointment date, the legal limit).
SELECT period, unit_code, procedure_code, dossier_id, received_at, due_at, end_at, finished,
       requests, basis, net_s / 86400.0 AS net_days
FROM verdicts
WHERE NOT on_time
ORDER BY period, unit_code, received_at, dossier_id
"""
)
"""The dossier-level list of `PROGRESS`'s verdicts that are not on time (not rolled up)."""

BOUNDS: Final = """
-- The days the queries look up in the calendar: receipt of the dossiers handled in the
-- periods (their supplement requests and ends come later, and the ends are clipped to the
-- periods), feedback sent in the periods (transfers come later), the effective and made-public
-- dates of procedures published in them, and the periods' own days up to the day after.
WITH span AS (
    SELECT MIN(start_ts) AS start_ts, MAX(end_ts) AS end_ts FROM chiso_periods
)
SELECT MIN(day) AS first_day, MAX(day) AS last_day FROM (
    SELECT MIN(CAST(d.received_at AS DATE)) AS day FROM dossiers d CROSS JOIN span
        WHERE d.received_at < span.end_ts
          AND (d.finished_at IS NULL OR d.finished_at >= span.start_ts)
    UNION ALL SELECT pr.legal_basis_effective_date FROM procedures pr CROSS JOIN span
        WHERE pr.publication_decision_date BETWEEN CAST(span.start_ts AS DATE)
                                               AND CAST(span.end_ts AS DATE)
    UNION ALL SELECT pr.made_public_date FROM procedures pr CROSS JOIN span
        WHERE pr.publication_decision_date BETWEEN CAST(span.start_ts AS DATE)
                                               AND CAST(span.end_ts AS DATE)
    UNION ALL SELECT CAST(start_ts AS DATE) FROM span
    UNION ALL SELECT CAST(end_ts AS DATE) FROM span
) AS days
WHERE day IS NOT NULL
"""
