# Golden reference values for qualitapa.surveys' design-based estimators (SurveyDesign),
# computed with R `survey` (Taylor linearisation).
#
# Regenerate (from the repository root; R and the Debian package r-cran-survey, e.g.
# `apt-get install r-base-core r-cran-survey`):
#
#     Rscript tests/surveys/golden/make_design_golden.R
#
# Generated with R 4.2.2, survey 4.1.1 (written to design_versions.csv). The inputs are
# R's own `api` data (apistrat: stratified by school type with fpc; apiclus1: one-stage
# cluster sample of school districts with fpc; the classic examples of the survey manual)
# and a synthetic 1-5 Likert survey shaped like the Q-Club survey (city x counter strata,
# survey days as clusters, population of days per stratum as fpc), written next to the
# results so the Python tests read the very numbers R used (17 significant digits).
# Which test reads which file: tests/surveys/test_surveys_design_golden.py.
#
# design_results.csv, one row per estimate:
#   design, lonely (options(survey.lonely.psu)), statistic (mean, total, ratio, ciprop:
#   svyciprop method "logit", ciprop_beta: method "beta", Korn-Graubard),
#   variable, by (domain variable or ""), domain (its level or ""), estimate, se,
#   ci_low, ci_high (confint(): normal; svyciprop: its own method with df = degf),
#   df (degf of the design or of the domain subset), deff (deff = TRUE: SRS without
#   replacement), deff_replace (deff = "replace": SRS with replacement).

source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "golden_estimates.R"))

save_versions("design_versions.csv")

# -- inputs ------------------------------------------------------------------------------
data(api)
strat <- apistrat[, c("stype", "pw", "fpc", "api00", "api99", "enroll", "api.stu",
                      "acs.k3", "sch.wide", "awards")]
strat$stype <- as.character(strat$stype)
strat$sch.wide <- as.character(strat$sch.wide)
strat$awards <- as.character(strat$awards)
strat$high <- as.numeric(strat$api00 >= 700)  # a share that is neither 0 nor 1 in a domain
save(strat, "design_apistrat.csv")
clus1 <- apiclus1[, c("dnum", "pw", "fpc", "api00", "api99", "enroll", "api.stu",
                      "stype", "sch.wide")]
clus1$stype <- as.character(clus1$stype)
clus1$sch.wide <- as.character(clus1$sch.wide)
save(clus1, "design_apiclus1.csv")

# Q-Club-like survey: 3 cities x 2 counters = 6 strata; in each stratum 2 to 5 survey days
# (clusters, numbered 1.. within the stratum: nest = TRUE) out of 20 to 40 opening days
# (fpc: population of days); 3 to 12 respondents a day; answers 1-5 with a day effect;
# some answers missing; weights from non-response adjustment. A seventh stratum with a
# single day is added for the lonely-PSU rules.
set.seed(2023)
cells <- expand.grid(counter = c("front", "phone"), city = c("Alba", "Bra", "Cuneo"),
                     stringsAsFactors = FALSE)
rows <- list()
for (s in seq_len(nrow(cells))) {
  ndays <- sample(2:5, 1)
  popdays <- sample(20:40, 1)
  for (d in seq_len(ndays)) {
    m <- sample(3:12, 1)
    effect <- rnorm(1, 0, 0.6)
    q1 <- pmin(5, pmax(1, round(3.4 + effect + rnorm(m, 0, 1))))
    q2 <- pmin(5, pmax(1, round(3.0 + 0.5 * effect + rnorm(m, 0, 1.1))))
    q1[runif(m) < 0.08] <- NA
    rows[[length(rows) + 1]] <- data.frame(
      city = cells$city[s], counter = cells$counter[s], day = d, days = popdays,
      w = round(popdays * 25 / (ndays * m) * runif(m, 0.7, 1.3), 3),
      q1 = q1, q2 = q2, age = sample(c("under40", "40plus"), m, replace = TRUE),
      stringsAsFactors = FALSE)
  }
}
likert <- do.call(rbind, rows)
likert$stratum <- paste(likert$city, likert$counter, sep = ".")
likert$top <- as.numeric(likert$q2 >= 4)
lonely_extra <- data.frame(
  city = "Cuneo", counter = "mail", day = 1, days = 15, w = c(30, 34.5, 28.25, 31),
  q1 = c(4, 5, 3, 4), q2 = c(3, 4, 4, 2), age = c("under40", "40plus", "40plus", "40plus"),
  stringsAsFactors = FALSE)
lonely_extra$stratum <- "Cuneo.mail"
lonely_extra$top <- as.numeric(lonely_extra$q2 >= 4)
likert_lonely <- rbind(likert, lonely_extra)
save(likert, "design_likert.csv")
save(likert_lonely, "design_likert_lonely.csv")

