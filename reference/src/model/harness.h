// Private: the harness rule `trace.scope` (spec/harness.md) as the model applies it to its own events:
// an id belongs to the scenario iff one of its events is emitted while scenario code is on the stack
// or scenario code runs under it; the events of other ids are dropped, as a backend's harness drops
// those of the resources a runtime makes on its own.
#pragma once

#include <vector>

#include "cow_vector.h"
#include "state.h"

namespace acx::model::detail {

class TraceScope {
 public:
  explicit TraceScope(TraceConsumer& consumer) : consumer_(&consumer) {}
  /// Where the events go from now on (a forked machine's own consumer).
  void set_consumer(TraceConsumer& consumer) { consumer_ = &consumer; }

  /// Sends an event to the consumer with whether it belongs to the trace already: an observe or
  /// resource event, or one of a scoped id; an event made while scenario code runs scopes its id.
  void emit(const trace::Event& event);
  /// The id belongs to the scenario (scenario code runs under it): its earlier events join the trace.
  void scope_id(AsyncId id);
  bool scoped(AsyncId id) const {
    return id >= 0 && static_cast<std::size_t>(id) < scoped_.size() && scoped_[static_cast<std::size_t>(id)];
  }
  /// The run ended: no id joins any more; then the exit event (`uncaught.exit`).
  void finish(int exit_code);
  void hash_into(StateHasher& h) const;

  /// > 0 while scenario code is on the stack.
  int depth() const { return depth_; }
  void enter() { ++depth_; }
  void leave() { --depth_; }

 private:
  TraceConsumer* consumer_;
  int depth_ = 0;
  CowVector<char, 12> scoped_;  ///< By id: the id belongs to the scenario.
};

/// Scenario code runs for the length of a C++ scope (the harness's callback wrapper).
class ScenarioCode {
 public:
  explicit ScenarioCode(TraceScope& scope) : scope_(scope) { scope_.enter(); }
  ScenarioCode(const ScenarioCode&) = delete;
  ScenarioCode& operator=(const ScenarioCode&) = delete;
  ~ScenarioCode() { scope_.leave(); }

 private:
  TraceScope& scope_;
};

}  // namespace acx::model::detail
