// Private: comparing a branch of the model with an observed trace while the branch runs (search.cpp).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "acx/model/machine.h"
#include "acx/model/state_key.h"
#include "acx/trace/canonical.h"
#include "acx/trace/compare.h"
#include "acx/trace/projection.h"

namespace acx::model::detail {

/// The deepest point any branch of a search reached before parting from the observed trace, with
/// every event the model allowed there.
class Deepest {
 public:
  void note(std::size_t index, const std::vector<trace::Event>& observed,
            std::optional<trace::Event> expected);
  const std::optional<trace::Divergence>& get() const { return best_; }

 private:
  std::optional<trace::Divergence> best_;
};

/// Compares one branch's events with the observed trace the moment the model makes them, before
/// `trace.scope` decides whether an event belongs to the trace (spec/harness.md): an event whose id
/// has not joined the scenario yet is taken both ways, as a hypothesis, kept (it must then match
/// the observed trace now, and its id must join before the end) or dropped (its id must never
/// join). A branch dies when no hypothesis is left: a divergence shows at once, not when the run
/// ends. Copied with its branch.
class Matcher final : public TraceConsumer {
 public:
  Matcher(const std::vector<trace::Event>& observed, trace::Projection projection, Deepest& deepest);
  bool event(const trace::Event& event, bool decided) override;
  bool joined(trace::AsyncId id) override;
  bool end() override;
  /// The branch completed: some hypothesis matched every observed event.
  bool finished();
  void hash_into(StateHasher& h) const;
  /// Where the branch's hypotheses are in the observed trace (equal branches have equal ones).
  std::uint64_t position_signature() const;

 private:
  struct Hypothesis {
    std::size_t index = 0;                ///< Observed events matched.
    trace::Renamer rename{kModelRootId};  ///< The trace's canonical names so far.
    std::map<trace::AsyncId, bool> fate;  ///< Undecided ids: assumed kept (true) or dropped.
    friend bool operator==(const Hypothesis& a, const Hypothesis& b) {
      return a.index == b.index && a.rename == b.rename && a.fate == b.fate;
    }
  };
  /// The event as hypothesis `h` sees it; false when it differs from the observed trace.
  bool consume(Hypothesis& h, const trace::Event& event, bool report = true);
  /// Drops equal hypotheses; false when none is left.
  bool keep_distinct();

  const std::vector<trace::Event>* observed_;
  trace::Projection projection_;
  Deepest* deepest_;
  std::vector<Hypothesis> hypotheses_;
};

}  // namespace acx::model::detail
