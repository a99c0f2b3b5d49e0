"""Write the SYNTHETIC demo data of the qualitapa-registry plugin.

Run from the repository root (needs qualitapa and qualitapa-qclub installed)::

    python plugins/qualitapa-registry/scripts/make_demo_data.py

Seeded: the same code writes the same files. Every figure is INVENTED, with
plausible magnitudes for each city's size; never mistake it for real data.

Files written into ``src/qualitapa_registry/demo/``:

* ``indicator_data.csv``: tidy ``organization, period, variable, value`` for the
  eight Q-Club cities, 2009-2024, every variable of the plugin, a few values
  missing on purpose;
* ``survey_responses.csv``: about 3,000 answers to the ``registry.counter``
  questionnaire (2024), with missing answers and "don't know" (9) codes, and the
  round's sampling design: the counter (``sportello``, the stratum), the survey day
  (``date``, the cluster) and the counter's opening days (``giorni_apertura``, the FPC);
* ``survey_margins.csv``: adult residents by sex x age class per city
  (``organization, sex, age_class, population, share``) for weighting;
* ``complaints.csv`` (the ``ComplaintRegister.import_csv`` layout) and
  ``complaint_events.csv`` (the ``ComplaintRegister.events_frame`` layout):
  a year of complaints with their full, valid histories;
* ``deliveries.csv``: per-delivery records for the specific standards
  (``delivery, standard, organization, period, date, waiting_minutes,
  working_days``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.demo import VariableProfile
from qualitapa.demo import data as demo_data

SEED = 20240
YEARS = list(range(2009, 2025))
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_registry" / "demo"
TZ = "Europe/Rome"


# ---------------------------------------------------------------------------
# indicator variables 2009-2024
# ---------------------------------------------------------------------------

#: Level variables simulated by wide_panel (per inhabitant in 2009, yearly trend).
LEVELS = {
    "registry.fte": VariableProfile(per_capita=2.6e-4, trend=-0.012, noise=0.15, integer=False),
    "registry.civil_status.fte": VariableProfile(
        per_capita=6.5e-5, trend=-0.005, noise=0.15, integer=False
    ),
    "registry.foreigners.fte": VariableProfile(
        per_capita=3.2e-5, trend=0.01, noise=0.2, integer=False
    ),
    "registry.cost": VariableProfile(per_capita=13.5, trend=0.012, noise=0.15),
    "registry.certificates": VariableProfile(per_capita=0.55, trend=-0.045, noise=0.2),
    "registry.counter_tickets": VariableProfile(per_capita=0.42, trend=-0.02, noise=0.15),
    "registry.residence_changes": VariableProfile(per_capita=0.058, trend=0.003, noise=0.12),
    "registry.opening_hours_week": VariableProfile(
        base=30.0, trend=0.005, noise=0.15, integer=False
    ),
    "registry.procedures": VariableProfile(base=28.0, noise=0.12),
    "registry.civil_status.acts": VariableProfile(per_capita=0.032, trend=0.004, noise=0.1),
    "registry.foreigners.foreign_residents": VariableProfile(
        per_capita=0.115, trend=0.022, noise=0.2
    ),
    "registry.foreigners.citizenship_grants": VariableProfile(
        share_of="registry.foreigners.foreign_residents", low=0.005, high=0.012, noise=0.15
    ),
    "registry.certificates_corrected": VariableProfile(
        share_of="registry.certificates", low=0.001, high=0.005, noise=0.2
    ),
}


def _logistic(t: np.ndarray, mid: float, rate: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-rate * (t - mid)))


def indicator_data(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Tidy panel of every variable, with derived subsets kept consistent."""
    wide = demo_data.wide_panel(orgs, YEARS, LEVELS, seed=SEED)
    year = wide.index.get_level_values("period").to_numpy(dtype=float)
    skill = demo_data.city_effect(wide, rng)
    covid = np.where(year == 2020, 0.62, np.where(year == 2021, 0.85, 1.0))

    wide["registry.counter_tickets"] = np.round(wide["registry.counter_tickets"] * covid)
    wide["registry.opening_hours_week"] = (
        np.round(np.clip(wide["registry.opening_hours_week"] * 2, 36, 84)) / 2
    )
    # online certificates: slow growth of city portals, jump with ANPR online issue (Nov 2021)
    portal = 0.02 + 0.18 * _logistic(year, 2016 + skill, 0.5)
    anpr = np.where(year >= 2022, 0.10 + 0.06 * (year - 2022), 0.0) + np.where(
        year == 2021, 0.02, 0.0
    )
    share_online = np.clip(portal + anpr + 0.03 * skill, 0.0, 0.85)
    wide["registry.certificates_online"] = np.round(wide["registry.certificates"] * share_online)
    # waiting time: mean minutes per city, improving; waits follow a gamma distribution
    # with shape 2, so P(W <= 10) = 1 - exp(-x) (1 + x) with x = 2 * 10 / mean
    mean_wait = np.clip(
        (13.0 - 2.5 * skill) * (1 - 0.03 * (year - 2009)) * rng.lognormal(0, 0.08, len(year)),
        3.0,
        45.0,
    )
    mean_wait = np.where(year == 2020, mean_wait * 0.7, mean_wait)  # appointments only
    tickets = wide["registry.counter_tickets"].to_numpy()
    x = 20.0 / mean_wait
    wide["registry.counter_wait_minutes"] = np.round(tickets * mean_wait)
    wide["registry.counter_served_10min"] = np.round(tickets * (1 - np.exp(-x) * (1 + x)))
    # changes of residence in real time (DL 5/2012, from 9 May 2012)
    on_time = np.clip(
        np.where(year < 2012, 0.55, 0.80 + 0.015 * (year - 2012))
        + 0.04 * skill
        + rng.normal(0, 0.015, len(year)),
        0.3,
        1.0,
    )
    wide["registry.residence_changes_2days"] = np.round(
        wide["registry.residence_changes"] * on_time
    )
    # electronic identity card (CIE 3.0 from July 2016; paper cards phased out)
    cie_rate = np.select(
        [year < 2016, year == 2016, year == 2017, year == 2018, year == 2019, year == 2020],
        [0.004, 0.02, 0.06, 0.085, 0.09, 0.055],
        0.105 + 0.01 * (year - 2021),
    ) * rng.lognormal(0, 0.1, len(year))
    pop = orgs.set_index("organization")["population"]
    population = pop.reindex(wide.index.get_level_values("organization")).to_numpy()
    wide["registry.cie_issued"] = np.round(population * cie_rate)
    published = np.clip(
        np.where(year < 2013, 0.25, 0.55 + 0.04 * (year - 2013)) + 0.05 * skill, 0.1, 1.0
    )
    wide["registry.procedures_published"] = np.round(wide["registry.procedures"] * published)
    cit_ok = np.clip(0.86 + 0.04 * skill + rng.normal(0, 0.03, len(year)), 0.5, 1.0)
    wide["registry.foreigners.citizenship_completed_on_time"] = np.round(
        wide["registry.foreigners.citizenship_grants"] * cit_ok
    )
    for col in ("registry.fte", "registry.civil_status.fte", "registry.foreigners.fte"):
        wide[col] = np.round(np.maximum(wide[col], 1.0), 1)

    values = demo_data.tidy(wide)
    # a few missing values, as in real collections (not in the latest year)
    return demo_data.drop_some(values, rng, 0.006, keep=values["period"] >= 2024)


