// A model::EventSink that keeps every event, for tests that inspect a run's trace.
#pragma once

#include <vector>

#include "acx/model/machine.h"

namespace acx::testing {

class CollectingSink final : public model::EventSink {
 public:
  std::vector<trace::Event> events;
  bool accept(const trace::Event& e) override {
    events.push_back(e);
    return true;
  }
};

}  // namespace acx::testing
