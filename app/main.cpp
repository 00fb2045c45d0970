// nisim: the command line. Errors are caught here, once, and mapped to the documented exit
// codes (engine/error.hpp, README.md "Exit codes").
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include <csignal>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>

#include "analysis/attribution.hpp"
#include "analysis/batch.hpp"
#include "analysis/calibrate.hpp"
#include "analysis/report/report.hpp"
#include "analysis/target.hpp"
#include "engine/batch_file.hpp"
#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/hdf5.hpp"
#include "engine/jobs.hpp"
#include "engine/overrides.hpp"
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "engine/seed.hpp"
#include "engine/simd_target.hpp"
#include "engine/version.hpp"
#include "models/kpi.hpp"
#include "models/model.hpp"
#include "models/params.hpp"

namespace {

using nisim::ExitCode;

int code(ExitCode c) {
  return static_cast<int>(c);
}

/// `nisim kpi` reads files a user hands it, and libhdf5 can crash on damaged metadata (a bit flip
/// in a B-tree node) before any check of nisim's runs. So the report is built in a child process:
/// the child prints it, or one error line, and exits with its code; a child killed by a signal is
/// a damaged file (exit 4) naming the files, never a core dump of nisim. Nothing is printed before
/// the whole report is built, so a crash leaves no partial table.
/// `nisim report` reads a user's batch file the same way, and the child also writes the page
/// (atomically: a crash leaves at most a temporary file, removed here).
int in_child(const std::function<void()>& body, const std::string& files) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw nisim::IoError(std::string("cannot start the reader process: fork failed"));
  if (pid == 0) {
    int rc = 0;
    try {
      body();
    } catch (const nisim::Error& e) {
      std::fprintf(stderr, "nisim: error: %s\n", e.what());
      rc = code(e.code());
    } catch (const std::bad_alloc&) {
      std::fputs("nisim: error: out of memory\n", stderr);
      rc = code(ExitCode::model);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nisim: internal error: %s\n", e.what());
      rc = code(ExitCode::internal);
    }
    std::fflush(nullptr);
    ::_exit(rc);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw nisim::IoError(std::string("lost the reader process (waitpid)"));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  throw nisim::IoError(files + ": the HDF5 library crashed reading it (signal " +
                       std::to_string(sig) + "): the file is damaged");
}

int kpi_in_child(const std::string& path, const std::string& against) {
  return in_child([&] { std::fputs(nisim::hk::kpi_report(path, against).c_str(), stdout); },
                  path + (against.empty() ? "" : " or " + against));
}

/// With parameter draws: where the variance of the 2032 share (and of each paired effect)
/// comes from (docs/batches.md, "Parameter uncertainty").
void print_variance_split(const nisim::hk::BatchSummary& s) {
  if (s.draws_note.empty()) return;
  std::printf("  %s\n", s.draws_note.c_str());
  if (s.variance_2032.empty()) return;
  std::printf(
      "  variance in 2032 (pp^2)              parameters     random draws          total\n");
  for (const auto& v : s.variance_2032) {
    std::printf("  %-32s %10.4g (%3.0f%%) %10.4g (%3.0f%%) %12.4g\n", v.what.c_str(), v.parameters,
                100.0 * v.parameters / v.total, v.draws, 100.0 * v.draws / v.total, v.total);
  }
}

/// `nisim report`: read the batch, write the page atomically (docs/report.md).
void make_report(const std::string& path, const std::string& attribution, const std::string& out,
                 bool force, bool quiet) {
  namespace report = nisim::hk::report;
  report::BatchReport r = report::read_batch_report(path);
  if (!attribution.empty()) {
    r.attribution = report::read_attribution_panel(attribution);
    r.has_attribution = true;
  }
  report::write_text_atomic(out, report::render_html(r), force);
  if (!quiet) {
    std::printf("nisim report: %zu scenarios, %lld replications, base %s; wrote %s\n",
                r.scenarios.size(), static_cast<long long>(r.replications), r.base.c_str(),
                out.c_str());
  }
}

/// Print the schema as a Markdown table (docs/scenarios.md embeds this output).
void print_params() {
  const auto schema = nisim::hk::param_schema();
  std::cout << "| key | type | default | unit | range | meaning (docs/model.md section) |\n"
            << "|---|---|---|---|---|---|\n";
  for (const auto& s : schema) {
    std::string range;
    if (s.type == nisim::ParamType::real || s.type == nisim::ParamType::integer ||
        s.type == nisim::ParamType::series) {
      range = "[" + nisim::to_toml(s.min) + ", " + nisim::to_toml(s.max) + "]";
    }
    std::cout << "| `" << s.key << "` | " << nisim::type_name(s.type) << " | `"
              << nisim::to_toml(s.default_value) << "` | " << s.unit << " | " << range << " | "
              << s.doc << " |\n";
  }
}

/// Batch progress on stderr: a bar redrawn in place on a terminal, otherwise a plain line at
/// every tenth of the runs (for logs and CI).
class Progress {
 public:
  void update(std::size_t done, std::size_t total) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0.0 ? static_cast<double>(done) / elapsed : 0.0;
    const double left = rate > 0.0 ? static_cast<double>(total - done) / rate : 0.0;
    if (tty_) {
      // Redraw at most ten times a second (and at the end): thousands of runs finish quickly.
      if (done != total && elapsed - last_draw_ < 0.1) return;
      last_draw_ = elapsed;
      const int width = 30;
      const int filled = static_cast<int>(width * done / total);
      std::fprintf(stderr, "\r[%s%s] %zu/%zu runs  %.1f runs/s  %.0f s left   ",
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), '-').c_str(), done, total,
                   rate, left);
      drawn_ = true;
    } else if (done * 10 / total != last_decile_ || done == total) {
      last_decile_ = done * 10 / total;
      std::fprintf(stderr, "nisim: %zu/%zu runs (%zu%%), %.1f runs/s, %.0f s left\n", done, total,
                   done * 100 / total, rate, left);
    }
  }
  void finish() const {
    if (drawn_) std::fputc('\n', stderr);
  }

 private:
  bool tty_ = isatty(fileno(stderr)) != 0;
  bool drawn_ = false;
  std::size_t last_decile_ = 0;
  double last_draw_ = -1.0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// How a replications = "auto" batch stopped (nothing for a fixed batch).
