# Golden reference values for the tests of qualitapa.surveys, computed with R.
#
# Regenerate (from the repository root; R and the Debian packages r-cran-survey and
# r-cran-psych, e.g. `apt-get install r-base-core r-cran-survey r-cran-psych`):
#
#     Rscript tests/surveys/golden/make_golden.R
#
# Generated with R 4.2.2, survey 4.1.1, psych 2.2.9 (the versions are also written to
# versions.csv). Every input data set is written next to its results, so the Python
# tests read the very numbers R used; numbers are written with 17 significant digits.
# Which test reads which file: tests/surveys/test_surveys_golden.py.

suppressPackageStartupMessages({
  library(survey)
  library(psych)
})

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

save(data.frame(
  package = c("R", "survey", "psych"),
  version = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("survey")), as.character(packageVersion("psych")))
), "versions.csv")

# -- trimWeights (survey) --------------------------------------------------------------
# survey::trimWeights.survey.design2: units with weight < lower or > upper (strict
# inequalities) are clipped to the bound; the net amount trimmed is added in equal
# shares to the units not outside; strict = TRUE repeats until no unit is outside.
# Bounds there are absolute: qualitapa's relative bounds times the mean weight.
set.seed(12)
trim_cases <- list(
  list(case = "issue12", w = c(0.2, 0.4, 1, 1, 1, 1, 2.4), lower = 0.5, upper = 1.5,
       expect = "same"),   # both bounds, one pass
  list(case = "upper_only", w = c(1, 1, 1, 5), lower = NA, upper = 1.5, expect = "same"),
  list(case = "upper_only_passes", w = round(exp(rnorm(60, 0, 0.9)), 4), lower = NA,
       upper = 2, expect = "same"),
  list(case = "lower_only_passes", w = round(exp(rnorm(60, 0, 0.9)), 4), lower = 0.4,
       upper = NA, expect = "same"),
  list(case = "both_passes", w = c(0.1, 0.9, 1, 1.2, 1.3, 3.5), lower = 0.375, upper = 1.2,
       expect = "differs")  # a second pass: R also shares onto the unit raised to lower
)
trim_rows <- list()
for (tc in trim_cases) {
  m <- mean(tc$w)
  lo <- if (is.na(tc$lower)) -Inf else tc$lower * m
  hi <- if (is.na(tc$upper)) Inf else tc$upper * m
  d <- svydesign(ids = ~1, weights = ~w, data = data.frame(w = tc$w))
  once <- weights(trimWeights(d, lower = lo, upper = hi, strict = FALSE))
  # strict = TRUE is trimWeights(strict = FALSE) called again until no weight is
  # outside. It is run here as that loop, with the "outside" test allowing 1e-12:
  # trimWeights stores 1/weight, and 1/(1/upper) can come back one ulp above upper,
  # so with strict = TRUE the recursion never ends on some inputs (both_passes: "C
  # stack usage too close to the limit").
  for (pass in 1:500) {
    d <- trimWeights(d, lower = lo, upper = hi, strict = FALSE)
    pw <- weights(d)
    if (!any(pw > hi * (1 + 1e-12) | pw < lo * (1 - 1e-12))) break
  }
  strict <- weights(d)
  trim_rows[[tc$case]] <- data.frame(
    case = tc$case, expect = tc$expect, unit = seq_along(tc$w), w = tc$w,
    lower = tc$lower, upper = tc$upper, r_strict = unname(strict), r_once = unname(once),
    passes = pass
  )
}
save(do.call(rbind, trim_rows), "trim_weights.csv")

# -- weighted means: svymean / svyby (survey) ------------------------------------------
# One-stage design without strata or clusters, weights only: the Hajek mean and its
# linearisation SE, v = n/(n-1) * sum(w_i^2 (y_i - ybar)^2) / (sum w)^2.
set.seed(2024)
n <- 80
svy <- data.frame(
  respondent = seq_len(n),
  g = sample(c("a", "b", "c"), n, replace = TRUE),
  y = sample(1:5, n, replace = TRUE, prob = c(0.1, 0.15, 0.25, 0.3, 0.2)),
  rec = sample(0:10, n, replace = TRUE),
  w = round(exp(rnorm(n, 0, 0.6)), 4)
)
save(svy, "svy_data.csv")
svy$top <- as.numeric(svy$y >= 4)
svy$nps_score <- 100 * (svy$rec >= 9) - 100 * (svy$rec <= 6)
svy$one <- 1
mean_rows <- list()
for (wt in c("w", "one")) {
  d <- svydesign(ids = ~1, weights = as.formula(paste0("~", wt)), data = svy)
  for (v in c("y", "top", "nps_score")) {
    est <- svymean(as.formula(paste0("~", v)), d)
    mean_rows[[length(mean_rows) + 1]] <- data.frame(
      weights = wt, group = "", variable = v, mean = unname(coef(est)), se = unname(SE(est))
    )
  }
  by <- svyby(~y, ~g, d, svymean)
  mean_rows[[length(mean_rows) + 1]] <- data.frame(
    weights = wt, group = as.character(by$g), variable = "y", mean = by$y, se = by$se
  )
}
save(do.call(rbind, mean_rows), "svymean.csv")