# ---------------------------------------------------------------------------
# survey: the counter questionnaire, 2024
# ---------------------------------------------------------------------------

SEXES = np.array(["f", "m"])
AGES = np.array(["18-34", "35-54", "55-64", "65+"])
#: Share of adults by age class and female share within it (Italian structure, rounded).
AGE_SHARE = np.array([0.22, 0.35, 0.16, 0.27])
FEMALE_SHARE = np.array([0.49, 0.50, 0.51, 0.57])
#: Counter users are younger than residents: the sample over-represents 35-54.
SAMPLE_AGE = np.array([0.27, 0.42, 0.15, 0.16])

ITEMS = {  # item -> (mean shift, share "don't know")
    "acc_hours": (-0.1, 0.01),
    "acc_location": (0.1, 0.01),
    "acc_booking": (0.0, 0.02),
    "acc_online": (-0.2, 0.22),
    "wait_time": (-0.55, 0.01),
    "wait_service": (0.0, 0.01),
    "staff_courtesy": (0.45, 0.005),
    "staff_privacy": (0.1, 0.04),
    "staff_competence": (0.35, 0.02),
    "staff_solution": (0.2, 0.03),
    "info_clarity": (0.15, 0.01),
    "info_forms": (-0.15, 0.06),
    "info_web": (-0.3, 0.25),
    "overall": (0.15, 0.0),
}
IMPORTANCE = {
    "imp_hours": 4.0,
    "imp_wait": 4.5,
    "imp_courtesy": 4.2,
    "imp_competence": 4.4,
    "imp_information": 4.2,
    "imp_online": 3.4,
}
COMMENTS = [
    "Più sportelli aperti il sabato",
    "Tempi di attesa troppo lunghi",
    "Personale gentile e preparato",
    "Migliorare il sito web",
    "Servono più appuntamenti per la carta d'identità",
    "Tutto bene, grazie",
]


