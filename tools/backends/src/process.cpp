#include "acx/backends/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <thread>

extern char** environ;

namespace acx::backends {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void Fd::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int millis_until(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, INT_MAX));
}

namespace {

struct Pipe {
  Fd read, write;
};

std::variant<Pipe, std::string> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return fmt::format("pipe: {}", std::strerror(errno));
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

/// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::variant<Process, std::string> Process::spawn(const std::vector<std::string>& argv,
                                                  const SpawnOptions& options) {
  // Writing to a child that died must give EPIPE, not end acx.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { signal(SIGPIPE, SIG_IGN); });

  const bool err_pipe = options.stderr_file.empty();
  auto in = make_pipe(), out = make_pipe(), err = err_pipe ? make_pipe() : Pipe{};
  for (auto* p : {&in, &out, &err})
    if (auto* error = std::get_if<std::string>(p)) return *error;
  Pipe& i = std::get<Pipe>(in);
  Pipe& o = std::get<Pipe>(out);
  Pipe& e = std::get<Pipe>(err);

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, i.read.get(), 0);
  posix_spawn_file_actions_adddup2(&setup.actions, o.write.get(), 1);
  if (err_pipe)
    posix_spawn_file_actions_adddup2(&setup.actions, e.write.get(), 2);
  else
    posix_spawn_file_actions_addopen(&setup.actions, 2, options.stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // A group of its own, so that a kill reaches everything the runtime started; SIGPIPE as a
  // program started from a shell has it (acx itself ignores it).
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  if (rc != 0) return fmt::format("cannot execute '{}': {}", argv[0], std::strerror(rc));

  Process p;
  p.pid_ = pid;
  p.reaped_ = false;
  p.in_ = std::move(i.write);
  p.out_ = std::move(o.read);
  p.err_ = std::move(e.read);
  // The child is not reaped yet, so its pid cannot have been reused: the pidfd is its own.
  // (The raw system call: glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage for C++.)
  p.pidfd_ = Fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  return p;
}

Process::Process(Process&& other) noexcept
    : pid_(other.pid_),
      reaped_(other.reaped_),
      in_(std::move(other.in_)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)),
      pidfd_(std::move(other.pidfd_)) {
  other.pid_ = -1;
  other.reaped_ = true;
}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = other.pid_;
    reaped_ = other.reaped_;
    in_ = std::move(other.in_);
    out_ = std::move(other.out_);
    err_ = std::move(other.err_);
    pidfd_ = std::move(other.pidfd_);
    other.pid_ = -1;
    other.reaped_ = true;
  }
  return *this;
}

Process::~Process() {
  release();
}

void Process::release() {
  in_.close();
  out_.close();
  err_.close();
  if (!reaped_) reap(std::chrono::steady_clock::now());
  pidfd_.close();
}

bool Process::ended() const {
  if (reaped_) return true;
  siginfo_t info{};
  // WNOWAIT: looks without reaping, so that the group id stays reserved until reap().
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
  return info.si_pid != 0;
}

void Process::kill_group() const {
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

bool Process::wait_for_end(Deadline deadline) const {
  for (;;) {
    if (ended()) return true;
    const int left = millis_until(deadline);
    if (left == 0) return false;
    if (pidfd_.open()) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      poll(&p, 1, left);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 10)));
    }
  }
}

ProcessEnd Process::reap(Deadline deadline) {
  ProcessEnd end;
  if (reaped_) return end;
  if (!wait_for_end(deadline)) {
    end.killed_at_deadline = true;
    kill_group();
    if (!wait_for_end(std::chrono::steady_clock::now() + kReapGrace)) {
      // Not even SIGKILL ends it yet: left behind (a zombie once it goes) rather than waited for.
      reaped_ = true;
      return end;
    }
  }
  kill_group();  // what the child left running in its group ends with it
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  if (WIFEXITED(status)) end.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) end.signal = WTERMSIG(status);
  return end;
}

}  // namespace acx::backends
