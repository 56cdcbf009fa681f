// acx: the command-line front end (README "Usage"). Builds the CLI11 app from the subcommands of
// commands.h and runs the one given.
#include <CLI/CLI.hpp>
#include <vector>

#include "commands.h"
#include "exit_codes.h"

int main(int argc, char** argv) {
  using namespace acx::cli;
  CLI::App app{"acx: reference model and conformance suite for JavaScript async context tracking"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");

  // In the order `acx --help` lists them.
  const std::vector<Command> commands = {
      add_predict(app),     add_emit(app),     add_run(app),   add_check(app), add_stress(app),
      add_compare(app),     add_verify(app),   add_graph(app), add_bench(app), add_rules(app),
      add_conformance(app), add_runtimes(app), add_fuzz(app),  add_diff(app),  add_bench_programs(app),
      add_bench_scale(app), add_profiles(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  for (const auto& command : commands)
    if (*command.subcommand) return command.run();
  return kExitBadInput;
}
