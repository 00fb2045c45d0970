#pragma once
// FIT.h5, the output of `nisim calibrate` (layout: docs/output.md, "Calibration files").
#include "analysis/calibrate.hpp"
#include "engine/hdf5.hpp"
#include "engine/scenario.hpp"

namespace nisim::hk {

/// Write estimates, standard errors, covariance, bounds, identification, moments (observed,
/// simulated mean and 5/95% band, held-out errors), every evaluation and provenance under `root`.
void write_calibration(const h5::Location& root, const Calibration& c, const Scenario& scenario,
                       const CalibrationResult& r);

}  // namespace nisim::hk
