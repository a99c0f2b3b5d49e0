# Golden reference values for qualitapa.surveys' design-based comparisons (design_ttest,
# design_wald_test, compare_groups(design=...)), multiple-comparison corrections and
# exact intervals of a proportion, computed with R (stats) and R `survey`.
#
# Regenerate (from the repository root; R and the Debian package r-cran-survey):
#
#     Rscript tests/surveys/golden/make_tests_golden.R
#
# Generated with R 4.2.2, survey 4.1.1 (written to tests_versions.csv). The designs are
# those of make_design_golden.R, on the data it wrote (design_apistrat.csv,
# design_apiclus1.csv, design_likert.csv: read back here, so both sides use the same
# numbers). Which test reads which file: tests/surveys/test_surveys_design_tests.py and
# tests/surveys/test_surveys_effects.py.
#
# design_tests.csv, one row per test:
#   design, test ("ttest": svyttest(y ~ g) on the design restricted to the two groups
#   level_a and level_b, R's subset(); "wald": regTermTest(svyglm(y ~ g), ~g), the Wald
#   test of equal means of every group, F on the residual df of svyglm), variable,
#   group, level_a, level_b, estimate (ttest: mean of level_b minus mean of level_a,
#   R's coefficient; wald: NA), se, statistic (t or F), df_num (wald: groups - 1),
#   df_den (t's df; F's denominator df), p_value.
# design_tests_chisq.csv: svychisq(~g + y, subset(design, g %in% c(level_a, level_b)))
#   (second-order Rao-Scott F), the pairs and all the groups ("" levels).
# p_adjust_more.csv: stats::p.adjust "hommel" and "BY" of the p-values of p_adjust.csv
#   (written by make_golden.R), NA kept in place.
# proportion_intervals.csv: Clopper-Pearson (binom.test(x, n)$conf.int) and Jeffreys
#   (qbeta(a/2, x + 1/2, n - x + 1/2), qbeta(1 - a/2, x + 1/2, n - x + 1/2)) at 95% and 90%.

# survey, here, num, save: golden_estimates.R (shared by the survey golden scripts)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "golden_estimates.R"))

load <- function(name) {
  text <- c(stype = "character", sch.wide = "character", awards = "character",
            city = "character", counter = "character", age = "character",
            stratum = "character")
  header <- names(read.csv(file.path(here, name), nrows = 1))
  read.csv(file.path(here, name), stringsAsFactors = FALSE,
           colClasses = text[names(text) %in% header])
}

save(data.frame(
  package = c("R", "survey"),
  version = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("survey")))
), "tests_versions.csv")

strat <- load("design_apistrat.csv")
clus1 <- load("design_apiclus1.csv")
likert <- load("design_likert.csv")
designs <- list(
  apistrat = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc),
  apiclus1 = svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc),
  likert = svydesign(id = ~day, strata = ~stratum, weights = ~w, fpc = ~days, nest = TRUE,
                     data = likert)
)

rows <- list()
chisqs <- list()
add <- function(row) rows[[length(rows) + 1]] <<- row

pairs_of <- function(levels) {
  if (length(levels) < 2) return(list())
  combn(levels, 2, simplify = FALSE)
}

compare <- function(name, y, g, share = NULL) {
  d <- designs[[name]]
  levels <- sort(unique(d$variables[[g]]))
  for (p in pairs_of(levels)) {
    sub <- d[d$variables[[g]] %in% p, ]
    t <- svyttest(as.formula(paste(y, "~", g)), sub)
    add(data.frame(design = name, test = "ttest", variable = y, group = g,
                   level_a = p[1], level_b = p[2], estimate = as.numeric(t$estimate),
                   se = as.numeric(t$estimate / t$statistic),
                   statistic = as.numeric(t$statistic), df_num = 1,
                   df_den = as.numeric(t$parameter), p_value = t$p.value,
                   stringsAsFactors = FALSE))
  }
  m <- svyglm(as.formula(paste(y, "~", g)), d)
  w <- regTermTest(m, as.formula(paste("~", g)))
  add(data.frame(design = name, test = "wald", variable = y, group = g, level_a = "",
                 level_b = "", estimate = NA, se = NA, statistic = as.numeric(w$Ftest),
                 df_num = w$df, df_den = w$ddf, p_value = as.numeric(w$p),
                 stringsAsFactors = FALSE))
  if (!is.null(share)) {
    f <- as.formula(paste0("~", g, " + ", share))
    subsets <- c(if (length(levels) > 2) list(levels), pairs_of(levels))
    for (p in subsets) {
      sub <- d[d$variables[[g]] %in% p, ]
      x <- svychisq(f, sub, statistic = "F")
      chisqs[[length(chisqs) + 1]] <<- data.frame(
        design = name, variable = share, group = g,
        level_a = if (length(p) == 2) p[1] else "", level_b = if (length(p) == 2) p[2] else "",
        statistic = as.numeric(x$statistic), df_num = as.numeric(x$parameter[1]),
        df_den = as.numeric(x$parameter[2]), p_value = x$p.value, stringsAsFactors = FALSE)
    }
  }
}

compare("apistrat", "api00", "sch.wide")     # domains across the strata
compare("apistrat", "api00", "awards")
compare("apistrat", "enroll", "stype")       # the strata themselves: independent domains
compare("apiclus1", "api00", "stype")        # clustered: the domains' means are correlated
compare("apiclus1", "enroll", "sch.wide")
compare("likert", "q1", "age", share = "top")   # q1 has missing answers
compare("likert", "q2", "city", share = "top")
compare("likert", "q1", "city")
compare("likert", "q2", "counter")
save(do.call(rbind, rows), "design_tests.csv")
save(do.call(rbind, chisqs), "design_tests_chisq.csv")

# -- p.adjust: Hommel and Benjamini-Yekutieli ----------------------------------------------
p <- read.csv(file.path(here, "p_adjust.csv"))$p
save(data.frame(p = p, hommel = p.adjust(p, "hommel"), fdr_by = p.adjust(p, "BY")),
     "p_adjust_more.csv")

# -- exact and Jeffreys intervals of a proportion ------------------------------------------
grid <- expand.grid(x = c(0, 1, 3, 7, 20), n = c(7, 20, 263), confidence = c(0.95, 0.90))
grid <- rbind(grid[grid$x <= grid$n, ], data.frame(x = 81, n = 263, confidence = 0.95))
cp <- t(mapply(function(x, n, cl) binom.test(x, n, conf.level = cl)$conf.int,
               grid$x, grid$n, grid$confidence))
a <- (1 - grid$confidence) / 2
save(data.frame(grid, cp_low = cp[, 1], cp_high = cp[, 2],
                jeffreys_low = ifelse(grid$x == 0, 0, qbeta(a, grid$x + 0.5, grid$n - grid$x + 0.5)),
                jeffreys_high = ifelse(grid$x == grid$n, 1,
                                       qbeta(1 - a, grid$x + 0.5, grid$n - grid$x + 0.5))),
     "proportion_intervals.csv")
