#include "acx/backends/coprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace acx::backends {

std::unique_ptr<Coprocess> Coprocess::start(const std::vector<std::string>& argv,
                                            const std::string& stderr_file, std::string& error,
                                            std::size_t output_limit) {
  auto spawned = Process::spawn(argv, {stderr_file});
  if (auto* e = std::get_if<std::string>(&spawned)) {
    error = *e;
    return nullptr;
  }
  std::unique_ptr<Coprocess> p(new Coprocess(std::move(std::get<Process>(spawned)), output_limit));
  fcntl(p->process_.input().get(), F_SETFL, O_NONBLOCK);
  return p;
}

Coprocess::~Coprocess() {
  kill();
}

void Coprocess::kill() {
  process_.input().close();
  process_.output().close();
  process_.kill_group();
  process_.reap(std::chrono::steady_clock::now());
}

bool Coprocess::write(const std::string& data, std::chrono::milliseconds timeout) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  const int in = process_.input().get();
  std::size_t written = 0;
  while (written < data.size()) {
    if (in < 0) return false;
    const ssize_t n = ::write(in, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    const int left = millis_until(deadline);
    if (left == 0) return false;
    pollfd p{in, POLLOUT, 0};
    poll(&p, 1, left);
  }
  return true;
}

Coprocess::ReadEnd Coprocess::read_until(const std::string& end_line, std::chrono::milliseconds timeout,
                                         std::string& out) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  const std::string marker = end_line + "\n";
  const int from = process_.output().get();
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
    if (buffer_.size() > output_limit_) return ReadEnd::OutputLimit;
    if (from < 0) return ReadEnd::Closed;
    const int left = millis_until(deadline);
    if (left == 0) return ReadEnd::TimedOut;
    pollfd p{from, POLLIN, 0};
    const int ready = poll(&p, 1, left);
    if (ready < 0 && errno != EINTR) return ReadEnd::Closed;
    if (ready <= 0) continue;
    const ssize_t n = ::read(from, chunk, sizeof chunk);
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      out = buffer_;
      return ReadEnd::Closed;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace acx::backends
