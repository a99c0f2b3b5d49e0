# ruff: noqa: E501 - the tables are CSV rows as the demo writes them
"""Fixtures of the portal's tests: a small results folder and the Q-Club catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualitapa.catalog import Catalog
from qualitapa.testing import isolated_plugins

#: The shipped plugins whose organizations, services and charters the pages name.
PLUGINS = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena",
           "bolzano"]  # fmt: skip

#: Bolzano, Trento and Modena: a few rows of each table, copied from a `qualitapa demo`
#: output (numbers rounded to 6 significant digits; the column layout is the demo's).
TABLES = {
    "indicator_values": """\
organization,period,indicator,value,status
021008,2023,libraries.loans_per_inhabitant,0.988935,ok
021008,2024,libraries.loans_per_inhabitant,1.04564,ok
022205,2023,libraries.loans_per_inhabitant,0.836193,ok
022205,2024,libraries.loans_per_inhabitant,0.951521,ok
036023,2023,libraries.loans_per_inhabitant,0.917903,ok
036023,2024,libraries.loans_per_inhabitant,0.905584,ok
021008,2023,nurseries.coverage,35.879,ok
021008,2024,nurseries.coverage,43.6553,ok
022205,2023,nurseries.coverage,41.8838,ok
022205,2024,nurseries.coverage,40.1457,ok
036023,2023,nurseries.coverage,35.9015,ok
036023,2024,nurseries.coverage,31.6882,ok
021008,2023,registry.certificates_per_fte,1026.15,ok
021008,2024,registry.certificates_per_fte,935.965,ok
022205,2023,registry.certificates_per_fte,833.96,ok
022205,2024,registry.certificates_per_fte,711.683,ok
036023,2023,registry.certificates_per_fte,1278.27,ok
036023,2024,registry.certificates_per_fte,1281.46,ok
""",
    "indicator_benchmark": """\
organization,period,indicator,peer_group,value,rank,percentile,quartile,z_score,best_value,best_performers,is_best,gap_to_best,gap_to_median,n,comparison
021008,2024,libraries.loans_per_inhabitant,medium,1.04564,1,100,1,1.23,1.04564,021008,True,0,0.140061,5,compared
022205,2024,libraries.loans_per_inhabitant,medium,0.951521,2,75,1,0.570165,1.04564,021008,False,-0.0941239,0.0459372,5,compared
036023,2024,libraries.loans_per_inhabitant,medium,0.905584,3,50,2,0.248132,1.04564,021008,False,-0.140061,0,5,compared
021008,2024,nurseries.coverage,medium,43.6553,1,100,1,1.24076,43.6553,021008,True,0,7.83689,5,compared
022205,2024,nurseries.coverage,medium,40.1457,2,75,1,0.681101,43.6553,021008,False,-3.50961,4.32728,5,compared
036023,2024,nurseries.coverage,medium,31.6882,4,25,3,-0.667567,43.6553,021008,False,-11.9671,-4.13023,5,compared
""",
    "indicator_trends": """\
organization,indicator,first_period,last_period,n_periods,first_value,last_value,change_pct,cagr_pct,slope,slope_low,slope_high,intercept,mk_s,mk_z,p_value,trend
021008,libraries.loans_per_inhabitant,2009,2024,15,1.20643,1.04564,5.73448,-0.949013,-0.0155354,-0.0372664,0.00304569,32.4427,-33,-1.58359,0.113287,stable
021008,nurseries.coverage,2009,2024,16,26.4883,43.6553,21.6738,3.3869,0.60902,0.319445,1.00391,-1195.13,78,3.46673,0.000526823,improving
022205,libraries.loans_per_inhabitant,2009,2024,16,0.88384,0.951521,13.792,0.493114,-0.0205792,-0.0451975,0.000663866,42.4211,-44,-1.93597,0.0528716,stable
022205,nurseries.coverage,2009,2024,16,28.4462,40.1457,-4.14993,2.32325,0.973488,0.619201,1.27777,-1927.82,86,3.82691,0.00012976,improving
036023,libraries.loans_per_inhabitant,2009,2024,16,1.1468,0.905584,-1.34207,-1.56201,-0.0153907,-0.0466568,0.00264541,31.9611,-36,-1.57579,0.115075,stable
036023,nurseries.coverage,2009,2024,16,22.5562,31.6882,-11.7357,2.29209,0.7433,0.374485,1.12341,-1470.55,82,3.64682,0.000265502,improving
""",
    "survey_dimensions": """\
organization,dimension,label,n,n_eff,index,se,ci_low,ci_high,weight,weighting,small_sample,local,instrument
021008,waiting,Tempi di attesa,243,213.761,53.0061,1.50703,50.0355,55.9768,4.39574,importance,False,False,registry.counter
021008,courtesy,Cortesia,243,213.761,59.849,1.39734,57.0946,62.6034,4.14291,importance,False,False,registry.counter
022205,waiting,Tempi di attesa,258,235.086,66.4733,1.25954,63.9919,68.9548,4.43408,importance,False,False,registry.counter
022205,courtesy,Cortesia,258,235.292,70.981,1.21989,68.5777,73.3844,4.19769,importance,False,False,registry.counter
036023,waiting,Tempi di attesa,319,291.782,68.5249,1.12313,66.3144,70.7354,4.32647,importance,False,False,registry.counter
036023,courtesy,Cortesia,320,292.746,72.7095,1.04031,70.662,74.7569,4.11789,importance,False,False,registry.counter
""",
    "complaint_kpis": """\