# -- rake and postStratify (survey) ----------------------------------------------------
set.seed(7)
n <- 300
rk <- data.frame(
  respondent = seq_len(n),
  sex = sample(c("F", "M"), n, replace = TRUE, prob = c(0.65, 0.35)),
  age = sample(c("18-34", "35-64", "65+"), n, replace = TRUE, prob = c(0.2, 0.45, 0.35)),
  edu = sample(c("low", "mid", "high"), n, replace = TRUE, prob = c(0.3, 0.4, 0.3)),
  d = round(runif(n, 0.5, 2), 4)
)
save(rk, "rake_data.csv")
pop_sex <- data.frame(sex = c("F", "M"), Freq = c(5200, 4800))
pop_age <- data.frame(age = c("18-34", "35-64", "65+"), Freq = c(2500, 4500, 3000))
pop_edu <- data.frame(edu = c("low", "mid", "high"), Freq = c(3000, 4000, 3000))
margins <- rbind(
  data.frame(variable = "sex", category = pop_sex$sex, target = pop_sex$Freq),
  data.frame(variable = "age", category = pop_age$age, target = pop_age$Freq),
  data.frame(variable = "edu", category = pop_edu$edu, target = pop_edu$Freq)
)
save(margins, "rake_margins.csv")
d <- svydesign(ids = ~1, weights = ~d, data = rk)
raked <- rake(d, list(~sex, ~age, ~edu), list(pop_sex, pop_age, pop_edu),
              control = list(maxit = 1000, epsilon = 1e-9, verbose = FALSE))
pop_cells <- expand.grid(sex = c("F", "M"), age = c("18-34", "35-64", "65+"),
                         stringsAsFactors = FALSE)
pop_cells$Freq <- c(1100, 1400, 2300, 2200, 1800, 1200)
save(pop_cells, "poststrat_population.csv")
ps <- postStratify(d, ~sex + age, pop_cells)
save(data.frame(respondent = rk$respondent, rake = unname(weights(raked)),
                poststratify = unname(weights(ps))), "rake_weights.csv")

# -- Cronbach's alpha (psych) ----------------------------------------------------------
# psych::alpha(use = "pairwise"): raw_alpha from cov(x, use = "pairwise"); r.drop is
# the item-rest correlation, alpha.drop$raw_alpha the alpha if the item is dropped; the
# Feldt interval (alpha$feldt, psych::alpha.ci) uses n = nrow(x).
set.seed(31)
n <- 150
trait <- rnorm(n)
al <- data.frame(respondent = seq_len(n))
loads <- c(0.9, 0.7, 0.6, 0.8, 0.4)
for (i in 1:5) {
  al[[paste0("q", i)]] <- pmin(5, pmax(1, round(3 + loads[i] * trait + rnorm(n, 0, 0.8))))
}
miss <- al
for (i in 1:5) miss[sample(n, 12), paste0("q", i)] <- NA
miss <- miss[rowSums(!is.na(miss[, -1])) > 0, ]  # no respondent without answers
save(al, "alpha_complete.csv")
save(miss, "alpha_missing.csv")
alpha_rows <- list()
for (nm in c("complete", "missing")) {
  x <- if (nm == "complete") al[, -1] else miss[, -1]
  a <- psych::alpha(x, warnings = FALSE)
  alpha_rows[[nm]] <- data.frame(
    data = nm, item = c("", colnames(x)),
    n = c(nrow(x), a$item.stats$n),
    raw_alpha = c(a$total$raw_alpha, a$alpha.drop$raw_alpha),
    r_drop = c(NA, a$item.stats$r.drop),
    feldt_low = c(as.numeric(a$feldt$lower.ci), rep(NA, ncol(x))),
    feldt_high = c(as.numeric(a$feldt$upper.ci), rep(NA, ncol(x)))
  )
}
# listwise: alpha on the complete rows, Feldt interval with their number
cc <- miss[complete.cases(miss), -1]
a <- psych::alpha(cc, warnings = FALSE)
ci <- psych::alpha.ci(a$total$raw_alpha, nrow(cc), ncol(cc))
alpha_rows[["listwise"]] <- data.frame(
  data = "missing_listwise", item = "", n = nrow(cc), raw_alpha = a$total$raw_alpha,
  r_drop = NA, feldt_low = as.numeric(ci$lower.ci), feldt_high = as.numeric(ci$upper.ci)
)
save(do.call(rbind, alpha_rows), "alpha.csv")

# -- pairwise-complete correlations (IPA derived importance) ---------------------------
# cor(use = "pairwise"): every moment of a pair from the rows where both are present;
# standardised regression coefficients solve(R_xx, r_xy) from that matrix.
set.seed(5)
n <- 120
a <- sample(1:5, n, TRUE); b <- sample(1:5, n, TRUE); cc3 <- sample(1:5, n, TRUE)
overall <- pmin(5, pmax(1, round(0.5 * a + 0.3 * b + 0.1 * cc3 + rnorm(n, 0.3, 0.7))))
cr <- data.frame(respondent = seq_len(n), a = a, b = b, c = cc3, overall = overall)
cr$a[sample(n, 25)] <- NA
cr$b[sample(n, 15)] <- NA
cr$overall[sample(n, 10)] <- NA
save(cr, "cor_data.csv")
R <- cor(cr[, c("a", "b", "c", "overall")], use = "pairwise")
beta <- solve(R[1:3, 1:3], R[1:3, 4])
save(data.frame(item = c("a", "b", "c"), correlation = unname(R[1:3, 4]),
                regression = unname(beta)), "cor_pairwise.csv")

# -- p.adjust (stats) -----------------------------------------------------------------
set.seed(9)
p <- c(runif(8)^3, NA, 0.0001, 0.05, 0.05)
save(data.frame(p = p, holm = p.adjust(p, "holm"), bonferroni = p.adjust(p, "bonferroni"),
                fdr_bh = p.adjust(p, "BH")), "p_adjust.csv")

# -- Wilson score interval: prop.test(correct = FALSE) (stats) ------------------------
wx <- c(81, 15, 0, 1, 37, 5, 12)
wn <- c(263, 148, 20, 29, 40, 5, 30)
wl <- t(mapply(function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int, wx, wn))
save(data.frame(x = wx, n = wn, low = wl[, 1], high = wl[, 2]), "wilson.csv")
