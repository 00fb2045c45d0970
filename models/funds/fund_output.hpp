#pragma once
// Writing the fund module's yearly history into a run file: group `funds` and its per-fund
// table `funds/by_fund` (schema: docs/output.md "Venture funds (group `funds`)").
#include "engine/hdf5.hpp"
#include "models/funds/fund_history.hpp"

namespace nisim::hk {

/// Create group `funds` under `root` with dimension scales `year` and `fund_kind` and the
/// per-year series ([year] and [year][fund_kind], float64), and the subgroup `funds/by_fund`: a
/// tidy table with dimension `row` (int32, 0..n-1) and one 1-D dataset per column (fund_year,
/// fund_id, fund_kind, fund_vintage as int64; committed ... tvpi as float64). An empty table
/// (no fund launched yet) gives datasets of length 0. Throws nisim::IoError if the group
/// exists or a write fails, std::invalid_argument if a series' length does not match.
void write_fund_history(const h5::Location& root, const FundHistory& h);

}  // namespace nisim::hk