organization,received,answered,answered_within_deadline,share_within_deadline,mean_answer_days,median_answer_days,p90_answer_days,mean_answer_working_days,median_answer_working_days,p90_answer_working_days,open,backlog_0_15,backlog_16_30,backlog_31_60,backlog_61_90,backlog_over_90,overdue,reopened,reopening_rate,forwarded,share_forwarded,rejected,share_rejected,population,per_10000
021008,51,48,39,0.8125,14.375,11,30.2,9.9375,7.5,19.6,2,0,1,1,0,0,1,0,0,0,0,1,0.0196078,107000,4.76636
022205,45,36,27,0.75,18.7778,16,29.5,13.0278,11,20.5,4,3,1,0,0,0,0,0,0,3,0.0666667,2,0.0444444,119000,3.78151
036023,58,55,49,0.890909,11.8909,11,20.8,8.21818,7,14.8,1,1,0,0,0,0,0,2,0.0363636,2,0.0344828,0,0,185000,3.13514
""",
    "charter_compliance": """\
standard,replaces,service,dimension,sub_dimension,scope,organization,period,value,unit,target,met,margin,n_deliveries,n_missing,n_within,share_within,required_share,refunds_due,refund_amount,reason
libraries.std.opening_hours,,libraries,accessibility,physical,general,021008,2024,66,hours per week,>= 50,True,16,0,0,0,,,0,0,
libraries.std.opening_hours,,libraries,accessibility,physical,general,022205,2024,61,hours per week,>= 50,True,11,0,0,0,,,0,0,
libraries.std.opening_hours,,libraries,accessibility,physical,general,036023,2024,48,hours per week,>= 50,False,-2,0,0,0,,,0,0,
registry.std.certificate_wait,,registry,timeliness,,specific,021008,2024,4.53196,minutes,<= 10,True,0.0223744,219,0,202,0.922374,0.9,17,85,
registry.std.certificate_wait,,registry,timeliness,,specific,022205,2024,6.70823,minutes,<= 10,False,-0.0948052,231,0,186,0.805195,0.9,45,225,
registry.std.certificate_wait,,registry,timeliness,,specific,036023,2024,5.93252,minutes,<= 10,False,-0.0783217,287,1,235,0.821678,0.9,51,255,
""",
    "caf_scores": """\
organization,level,id,title_it,title_en,title_de,score,points,max_points,n_subcriteria,n_scored
036023,criterion,1,Leadership,Leadership,Führung,49.9,49.9,100,4,4
036023,criterion,2,Strategia e pianificazione,Strategy and planning,Strategie und Planung,53.35,53.35,100,4,4
036023,criterion,3,Personale,People,Personal,60.4667,60.4667,100,3,3
""",
    "improvement_plan": """\
id,title,source,reference,organization,owner,due,expected_effect,impact,urgency,effort,priority,status,evidence,department,activity
std-registry.std.certificate_wait-036023,Rispettare lo standard: Certificato allo sportello entro 10 minuti di attesa,standard,registry.std.certificate_wait,036023,,,obiettivo <= 10 minuti,5,5,3,8.33333,proposed,"2024: scarto -0,0783, rimborsi 255,00 €",,
caf-1.2,"Migliorare 1.2 Gestire l'organizzazione, la sua performance e il suo miglioramento continuo",caf,1.2,036023,,,scarso monitoraggio dei risultati; poco ascolto dei dipendenti sulle scelte,4,4,3,5.33333,proposed,"punteggio CAF 39,2",,
caf-5.3,Migliorare 5.3 Coordinare i processi all'interno dell'organizzazione e con le altre organizzazioni rilevanti,caf,5.3,036023,,,reclami non analizzati per causa; processi trasversali senza responsabile,4,4,3,5.33333,proposed,"punteggio CAF 33,6",,
""",
    "composite_ranks": """\
organization,period,value,rank,median_rank,rank_p05,rank_p95,mean_rank,runs,composite
021008,2024,38.1084,7,7,5,8,7.03,200,finance.financial_health
022205,2024,37.6708,8,8,7,8,7.72,200,finance.financial_health
036023,2024,72.8777,1,1,1,3,1.585,200,finance.financial_health
021008,2024,66.47,2,2,2,2,2,200,libraries.index
022205,2024,54.6375,4,3,3,4,3.47,200,libraries.index
036023,2024,48.5729,5,5,4.95,5,4.955,200,libraries.index
021008,2024,75.4181,1,1,1,1,1.005,200,nurseries.index
022205,2024,65.5954,3,2,2,3,2.395,200,nurseries.index
036023,2024,44.7455,5,6,4,6,5.55,200,nurseries.index
021008,2024,52.0883,5,5,3,6,5.17,200,personnel.index
022205,2024,65.5466,2,5,1,6,3.525,200,personnel.index
036023,2024,23.7639,8,8,8,8,8,200,personnel.index
021008,2024,47.7956,5,5,4,5,4.68,200,registry.index
022205,2024,65.0154,2,2,1,3,1.97,200,registry.index
036023,2024,35.225,8,7,7,8,7.265,200,registry.index
""",
}


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The catalog of the shipped Q-Club plugins (organizations, services, charters...)."""
    with isolated_plugins(PLUGINS):
        return Catalog.build()


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    """A results folder with a few rows per table for three cities (as the demo writes it)."""
    folder = tmp_path / "results"
    folder.mkdir()
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder
