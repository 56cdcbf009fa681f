#include "acx/backends/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "acx/backends/process.h"

namespace acx::backends {

namespace {

/// Where no pidfd tells when the child ends, polls wake up this often to look.
constexpr int kEndCheckMillis = 50;

/// Moves the child's output into the result and feeds its input until both outputs close, the
/// deadline passes or an output passes the limit (then the group is killed).
void pump(Process& p, const ProcessOptions& options, Deadline deadline, ProcessResult& result) {
  const std::string input = options.input.value_or("");
  std::size_t written = 0;
  if (input.empty())
    p.input().close();
  else
    fcntl(p.input().get(), F_SETFL, O_NONBLOCK);
  bool child_ended = false;
  char buffer[65536];
  while (p.output().open() || p.errors().open()) {
    const int left = millis_until(deadline);
    if (left == 0) {
      result.timed_out = true;
      p.kill_group();
      return;
    }
    std::vector<pollfd> fds;
    for (Fd* fd : {&p.output(), &p.errors()})
      if (fd->open()) fds.push_back({fd->get(), POLLIN, 0});
    if (p.input().open()) fds.push_back({p.input().get(), POLLOUT, 0});
    const bool watch_end = !child_ended && p.end_fd() >= 0;
    if (watch_end) fds.push_back({p.end_fd(), POLLIN, 0});
    const int wait = child_ended || watch_end ? left : std::min(left, kEndCheckMillis);
    if (poll(fds.data(), fds.size(), wait) < 0 && errno != EINTR) return;
    // The child ended: what it started in its group goes too, so that a leftover holding the pipes
    // cannot keep acx waiting; what they wrote is still read below.
    if (!child_ended && (watch_end ? (fds.back().revents & POLLIN) != 0 : p.ended())) {
      child_ended = true;
      p.kill_group();
    }
    for (const auto& f : fds) {
      if (f.fd == p.end_fd() || !(f.revents & (POLLIN | POLLHUP | POLLERR | POLLOUT))) continue;
      if (f.fd == p.input().get()) {
        const ssize_t n = ::write(f.fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) p.input().close();
        continue;
      }
      const bool is_out = f.fd == p.output().get();
      const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (is_out ? p.output() : p.errors()).close();
        continue;
      }
      std::string& sink = is_out ? result.out : result.err;
      const std::size_t room = options.output_limit - std::min(options.output_limit, sink.size());
      sink.append(buffer, std::min(room, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) > room) {
        result.output_limited = true;
        p.kill_group();
        return;
      }
    }
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  result.output_limit = options.output_limit;
  const auto start = std::chrono::steady_clock::now();
  const Deadline deadline = start + options.timeout;
  auto spawned = Process::spawn(argv);
  if (auto* error = std::get_if<std::string>(&spawned)) {
    result.start_error = *error;
    return result;
  }
  Process& p = std::get<Process>(spawned);
  result.started = true;
  pump(p, options, deadline, result);
  // Both outputs are closed (or it was killed): a child that closed them and goes on running is
  // waited for only until the deadline.
  const ProcessEnd end = p.reap(deadline);
  if (end.killed_at_deadline && !result.output_limited) result.timed_out = true;
  result.exit_code = end.exit_code;
  result.signal = end.signal;
  result.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return result;
}

std::string describe_end(const ProcessResult& r) {
  if (!r.started) return r.start_error;
  if (r.timed_out) return "timed out and was killed";
  if (r.output_limited)
    return fmt::format("printed more than {} bytes on one output and was killed", r.output_limit);
  if (r.signal != 0) return fmt::format("killed by signal {} ({})", r.signal, strsignal(r.signal));
  return fmt::format("exit {}", r.exit_code);
}

}  // namespace acx::backends
