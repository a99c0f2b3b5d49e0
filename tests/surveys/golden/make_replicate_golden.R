# Golden reference values for qualitapa.surveys' replicate-weight designs (ReplicateDesign),
# computed with R `survey` (as.svrepdesign / svrepdesign; svymean, svytotal, svyratio,
# svyciprop, svyby on a svyrep.design).
#
# Regenerate (from the repository root; R and the Debian package r-cran-survey):
#
#     Rscript tests/surveys/golden/make_replicate_golden.R
#
# Generated with R 4.2.2, survey 4.1.1 (written to replicate_versions.csv). Inputs: the
# files make_design_golden.R wrote (design_apistrat.csv, design_apiclus1.csv,
# design_likert.csv, design_likert_lonely.csv), read back here so that both languages use
# the very same numbers, plus survey's `scd` example (3 strata x 2 ambulances) and a
# stratified design built from apistrat with 2 PSUs per stratum for BRR and Fay (written
# to replicate_scd.csv and replicate_brr.csv). Which test reads which file:
# tests/surveys/test_surveys_replicate_golden.py.
#
# replicate_results.csv, one row per estimate:
#   design (a name the test maps to its construction), lonely (survey.lonely.psu),
#   statistic (mean, total, ratio, ciprop: svyciprop "logit" (svyglm on the replicates),
#   ciprop_beta: "beta"), variable, by, domain, estimate, se, ci_low, ci_high (confint():
#   normal; svyciprop: its own interval with df = degf), df (degf: rank of the analysis
#   weights minus 1, of the domain's subset for svyby), deff (deff = TRUE), deff_replace.
# replicate_designs.csv: per design its type, scale, number of replicates and degf.
# replicate_boot_*.csv: the bootstrap designs' data with R's replicate factors (rw1..rw50),
#   since R's random numbers cannot be reproduced in Python: the test gives these factors
#   to ReplicateDesign.from_frame and checks the variance formula.
# replicate_supplied.csv: apiclus1 with the JK1 analysis weights (jk1..jk15, combined);
#   replicate_supplied_jkn.csv: the Likert survey with its JKn analysis weights (jkn1..)
#   and their rscales (replicate_supplied_rscales.csv), as an agency would publish them.
# replicate_hadamard.csv: the Hadamard matrices survey uses for 1 to 15 strata (0/1), long:
#   strata, row, column, value.

source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "golden_estimates.R"))

save_versions("replicate_versions.csv")

strat <- load("design_apistrat.csv")
clus1 <- load("design_apiclus1.csv")
likert <- load("design_likert.csv")
likert_lonely <- load("design_likert_lonely.csv")
data(scd)
scd$many <- as.numeric(scd$alive >= 40)
save(scd, "replicate_scd.csv")

# apistrat with 2 PSUs per stratum: strata = school type x sch.wide (6 strata), the PSU the
# parity of the row within its stratum (rows in the file's order).
brr <- strat
brr$stratum <- paste(brr$stype, brr$sch.wide, sep = ".")
brr$half <- ave(seq_len(nrow(brr)), brr$stratum, FUN = function(i) seq_along(i) %% 2)
save(brr, "replicate_brr.csv")
hadamards <- do.call(rbind, lapply(1:15, function(n) {
  h <- survey:::hadamard(n)
  data.frame(strata = n, row = as.vector(row(h)), column = as.vector(col(h)),
             value = as.vector(h))
}))
save(hadamards, "replicate_hadamard.csv")

# -- estimates ---------------------------------------------------------------------------
designs <- list()
describe <- function(name, lonely, d) {
  designs[[length(designs) + 1]] <<- data.frame(
    design = name, lonely = lonely, type = d$type, scale = d$scale,
    replicates = ncol(weights(d, "analysis")), degf = degf(d), mse = isTRUE(d$mse),
    stringsAsFactors = FALSE)
}

# on a replicate design: describe it, and the ratio's deff from the total of y - R x
rep_whole <- function(name, lonely, d, ..., na = FALSE) {  # na: not a partial `name`
  describe(name, lonely, d)
  whole(name, lonely, d, ..., na = na, ratio_deff = total_u_deff)
}
rep_domains <- function(...) domains(..., ratio_deff = total_u_deff)

api_whole <- function(name, d, lonely = "fail") {
  rep_whole(name, lonely, d, c("api00", "enroll"), c("enroll"), list(c("api.stu", "enroll")),
            list(c("sch.wide", "'Yes'")))
}

options(survey.lonely.psu = "fail")

# JK1: apiclus1 (one-stage cluster sample of 15 districts), with and without fpc; mse
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
jk1 <- as.svrepdesign(dclus1, type = "JK1")
api_whole("apiclus1_jk1", jk1)
rep_domains("apiclus1_jk1", "fail", jk1, "stype", c("api00"), list(c("api.stu", "enroll")),
            list(c("sch.wide", "'Yes'")))
dclus1_nofpc <- svydesign(id = ~dnum, weights = ~pw, data = clus1)
jk1_mse <- as.svrepdesign(dclus1_nofpc, type = "JK1", mse = TRUE)
api_whole("apiclus1_jk1_nofpc_mse", jk1_mse)
rep_domains("apiclus1_jk1_nofpc_mse", "fail", jk1_mse, "stype", c("api00"), list(), list())

