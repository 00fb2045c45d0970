#pragma once
// The knowledge channel (docs/model.md section 4.5): manufacturing R&D as a stock built by
// perpetual inventory from private and scheme R&D, and NITTP training as a stock of trained
// workers. Each raises every firm's TFP through a cited elasticity; the yearly change enters
// the firm update as the per-sector drift term (eq. 3.2a), so it adds no per-firm work.
#include <optional>
#include <string>

#include "engine/params.hpp"

namespace nisim::hk {

struct KnowledgeParams {
  double rd_elasticity = 0.0312;       ///< gamma_R: output elasticity of the R&D stock
  double rd_depreciation = 0.15;       ///< delta_R: yearly depreciation of the R&D stock
  double private_rd_intensity = 0.03;  ///< phi: private manufacturing R&D / value added at t0
  double private_rd_growth = 0.03;     ///< g_R: yearly growth of private manufacturing R&D
  double training_elasticity = 0.3;    ///< theta_S: d ln A per unit of the trained share
  double training_depreciation = 0.5;  ///< delta_S: yearly loss of the trained stock
  double nittp_mfg_share = 0.3;        ///< s_N: share of NITTP trainees in manufacturing
};

void bind_knowledge_params(KnowledgeParams& p, ParamBinder& b);

/// A key and what is wrong with it.
struct KnowledgeParamProblem {
  std::string key;     ///< the parameter key to point the user at
  std::string detail;  ///< what is wrong, without the key
};

/// The first relation the knowledge parameters break, if any: gamma_R must be in [0, 1),
/// theta_S >= 0, the depreciation rates in [0, 1], phi > 0 while gamma_R > 0 (the elasticity
/// acts on ln K) and g_R + delta_R > 0 (the steady-state start needs it).
std::optional<KnowledgeParamProblem> knowledge_param_problem(const KnowledgeParams& p);

/// The channel's state: stocks at the end of the year and the flows that built them.
struct Knowledge {
  double rd_private = 0.0;               ///< R^priv_t: private manufacturing R&D, HK$ M
  double rd_public = 0.0;                ///< R^pub_t: scheme R&D in manufacturing (no NITTP), HK$ M
  double rd_stock = 0.0;                 ///< K^R_t: manufacturing R&D stock, HK$ M
  double rd_stock_before = 0.0;          ///< K^R_{t-1}, HK$ M
  double rd_depreciated = 0.0;           ///< delta_R K^R_{t-1}, HK$ M
  double rd_stock_private = 0.0;         ///< K^0_t: the stock private R&D alone would build, HK$ M
  double rd_stock_private_before = 0.0;  ///< K^0_{t-1}, HK$ M
  double rd_private_depreciated = 0.0;   ///< delta_R K^0_{t-1}, HK$ M
  double trainees_mfg = 0.0;             ///< s_N T_t: NITTP trainees in manufacturing, persons
  double trained_stock = 0.0;            ///< S_t: trained manufacturing workers, persons
  double trained_stock_before = 0.0;     ///< S_{t-1}, persons
  double trained_lost = 0.0;             ///< delta_S S_{t-1}, persons
  double trained_share = 0.0;            ///< tau_t = S_t / L_t, fraction
  double rd_gain = 0.0;         ///< gamma_R ln(K^R_t / K^0_t): TFP level from scheme R&D, log
  double training_gain = 0.0;   ///< theta_S tau_t: TFP level from training, log
  double bonus_rd = 0.0;        ///< Delta g^R_{t+1}, 1/year
  double bonus_training = 0.0;  ///< Delta g^S_{t+1}, 1/year
  double tfp_bonus = 0.0;       ///< Delta g_{t+1} = Delta g^R + Delta g^S, 1/year
  double return_fixed = 0.0;    ///< gamma_R V_t / K^R_t: gross return at fixed inputs, 1/year
};

/// The base-year stocks (eq. 4.5b): R_{t0} = phi V_{t0}, K^R_{t0} = K^0_{t0} =
/// R_{t0} (1 + g_R) / (g_R + delta_R), no trained stock. `mfg_value_added` is V_{t0}, HK$ M.
void initialise_knowledge(Knowledge& k, const KnowledgeParams& p, double mfg_value_added);

/// One year of the channel (eqs. 4.5a-4.5e), at the end of year t0 + `years`:
/// the R&D stocks by perpetual inventory, the trained stock and share, and next year's TFP
/// bonus. `rd_scheme` is R^pub_t (HK$ M), `trainees` the NITTP trainees of the year,
/// `base_value_added` V_{t0}, `employment` L_t (persons engaged), `mfg_value_added` V_t.
void knowledge_year(Knowledge& k, const KnowledgeParams& p, int years, double base_value_added,
                    double rd_scheme, double trainees, double employment, double mfg_value_added);

}  // namespace nisim::hk
