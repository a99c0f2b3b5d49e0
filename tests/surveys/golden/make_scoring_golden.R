# Golden reference values for the design path of qualitapa.surveys' scoring (score_items,
# score_dimensions, nps, distribution with design=), computed with R `survey`.
#
# Regenerate (from the repository root; R and the Debian package r-cran-survey):
#
#     Rscript tests/surveys/golden/make_scoring_golden.R
#
# The input is a synthetic counter survey shaped like the Q-Club round: 2 cities x 3
# counters (sportelli) = 6 strata; in each 3 to 6 survey days (clusters, numbered within the
# counter: nest = TRUE) out of 22 to 30 opening days (fpc); 5 to 14 respondents a day with
# a day effect (intra-cluster correlation, so the design effects are above 1); answers 1-5
# with 9 = don't know and some blanks; a 0-10 "recommend" answer; non-response weights.
# It is written (scoring_data.csv) next to R's results so the Python tests read the very
# numbers R used (17 significant digits). Test: tests/surveys/test_surveys_design_scoring_golden.py.
#
# scoring_results.csv, one row per estimate:
#   level (item: svymean of the answer; top2: the share answering 4 or 5, svymean of the 0/1
#   variable for se and deff, svyciprop(method = "logit") for the interval; nps: svymean of
#   100 * (promoter - detractor), checked equal to svycontrast of the two shares; index: the
#   dimension index a/b and the overall index, svymean of each respondent's 0-100 score),
#   variable, city ("" for the whole sample, else the domain of svyby), estimate, se, ci_low,
#   ci_high (means and NPS: estimate -/+ qt(0.975, df) * se; top2: svyciprop's logit
#   interval), df (degf of the design or of the domain's subset), deff (deff = TRUE),
#   sd (means: the square root of svyvar among the answers).

# survey, here, num, save: golden_estimates.R (shared by the survey golden scripts)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "golden_estimates.R"))

# -- input ---------------------------------------------------------------------------------
set.seed(35)
cells <- expand.grid(counter = c("centro", "nord", "sud"), city = c("Asti", "Biella"),
                     stringsAsFactors = FALSE)
rows <- list()
for (s in seq_len(nrow(cells))) {
  ndays <- sample(3:6, 1)
  popdays <- sample(22:30, 1)
  for (d in seq_len(ndays)) {
    m <- sample(5:14, 1)
    effect <- rnorm(1, 0, 0.5)
    answer <- function(mu, sd) pmin(5, pmax(1, round(mu + effect + rnorm(m, 0, sd))))
    q1 <- answer(3.6, 0.9)
    q2 <- answer(3.2, 1.0)
    q3 <- answer(3.9, 0.8)
    q1[runif(m) < 0.06] <- NA
    q2[runif(m) < 0.08] <- 9  # don't know
    q3[runif(m) < 0.05] <- NA
    rec <- pmin(10, pmax(0, round(7.4 + 1.6 * effect + rnorm(m, 0, 1.9))))
    rec[runif(m) < 0.04] <- NA
    rows[[length(rows) + 1]] <- data.frame(
      city = cells$city[s], sportello = paste(cells$city[s], cells$counter[s], sep = "-"),
      day = d, days = popdays, w = round(popdays * 30 / (ndays * m) * runif(m, 0.7, 1.3), 3),
      q1 = q1, q2 = q2, q3 = q3, rec = rec, stringsAsFactors = FALSE)
  }
}
data <- do.call(rbind, rows)
save(data, "scoring_data.csv")

# the variables the scoring builds from the answers
v <- data
v$q2[v$q2 == 9] <- NA  # a don't-know is no answer
for (q in c("q1", "q2", "q3")) v[[paste0("top_", q)]] <- as.numeric(v[[q]] >= 4)
v$promoter <- as.numeric(v$rec >= 9)
v$detractor <- as.numeric(v$rec <= 6)
v$nps <- 100 * (v$promoter - v$detractor)
rescaled <- function(x) (x - 1) / 4 * 100
a <- cbind(rescaled(v$q1), rescaled(v$q2))
v$index_a <- ifelse(rowSums(!is.na(a)) >= 1, rowMeans(a, na.rm = TRUE), NA)  # 1 of 2 items
v$index_b <- rescaled(v$q3)
dims <- cbind(v$index_a, v$index_b)
v$index_overall <- ifelse(rowSums(!is.na(dims)) >= 1, rowMeans(dims, na.rm = TRUE), NA)

options(survey.lonely.psu = "fail")
design <- svydesign(id = ~day, strata = ~sportello, weights = ~w, fpc = ~days, nest = TRUE,
                    data = v)

# -- estimates -----------------------------------------------------------------------------
results <- list()
add <- function(level, variable, city, estimate, se, low, high, df, deff, sd = NA) {
  results[[length(results) + 1]] <<- data.frame(
    level = level, variable = variable, city = as.character(city),
    estimate = as.numeric(estimate), se = as.numeric(se), ci_low = as.numeric(low),
    ci_high = as.numeric(high), df = as.numeric(df), deff = as.numeric(deff),
    sd = as.numeric(sd), stringsAsFactors = FALSE)
}

mean_row <- function(level, variable, label, d, city) {
  f <- as.formula(paste0("~", variable))
  m <- svymean(f, d, na.rm = TRUE, deff = TRUE)
  df <- degf(d)
  half <- qt(0.975, df) * SE(m)
  # svyvar's n/(n - 1) counts the rows with a weight: those with an answer (as svymean's
  # deff does; svyvar(na.rm = TRUE) on d would count the unanswered rows too)
  answered <- d[!is.na(d$variables[[variable]]), ]
  sd <- sqrt(as.numeric(svyvar(f, answered)))
  add(level, label, city, coef(m), SE(m), coef(m) - half, coef(m) + half, df, deff(m), sd)
}

share_row <- function(q, d, city) {
  m <- svymean(as.formula(paste0("~top_", q)), d, na.rm = TRUE, deff = TRUE)
  p <- svyciprop(as.formula(paste0("~I(top_", q, " == 1)")), d, method = "logit",
                 na.rm = TRUE)
  stopifnot(abs(coef(p) - coef(m)) < 1e-8)  # svyglm converges to the mean
  ci <- attr(p, "ci")
  add("top2", q, city, coef(m), SE(m), ci[1], ci[2], degf(d), deff(m))
}

for (city in c("", sort(unique(v$city)))) {
  # a domain: the design's rows of the city, with every stratum and PSU kept (as svyby)
  d <- if (city == "") design else design[design$variables$city == city, ]
  for (q in c("q1", "q2", "q3")) {
    mean_row("item", q, q, d, city)
    share_row(q, d, city)
  }
  mean_row("nps", "nps", "rec", d, city)
  # the NPS as the difference of two shares (svycontrast): the same estimate and SE
  both <- svymean(~promoter + detractor, subset(d, !is.na(rec)))
  contrast <- svycontrast(both, c(promoter = 100, detractor = -100))
  last <- results[[length(results)]]
  stopifnot(abs(coef(contrast) - last$estimate) < 1e-9, abs(SE(contrast) - last$se) < 1e-9)
  for (dim in c("a", "b", "overall")) mean_row("index", paste0("index_", dim), dim, d, city)
}

save(do.call(rbind, results), "scoring_results.csv")
save(data.frame(
  package = c("R", "survey"),
  version = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("survey")))
), "scoring_versions.csv")