# JKn: apistrat (stratified, fpc) and the Likert survey (strata, days, fpc, missing answers)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
jkn <- as.svrepdesign(dstrat, type = "JKn")
api_whole("apistrat_jkn", jkn)
rep_domains("apistrat_jkn", "fail", jkn, "awards", c("api00"), list(c("api.stu", "enroll")),
            list(c("high", "1")))
dlik <- svydesign(id = ~day, strata = ~stratum, weights = ~w, fpc = ~days, nest = TRUE,
                  data = likert)
jkn_lik <- as.svrepdesign(dlik, type = "JKn")
rep_whole("likert_jkn", "fail", jkn_lik, c("q1", "q2", "top"), c("q1", "top"),
          list(c("q1", "q2")), list(c("q2", "5")), na = TRUE)
rep_domains("likert_jkn", "fail", jkn_lik, "city", c("q1", "q2"), list(c("q1", "q2")),
            list(c("top", "1")), na = TRUE)
for (lonely in c("adjust", "average", "certainty", "remove")) {
  options(survey.lonely.psu = lonely)
  dn <- svydesign(id = ~day, strata = ~stratum, weights = ~w, nest = TRUE,
                  data = likert_lonely)
  rn <- as.svrepdesign(dn, type = "JKn")
  rep_whole("likert_lonely_nofpc_jkn", lonely, rn, c("q1", "q2"), c("q2"), list(c("q1", "q2")),
            list(), na = TRUE)
  rep_domains("likert_lonely_nofpc_jkn", lonely, rn, "city", c("q2"), list(), list())
}
options(survey.lonely.psu = "fail")

# BRR and Fay: survey's scd example (its help page) and apistrat in 6 strata x 2 PSUs
scdnofpc <- svydesign(data = scd, prob = ~1, id = ~ambulance, strata = ~ESA, nest = TRUE)
scd_brr <- as.svrepdesign(scdnofpc, type = "BRR")
rep_whole("scd_brr", "fail", scd_brr, c("arrests", "alive"), c("arrests"),
          list(c("alive", "arrests")), list(c("many", "1")))
scd_fay <- as.svrepdesign(scdnofpc, type = "Fay", fay.rho = 0.3)
rep_whole("scd_fay", "fail", scd_fay, c("arrests", "alive"), c("arrests"),
          list(c("alive", "arrests")), list(c("many", "1")))
dbrr <- svydesign(id = ~half, strata = ~stratum, weights = ~pw, nest = TRUE, data = brr)
brr_rep <- as.svrepdesign(dbrr, type = "BRR")
api_whole("apistrat_brr", brr_rep)
rep_domains("apistrat_brr", "fail", brr_rep, "awards", c("api00"), list(c("api.stu", "enroll")),
            list(c("high", "1")))
fay_rep <- as.svrepdesign(dbrr, type = "Fay", fay.rho = 0.5)
api_whole("apistrat_fay", fay_rep)
rep_domains("apistrat_fay", "fail", fay_rep, "awards", c("api00"), list(), list(c("high", "1")))

# bootstrap: R's replicate factors are exported, the test checks the variance given them
set.seed(35)
boot_strat <- as.svrepdesign(dstrat, type = "bootstrap", replicates = 50)
api_whole("apistrat_boot", boot_strat)
rep_domains("apistrat_boot", "fail", boot_strat, "awards", c("api00"), list(), list())
factors <- weights(boot_strat, "replication")
colnames(factors) <- paste0("rw", seq_len(ncol(factors)))
save(cbind(strat, factors), "replicate_boot_apistrat.csv")
boot_clus <- as.svrepdesign(dclus1_nofpc, type = "bootstrap", replicates = 50)
api_whole("apiclus1_boot", boot_clus)
factors <- weights(boot_clus, "replication")
colnames(factors) <- paste0("rw", seq_len(ncol(factors)))
save(cbind(clus1, factors), "replicate_boot_apiclus1.csv")

# supplied replicate weights (combined), as an agency publishes them
analysis <- weights(jk1, "analysis")
colnames(analysis) <- paste0("jk", seq_len(ncol(analysis)))
supplied <- cbind(clus1, analysis)
jkn_analysis <- weights(jkn_lik, "analysis")
colnames(jkn_analysis) <- paste0("jkn", seq_len(ncol(jkn_analysis)))
save(supplied, "replicate_supplied.csv")
save(cbind(likert, jkn_analysis), "replicate_supplied_jkn.csv")
save(data.frame(rscales = jkn_lik$rscales), "replicate_supplied_rscales.csv")
sup <- svrepdesign(data = supplied, repweights = "jk[0-9]+", weights = ~pw, type = "JK1",
                   scale = jk1$scale, combined.weights = TRUE)
api_whole("supplied_jk1", sup)
rep_domains("supplied_jk1", "fail", sup, "stype", c("api00"), list(), list())
sup_jkn <- svrepdesign(data = cbind(likert, jkn_analysis), repweights = "jkn[0-9]+",
                       weights = ~w, type = "JKn", rscales = jkn_lik$rscales,
                       combined.weights = TRUE, mse = TRUE)
rep_whole("supplied_jkn_mse", "fail", sup_jkn, c("q1", "q2"), c("q1"), list(c("q1", "q2")),
          list(c("q2", "5")), na = TRUE)
rep_domains("supplied_jkn_mse", "fail", sup_jkn, "city", c("q2"), list(), list(c("top", "1")),
            na = TRUE)

save(do.call(rbind, results), "replicate_results.csv")
save(do.call(rbind, designs), "replicate_designs.csv")
