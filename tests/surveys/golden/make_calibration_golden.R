# Golden reference values for qualitapa.surveys.calibrate: R `survey`'s calibrate()
# (linear/GREG, raking, bounded logit, bounded linear and raking, joint margins, numeric
# totals, trimming, a calibration of a calibrated design) and the estimates of the
# calibrated designs (svymean, svytotal, svyratio, svyby), whose standard errors use the
# residuals of the calibration (svyrecvar's greg_calibration step).
#
# Regenerate (from the repository root; R and the Debian packages r-cran-survey and
# r-cran-mass, whose ginv() survey's grake() calls: `apt-get install r-base-core
# r-cran-survey r-cran-mass`):
#
#     Rscript tests/surveys/golden/make_calibration_golden.R
#
# Generated with R 4.2.2, survey 4.1.1 (calibration_versions.csv). Inputs: R's `api`
# data, the survey manual's examples: apistrat (stratified by school type, fpc),
# apiclus1 (one-stage cluster sample of districts, fpc) and apisrs without weights
# (every weight 1: R rescales the weights before applying bounds, grake's
# SOMETHRESHOLD); the population totals are those of apipop, the whole population of
# 6194 schools, so the margins are consistent as a register's are.
# Which test reads which file: tests/surveys/test_surveys_calibration_golden.py.
#
# calibration_<data>.csv: the sample, with `row` (1..n, the order R used).
# calibration_cases.csv: case, step (a case with two steps calibrates the design
#   calibrated by step 1), data, method (linear, raking, logit), lower, upper (bounds
#   on g = calibrated / base weight; empty: none), trim_lower, trim_upper (calibrate's
#   trim = c(lower, upper); empty: none), formula (R's).
# calibration_margins.csv: case, step, margin (a column, or columns joined by ":" for
#   a joint margin; "(Intercept)": the population size, given when no categorical margin
#   implies it), level (the level, levels joined by ":"; empty for a numeric total or
#   the size), total (in the population).
# calibration_weights.csv: case, row, weight (the calibrated weights).
# calibration_<data>.csv has `high` = api00 >= 700, for a share.
# calibration_results.csv: case, statistic (mean, total, ratio; ciprop: svyciprop of
#   high, method "logit", ciprop_beta: method "beta"), variable, by, domain,
#   estimate, se, deff (deff = TRUE, SRS without replacement; empty for svyby and
#   svyciprop), ci_low, ci_high (svyciprop's interval; empty for the others).
# calibration_chisq.csv: case, rows, cols, statistic (svychisq's "F" and "Chisq"),
#   value, ndf, ddf, p_value.

# here, num, save: golden_estimates.R (shared by the design golden scripts)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "golden_estimates.R"))

save(data.frame(
  package = c("R", "survey", "MASS"),
  version = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("survey")), as.character(packageVersion("MASS")))
), "calibration_versions.csv")

# -- inputs ------------------------------------------------------------------------------
data(api)
columns <- c("stype", "sch.wide", "awards", "both", "api00", "api99", "enroll")
text <- function(df) {
  for (v in c("stype", "sch.wide", "awards", "both")) df[[v]] <- as.character(df[[v]])
  df$high <- as.numeric(df$api00 >= 700)  # a share no calibration here explains
  df
}
strat <- text(apistrat[, c(columns, "pw", "fpc")])
clus1 <- text(apiclus1[, c(columns, "dnum", "pw", "fpc")])
srs <- text(apisrs[, columns])
pop <- text(apipop[, columns])
for (v in c("stype", "sch.wide", "awards", "both")) {
  # the same factor levels in sample and population (treatment contrasts alike)
  levels <- sort(unique(pop[[v]]))
  strat[[v]] <- factor(strat[[v]], levels)
  clus1[[v]] <- factor(clus1[[v]], levels)
  srs[[v]] <- factor(srs[[v]], levels)
  pop[[v]] <- factor(pop[[v]], levels)
}
save(cbind(row = seq_len(nrow(strat)), strat), "calibration_apistrat.csv")
save(cbind(row = seq_len(nrow(clus1)), clus1), "calibration_apiclus1.csv")
save(cbind(row = seq_len(nrow(srs)), srs), "calibration_apisrs.csv")