void print_auto(const nisim::Batch& b, const nisim::hk::AutoOutcome& o) {
  if (o.replications == 0) return;
  std::printf("  replications = \"auto\": %lld after %zu round%s (target width %g pp in %lld)%s\n",
              static_cast<long long>(o.replications), o.rounds.size(),
              o.rounds.size() == 1 ? "" : "s", b.auto_reps.ci_width,
              static_cast<long long>(b.auto_reps.year),
              o.max_hit ? ", max_replications reached" : "");
  for (const auto& [name, width] : o.widths) {
    std::printf("  %-24s 95%% interval width %.4g pp\n", (name + " - " + b.base).c_str(), width);
  }
}

/// The goal-seeking answer, and the cost-probability trade-off of every evaluation.
void print_target(const nisim::Batch& b, const nisim::hk::TargetResult& r, const std::string& out) {
  const auto& t = b.target;
  const auto& best = r.evaluations[r.best];
  std::printf("nisim target: share >= %.2f%% in %lld with probability >= %.2f\n", t.share,
              static_cast<long long>(t.year), t.probability);
  std::printf(r.feasible ? "  reached: cheapest levers found\n"
                         : "  NOT reached within the lever ranges: best probability shown\n");
  for (std::size_t j = 0; j < t.levers.size(); ++j) {
    std::printf("  %-28s = %g\n", t.levers[j].key.c_str(), best.levers[j]);
  }
  std::printf("  public cost HK$ %.1f M, probability %.3f, mean share %.3f%%\n", best.public_cost,
              best.probability, best.share_mean);
  std::printf("  public cost counts the %s\n", nisim::hk::k_target_cost_scope);
  if (r.has_frontier) {
    const auto& f = r.frontier;
    std::printf("  frontier explored: highest mean share %.3f%% (P = %.3f) at HK$ %.1f M\n",
                f.highest.share_mean, f.highest.probability, f.highest.public_cost);
    std::printf(
        "  each lever from min to max, the others at max: lever value, mean share %%, "
        "public cost HK$ M\n");
    for (std::size_t j = 0; j < t.levers.size(); ++j) {
      std::printf("  %s\n", t.levers[j].key.c_str());
      for (const auto& e : f.profiles[j]) {
        std::printf("    %12g %10.3f %12.1f\n", e.levers[j], e.share_mean, e.public_cost);
      }
    }
  }
  std::printf("  %zu evaluations (cost vs probability in %s)\n", r.evaluations.size(), out.c_str());
}

