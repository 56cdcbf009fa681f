// The process module (process.h) and what is built on it: run_process (one run with a time limit)
// and Coprocess (the batch driver's pipes). A child that exits, crashes, hangs (killed with its
// whole process group), closes its outputs and goes on, or floods its output.
#define BOOST_TEST_MODULE process
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "acx/backends/coprocess.h"
#include "acx/backends/process.h"
#include "acx/backends/subprocess.h"

using namespace acx::backends;
using namespace std::chrono_literals;

namespace {

ProcessResult sh(const std::string& script, std::chrono::milliseconds timeout = 10s,
                 std::size_t output_limit = kDefaultOutputLimit) {
  ProcessOptions options;
  options.timeout = timeout;
  options.output_limit = output_limit;
  return run_process({"sh", "-c", script}, options);
}

/// Whether the process is gone: no longer in /proc, or a zombie nobody reaped yet (the container's
/// init may not reap). Killed processes take a moment to go, so it looks for up to two seconds.
bool gone(pid_t pid) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    if (text.empty()) return true;
    const auto paren = text.rfind(')');
    if (paren != std::string::npos && paren + 2 < text.size() &&
        (text[paren + 2] == 'Z' || text[paren + 2] == 'X'))
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

/// The pid a script printed on its first line (`echo $!` after starting a grandchild).
pid_t first_line_pid(const std::string& out) {
  BOOST_REQUIRE(!out.empty());
  return static_cast<pid_t>(std::stol(out.substr(0, out.find('\n'))));
}

double seconds(std::chrono::milliseconds d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_child_that_exits_gives_its_code_and_outputs) {
  const ProcessResult r = sh("echo out; echo err >&2; exit 3");
  BOOST_TEST(r.started);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(!r.output_limited);
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.signal == 0);
  BOOST_TEST(r.out == "out\n");
  BOOST_TEST(r.err == "err\n");
  BOOST_TEST(describe_end(r) == "exit 3");
}

BOOST_AUTO_TEST_CASE(input_is_written_to_standard_input) {
  ProcessOptions options;
  options.input = std::string(200000, 'x') + "\n";  // more than a pipe holds
  const ProcessResult r = run_process({"wc", "-c"}, options);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("200001") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_program_that_cannot_start_is_not_started) {
  const ProcessResult r = run_process({"/nonexistent/acx-no-such-program"});
  BOOST_TEST(!r.started);
  BOOST_TEST(describe_end(r).find("cannot execute '/nonexistent/acx-no-such-program'") != std::string::npos,
             describe_end(r));
}

BOOST_AUTO_TEST_CASE(a_crash_is_reported_with_its_signal) {
  const ProcessResult r = sh("echo before; kill -SEGV $$");
  BOOST_TEST(r.started);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.signal == SIGSEGV);
  BOOST_TEST(r.out == "before\n");
  BOOST_TEST(describe_end(r).find("killed by signal 11") != std::string::npos, describe_end(r));
}

BOOST_AUTO_TEST_CASE(a_hanging_child_is_killed_at_the_deadline_with_its_whole_group) {
  // The grandchild `sleep` holds the pipes too; it must die with the child.
  const ProcessResult r = sh("sleep 60 & echo $!; sleep 60", 500ms);
  BOOST_TEST(r.timed_out);
  BOOST_TEST(r.signal == SIGKILL);
  BOOST_TEST(describe_end(r) == "timed out and was killed");
  BOOST_TEST(seconds(r.elapsed) < 10.0, seconds(r.elapsed));
  BOOST_TEST(gone(first_line_pid(r.out)));
}

BOOST_AUTO_TEST_CASE(a_child_that_closes_its_outputs_and_goes_on_is_killed_at_the_deadline) {
  // Both pipes reach end of file at once; reaping must not wait for the 60 s sleep.
  const ProcessResult r = sh("sleep 60 & echo $!; exec >&- 2>&-; sleep 60", 500ms);
  BOOST_TEST(r.timed_out);
  BOOST_TEST(seconds(r.elapsed) < 10.0, seconds(r.elapsed));
  BOOST_TEST(gone(first_line_pid(r.out)));
}

BOOST_AUTO_TEST_CASE(what_a_child_leaves_running_in_its_group_ends_with_it) {
  // The child exits at once; its background sleep still holds standard output.
  const ProcessResult r = sh("sleep 60 & echo $!; exit 0", 20s);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(seconds(r.elapsed) < 10.0, seconds(r.elapsed));
  BOOST_TEST(gone(first_line_pid(r.out)));
}

