"""Working days and deadlines on Italian calendars, checked by hand.

Holidays come from the ``holidays`` package (https://pypi.org/project/holidays/,
``holidays.Italy(subdiv=<province>)``): national holidays (1 Jan, 6 Jan, Easter
Monday, 25 Apr, 1 May, 2 Jun, 15 Aug, 1 Nov, 8 Dec, 25-26 Dec) and the patron
saint of the province's capital (Modena 31 Jan San Geminiano, Milano 7 Dec
Sant'Ambrogio, Bergamo 26 Aug Sant'Alessandro, Trento 26 Jun San Vigilio).
Every expected value below is counted on a paper calendar in the comment.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
import pytest

from qualitapa.complaints import DeadlinePolicy, WorkCalendar, due_dates
from qualitapa.errors import DataError, OptionError

D = dt.date


@pytest.mark.parametrize(
    ("province", "day", "name"),
    [
        ("MO", D(2024, 1, 31), "Saint Geminianus's Day"),
        ("MI", D(2024, 12, 7), "Saint Ambrose's Day"),
        ("BG", D(2024, 8, 26), "Saint Alexander of Bergamo's Day"),
        ("TN", D(2024, 6, 26), "Saint Vigilius's Day"),
    ],
)
def test_patron_saints_come_from_the_holidays_package(province: str, day: D, name: str) -> None:
    # holidays.Italy(subdiv=...) is the package's API for provinces
    assert holidays.Italy(subdiv=province, years=2024, language="en_US").get(day) == name
    assert WorkCalendar(province).holidays(2024, lang="en").set_index("date")["name"][day] == name
    assert day not in holidays.Italy(years=2024)
    assert not WorkCalendar(province).is_working_day([day])[0]
    assert WorkCalendar().is_working_day([day])[0] == (day.weekday() < 5)


def test_christmas_2024() -> None:
    cal = WorkCalendar()
    # Fri 20 Dec 2024 + 5 working days: Mon 23 (1), Tue 24 (2), [25, 26 holidays],
    # Fri 27 (3), [28-29 weekend], Mon 30 (4), Tue 31 (5)
    assert cal.add_working_days("2024-12-20", 5) == D(2024, 12, 31)
    # Mon 23 Dec + 3: Tue 24 (1), Fri 27 (2), Mon 30 (3)
    assert cal.add_working_days("2024-12-23", 3) == D(2024, 12, 30)
    # (20 Dec 2024, 7 Jan 2025]: 23, 24, 27, 30, 31 Dec, 2, 3 Jan, 7 Jan = 8
    # (1 Jan New Year, 6 Jan Epiphany are holidays)
    assert cal.working_days_between("2024-12-20", "2025-01-07") == 8


def test_easter() -> None:
    cal = WorkCalendar()
    # Easter 2024 is Sun 31 Mar, Easter Monday 1 Apr.
    # Thu 28 Mar + 2: Fri 29 (1), [30-31 weekend, 1 Apr holiday], Tue 2 Apr (2)
    assert cal.add_working_days("2024-03-28", 2) == D(2024, 4, 2)
    # Easter 2025 is Sun 20 Apr; Fri 25 Apr is Liberation Day.
    # Thu 17 Apr + 5: Fri 18 (1), [21 Easter Monday], 22 (2), 23 (3), 24 (4),
    # [25 holiday, 26-27 weekend], Mon 28 (5)
    assert cal.add_working_days("2025-04-17", 5) == D(2025, 4, 28)


def test_patron_days_move_deadlines() -> None:
    # Modena: Tue 30 Jan 2024 + 1 working day is Wed 31 Jan nationally, but
    # 31 Jan is San Geminiano, so Thu 1 Feb in Modena.
    assert WorkCalendar().add_working_days("2024-01-30", 1) == D(2024, 1, 31)
    assert WorkCalendar("MO").add_working_days("2024-01-30", 1) == D(2024, 2, 1)
    # Milano: Wed 6 Dec 2023 + 2: Thu 7 (Sant'Ambrogio) and Fri 8 (Immacolata)
    # are closed -> Mon 11 (1), Tue 12 (2); nationally Thu 7 (1), Mon 11 (2).
    assert WorkCalendar("MI").add_working_days("2023-12-06", 2) == D(2023, 12, 12)
    assert WorkCalendar().add_working_days("2023-12-06", 2) == D(2023, 12, 11)
    # Bergamo: Fri 23 Aug 2024 + 1: Mon 26 Aug is Sant'Alessandro -> Tue 27.
    assert WorkCalendar("BG").add_working_days("2024-08-23", 1) == D(2024, 8, 27)
    assert WorkCalendar().add_working_days("2024-08-23", 1) == D(2024, 8, 26)
    # Trento: (Tue 25 Jun, Fri 28 Jun 2024]: 26 (San Vigilio, closed), 27, 28 -> 2
    assert WorkCalendar("TN").working_days_between("2024-06-25", "2024-06-28") == 2
    assert WorkCalendar().working_days_between("2024-06-25", "2024-06-28") == 3


def test_weekend_receipt_and_saturday_weekmask() -> None:
    # received Sat 13 Jan 2024: the first working day after it is Mon 15
    assert WorkCalendar().add_working_days("2024-01-13", 1) == D(2024, 1, 15)
    # with Saturday as a working day: Fri 12 Jan + 1 = Sat 13
    assert WorkCalendar(weekmask="1111110").add_working_days("2024-01-12", 1) == D(2024, 1, 13)


def test_extra_holidays() -> None:
    cal = WorkCalendar(extra_holidays=["2024-01-08"])
    # Fri 5 Jan + 1: Mon 8 is an extra closing day -> Tue 9
    assert cal.add_working_days("2024-01-05", 1) == D(2024, 1, 9)


def test_vectorised_due_dates_with_suspension_and_rolling() -> None:
    cal = WorkCalendar()
    received = np.array(["2024-12-20", "2024-12-16", "2024-12-16"], dtype="datetime64[D]")
    # row 0: 30 calendar days from 20 Dec 2024 = 19 Jan 2025 (a Sunday)
    # row 1: 10 working days + 3 suspended working days = 13 after Mon 16 Dec:
    #   17,18,19,20 (4), 23,24 (6), 27 (7), 30,31 (9), 2,3 Jan (11), [6 Epiphany],
    #   7 (12), 8 (13) -> 8 Jan 2025
    # row 2: 10 calendar days + 4 suspended calendar days = 30 Dec 2024
    out = due_dates(
        received,
        np.array([30, 10, 10]),
        np.array([False, True, False]),
        cal,
        suspended_days=np.array([0, 0, 4]),
        suspended_working_days=np.array([0, 3, 0]),
    )
    assert out.tolist() == [D(2025, 1, 19), D(2025, 1, 8), D(2024, 12, 30)]
    # art. 2963 c.c.: a term ending on a holiday moves to the next working day
    rolled = due_dates(received[:1], np.array([30]), np.array([False]), cal,
                       roll_to_working_day=True)  # fmt: skip
    assert rolled.tolist() == [D(2025, 1, 20)]


def test_policy_precedence() -> None:
    p = DeadlinePolicy(
        default=30,
        by_kind={"fault_report": 7},
        by_service={"registry": {"days": 10, "unit": "working"}},
        by_category={"registry.certificates": 5},
        category_parent={"registry.certificates.online": "registry.certificates"},
    )
    assert str(p.rule_for(kind="fault_report", service="registry")) == "10 working days"
    assert str(p.rule_for(kind="fault_report", service="roads")) == "7 calendar days"
    assert str(p.rule_for(service="registry", category="registry.certificates.online")) == (
        "5 calendar days"
    )
    assert str(p.rule_for(service="libraries")) == "30 calendar days"


def test_unknown_province_and_bad_weekmask() -> None:
    with pytest.raises(DataError, match="unknown Italian province code 'XX'"):
        WorkCalendar("XX")
    with pytest.raises(DataError, match="weekmask"):
        WorkCalendar(weekmask="11111")


def test_working_days_between_is_antisymmetric_issue_12_defect_5() -> None:
    cal = WorkCalendar()
    # (Fri 12 Jan 2024, Mon 15 Jan 2024]: [13-14 weekend], Mon 15 -> 1 working day.
    assert cal.working_days_between("2024-01-12", "2024-01-15") == 1
    # Backwards it is the same interval with the sign flipped (was -2: numpy's
    # busday_count counts a reversed range from the other end).
    assert cal.working_days_between("2024-01-15", "2024-01-12") == -1
    # (Fri 20 Dec 2024, Tue 7 Jan 2025] holds 8 working days (test_christmas_2024);
    # backwards -8 (was -9).
    assert cal.working_days_between("2025-01-07", "2024-12-20") == -8
    # Sunday back to Friday: no working day in (Fri 12, Sun 14] -> 0 (was -1).
    assert cal.working_days_between("2024-01-14", "2024-01-12") == 0
    # vectorised: both directions in one call
    starts = np.array(["2024-01-12", "2024-01-15"], dtype="datetime64[D]")
    ends = np.array(["2024-01-15", "2024-01-12"], dtype="datetime64[D]")
    assert cal.working_days_between(starts, ends).tolist() == [1, -1]


def test_an_answer_before_the_receipt_is_an_error() -> None:
    import pandas as pd

    from qualitapa.complaints import add_deadlines

    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2024-03-04 10:00", "2024-03-08 10:00"]),
            "answered_at": pd.to_datetime(["2024-03-05 10:00", "2024-03-07 10:00"]),
        },
        index=[10, 11],
    )
    # row 11 was answered the day before it was received: its answer time would
    # be -1 day and count as within the deadline
    with pytest.raises(DataError, match=r"row 11, column 'answered_at'.*before.*received"):
        add_deadlines(frame)
    # the same day, earlier hour (a date typed without time) is not an error
    same_day = frame.assign(answered_at=pd.to_datetime(["2024-03-05 00:00", "2024-03-08 00:00"]))
    assert add_deadlines(same_day)["answer_days"].tolist() == [1, 0]


def test_holiday_names_do_not_depend_on_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # the holidays package names holidays after LANG when no language is given:
    # English under C.UTF-8, Italian under it_IT.UTF-8 (found on the nox cells)
    names = {}
    for lang_env in ("C.UTF-8", "it_IT.UTF-8", "en_US.UTF-8"):
        monkeypatch.setenv("LANG", lang_env)
        names[lang_env] = WorkCalendar("MO").holidays(2024)["name"].tolist()
    assert names["C.UTF-8"] == names["it_IT.UTF-8"] == names["en_US.UTF-8"]
    assert "San Geminiano" in names["C.UTF-8"]


def test_holiday_names_in_an_unknown_language_are_refused() -> None:
    with pytest.raises(OptionError, match="lang must be"):
        WorkCalendar().holidays(2024, lang="de")
