#pragma once
// Provenance attributes every nisim output file carries (docs/output.md).
#include <string>

#include "engine/hdf5.hpp"

namespace nisim {

/// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

/// Write nisim_version, git_commit, created_utc and simd_target (the kernel build the run used,
/// engine/simd_target.hpp) on `root`.
void write_provenance(const h5::Location& root);

}  // namespace nisim