/// The attribution table: per group, the Shapley value and the additionality of each outcome
/// (mean [95% CI]), then the cost per percentage point of share attributed.
void print_attribution(const nisim::hk::Attribution& a, const nisim::hk::AttributionResult& r,
                       const std::string& out) {
  using nisim::hk::MeanCi;
  std::printf("nisim attribute: %s against %s in %lld, %lld replications, %s Shapley values\n",
              a.base.stem().c_str(), a.counterfactual.stem().c_str(),
              static_cast<long long>(a.year), static_cast<long long>(a.replications),
              a.permutations == 0 ? "exact" : "sampled");
  std::printf("  %zu coalitions, %zu runs in %.1f s; mean [95%% CI] over replications\n",
              r.coalitions, r.runs, r.seconds);
  const auto cell = [](const MeanCi& c, const char* format) {
    char text[96];
    std::snprintf(text, sizeof text, format, c.mean, c.low, c.high);
    return std::string(text);
  };
  int width = 30;  // the group column fits the longest name
  for (const std::string& g : r.groups) width = std::max(width, static_cast<int>(g.size()));
  const auto& outs = nisim::hk::attribution_outcomes();
  for (std::size_t o = 0; o < outs.size(); ++o) {
    const char* format = o == 0 ? "%+.4f [%+.4f, %+.4f]" : "%+.0f [%+.0f, %+.0f]";
    std::printf("\n  %s (%s)\n  %-*s %-30s %-30s\n", outs[o].name, outs[o].units, width, "group",
                "Shapley value", "additionality");
    for (std::size_t i = 0; i < r.groups.size(); ++i) {
      std::printf("  %-*s %-30s %-30s\n", width, r.groups[i].c_str(),
                  cell(r.shapley[i][o], format).c_str(),
                  cell(r.additionality[i][o], format).c_str());
    }
    std::printf("  %-*s %-30s\n", width, "total (base - counterfactual)",
                cell(r.total[o], format).c_str());
  }
  std::printf("\n  cost per pp of share attributed, HK$ M: all money | manufacturing-relevant\n");
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    std::printf("  %-*s %-30s %-30s\n", width, r.groups[i].c_str(),
                cell(r.cost_all[i], "%.0f [%.0f, %.0f]").c_str(),
                cell(r.cost_mfg[i], "%.0f [%.0f, %.0f]").c_str());
  }
  std::printf("  %-*s %-30s %-30s\n", width, "whole package",
              cell(r.package_cost_all, "%.0f [%.0f, %.0f]").c_str(),
              cell(r.package_cost_mfg, "%.0f [%.0f, %.0f]").c_str());
  std::printf("  wrote %s\n", out.c_str());
}

void print_summary(const nisim::hk::RunResult& r, const std::string& out) {
  const auto& h = r.history;
  auto share_in = [&](int year) {
    for (std::size_t k = 0; k < h.years(); ++k) {
      if (h.year[k] == year) return h.mfg_share_pct[k];
    }
    return -1.0;
  };
  std::printf("nisim: %zu years (%d-%d), seed %llu, %d threads, %.3f s simulated\n", h.years(),
              h.year.front(), h.year.back(), static_cast<unsigned long long>(r.seed), r.threads,
              r.seconds);
  std::printf("  manufacturing share: %.2f%% in %d", h.mfg_share_pct.front(), h.year.front());
  if (share_in(2032) >= 0.0) std::printf(", %.2f%% in 2032", share_in(2032));
  std::printf(", %.2f%% in %d (target 5%% by 2032)\n", h.mfg_share_pct.back(), h.year.back());
  std::printf("  wrote %s\n", out.c_str());
}

