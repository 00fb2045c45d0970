#pragma once
// The phases of the yearly step, in the order model.cpp schedules them. Each is a free function
// over the state and the parameters (docs/model.md section 2.2 lists the order).
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/params.hpp"
#include "models/state.hpp"

namespace nisim::hk {

/// Prices and terms of the year: wage (eq. 3.3d), non-manufacturing value added (eq. 3.5a) and
/// the NIFS grant per line (eq. 4.1a). In: state.year, macro of last year. Out: state.env,
/// state.macro.wage, state.macro.nonmfg_va (HK$ M).
void set_environment(State& state, const Params& p);

/// The yearly firm update (sections 3.2-3.4): one parallel pass over the firm table.
void update_firms(State& state, const Params& p);

/// Clear each sector's market (section 3.8, eqs. 3.8c-e): real output at the planned price,
/// the price that meets demand, and each firm's inputs, value added, floor space and cash moved
/// to that price. Out: state.demand, firm columns.
void clear_markets(State& state, const Params& p);

/// Ration firms' floor space to each site's supply (eq. 3.6f). Out: state.land, floor_space.
void allocate_floor(State& state, const Params& p);

/// Technical-staff pool, incumbents' hiring and talent schemes (eqs. 4.3a-b, 4.6b, 4.4a-e). Out:
/// state.talent, state.tech.
void staff_and_knowledge(State& state, const Params& p);

/// NIFS applications, decisions and completions (eqs. 4.1b-e). Out: state.nifs, firms, land.
void fund_lines(State& state, const Params& p);

/// Strategic enterprises and NIAS; completed facilities join the firm table (eqs. 4.2a-e).
void attract_enterprises(State& state, const Params& p);

/// Start-up births and the start-up schemes; new venture funds (sections 5.2, 5.6-5.9, 6.2).
void start_ventures(State& state, const Params& p);

/// Rounds: start-ups ask, funds and outside investors clear, start-ups advance (5.3, 6.3-6.4).
void venture_rounds(State& state, const Params& p);

/// Start-up exits realised by the funds; fees, distributions and wind-ups (5.4, 6.7).
void venture_outcomes(State& state, const Params& p);

/// Start-ups ready to manufacture become firms where floor space and staff allow (5.5).
void graduate_startups(State& state, const Params& p);

/// The knowledge channel (eqs. 4.5a-f): the R&D and trained stocks at year end and the TFP
/// bonus for next year. Out: state.knowledge.
void update_knowledge(State& state, const Params& p);

/// The schemes whose ledgers are recorded, with their output names (docs/output.md).
using SchemeList = std::array<std::pair<std::string_view, const Scheme*>, 11>;
SchemeList schemes_of(const State& state);

/// Sums over firms by sector and site (section 3.7), in fixed block order. Out: state.totals.
void account_firms(State& state, const Params& p);

/// Remove firms flagged as exiting (section 3.3), keeping row order. Out: state.exits.
void remove_exits(State& state, const Params& p);

/// Births (section 3.3): entrants at their optimum at this year's wage. Out: state.entries.
void enter_firms(State& state, const Params& p);

/// GDP at basic prices and the manufacturing share (eq. 3.5b-c). Out: state.macro.
void account_macro(State& state, const Params& p);

/// Append this year's row to state.history (docs/output.md).
void record_year(State& state, const Params& p);

/// Base year: synthesise firms (section 3.1), account and record the base row.
void initialise(State& state, const Params& p);

}  // namespace nisim::hk
