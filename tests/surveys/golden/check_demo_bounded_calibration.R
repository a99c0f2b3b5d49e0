# R's survey::calibrate on the registry demo's joint margin (organization x sex x age class),
# bounded logit and bounded raking: R fails ("Calibration failed") for every bounds below,
# although the unbounded linear factors (post-stratification, each cell its own equation) lie
# within 0.28..5.2 of the rescaled weights. qualitapa converges there to the post-stratified
# weights (tests/surveys/test_surveys_calibration_bounded.py). No golden file: a check, run by
# hand from the repository's root:
#   Rscript tests/surveys/golden/check_demo_bounded_calibration.R
# Output with survey 4.1.1, R 4.2.2 (run 2026-12-02): every line "... ERR Calibration failed".
suppressMessages(library(survey))
demo <- "plugins/qualitapa-registry/src/qualitapa_registry/demo/"
r <- read.csv(paste0(demo, "survey_responses.csv"), colClasses = "character")
m <- read.csv(paste0(demo, "survey_margins.csv"), colClasses = c(organization = "character"))
r <- r[r$sex %in% c("f", "m") & r$age_class != "", ]
r$cell <- factor(paste(r$organization, r$sex, r$age_class))
m$cell <- paste(m$organization, m$sex, m$age_class)
lev <- levels(r$cell)
pop <- m$population[match(lev, m$cell)]
r$w <- 1
des <- svydesign(ids = ~1, weights = ~w, data = r)
totals <- c(sum(pop), pop[-1])
names(totals) <- c("(Intercept)", paste0("cell", lev[-1]))
for (b in list(c(0.2, 8), c(0.25, 6), c(0.1, 10))) for (f in c("logit", "raking")) {
  res <- tryCatch({
    cal <- suppressWarnings(calibrate(des, ~cell, totals, calfun = f, bounds = b, maxit = 50))
    paste("converged, weights", paste(range(weights(cal)), collapse = " .. "))
  }, error = function(e) paste("ERR", conditionMessage(e)))
  cat(nrow(r), "rows", f, b, res, "\n")
}