BOOST_AUTO_TEST_CASE(a_flood_of_output_stops_at_the_limit_and_says_so) {
  const std::size_t limit = 1 << 20;
  const ProcessResult r = sh("yes acx", 20s, limit);
  BOOST_TEST(r.output_limited);
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.out.size() == limit);
  BOOST_TEST(seconds(r.elapsed) < 10.0, seconds(r.elapsed));
  BOOST_TEST(describe_end(r) == "printed more than 1048576 bytes on one output and was killed");
  const ProcessResult e = sh("yes acx >&2", 20s, limit);
  BOOST_TEST(e.output_limited);
  BOOST_TEST(e.err.size() == limit);
}

BOOST_AUTO_TEST_CASE(children_get_the_default_sigpipe) {
  // acx ignores SIGPIPE once it has spawned a child; `yes` in a pipeline must still end by it, as
  // from a shell, instead of complaining about a broken pipe.
  const ProcessResult r = sh("yes | head -c 10");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.size() == 10u);
  BOOST_TEST(r.err == "");
}

BOOST_AUTO_TEST_CASE(reap_kills_a_child_still_running_at_the_deadline) {
  auto spawned = Process::spawn({"sleep", "60"});
  BOOST_REQUIRE(std::holds_alternative<Process>(spawned));
  Process& p = std::get<Process>(spawned);
  BOOST_TEST(!p.ended());
  const auto start = std::chrono::steady_clock::now();
  const ProcessEnd end = p.reap(start + 300ms);
  BOOST_TEST(end.killed_at_deadline);
  BOOST_TEST(end.signal == SIGKILL);
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);
}

BOOST_AUTO_TEST_CASE(a_dropped_process_is_killed_with_its_group) {
  pid_t grandchild = -1;
  {
    auto spawned = Process::spawn({"sh", "-c", "sleep 60 & echo $!; wait"});
    BOOST_REQUIRE(std::holds_alternative<Process>(spawned));
    Process& p = std::get<Process>(spawned);
    std::string line;
    char c;
    while (::read(p.output().get(), &c, 1) == 1 && c != '\n') line += c;
    grandchild = first_line_pid(line + "\n");
  }
  BOOST_TEST(gone(grandchild));
}

BOOST_AUTO_TEST_CASE(a_coprocess_answers_up_to_the_end_line) {
  std::string error;
  auto c = Coprocess::start({"sh", "-c", "while read line; do echo \"got $line\"; echo END; done"},
                            "/dev/null", error, kDefaultOutputLimit);
  BOOST_REQUIRE(c);
  std::string out;
  BOOST_TEST(c->write("one\n", 5s));
  BOOST_TEST((c->read_until("END", 5s, out) == Coprocess::ReadEnd::Complete));
  BOOST_TEST(out == "got one\n");
  BOOST_TEST(c->write("two\n", 5s));
  BOOST_TEST((c->read_until("END", 5s, out) == Coprocess::ReadEnd::Complete));
  BOOST_TEST(out == "got two\n");
}

BOOST_AUTO_TEST_CASE(a_coprocess_that_hangs_times_out_and_is_killed_with_its_group) {
  std::string error;
  auto c = Coprocess::start({"sh", "-c", "sleep 60 & echo $!; echo END; sleep 60"}, "/dev/null", error,
                            kDefaultOutputLimit);
  BOOST_REQUIRE(c);
  std::string out;
  BOOST_REQUIRE((c->read_until("END", 5s, out) == Coprocess::ReadEnd::Complete));
  const pid_t grandchild = first_line_pid(out);
  BOOST_TEST((c->read_until("END", 300ms, out) == Coprocess::ReadEnd::TimedOut));
  const auto start = std::chrono::steady_clock::now();
  c->kill();
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);
  BOOST_TEST(gone(grandchild));
}

BOOST_AUTO_TEST_CASE(a_coprocess_that_closes_its_output_and_goes_on_does_not_hang_acx) {
  std::string error;
  auto c = Coprocess::start({"sh", "-c", "exec >&-; sleep 60"}, "/dev/null", error, kDefaultOutputLimit);
  BOOST_REQUIRE(c);
  std::string out;
  BOOST_TEST((c->read_until("END", 5s, out) == Coprocess::ReadEnd::Closed));
  const auto start = std::chrono::steady_clock::now();
  c.reset();  // kills and reaps
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);
}

BOOST_AUTO_TEST_CASE(a_coprocess_that_floods_its_output_hits_the_limit) {
  std::string error;
  auto c = Coprocess::start({"yes", "acx"}, "/dev/null", error, 1 << 20);
  BOOST_REQUIRE(c);
  std::string out;
  BOOST_TEST((c->read_until("END", 10s, out) == Coprocess::ReadEnd::OutputLimit));
}

BOOST_AUTO_TEST_CASE(a_coprocess_that_cannot_start_says_why) {
  std::string error;
  auto c = Coprocess::start({"/nonexistent/acx-no-such-program"}, "/dev/null", error, kDefaultOutputLimit);
  BOOST_TEST(!c);
  BOOST_TEST(error.find("cannot execute") != std::string::npos, error);
}
