// Private: uncaught exceptions and unhandled rejections (spec/errors.md).
#pragma once

#include <deque>
#include <unordered_set>
#include <vector>

#include "state.h"

namespace acx::model::detail {

/// A rejection waiting for processPromiseRejections (`rejection.unhandled`).
struct PendingRejection {
  std::size_t promise;
  Frame frame = kNoFrame;  ///< The context at rejection time (frame model).
};

struct Errors {
  std::vector<const Block*> unhandled_rejection_handlers, uncaught_exception_handlers;
  std::deque<PendingRejection> pending_rejections;
  std::unordered_set<std::size_t> maybe_unhandled;  ///< Rejected promises still without a handler.
};

}  // namespace acx::model::detail
