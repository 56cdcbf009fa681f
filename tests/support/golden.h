// Golden files, as wabt's tests have them: a test compares what it made with a file under tests/,
// and ACX_REBASE=1 in the environment rewrites the file instead (review the diff, then commit it).
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace acx::testing {

inline bool rebasing() {
  const char* rebase = std::getenv("ACX_REBASE");
  return rebase && std::string(rebase) == "1";
}

/// Fails the test, naming the first line that differs, unless `actual` is the file's text.
inline void check_golden(const std::filesystem::path& path, const std::string& actual) {
  if (rebasing()) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    BOOST_TEST_MESSAGE("rebased " << path.string());
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    BOOST_ERROR("no golden file " << path.string() << " (ACX_REBASE=1 writes it)");
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string expected = text.str();
  if (expected == actual) return;
  std::istringstream want(expected), got(actual);
  std::string want_line, got_line;
  for (int line = 1;; ++line) {
    const bool more_wanted = static_cast<bool>(std::getline(want, want_line));
    const bool more_got = static_cast<bool>(std::getline(got, got_line));
    if (!more_wanted && !more_got) break;
    if (more_wanted != more_got || want_line != got_line) {
      BOOST_ERROR(path.string() << ":" << line << ": differs (ACX_REBASE=1 rewrites the file)\n  golden: "
                                << (more_wanted ? want_line : "<end of file>")
                                << "\n  now:    " << (more_got ? got_line : "<end of output>"));
      return;
    }
  }
  BOOST_ERROR(path.string() << ": differs in line ends (ACX_REBASE=1 rewrites the file)");
}

}  // namespace acx::testing