# -- estimates ---------------------------------------------------------------------------
# results, add, whole and domains: golden_estimates.R

options(survey.lonely.psu = "fail")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
whole("apistrat", "fail", dstrat, c("api00", "enroll"), c("enroll"),
      list(c("api.stu", "enroll")), list(c("sch.wide", "'Yes'")))
whole("apistrat", "fail", dstrat, c("acs.k3"), c("acs.k3"), list(c("acs.k3", "api00")),
      list(), na = TRUE)
domains("apistrat", "fail", dstrat, "awards", c("api00"), list(c("api.stu", "enroll")),
        list(c("high", "1")))
# apistrat without fpc: sampling with replacement at the first stage
dstrat_wr <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat)
whole("apistrat_nofpc", "fail", dstrat_wr, c("api00"), c("enroll"), list(), list())

dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
whole("apiclus1", "fail", dclus1, c("api00", "enroll"), c("enroll"),
      list(c("api.stu", "enroll")), list(c("sch.wide", "'Yes'")))
domains("apiclus1", "fail", dclus1, "stype", c("api00"), list(c("api.stu", "enroll")),
        list(c("sch.wide", "'Yes'")))

dlik <- svydesign(id = ~day, strata = ~stratum, weights = ~w, fpc = ~days, nest = TRUE,
                  data = likert)
whole("likert", "fail", dlik, c("q1", "q2", "top"), c("q1", "top"), list(c("q1", "q2")),
      list(c("q2", "5")), na = TRUE)
domains("likert", "fail", dlik, "city", c("q1", "q2"), list(c("q1", "q2")),
        list(c("top", "1")), na = TRUE)
domains("likert", "fail", dlik, "age", c("q1", "q2"), list(), list(c("top", "1")), na = TRUE)

for (lonely in c("adjust", "average", "certainty", "remove")) {
  options(survey.lonely.psu = lonely)
  dl <- svydesign(id = ~day, strata = ~stratum, weights = ~w, fpc = ~days, nest = TRUE,
                  data = likert_lonely)
  whole("likert_lonely", lonely, dl, c("q1", "q2"), c("q2"), list(c("q1", "q2")), list(),
        na = TRUE)
  domains("likert_lonely", lonely, dl, "city", c("q2"), list(), list())
  # without fpc the single day of Cuneo.mail is not sampled with certainty
  dn <- svydesign(id = ~day, strata = ~stratum, weights = ~w, nest = TRUE,
                  data = likert_lonely)
  whole("likert_lonely_nofpc", lonely, dn, c("q2"), c("q2"), list(), list())
}
options(survey.lonely.psu = "fail")

save(do.call(rbind, results), "design_results.csv")

# -- svychisq: Rao-Scott tests of a two-way table ---------------------------------------
# design_chisq.csv: statistic "F" (second-order Rao-Scott, F with d0 and d0 * nu df;
# value = Pearson's X^2 / trace(Delta)) and "Chisq" (first order: X^2 / mean eigenvalue
# against chi-square with (r - 1)(c - 1) df; value = Pearson's X^2 of the weighted table
# scaled to the number of rows).
tests <- list()
chisq <- function(name, lonely, d, rows, cols) {
  f <- as.formula(paste0("~", rows, " + ", cols))
  for (statistic in c("F", "Chisq")) {
    t <- svychisq(f, d, statistic = statistic)
    par <- t$parameter
    tests[[length(tests) + 1]] <<- data.frame(
      design = name, lonely = lonely, rows = rows, cols = cols, statistic = statistic,
      value = as.numeric(t$statistic), ndf = as.numeric(par[1]),
      ddf = if (length(par) > 1) as.numeric(par[2]) else NA, p_value = t$p.value,
      stringsAsFactors = FALSE)
  }
}
chisq("apiclus1", "fail", dclus1, "sch.wide", "stype")   # the survey manual's example
chisq("apistrat", "fail", dstrat, "awards", "stype")
chisq("likert", "fail", dlik, "age", "q2")
chisq("likert", "fail", dlik, "city", "q1")              # q1 has missing answers
for (lonely in c("adjust", "average", "certainty")) {
  options(survey.lonely.psu = lonely)
  dl <- svydesign(id = ~day, strata = ~stratum, weights = ~w, nest = TRUE,
                  data = likert_lonely)
  chisq("likert_lonely_nofpc", lonely, dl, "age", "q2")
}
options(survey.lonely.psu = "fail")
save(do.call(rbind, tests), "design_chisq.csv")
