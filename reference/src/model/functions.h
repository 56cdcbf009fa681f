// Private: the functions of a run (spec/functions.md).
#pragma once

#include "state.h"

namespace acx::model::detail {

struct FunctionState {
  enum class Kind { Plain, Async, Bound } kind;
  const Block* body = nullptr;  ///< Plain and async functions.
  AsyncId resource = 0;         ///< Bound: the AsyncResource it runs in (`resource.bind`).
  std::size_t target = 0;       ///< Bound: the function it calls.
};

}  // namespace acx::model::detail
