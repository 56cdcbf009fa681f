// The subcommands of acx. Each adds itself (its options, flags and help) to the CLI11 app and
// returns how to run it once the command line is parsed; main.cpp lists them in the order of
// `acx --help`. A new command is a file with its add_ function, a line here and a line there.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace acx::cli {

struct Command {
  CLI::App* subcommand;
  std::function<int()> run;  ///< The exit code (exit_codes.h).
};

Command add_predict(CLI::App& app);         // scenario_cmd.cpp
Command add_emit(CLI::App& app);            // scenario_cmd.cpp
Command add_run(CLI::App& app);             // scenario_cmd.cpp
Command add_check(CLI::App& app);           // check_cmd.cpp
Command add_stress(CLI::App& app);          // stress_cmd.cpp
Command add_compare(CLI::App& app);         // trace_cmd.cpp
Command add_verify(CLI::App& app);          // trace_cmd.cpp
Command add_graph(CLI::App& app);           // graph_cmd.cpp
Command add_bench(CLI::App& app);           // bench_cmd.cpp
Command add_rules(CLI::App& app);           // rules_cmd.cpp
Command add_conformance(CLI::App& app);     // conformance_cmd.cpp
Command add_runtimes(CLI::App& app);        // runtimes_cmd.cpp
Command add_fuzz(CLI::App& app);            // fuzz_cmd.cpp
Command add_diff(CLI::App& app);            // diff_cmd.cpp
Command add_bench_programs(CLI::App& app);  // bench_programs_cmd.cpp
Command add_bench_scale(CLI::App& app);     // bench_scale_cmd.cpp
Command add_profiles(CLI::App& app);        // profiles.cpp

}  // namespace acx::cli