/// mpirun binds each rank to one core by default (for 2 ranks or fewer): then a rank's threads
/// share that core. Say so once, from rank 0 (docs/cluster.md, "Sizing ranks and threads").
/// --replications N for attribute (at least 1) and calibrate (at least 2, for the moments'
/// variance): the same range as the file's key, else a usage error (exit 2).
std::int64_t checked_replications(std::int64_t n, std::int64_t min, std::int64_t max) {
  if (n < min || n > max) {
    throw nisim::Error(nisim::ExitCode::usage,
                       "--replications " + std::to_string(n) + ": expected an integer in [" +
                           std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return n;
}

void warn_if_bound(int threads) {
  const nisim::World& w = nisim::world();
  if (!w.mpi || w.rank != 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return;
  const int cpus = CPU_COUNT(&set);
  const auto online = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  // Ranks on this node; read before any run starts, from the main thread.
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");  // NOLINT(concurrency-mt-unsafe)
  const int ranks_here =
      local != nullptr ? std::max(1, static_cast<int>(std::strtol(local, nullptr, 10))) : 1;
  if (threads > cpus || (threads == 0 && cpus * ranks_here < online)) {
    std::fprintf(stderr,
                 "nisim: warning: this rank may use %d core%s (its CPU binding) but %s; "
                 "give each rank its cores, e.g. mpirun --map-by ppr:1:node:pe=%d, or "
                 "--bind-to none\n",
                 cpus, cpus == 1 ? "" : "s",
                 threads == 0 ? "the machine has more: --threads 0 will use only those"
                              : ("--threads " + std::to_string(threads) + " asks for more").c_str(),
                 online);
  }
}

int run_cli(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) must be a write error we report, not a silent kill.
  std::signal(SIGXFSZ, SIG_IGN);
  // SIGINT, SIGTERM, SIGHUP: remove the temporary output file, then die of the signal.
  nisim::install_temp_cleanup();
  try {
    // The kernel build (runtime dispatch): a NISIM_DISPATCH this binary or CPU cannot run is a
    // usage error (exit 2) here, before anything runs, never an illegal instruction later.
    nisim::simd_target();
    const nisim::MpiSession mpi(argc, argv);
    const int rc = run_cli(argc, argv);
    // Under MPI a failure must stop every rank (some may wait for work that will not come).
    if (rc != 0) nisim::MpiSession::abort_all(rc);
    return rc;
  } catch (const nisim::Error& e) {
    std::fprintf(stderr, "nisim: error: %s\n", e.what());
    return code(e.code());
  } catch (...) {  // building the command line itself failed (out of memory)
    std::fputs("nisim: internal error while starting\n", stderr);
    return code(ExitCode::internal);
  }
}

namespace {

int run_cli(int argc, char** argv) {
  CLI::App app{"nisim: agent-based simulation of Hong Kong's New Industrialisation policy"};
  app.set_version_flag(
      "--version", std::string("nisim ") + nisim::k_version + " (" + nisim::k_git_commit + ")" +
                       (nisim::built_with_mpi() ? ", with MPI" : ", without MPI") + ", kernel " +
                       nisim::simd_target_description(nisim::simd_target()));
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid scenario, 4 file error "
      "(unreadable input, output exists without --force or is not a regular file, cannot "
      "write), 5 model failure (NaN).");

  std::string scenario_path, out_path;
  std::string seed_text;
  int threads = 0;
  bool force = false, quiet = false, timings = false;

  auto* run = app.add_subcommand("run", "Run a scenario and write an HDF5 file");
  run->add_option("scenario", scenario_path, "Scenario TOML file")->required();
  run->add_option("-o,--output", out_path, "Output HDF5 file (written atomically)")->required();
  auto* seed_opt =
      run->add_option(
             "--seed", seed_text,
             "Random seed (overrides run.seed): a decimal integer in [0, 9200000000000000000]")
          ->check(
              [](const std::string& text) -> std::string {
                if (nisim::parse_seed(text)) return "";
                return "'" + text + "' is not a seed: a decimal integer from 0 to " +
                       std::to_string(nisim::k_max_seed) + ", without sign or leading zeros";
              },
              "SEED");
  run->add_option("--threads", threads, "Worker threads (0 = all cores)")
      ->check(CLI::Range(0, 4096));
  run->add_flag("--force", force, "Overwrite an existing output file");
  run->add_flag("-q,--quiet", quiet, "Print nothing on success");
  run->add_flag("--timings", timings, "Print wall seconds per phase of the yearly step");

  auto* validate = app.add_subcommand("validate", "Check a scenario file; run nothing");
  validate->add_option("scenario", scenario_path, "Scenario TOML file")->required();

  // --set key=value (engine/overrides.hpp) and --replications N, shared by the commands that
  // read scenarios.
  std::vector<std::string> set_args;
  constexpr std::int64_t k_no_replications = std::numeric_limits<std::int64_t>::min();
  std::int64_t replications = k_no_replications;
  const char* const set_help =
      "Set a scenario parameter after the file is read (repeatable), e.g. --set firms.count=9000";
  for (auto* sub : {run, validate}) {
    sub->add_option("--set", set_args, set_help)->allow_extra_args(false);
  }

  std::string batch_path;
  auto* batch = app.add_subcommand(
      "batch", "Run every scenario of a batch file for many replications; one HDF5 file");
  batch->add_option("batch", batch_path, "Batch TOML file")->required();
  batch->add_option("-o,--output", out_path, "Output HDF5 file (written atomically)")->required();
  batch->add_option("--threads", threads, "Worker threads, one run each (0 = all cores)")
      ->check(CLI::Range(0, 4096));
  batch->add_option("--set", set_args, set_help)->allow_extra_args(false);
  batch->add_option("--replications", replications,
                    "Runs per scenario (replaces [batch] replications)");
  std::string fit_path;
  std::int64_t draws = -1;
  batch->add_option("--fit", fit_path,
                    "Draw each replication's parameters from FIT.h5 of `nisim calibrate` "
                    "(replaces [parameters] fit)");
  batch->add_option("--draws", draws,
                    "Parameter draws K; R / K replications each (replaces [parameters] draws)");
  bool resume = false;
  batch->add_flag("--force", force,
                  "Overwrite an existing output file (and discard an interrupted batch's journal)");
  batch->add_flag("--resume", resume,
                  "Finish an interrupted batch: run only the runs missing from OUT.h5.journal");
  batch->add_flag("-q,--quiet", quiet, "No progress and no summary");

  std::string target_path;
  auto* target = app.add_subcommand(
      "target", "What would it take: the cheapest levers reaching the share target (goal seeking)");
  target->add_option("file", target_path, "Batch TOML file with a [target] table")->required();
  target->add_option("-o,--output", out_path, "Output HDF5 file (every evaluation)")->required();
  target->add_option("--threads", threads, "Worker threads, one run each (0 = all cores)")
      ->check(CLI::Range(0, 4096));
  target->add_option("--set", set_args, set_help)->allow_extra_args(false);
  target->add_option("--replications", replications,
                     "Runs per scenario (replaces [batch] replications)");
  target->add_flag("--force", force, "Overwrite an existing output file");
  target->add_flag("-q,--quiet", quiet, "No progress and no summary");

  std::string attribution_path;
  auto* attribute = app.add_subcommand(
      "attribute", "Attribution: Shapley values of the policy effect over scheme groups, with CIs");
  attribute->add_option("file", attribution_path, "Attribution TOML file")->required();
  attribute->add_option("-o,--output", out_path, "Output HDF5 file (written atomically)")
      ->required();
  attribute->add_option("--threads", threads, "Worker threads, one run each (0 = all cores)")
      ->check(CLI::Range(0, 4096));
  attribute->add_option("--set", set_args, set_help)->allow_extra_args(false);
  attribute->add_option("--replications", replications,
                        "Replications per coalition (replaces [attribution] replications)");
  attribute->add_flag("--force", force, "Overwrite an existing output file");
  attribute->add_flag("-q,--quiet", quiet, "No progress and no table");

  // nisim calibrate: simulated method of moments (analysis/calibrate.hpp, docs/calibration.md).
  std::string calib_path;
  auto* calib = app.add_subcommand(
      "calibrate", "Estimate parameters against observed data (simulated method of moments)");
  calib->add_option("file", calib_path, "Calibration TOML file")->required();
  calib->add_option("-o,--output", out_path, "Output HDF5 file (FIT.h5)")->required();
  calib->add_option("--threads", threads, "Worker threads, one run each (0 = all cores)")
      ->check(CLI::Range(0, 4096));
  calib->add_option("--set", set_args, set_help)->allow_extra_args(false);
  calib->add_option("--replications", replications,
                    "Runs per evaluation (replaces [calibration] replications)");
  calib->add_flag("--force", force, "Overwrite an existing output file");
  calib->add_flag("-q,--quiet", quiet, "No progress and no summary");

  app.add_subcommand("params", "List every scenario parameter (Markdown table)");

  std::string kpi_path, against_path;
  auto* kpi = app.add_subcommand(
      "kpi", "Print a run's government targets against its projections, and public money spent");
  kpi->add_option("file", kpi_path, "Run file written by `nisim run`")->required();
  kpi->add_option("--against", against_path,
                  "A base run (e.g. no_new_policy, same seed): adds the cost per percentage point "
                  "of share gained by 2032");

  std::string report_path;
  auto* report_cmd = app.add_subcommand(
      "report", "Write a self-contained HTML report of a batch file (scorecard and charts)");
  report_cmd->add_option("file", report_path, "Batch file written by `nisim batch`")->required();
  std::string report_attribution;
  report_cmd->add_option("--attribution", report_attribution,
                         "An attribution file written by `nisim attribute`: adds its panel");
  report_cmd->add_option("-o,--output", out_path, "Output HTML file (written atomically)")
      ->required();
  report_cmd->add_flag("--force", force, "Overwrite an existing output file");
  report_cmd->add_flag("-q,--quiet", quiet, "Print nothing on success");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : code(ExitCode::usage);
  }

  const nisim::World& w = nisim::world();
  // Errors: printed once, by rank 0 (the other ranks load the same files and fail alike),
  // except errors only one rank can see (a run failing on it), which name the rank.
  // Errors about files and usage are the same on every rank: only rank 0 prints them.
  const auto report = [&w](const char* kind, const char* what, bool everywhere) {
    if (w.rank == 0) {
      std::fprintf(stderr, "nisim: %s: %s\n", kind, what);
    } else if (!everywhere) {
      std::fprintf(stderr, "nisim (rank %d): %s: %s\n", w.rank, kind, what);
    }
  };
  try {
    if (w.size > 1 && !app.got_subcommand("batch")) {
      throw nisim::Error(ExitCode::usage, "only `nisim batch` runs on several MPI ranks");
    }
    if (app.got_subcommand("params")) {
      print_params();
      return 0;
    }
    if (app.got_subcommand("kpi")) {
      if (w.mpi) {  // no fork under an MPI launcher: read in this process
        std::fputs(nisim::hk::kpi_report(kpi_path, against_path).c_str(), stdout);
        return 0;
      }
      return kpi_in_child(kpi_path, against_path);
    }
    if (app.got_subcommand("report")) {
      nisim::check_output_target(out_path, force, false);
      nisim::check_not_input(out_path, {report_path, report_attribution});
      if (w.mpi) {
        make_report(report_path, report_attribution, out_path, force, quiet);
        return 0;
      }
      try {
        return in_child(
            [&] { make_report(report_path, report_attribution, out_path, force, quiet); },
            report_attribution.empty() ? report_path : report_path + " or " + report_attribution);
      } catch (const nisim::Error&) {  // the child crashed: remove its temporary file
        nisim::h5::remove_stale_temps(out_path);
        throw;
      }
    }
    if (app.got_subcommand("attribute")) {
      nisim::check_output_target(out_path, force, false);
      nisim::hk::Attribution a = nisim::hk::load_attribution(attribution_path);
      a.overrides = nisim::parse_overrides(set_args);
      if (replications != k_no_replications) {
        a.replications = checked_replications(replications, 1, 1'000'000);
      }
      nisim::hk::AttributionOptions options;
      options.threads = threads;
      options.force = force;
      Progress progress;
      if (!quiet) {
        options.progress = [&progress](std::size_t done, std::size_t total) {
          progress.update(done, total);
        };
      }
      const auto r = nisim::hk::run_attribution(a, out_path, options);
      if (!quiet) {
        progress.finish();
        print_attribution(a, r, out_path);
      }
      return 0;
    }
    if (app.got_subcommand("calibrate")) {
      nisim::check_output_target(out_path, force, false);
      nisim::hk::Calibration c = nisim::hk::load_calibration(calib_path);
      c.overrides = nisim::parse_overrides(set_args);
      if (replications != k_no_replications) {
        c.replications = checked_replications(replications, 2, 100'000);
      }
      std::vector<std::filesystem::path> inputs = {calib_path, c.scenario};
      for (const auto& d : c.data) inputs.push_back(d.path);
      nisim::check_not_input(out_path, inputs);
      nisim::hk::CalibrateOptions options;
      options.threads = threads;
      options.force = force;
      if (!quiet) {
        options.progress = [](const nisim::hk::CalibrationEvaluation& e, std::size_t k) {
          std::fprintf(stderr, "nisim: evaluation %zu (phase %d): objective %.6g\n", k, e.phase,
                       e.objective);
        };
      }
      const auto r = nisim::hk::calibrate(c, out_path, options);
      if (!quiet) {
        std::printf(
            "nisim calibrate: objective %.6g after %zu evaluations; %zu runs in %.1f s "
            "(%.1f runs/s)\n",
            r.objective, r.evaluations.size(), r.runs, r.run_seconds,
            static_cast<double>(r.runs) / r.run_seconds);
        for (std::size_t j = 0; j < r.keys.size(); ++j) {
          const auto i = static_cast<Eigen::Index>(j);
          std::printf("  %-36s %12.6g  se %10.4g%s\n", r.keys[j].c_str(), r.estimate(i),
                      r.inference.se(i), r.inference.weak[j] ? "  (not pinned down)" : "");
        }
        std::printf("  Jacobian rank %d of %zu, condition number %.3g\n  wrote %s\n",
                    r.inference.rank, r.keys.size(), r.inference.condition, out_path.c_str());
      }
      return 0;
    }
    const std::vector<nisim::Override> overrides = nisim::parse_overrides(set_args);
    // The batch file with the command line's overrides and replications.
    const auto load_batch = [&](const std::string& path) {
      nisim::Batch b = nisim::load_batch(path);
      b.overrides = overrides;
      if (replications != k_no_replications) nisim::set_replications(b, replications);
      return b;
    };
    if (app.got_subcommand("target")) {
      nisim::check_output_target(out_path, force, false);
      const nisim::Batch b = load_batch(target_path);
      nisim::check_not_input(out_path, {target_path});
      if (!b.has_target) {
        throw nisim::ScenarioError(target_path + ":1:1: key 'target': no [target] table; " +
                                   "`nisim target` needs one (use `nisim batch` for batches)");
      }
      nisim::hk::TargetOptions options;
      options.threads = threads;
      options.force = force;
      if (!quiet) {
        options.progress = [](const nisim::hk::TargetEvaluation& e, std::size_t k) {
          std::fprintf(stderr,
                       "nisim: evaluation %zu: cost HK$ %.1f M, P = %.3f, mean share %.3f%%\n", k,
                       e.public_cost, e.probability, e.share_mean);
        };
      }
      const auto r = nisim::hk::seek_target(b, out_path, options);
      if (!quiet) print_target(b, r, out_path);
      return 0;
    }
    if (app.got_subcommand("batch")) {
      // Also the journal path; the inputs are checked once the scenarios are loaded.
      std::error_code ec;
      if (resume && !force && std::filesystem::is_regular_file(out_path, ec) &&
          !std::filesystem::is_symlink(out_path, ec)) {
        throw nisim::IoError(out_path +
                             ": output file exists; to finish an interrupted batch that was to "
                             "replace it (a --force batch), use --resume --force");
      }
      nisim::check_output_target(out_path, force, true);
      nisim::Batch b = load_batch(batch_path);
      nisim::set_parameter_fit(b, fit_path, draws);
      if (resume && b.auto_reps.on) {
        throw nisim::Error(nisim::ExitCode::usage,
                           "--resume: a batch with replications = \"auto\" keeps its rounds in "
                           "memory; rerun it, or resume its final writing with --replications R "
                           "(R as printed)");
      }
      nisim::hk::BatchOptions options;
      options.threads = threads;
      options.force = force;
      options.resume = resume;
      Progress progress;
      if (!quiet && nisim::world().rank == 0) {
        options.note = [](const std::string& text) {
          std::fprintf(stderr, "nisim: %s\n", text.c_str());
        };
        options.progress = [&progress](std::size_t done, std::size_t total) {
          progress.update(done, total);
        };
      }
      warn_if_bound(threads);
      const auto summary = nisim::hk::run_batch(b, out_path, options);
      if (!quiet && nisim::world().rank == 0) {
        progress.finish();
        if (summary.resumed > 0) {
          std::printf("nisim: resumed %zu finished runs from the journal\n", summary.resumed);
        }
        std::printf("nisim: %zu runs in %.2f s (%.1f runs/s) on %d rank%s\n", summary.runs,
                    summary.seconds, static_cast<double>(summary.runs) / summary.seconds,
                    nisim::world().size, nisim::world().size > 1 ? "s" : "");
        if (summary.runs_by_rank.size() > 1) {
          std::printf("  runs by rank:");
          for (const std::size_t n : summary.runs_by_rank) std::printf(" %zu", n);
          std::printf("\n");
        }
        for (const auto& [name, p] : summary.p_share_target) {
          std::printf("  %-24s P(share >= 5%% in 2032) = %.3f\n", name.c_str(), p);
        }
        if (!summary.cross_effects.empty()) {
          std::printf("  effect on %s in %lld (scenario - %s, mean and 95%% interval):\n",
                      b.cross.output.c_str(), static_cast<long long>(b.cross.year), b.base.c_str());
        }
        for (const auto& e : summary.cross_effects) {
          std::printf("  %-16s at %s: %+.4f [%+.4f, %+.4f]\n", e.scenario.c_str(), e.point.c_str(),
                      e.mean, e.low, e.high);
        }
        print_variance_split(summary);
        print_auto(b, summary.auto_reps);
        std::printf("  wrote %s\n", out_path.c_str());
      }
      if (summary.auto_reps.max_hit && nisim::world().rank == 0) {  // even with --quiet
        std::fflush(stdout);
        std::fprintf(stderr,
                     "nisim: warning: max_replications %lld reached with the 95%% interval "
                     "still wider than ci_width %g pp (attribute auto_max_hit = 1 in %s)\n",
                     static_cast<long long>(b.auto_reps.max), b.auto_reps.ci_width,
                     out_path.c_str());
      }
      return 0;
    }
    nisim::Scenario scenario = nisim::load_scenario(scenario_path);
    nisim::apply_overrides(scenario, overrides);
    if (app.got_subcommand("validate")) {
      nisim::hk::validate(scenario);
      std::printf("%s: valid\n", scenario_path.c_str());
      return 0;
    }
    nisim::check_output_target(out_path, force, false);
    nisim::check_not_input(out_path, scenario.files);
    nisim::hk::RunOptions options;
    if (*seed_opt) options.seed = *nisim::parse_seed(seed_text);
    options.threads = threads;
    const auto result = nisim::hk::run(scenario, options);
    nisim::hk::write_run(result, scenario, out_path, force);
    if (!quiet) print_summary(result, out_path);
    if (timings) {
      for (std::size_t k = 0; k < result.phase_names.size(); ++k) {
        std::printf("  phase %-16s %9.4f s\n", result.phase_names[k].c_str(),
                    result.phase_seconds[k]);
      }
    }
    return 0;
  } catch (const nisim::Error& e) {
    const bool everywhere =
        e.code() == ExitCode::scenario || e.code() == ExitCode::usage || e.code() == ExitCode::io;
    report("error", e.what(), everywhere);
    return code(e.code());
  } catch (const std::bad_alloc&) {
    report("error", "out of memory", false);
    return code(ExitCode::model);
  } catch (const std::exception& e) {
    report("internal error", e.what(), false);
    return code(ExitCode::internal);
  }
}

}  // namespace
