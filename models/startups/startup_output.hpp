#pragma once
// Writing the start-up module's yearly history into a run file: group `startups`
// (schema: docs/output.md "Start-ups (group `startups`)").
#include "engine/hdf5.hpp"
#include "models/startups/startups.hpp"

namespace nisim::hk {

/// Create group `startups` under `root` with its own dimension scales (`year`, `stage`,
/// `origin`, `field`, `exit_kind`, `scheme`), so that `xr.open_dataset(path, group="startups",
/// engine="h5netcdf")` is self-contained, and one float64 dataset per StartupHistory series,
/// named like the member, dims [year] or [year][x]. Throws nisim::IoError if the group exists
/// or a write fails, std::invalid_argument if a series' length does not match years() times its
/// second dimension.
void write_startup_history(const h5::Location& root, const StartupHistory& h);

}  // namespace nisim::hk
