#include "acx/backends/coprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace acx::backends {

std::unique_ptr<Coprocess> Coprocess::start(const std::vector<std::string>& argv,
                                            const std::string& stderr_file, std::string& error) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) {
    error = fmt::format("pipe: {}", std::strerror(errno));
    return nullptr;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    error = fmt::format("pipe: {}", std::strerror(errno));
    ::close(in[0]);
    ::close(in[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    error = fmt::format("cannot execute '{}': {}", argv[0], std::strerror(rc));
    ::close(in[1]);
    ::close(out[0]);
    return nullptr;
  }
  std::unique_ptr<Coprocess> p(new Coprocess());
  p->pid_ = pid;
  p->in_ = in[1];
  p->out_ = out[0];
  fcntl(p->in_, F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);  // a driver that died must not take acx with it
  return p;
}

Coprocess::~Coprocess() {
  kill();
}

void Coprocess::kill() {
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
  in_ = out_ = -1;
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

bool Coprocess::write(const std::string& data, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t written = 0;
  while (written < data.size()) {
    if (in_ < 0) return false;
    const ssize_t n = ::write(in_, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{in_, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(left.count()));
  }
  return true;
}

Coprocess::ReadEnd Coprocess::read_until(const std::string& end_line, std::chrono::milliseconds timeout,
                                         std::string& out) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string marker = end_line + "\n";
  char chunk[65536];
  for (std::size_t scanned = 0;;) {
    // The end line starts a line: at the very beginning or after a newline.
    for (std::size_t at = buffer_.find(marker, scanned > marker.size() ? scanned - marker.size() : 0);
         at != std::string::npos; at = buffer_.find(marker, at + 1)) {
      if (at == 0 || buffer_[at - 1] == '\n') {
        out = buffer_.substr(0, at);
        buffer_.erase(0, at + marker.size());
        return ReadEnd::Complete;
      }
    }
    scanned = buffer_.size();
    if (out_ < 0) return ReadEnd::Closed;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadEnd::TimedOut;
    pollfd p{out_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return ReadEnd::Closed;
    if (ready <= 0) continue;
    const ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      out = buffer_;
      return ReadEnd::Closed;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace acx::backends