designs <- list(
  apistrat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat),
  apiclus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1),
  apisrs = suppressWarnings(svydesign(id = ~1, data = srs))  # no weights: all 1
)

# -- cases -------------------------------------------------------------------------------
# margins: categorical (one column), joint (columns joined by ":"), numeric totals.
case <- function(name, data, method, cats = character(), joint = character(),
                 nums = character(), bounds = c(-Inf, Inf), trim = NULL, step = 1) {
  list(name = name, data = data, method = method, cats = cats, joint = joint,
       nums = nums, bounds = bounds, trim = trim, step = step)
}
cases <- list(
  case("strat_linear", "apistrat", "linear", c("sch.wide", "awards"), nums = "api99"),
  case("strat_raking", "apistrat", "raking", c("sch.wide", "awards"), nums = "api99"),
  case("strat_logit", "apistrat", "logit", c("sch.wide", "awards"), nums = "api99",
       bounds = c(0.7, 1.08)),
  case("strat_linear_bounded", "apistrat", "linear", c("sch.wide", "awards"),
       nums = "api99", bounds = c(0.7, 1.08)),
  case("strat_raking_bounded", "apistrat", "raking", c("sch.wide", "awards"),
       nums = "api99", bounds = c(0.78, 1.2)),
  case("strat_joint_linear", "apistrat", "linear", joint = "stype:sch.wide"),
  case("strat_joint_raking", "apistrat", "raking", "awards", joint = "stype:sch.wide"),
  # (R's linear calibration without bounds ignores trim: regcalibrate has none)
  case("strat_trim", "apistrat", "raking", c("sch.wide", "awards"), nums = "api99",
       trim = c(0.8, 1.08)),
  case("strat_twice", "apistrat", "raking", c("sch.wide", "awards")),
  case("strat_twice", "apistrat", "linear", nums = "api99", step = 2),
  case("clus_linear", "apiclus1", "linear", c("stype", "sch.wide"), nums = "api99"),
  case("clus_raking", "apiclus1", "raking", c("stype", "sch.wide"), nums = "api99"),
  case("clus_logit", "apiclus1", "logit", c("stype", "sch.wide"), nums = "api99",
       bounds = c(0.45, 2.2)),
  case("clus_joint_linear", "apiclus1", "linear", joint = "stype:sch.wide", nums = "api99"),
  case("srs_logit", "apisrs", "logit", c("stype", "awards"), nums = "api99",
       bounds = c(0.5, 1.6)),
  case("srs_raking", "apisrs", "raking", c("stype", "awards"))
)

formula_of <- function(k) {
  terms <- c(k$cats, gsub(":", "*", k$joint), k$nums)
  as.formula(paste("~", paste(terms, collapse = " + ")))
}

margins_of <- function(k) {
  rows <- list()
  for (v in k$cats) {
    t <- table(pop[[v]])
    rows[[length(rows) + 1]] <- data.frame(margin = v, level = names(t),
                                           total = as.numeric(t))
  }
  for (j in k$joint) {
    vs <- strsplit(j, ":")[[1]]
    t <- as.data.frame(table(pop[, vs]), stringsAsFactors = FALSE)
    rows[[length(rows) + 1]] <- data.frame(
      margin = j, level = do.call(paste, c(t[vs], sep = ":")), total = t$Freq)
  }
  if (!length(k$cats) && !length(k$joint)) {  # the formula's intercept: the population size
    rows[[length(rows) + 1]] <- data.frame(margin = "(Intercept)", level = "",
                                           total = nrow(pop))
  }
  for (v in k$nums) {
    rows[[length(rows) + 1]] <- data.frame(margin = v, level = "", total = sum(pop[[v]]))
  }
  cbind(case = k$name, step = k$step, do.call(rbind, rows))
}

