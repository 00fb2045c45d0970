// The knowledge channel (docs/model.md section 4.5).
#include "models/knowledge.hpp"

#include <cmath>
#include <utility>

namespace nisim::hk {

void bind_knowledge_params(KnowledgeParams& p, ParamBinder& b) {
  b.real("knowledge.rd_elasticity", p.rd_elasticity,
         {"", 0.0, 0.99,
          "gamma_R: output elasticity of the manufacturing R&D stock; calibrated to the gross "
          "return to R&D of Moen and Thorsen (4.5)"});
  b.real(
      "knowledge.rd_depreciation", p.rd_depreciation,
      {"1/year", 0.0, 1.0, "delta_R: depreciation of the R&D stock; 15% convention, Hall (4.5)"});
  b.real("knowledge.private_rd_intensity", p.private_rd_intensity,
         {"fraction", 0.0, 1.0,
          "phi: private manufacturing R&D / manufacturing value added at the base year; "
          "assumed (4.5)"});
  b.real("knowledge.private_rd_growth", p.private_rd_growth,
         {"1/year", 0.0, 0.5, "g_R: yearly growth of private manufacturing R&D; assumed (4.5)"});
  b.real("knowledge.training_elasticity", p.training_elasticity,
         {"", 0.0, 10.0,
          "theta_S: TFP gain per unit of the trained share; Dearden, Reed and Van Reenen (4.5)"});
  b.real("knowledge.training_depreciation", p.training_depreciation,
         {"1/year", 0.0, 1.0, "delta_S: yearly loss of the trained stock; assumed (4.5)"});
  b.real("knowledge.nittp_mfg_share", p.nittp_mfg_share,
         {"fraction", 0.0, 1.0,
          "s_N: share of NITTP trainees working in manufacturing; assumed (4.5)"});
}

std::optional<KnowledgeParamProblem> knowledge_param_problem(const KnowledgeParams& p) {
  const auto text = [](double v) { return std::to_string(v); };
  if (!(p.rd_elasticity >= 0.0 && p.rd_elasticity < 1.0)) {
    return KnowledgeParamProblem{
        "knowledge.rd_elasticity",
        "the output elasticity of the R&D stock must be in [0, 1), got " + text(p.rd_elasticity)};
  }
  for (auto [key, rate] : {std::pair{"knowledge.rd_depreciation", p.rd_depreciation},
                           std::pair{"knowledge.training_depreciation", p.training_depreciation}}) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      return KnowledgeParamProblem{key,
                                   "the depreciation rate must be in [0, 1], got " + text(rate)};
    }
  }
  if (!(p.training_elasticity >= 0.0)) {
    return KnowledgeParamProblem{"knowledge.training_elasticity",
                                 "must not be negative, got " + text(p.training_elasticity)};
  }
  if (p.rd_elasticity > 0.0 && !(p.private_rd_intensity > 0.0)) {
    return KnowledgeParamProblem{"knowledge.private_rd_intensity",
                                 "must be positive while knowledge.rd_elasticity is: the "
                                 "elasticity acts on ln K, which a zero base-year stock leaves "
                                 "undefined"};
  }
  if (!(p.private_rd_growth + p.rd_depreciation > 0.0)) {
    return KnowledgeParamProblem{
        "knowledge.rd_depreciation",
        "knowledge.rd_depreciation + knowledge.private_rd_growth must be positive: the base-year "
        "R&D stock R (1 + g) / (g + delta) is infinite otherwise"};
  }
  return std::nullopt;
}

void initialise_knowledge(Knowledge& k, const KnowledgeParams& p, double mfg_value_added) {
  k = Knowledge{};
  // eq. 4.5b: the steady state of K_t = (1 - delta) K_{t-1} + R_t with R growing at g.
  const double g = p.private_rd_growth;
  k.rd_private = p.private_rd_intensity * mfg_value_added;
  k.rd_stock = k.rd_private * (1.0 + g) / (g + p.rd_depreciation);
  k.rd_stock_private = k.rd_stock_before = k.rd_stock_private_before = k.rd_stock;
  k.return_fixed = k.rd_stock > 0.0 ? p.rd_elasticity * mfg_value_added / k.rd_stock : 0.0;
}

void knowledge_year(Knowledge& k, const KnowledgeParams& p, int years, double base_value_added,
                    double rd_scheme, double trainees, double employment, double mfg_value_added) {
  const double gain_before = k.rd_gain;
  const double training_before = k.training_gain;
  // eq. 4.5a: perpetual inventory, private R&D on its steady path plus the schemes' R&D.
  k.rd_private = p.private_rd_intensity * base_value_added *
                 std::pow(1.0 + p.private_rd_growth, static_cast<double>(years));
  k.rd_public = rd_scheme;
  k.rd_stock_before = k.rd_stock;
  k.rd_stock_private_before = k.rd_stock_private;
  k.trained_stock_before = k.trained_stock;
  k.rd_depreciated = p.rd_depreciation * k.rd_stock;
  k.rd_stock += k.rd_private + k.rd_public - k.rd_depreciated;
  k.rd_private_depreciated = p.rd_depreciation * k.rd_stock_private;
  k.rd_stock_private += k.rd_private - k.rd_private_depreciated;
  // eq. 4.5c: ln A gains gamma_R d ln K^R beyond the private path (already in the drift mu).
  k.rd_gain =
      k.rd_stock_private > 0.0 ? p.rd_elasticity * std::log(k.rd_stock / k.rd_stock_private) : 0.0;
  k.bonus_rd = k.rd_gain - gain_before;
  // eq. 4.5d: NITTP trainees in manufacturing build a stock of trained workers.
  k.trainees_mfg = p.nittp_mfg_share * trainees;
  k.trained_lost = p.training_depreciation * k.trained_stock;
  k.trained_stock += k.trainees_mfg - k.trained_lost;
  k.trained_share = employment > 0.0 ? k.trained_stock / employment : 0.0;
  // eq. 4.5e: ln A rises theta_S per unit of the trained share.
  k.training_gain = p.training_elasticity * k.trained_share;
  k.bonus_training = k.training_gain - training_before;
  k.tfp_bonus = k.bonus_rd + k.bonus_training;
  k.return_fixed = k.rd_stock > 0.0 ? p.rd_elasticity * mfg_value_added / k.rd_stock : 0.0;
}

}  // namespace nisim::hk
