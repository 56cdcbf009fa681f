// Known divergences for acx fuzz: the first-divergence signatures (acx/fuzz/signature.h) of a
// backend's expected failures (conformance/expectations/<backend>), learnt by running each of those
// cases once through the judge. A fuzz divergence with one of these signatures is the known one,
// counted by its expectation instead of being reported as new.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acx/backends/backend.h"
#include "acx/model/profile.h"

namespace acx::cli {

class KnownDivergences {
 public:
  /// The expected-fail case whose signature this is, or nullopt.
  std::optional<std::string> match(const std::string& signature) const;
  /// Records that `case_id` fails with `signature` (the first case of a signature keeps it).
  void add(const std::string& signature, const std::string& case_id);
  std::size_t size() const { return by_signature_.size(); }
  const std::map<std::string, std::string>& signatures() const { return by_signature_; }

 private:
  std::map<std::string, std::string> by_signature_;
};

struct LearntDivergences {
  KnownDivergences known;
  /// One line per expected failure that gave no signature (it passed this time, was undecided or
  /// unsupported, or is not among the cases), for the run's header.
  std::vector<std::string> notes;
  std::size_t cases = 0;  ///< Expected failures of the backend.
};

/// Runs every case that `expectations_dir`'s file for `backend_spec` expects to fail (found by id
/// under `cases_dir`) once on `backend` and keeps its signature. An error (a malformed expectations
/// file, a missing cases folder) is returned as text; a missing expectations file means none.
std::variant<LearntDivergences, std::string> learn_known_divergences(const std::string& expectations_dir,
                                                                     const std::string& cases_dir,
                                                                     const std::string& backend_spec,
                                                                     backends::Backend& backend,
                                                                     const model::Profile& profile);

}  // namespace acx::cli
