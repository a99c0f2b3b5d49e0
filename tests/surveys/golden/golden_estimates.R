# Shared by the survey golden scripts (make_design_golden.R, make_calibration_golden.R,
# make_scoring_golden.R, make_tests_golden.R,
# make_replicate_golden.R), sourced by them: where the script is (`here`), writing csv files
# with 17 significant digits (`save`), and the estimates: whole-sample (`whole`) and domain
# (`domains`) svymean, svytotal, svyratio and svyciprop rows collected by `add` in `results`.

suppressPackageStartupMessages(library(survey))

here <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f) == 1) dirname(normalizePath(f)) else "tests/surveys/golden"
})

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

save <- function(df, name) {
  out <- df
  for (col in names(out)) if (is.numeric(out[[col]])) out[[col]] <- num(out[[col]])
  write.csv(out, file.path(here, name), row.names = FALSE, quote = FALSE, na = "")
}
save_versions <- function(name) {  # the versions of R and survey that made the files
  save(data.frame(
    package = c("R", "survey"),
    version = c(paste(R.version$major, R.version$minor, sep = "."),
                as.character(packageVersion("survey")))
  ), name)
}
load <- function(name) read.csv(file.path(here, name), stringsAsFactors = FALSE)

results <- list()
add <- function(design, lonely, statistic, variable, estimate, se, ci, df, deff = NA,
                deff_replace = NA, by = "", domain = "") {
  results[[length(results) + 1]] <<- data.frame(
    design = design, lonely = lonely, statistic = statistic, variable = variable, by = by,
    domain = as.character(domain), estimate = as.numeric(estimate), se = as.numeric(se),
    ci_low = as.numeric(ci[, 1]), ci_high = as.numeric(ci[, 2]), df = df,
    deff = as.numeric(deff), deff_replace = as.numeric(deff_replace),
    stringsAsFactors = FALSE)
}
# The design effect of a ratio r = c(numerator, denominator) on design d (a domain: its
# subset, as svyby does), kind TRUE (without replacement) or "replace".
svyratio_deff <- function(d, r, ratio, kind) {
  as.numeric(deff(svyratio(as.formula(paste0("~`", r[1], "`")),
                           as.formula(paste0("~`", r[2], "`")), d, deff = kind, na.rm = TRUE)))
}
# survey 4.1.1's svyratio(deff = TRUE) on a svyrep.design stops ("rval[i, j]: incorrect
# number of dimensions", rval being a list there); its code means the design effect of the
# total of y - R x on the complete cases, computed so for replicate designs.
total_u_deff <- function(d, r, ratio, kind) {
  y <- d$variables[[r[1]]]
  x <- d$variables[[r[2]]]
  keep <- !is.na(y) & !is.na(x)
  d <- d[keep, ]
  d$variables$.u <- y[keep] - ratio * x[keep]
  as.numeric(deff(svytotal(~.u, d, deff = kind)))
}

whole <- function(name, lonely, d, means, totals, ratios, props, na = FALSE,
                  ratio_deff = svyratio_deff) {
  for (v in means) {
    f <- as.formula(paste0("~`", v, "`"))
    m <- svymean(f, d, deff = TRUE, na.rm = na)
    mr <- svymean(f, d, deff = "replace", na.rm = na)
    add(name, lonely, "mean", v, coef(m), SE(m), confint(m), degf(d), deff(m), deff(mr))
  }
  for (v in totals) {
    f <- as.formula(paste0("~`", v, "`"))
    m <- svytotal(f, d, deff = TRUE, na.rm = na)
    mr <- svytotal(f, d, deff = "replace", na.rm = na)
    add(name, lonely, "total", v, coef(m), SE(m), confint(m), degf(d), deff(m), deff(mr))
  }
  for (r in ratios) {
    m <- svyratio(as.formula(paste0("~`", r[1], "`")), as.formula(paste0("~`", r[2], "`")),
                  d, na.rm = na)
    add(name, lonely, "ratio", paste(r, collapse = "/"), coef(m), SE(m), confint(m),
        degf(d), ratio_deff(d, r, coef(m), TRUE), ratio_deff(d, r, coef(m), "replace"))
  }
  for (p in props) {
    f <- as.formula(paste0("~I(`", p[1], "` == ", p[2], ")"))
    for (method in c("logit", "beta")) {
      m <- svyciprop(f, d, method = method)
      add(name, lonely, c(logit = "ciprop", beta = "ciprop_beta")[[method]],
          paste(p, collapse = "="), coef(m), SE(m), matrix(attr(m, "ci"), 1), degf(d))
    }
  }
}

domains <- function(name, lonely, d, by, means, ratios, props, na = FALSE,
                    ratio_deff = svyratio_deff) {
  fb <- as.formula(paste0("~", by))
  for (v in means) {
    f <- as.formula(paste0("~`", v, "`"))
    m <- svyby(f, fb, d, svymean, deff = TRUE, na.rm = na)
    mr <- svyby(f, fb, d, svymean, deff = "replace", na.rm = na)
    dfs <- sapply(m[[by]], function(l) degf(d[d$variables[[by]] == l, ]))
    add(name, lonely, "mean", v, coef(m), SE(m), confint(m), dfs, m$DEff, mr$DEff,
        by, m[[by]])
    t <- svyby(f, fb, d, svytotal, deff = TRUE, na.rm = na)
    tr <- svyby(f, fb, d, svytotal, deff = "replace", na.rm = na)
    add(name, lonely, "total", v, coef(t), SE(t), confint(t), dfs, t$DEff, tr$DEff,
        by, t[[by]])
  }
  for (r in ratios) {
    m <- svyby(as.formula(paste0("~`", r[1], "`")), fb, d, svyratio,
               denominator = as.formula(paste0("~`", r[2], "`")), na.rm = na)
    dfs <- sapply(m[[by]], function(l) degf(d[d$variables[[by]] == l, ]))
    sub <- lapply(m[[by]], function(l) d[d$variables[[by]] %in% l, ])
    add(name, lonely, "ratio", paste(r, collapse = "/"), coef(m), SE(m), confint(m), dfs,
        mapply(ratio_deff, sub, list(r), coef(m), TRUE),
        mapply(ratio_deff, sub, list(r), coef(m), "replace"), by, m[[by]])
  }
  for (p in props) {
    f <- as.formula(paste0("~I(`", p[1], "` == ", p[2], ")"))
    for (method in c("logit", "beta")) {
      m <- svyby(f, fb, d, svyciprop, vartype = c("se", "ci"), method = method)
      dfs <- sapply(m[[by]], function(l) degf(d[d$variables[[by]] == l, ]))
      add(name, lonely, c(logit = "ciprop", beta = "ciprop_beta")[[method]],
          paste(p, collapse = "="), coef(m), SE(m), cbind(m$ci_l, m$ci_u), dfs, by = by,
          domain = m[[by]])
    }
  }
}
