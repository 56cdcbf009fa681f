// A child process and its lifetime: spawned in a process group of its own (so that killing it kills
// everything it started), killed with that whole group, and reaped with a deadline (a child that
// closed its pipes but keeps running cannot hold acx past it). The one-shot run_process
// (subprocess.h) and the long-running Coprocess (coprocess.h) are built on it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace acx::backends {

using Deadline = std::chrono::steady_clock::time_point;

/// A file descriptor that is closed when dropped.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { close(); }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void close();

 private:
  int fd_ = -1;
};

/// Milliseconds left until `deadline` (0 once it has passed), clamped to what poll() takes.
int millis_until(Deadline deadline);

/// How a child ended.
struct ProcessEnd {
  int exit_code = -1;               ///< Exit status when it exited normally.
  int signal = 0;                   ///< Terminating signal, 0 if none.
  bool killed_at_deadline = false;  ///< Still running at the deadline: its group was killed.
};

struct SpawnOptions {
  /// Where standard error goes: a pipe (empty) or this file, created or truncated.
  std::string stderr_file;
};

class Process {
 public:
  /// Starts argv (argv[0] looked up on PATH) in a new process group, with pipes on its standard
  /// input and output (and error, unless SpawnOptions::stderr_file). The error says why it could not
  /// start. SIGPIPE is ignored in acx from then on (a child that died must not take acx with it) and
  /// restored to its default in the child.
  static std::variant<Process, std::string> spawn(const std::vector<std::string>& argv,
                                                  const SpawnOptions& options = {});

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  /// Kills the group and reaps the child (within a grace period) if that has not happened yet.
  ~Process();

  pid_t pid() const { return pid_; }
  Fd& input() { return in_; }    ///< The write end of the child's standard input.
  Fd& output() { return out_; }  ///< The read end of its standard output.
  Fd& errors() { return err_; }  ///< The read end of its standard error (closed with stderr_file).
  /// Becomes readable (poll) when the child has ended; -1 where the kernel has no pidfd (the
  /// callers then look with ended() between polls).
  int end_fd() const { return pidfd_.get(); }

  /// Whether the child has ended (it is not reaped: its group id stays reserved for kill_group).
  bool ended() const;
  /// SIGKILL to the whole process group: the child and whatever it started that stayed in it.
  void kill_group() const;
  /// Waits until the child ends or `deadline` passes; at the deadline kills the group. Then kills
  /// what is left of the group (a child's leftovers end with it) and reaps the child. If even a
  /// killed child does not go within a grace period (an uninterruptible sleep), it is left unreaped
  /// rather than hanging acx, and the end says it was killed.
  ProcessEnd reap(Deadline deadline);

 private:
  Process() = default;
  bool wait_for_end(Deadline deadline) const;
  void release();

  pid_t pid_ = -1;
  bool reaped_ = true;
  Fd in_, out_, err_, pidfd_;
};

/// How long a killed child is given to go before it is left unreaped.
inline constexpr std::chrono::milliseconds kReapGrace{2000};

}  // namespace acx::backends