#: The fieldwork: the weekdays from 7 October to 15 November 2024 (30 opening days).
FIELD_DAYS = pd.bdate_range("2024-10-07", "2024-11-15")
#: Counters (sportelli) per city by size, and the share of the city's interviews each makes.
COUNTERS = {"small": (0.6, 0.4), "medium": (0.45, 0.3, 0.25), "large": (0.4, 0.25, 0.2, 0.15)}


def survey_design(n_city: np.ndarray, orgs: pd.DataFrame) -> pd.DataFrame:
    """The sampling design of the round: counters (strata) and survey days (clusters).

    Each city's interviews are split among its counters (``sportello``,
    ``<city>-<k>``); each counter interviews on 6 to 10 of the fieldwork's
    opening days drawn at random (``date``: the cluster, numbered within the
    counter), out of ``giorni_apertura`` days it was open (30; 24 for the
    branch offices open four days a week: the FPC). ``day_effect`` is the
    shift the day's staffing and queue give every answer that day (the
    intra-cluster correlation behind design effects above 1). Its own
    generator: the other files' draws stay as they were.
    """
    rng = np.random.default_rng(SEED + 23)
    rows = []
    for city, size in zip(orgs["organization"], n_city, strict=True):
        shares = COUNTERS["small" if size < 300 else "medium" if size < 450 else "large"]
        per_counter = rng.multinomial(size, shares)
        for k, m in enumerate(per_counter, start=1):
            open_days = 30 if k == 1 else 24
            days = np.sort(rng.choice(open_days, size=rng.integers(6, 11), replace=False))
            # a counter open four days a week: its days are the weekdays but Friday
            calendar = FIELD_DAYS if open_days == 30 else FIELD_DAYS[FIELD_DAYS.day_of_week < 4]
            day = rng.choice(days, size=m)
            effect = rng.normal(0.0, 0.25, len(days))
            rows.append(
                pd.DataFrame(
                    {
                        "sportello": f"{city}-{k}",
                        "date": calendar[day].strftime("%Y-%m-%d"),
                        "giorni_apertura": open_days,
                        "day_effect": effect[np.searchsorted(days, day)],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def survey(orgs: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses to the counter questionnaire and the population margins."""
    # sample per city: larger cities interview more, 200-600 questionnaires
    n_city = np.clip(np.round(75 * np.sqrt(orgs["population"].to_numpy() / 10_000)), 200, 500)
    n_city = n_city.astype(int)
    n = int(n_city.sum())
    org = np.repeat(orgs["organization"].to_numpy(), n_city)
    city_idx = np.repeat(np.arange(len(orgs)), n_city)
    city_effect = rng.normal(0.0, 0.2, len(orgs))[city_idx]
    design = survey_design(n_city, orgs)

    age = rng.choice(len(AGES), size=n, p=SAMPLE_AGE)
    female = rng.random(n) < np.array([0.55, 0.53, 0.52, 0.50])[age]
    sex = np.where(female, "f", "m")
    age_class = AGES[age]
    # older respondents are a little more satisfied, as usual in counter surveys; the
    # day of the interview shifts everyone's answers (the design's clusters)
    latent = (
        3.55 + city_effect + 0.12 * (age - 1.5) + rng.normal(0.0, 0.65, n)
        + design["day_effect"].to_numpy()
    )  # fmt: skip
    rng.integers(0, 40, n)  # the days drawn before the design had its own (same draws after)

    data: dict[str, object] = {
        "respondent": [f"R{i:05d}" for i in range(1, n + 1)],
        "organization": org,
        "period": 2024,
        "date": design["date"].to_numpy(),
        "sportello": design["sportello"].to_numpy(),
        "giorni_apertura": design["giorni_apertura"].to_numpy(),
        "service_used": rng.choice(
            ["certificate", "identity_card", "residence", "civil_status", "foreigners", "other"],
            size=n,
            p=[0.22, 0.38, 0.16, 0.1, 0.1, 0.04],
        ),
    }
    booked = (rng.random(n) < 0.55 + 0.2 * (data["service_used"] == "identity_card")).astype(float)
    data["booked"] = booked
    for item, (shift, dk) in ITEMS.items():
        raw = latent + shift + rng.normal(0.0, 0.6, n)
        if item.startswith("wait"):
            raw = raw + 0.5 * booked  # appointments cut waiting
        values = np.clip(np.rint(raw), 1, 5)
        values = np.where(rng.random(n) < dk, 9.0, values)
        values = np.where(rng.random(n) < (0.03 if item != "overall" else 0.005), np.nan, values)
        if item == "acc_booking":
            values = np.where(booked == 1, values, np.nan)  # skipped: not relevant
        data[item] = values
    overall = np.asarray(data["overall"], dtype=float)
    base = np.where(np.isnan(overall), latent, overall)
    rec = np.clip(np.rint(2.2 * base - 1.6 + rng.normal(0, 1.2, n)), 0, 10)
    data["recommend"] = np.where(rng.random(n) < 0.04, np.nan, rec)
    for item, mean in IMPORTANCE.items():
        values = np.clip(np.rint(mean + rng.normal(0, 0.75, n)), 1, 5)
        values = np.where(rng.random(n) < 0.02, 9.0, values)
        data[item] = np.where(rng.random(n) < 0.06, np.nan, values)
    data["sex"] = sex
    data["age_class"] = age_class
    data["citizenship"] = rng.choice(["it", "eu", "non_eu"], size=n, p=[0.82, 0.05, 0.13])
    data["citizenship"] = np.where(
        data["service_used"] == "foreigners",
        rng.choice(["eu", "non_eu"], size=n, p=[0.25, 0.75]),
        data["citizenship"],
    )
    edu = rng.choice(["lower", "upper", "tertiary"], size=n, p=[0.25, 0.45, 0.30])
    data["education"] = np.where(rng.random(n) < 0.03, None, edu)
    freq = rng.choice(["first", "once_twice", "more"], size=n, p=[0.25, 0.5, 0.25])
    data["frequency"] = np.where(rng.random(n) < 0.02, None, freq)
    comment = rng.choice(COMMENTS, size=n)
    data["comments"] = np.where(rng.random(n) < 0.12, comment, None)
    responses = pd.DataFrame(data)
    responses["booked"] = responses["booked"].astype("Int64")
    for col in [*ITEMS, "recommend", *IMPORTANCE]:
        responses[col] = responses[col].astype("Int64")

    # population margins: adults (85% of residents) by sex x age class, with city variation
    pop_adult = orgs["population"].to_numpy() * 0.85
    rows = []
    for o in orgs["organization"]:
        ages = AGE_SHARE * rng.lognormal(0, 0.06, len(AGES))
        ages = ages / ages.sum()
        for a, age_label in enumerate(AGES):
            fem = FEMALE_SHARE[a] + rng.normal(0, 0.005)
            for s, share_sex in (("f", fem), ("m", 1 - fem)):
                rows.append((o, s, age_label, ages[a] * share_sex))
    margins = pd.DataFrame(rows, columns=["organization", "sex", "age_class", "share"])
    city_pop = pd.Series(pop_adult, index=orgs["organization"])
    margins["population"] = np.round(
        margins["share"] * margins["organization"].map(city_pop)
    ).astype(int)
    margins["share"] = margins["population"] / margins.groupby("organization")[
        "population"
    ].transform("sum")
    margins["share"] = margins["share"].round(5)
    return responses, margins[["organization", "sex", "age_class", "population", "share"]]


# ---------------------------------------------------------------------------
# complaints 2024 with their events
# ---------------------------------------------------------------------------

CATEGORIES = {  # service -> (categories, probabilities)
    "registry": (
        [
            "registry.access.waiting",
            "registry.access.appointments",
            "registry.access.opening_hours",
            "registry.access.premises",
            "registry.staff.courtesy",
            "registry.staff.competence",
            "registry.procedures.certificates",
            "registry.procedures.residence",
            "registry.procedures.identity_card",
            "registry.online.certificates",
            "registry.online.booking",
        ],
        [0.18, 0.2, 0.05, 0.03, 0.08, 0.06, 0.06, 0.1, 0.12, 0.06, 0.06],
    ),
    "registry.civil_status": (
        [
            "registry.civil_status.acts",
            "registry.civil_status.acts.transcription",
            "registry.civil_status.ceremonies",
        ],
        [0.3, 0.4, 0.3],
    ),
    "registry.foreigners": (
        ["registry.foreigners.registration", "registry.foreigners.citizenship"],
        [0.55, 0.45],
    ),
}
DESCRIPTIONS = {
    "complaint": "Reclamo (testo sintetico dimostrativo)",
    "fault_report": "Segnalazione di disservizio (testo sintetico dimostrativo)",
    "suggestion": "Suggerimento (testo sintetico dimostrativo)",
    "praise": "Encomio (testo sintetico dimostrativo)",
}
FORWARD_TO = ["Questura (passaporti)", "Prefettura", "Ufficio tributi", "INPS", "Agenzia Entrate"]
REJECT_NOTES = ["anonimo e non circostanziato", "riguarda un procedimento giudiziario"]


def _hours(index: pd.DatetimeIndex) -> np.ndarray:
    """Hours since the epoch of timezone-aware instants."""
    return np.asarray((index - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(hours=1), dtype=float)


def _iso(index: pd.DatetimeIndex) -> np.ndarray:
    """ISO 8601 local times with the UTC offset, e.g. 2024-03-05T09:30:00+01:00."""
    text = pd.Series(index.tz_convert(TZ).strftime("%Y-%m-%dT%H:%M:%S%z"))
    return text.str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True).to_numpy(dtype=object)


def complaints(orgs: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A year of complaints (import layout) and their full histories (events layout)."""
    # about 4 per 10,000 inhabitants a year, with city differences
    rate = 4.0e-4 * rng.lognormal(0, 0.25, len(orgs))
    n_city = rng.poisson(orgs["population"].to_numpy() * rate)
    n = int(n_city.sum())
    org = np.repeat(orgs["organization"].to_numpy(), n_city)
    speed = rng.lognormal(0, 0.3, len(orgs))[np.repeat(np.arange(len(orgs)), n_city)]

    kind = rng.choice(
        ["complaint", "fault_report", "suggestion", "praise"], size=n, p=[0.62, 0.1, 0.16, 0.12]
    )
    channel = rng.choice(
        ["email", "web", "counter", "pec", "phone", "letter", "app", "social"],
        size=n,
        p=[0.3, 0.25, 0.14, 0.08, 0.1, 0.03, 0.04, 0.06],
    )
    service = rng.choice(
        ["registry", "registry.civil_status", "registry.foreigners"], size=n, p=[0.76, 0.11, 0.13]
    )
    category = np.empty(n, dtype=object)
    for svc, (cats, p) in CATEGORIES.items():
        mask = service == svc
        category[mask] = rng.choice(cats, size=int(mask.sum()), p=p)
    category[rng.random(n) < 0.03] = None  # not classified

    # received: working days and hours mostly; web/email/app/social at any time
    day = pd.Timestamp("2024-01-02") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    office = np.isin(channel, ["counter", "phone", "letter", "pec"])
    weekend = day.day_of_week.to_numpy() >= 5
    day = day + pd.to_timedelta(np.where(office & weekend, 7 - day.day_of_week.to_numpy(), 0), "D")
    minutes = np.where(office, rng.integers(8 * 60 + 30, 17 * 60, n), rng.integers(0, 24 * 60, n))
    received = (day + pd.to_timedelta(minutes, unit="m")).tz_localize(
        TZ, ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward"
    )
    rec_h = _hours(received)

    # scenario of each complaint
    scen = rng.choice(
        ["normal", "suspended", "reopened", "forwarded", "rejected"],
        size=n,
        p=[0.8, 0.07, 0.05, 0.05, 0.03],
    )
    scen = np.where((kind == "praise") & (scen != "normal"), "normal", scen)
    answer_days = rng.lognormal(np.log(11.0), 0.6, n) * speed
    hours = {
        "register": rng.uniform(0.5, 30, n),
        "assign": rng.uniform(1, 48, n),
        "start": rng.uniform(2, 72, n),
        "suspend_len": rng.uniform(5, 25, n) * 24,
        "close": rng.uniform(1, 15, n) * 24,
        "reopen": rng.uniform(2, 20, n) * 24,
        "reanswer": rng.uniform(3, 15, n) * 24,
        "reclose": rng.uniform(1, 7, n) * 24,
        "forward": rng.uniform(1, 6, n) * 24,
        "reject": rng.uniform(2, 10, n) * 24,
    }
    closes = rng.random(n) < 0.8  # share of answered complaints formally closed

    ids = np.array([f"{o}-2024-{i:05d}" for i, o in enumerate(org, start=1)], dtype=object)
    steps: list[tuple[np.ndarray, np.ndarray, str, str, str]] = []

    def add(mask: np.ndarray, at_h: np.ndarray, fr: str, to: str, actor: str) -> None:
        steps.append((mask.copy(), at_h.copy(), fr, to, actor))

    t = rec_h.copy()
    everyone = np.ones(n, dtype=bool)
    add(everyone, t, "", "received", "urp")
    t = t + hours["register"]
    add(everyone, t, "received", "registered", "urp")
    fwd = scen == "forwarded"
    add(fwd, t + hours["forward"], "registered", "forwarded", "urp")
    rest = ~fwd
    t = t + hours["assign"]
    add(rest, t, "registered", "assigned", "urp")
    rej = scen == "rejected"
    add(rej, t + hours["reject"], "assigned", "rejected", "responsabile")
    work = rest & ~rej
    start_at = t + hours["start"]
    answer_at = np.maximum(rec_h + answer_days * 24, start_at + 2)
    sus = work & (scen == "suspended")
    add(work & ~sus, start_at, "assigned", "in_progress", "ufficio")
    add(sus, start_at, "assigned", "suspended", "ufficio")
    resume_at = start_at + hours["suspend_len"]
    add(sus, resume_at, "suspended", "in_progress", "ufficio")
    answer_at = np.where(
        sus, np.maximum(answer_at + hours["suspend_len"], resume_at + 24), answer_at
    )
    add(work, answer_at, "in_progress", "answered", "ufficio")
    reo = work & (scen == "reopened")
    close_at = answer_at + hours["close"]
    add(reo, close_at, "answered", "closed", "urp")
    reopen_at = close_at + hours["reopen"]
    add(reo, reopen_at, "closed", "reopened", "urp")
    add(reo, reopen_at + 2, "reopened", "in_progress", "ufficio")
    reanswer_at = reopen_at + 2 + hours["reanswer"]
    add(reo, reanswer_at, "in_progress", "answered", "ufficio")
    add(reo & closes, reanswer_at + hours["reclose"], "answered", "closed", "urp")
    add(work & ~reo & closes, close_at, "answered", "closed", "urp")

    cid = np.concatenate([ids[m] for m, *_ in steps])
    at_h = np.concatenate([a[m] for m, a, *_ in steps])
    fr = np.concatenate([np.full(int(m.sum()), f, dtype=object) for m, _, f, *_ in steps])
    to = np.concatenate([np.full(int(m.sum()), s, dtype=object) for m, _, _, s, _ in steps])
    actor = np.concatenate([np.full(int(m.sum()), a, dtype=object) for m, *_, a in steps])
    order = np.concatenate([np.full(int(m.sum()), i) for i, (m, *_) in enumerate(steps)])
    ev = pd.DataFrame(
        {"complaint_id": cid, "at_h": at_h, "from_status": fr, "to_status": to,
         "actor": actor, "step": order}
    )  # fmt: skip
    # snapshot at the end of the year: later events have not happened yet
    snapshot = float(_hours(pd.DatetimeIndex([pd.Timestamp("2024-12-31 23:59", tz=TZ)]))[0])
    ev = ev.loc[ev["at_h"] <= snapshot].sort_values(["at_h", "complaint_id", "step"])
    ev = ev.reset_index(drop=True)
    ev["seq"] = np.arange(1, len(ev) + 1)
    ev["at"] = _iso(
        pd.DatetimeIndex(
            pd.to_datetime(np.round(ev["at_h"] * 3600).astype(np.int64), unit="s", utc=True)
        )
    )
    from qualitapa.complaints import ACTIONS, Status

    ev["action"] = ev["to_status"].map({s.value: a for s, a in ACTIONS.items()})
    ev["from_status"] = ev["from_status"].replace("", None)
    cmap = dict(zip(ids, range(n), strict=True))
    idx = ev["complaint_id"].map(cmap).to_numpy()
    is_fwd = (ev["to_status"] == "forwarded").to_numpy()
    is_rej = (ev["to_status"] == "rejected").to_numpy()
    note = np.full(len(ev), "", dtype=object)
    note[is_fwd] = "non di competenza dei servizi demografici"
    note[is_rej] = rng.choice(REJECT_NOTES, size=int(is_rej.sum()))
    ev["note"] = note
    target = np.full(len(ev), None, dtype=object)
    target[is_fwd] = np.array(FORWARD_TO, dtype=object)[idx[is_fwd] % len(FORWARD_TO)]
    assigned = (ev["to_status"] == "assigned").to_numpy()
    target[assigned] = "ufficio " + pd.Series(service[idx[assigned]]).str.replace(
        "registry", "anagrafe", regex=False
    ).to_numpy(dtype=object)
    ev["target"] = target
    events = ev[
        ["seq", "complaint_id", "at", "actor", "action", "from_status", "to_status", "note",
         "target"]
    ]  # fmt: skip

    # the import table: current state, first answer, last closing
    last = ev.drop_duplicates("complaint_id", keep="last").set_index("complaint_id")
    first_answer = ev.loc[ev["to_status"] == "answered"].drop_duplicates("complaint_id")
    last_close = ev.loc[ev["to_status"] == "closed"].drop_duplicates("complaint_id", keep="last")
    frame = pd.DataFrame(
        {
            "id": ids,
            "kind": kind,
            "channel": channel,
            "service": service,
            "received_at": _iso(received),
            "category": category,
            "organization": org,
            "description": pd.Series(kind).map(DESCRIPTIONS).to_numpy(),
        }
    )
    frame["status"] = frame["id"].map(last["to_status"])
    frame["answered_at"] = frame["id"].map(first_answer.set_index("complaint_id")["at"])
    frame["closed_at"] = frame["id"].map(last_close.set_index("complaint_id")["at"])
    # a complaint reopened and answered again but not closed has closed_at of its first
    # closing, before the current state; keep closed_at only for closed complaints
    frame.loc[frame["status"] != Status.CLOSED.value, "closed_at"] = None
    return frame, events


# ---------------------------------------------------------------------------
# deliveries for the specific standards, 2024
# ---------------------------------------------------------------------------


def deliveries(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per-delivery records: certificate waits at the counter, residence registrations."""
    weights = np.sqrt(orgs["population"].to_numpy())
    n_cert = np.round(3200 * weights / weights.sum()).astype(int)
    n_res = np.round(1400 * weights / weights.sum()).astype(int)
    mean_wait = rng.uniform(3.5, 6.5, len(orgs))  # certificate requests: the fast lane
    late_share = rng.uniform(0.01, 0.08, len(orgs))
    parts = []
    for kind, counts in (("wait", n_cert), ("residence", n_res)):
        idx = np.repeat(np.arange(len(orgs)), counts)
        m = len(idx)
        day = pd.Timestamp("2024-01-02") + pd.to_timedelta(rng.integers(0, 364, m), unit="D")
        day = day + pd.to_timedelta(np.where(day.day_of_week >= 5, 7 - day.day_of_week, 0), "D")
        frame = pd.DataFrame(
            {
                "organization": orgs["organization"].to_numpy()[idx],
                "period": 2024,
                "date": day.strftime("%Y-%m-%d"),
            }
        )
        if kind == "wait":
            frame["standard"] = "registry.std.certificate_wait"
            frame["waiting_minutes"] = np.round(rng.gamma(2.0, mean_wait[idx] / 2.0), 1)
            frame["working_days"] = np.nan
        else:
            frame["standard"] = "registry.std.residence_registration"
            frame["waiting_minutes"] = np.nan
            late = rng.random(m) < late_share[idx]
            frame["working_days"] = np.where(
                late,
                rng.choice([3, 4, 5, 7], size=m, p=[0.5, 0.25, 0.15, 0.1]),
                rng.choice([0, 1, 2], size=m, p=[0.4, 0.45, 0.15]),
            ).astype(float)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    missing = rng.random(len(out)) < 0.004  # lost queue-system records
    out.loc[missing & out["waiting_minutes"].notna(), "waiting_minutes"] = np.nan
    out = out.sort_values(["standard", "organization", "date"], ignore_index=True)
    out.insert(0, "delivery", [f"D{i:06d}" for i in range(1, len(out) + 1)])
    return out[
        ["delivery", "standard", "organization", "period", "date", "waiting_minutes",
         "working_days"]
    ]  # fmt: skip


def make_files() -> dict[str, pd.DataFrame]:
    """Every demo table, by dataset kind, drawn in this order from one generator."""
    orgs = demo_data.cities("qclub")
    rng = np.random.default_rng(SEED)
    files = {"indicator_data": indicator_data(orgs, rng)}
    files["survey_responses"], files["survey_margins"] = survey(orgs, rng)
    files["complaints"], files["complaint_events"] = complaints(orgs, rng)
    files["deliveries"] = deliveries(orgs, rng)
    return files


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