cal_results <- list()
add_result <- function(name, statistic, variable, estimate, se, deff = NA, by = "",
                       domain = "", ci = c(NA, NA)) {
  cal_results[[length(cal_results) + 1]] <<- data.frame(
    case = name, statistic = statistic, variable = variable, by = by,
    domain = as.character(domain), estimate = as.numeric(estimate), se = as.numeric(se),
    deff = as.numeric(deff), ci_low = as.numeric(ci[1]), ci_high = as.numeric(ci[2]),
    stringsAsFactors = FALSE)
}
tests <- list()

estimates <- function(name, d) {
  for (v in c("api00", "enroll")) {
    m <- svymean(as.formula(paste0("~", v)), d, deff = TRUE, na.rm = TRUE)
    add_result(name, "mean", v, coef(m), SE(m), deff(m))
  }
  for (v in c("enroll", "api99")) {
    t <- svytotal(as.formula(paste0("~", v)), d, deff = TRUE, na.rm = TRUE)
    add_result(name, "total", v, coef(t), SE(t), deff(t))
  }
  r <- svyratio(~api00, ~api99, d)
  add_result(name, "ratio", "api00/api99", coef(r), SE(r))
  b <- svyby(~api00, ~both, d, svymean)
  add_result(name, "mean", "api00", coef(b), SE(b), by = "both", domain = b$both)
  b <- svyby(~enroll, ~both, d, svytotal, na.rm = TRUE)
  add_result(name, "total", "enroll", coef(b), SE(b), by = "both", domain = b$both)
  for (method in c("logit", "beta")) {
    p <- svyciprop(~high, d, method = method)
    add_result(name, if (method == "logit") "ciprop" else "ciprop_beta", "high=1", coef(p),
        SE(p), ci = attr(p, "ci"))
  }
  for (statistic in c("F", "Chisq")) {
    t <- svychisq(~high + stype, d, statistic = statistic)
    par <- t$parameter
    tests[[length(tests) + 1]] <<- data.frame(
      case = name, rows = "high", cols = "stype", statistic = statistic,
      value = as.numeric(t$statistic), ndf = as.numeric(par[1]),
      ddf = if (length(par) > 1) as.numeric(par[2]) else NA, p_value = t$p.value,
      stringsAsFactors = FALSE)
  }
}

calibrated <- list()
case_rows <- list()
margin_rows <- list()
weight_rows <- list()
for (k in cases) {
  d <- if (k$step == 1) designs[[k$data]] else calibrated[[k$name]]
  f <- formula_of(k)
  population <- colSums(model.matrix(f, pop))
  cal <- calibrate(d, f, population, calfun = k$method, bounds = k$bounds, trim = k$trim,
                   epsilon = 1e-13, maxit = 200)
  calibrated[[k$name]] <- cal
  bound <- function(x) if (is.finite(x)) x else NA
  case_rows[[length(case_rows) + 1]] <- data.frame(
    case = k$name, step = k$step, data = k$data, method = k$method,
    lower = bound(k$bounds[1]), upper = bound(k$bounds[2]),
    trim_lower = if (is.null(k$trim)) NA else k$trim[1],
    trim_upper = if (is.null(k$trim)) NA else k$trim[2],
    formula = gsub(" ", "", paste(deparse(f), collapse = "")))
  margin_rows[[length(margin_rows) + 1]] <- margins_of(k)
}
for (name in names(calibrated)) {
  w <- weights(calibrated[[name]])
  weight_rows[[length(weight_rows) + 1]] <- data.frame(case = name, row = seq_along(w),
                                                       weight = w)
  estimates(name, calibrated[[name]])
}
# the uncalibrated designs too: the Python test checks its baseline first
for (name in names(designs)) estimates(paste0("none_", name), designs[[name]])

save(do.call(rbind, case_rows), "calibration_cases.csv")
save(do.call(rbind, margin_rows), "calibration_margins.csv")
save(do.call(rbind, weight_rows), "calibration_weights.csv")
save(do.call(rbind, cal_results), "calibration_results.csv")
save(do.call(rbind, tests), "calibration_chisq.csv")
