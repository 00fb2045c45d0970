#pragma once
// Terms of the technical-staff market (docs/model.md section 4.6), apart from
// models/factors/tech_staff.hpp so that models/params.hpp can hold them.
#include "engine/params.hpp"

namespace nisim::hk {

/// Terms of the technical-staff market (section 4.6).
struct TechStaffParams {
  double wage_elasticity = 0.1;     ///< e_w: minus the elasticity of pay to the free share
  double natural_free_share = 0.3;  ///< u*: free share of technical staff at which omega = 1
  double wage_factor_min = 0.9;     ///< omega never below this
  double wage_factor_max = 2.0;     ///< omega never above this
  double release_to_pool = 0.3;     ///< rho_X: share of staff firms release who join the pool
};

void bind_tech_staff_params(TechStaffParams& p, ParamBinder& b);

}  // namespace nisim::hk
