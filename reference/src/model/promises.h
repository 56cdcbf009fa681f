// Private: the promises and thenables of a run (spec/promises.md).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "cow_vector.h"
#include "state.h"

namespace acx::model::detail {

struct PromiseState {
  enum class State { Pending, Fulfilled, Rejected } state = State::Pending;
  RValue value;
  bool already_resolved = false;
  bool has_handler = false;  ///< V8's flag: some reaction was ever registered.
  AsyncId id = 0;            ///< 0 while untracked (`promise.tracking`).
  AsyncId trigger = kNaNId;  ///< kNaNId when the id was given as a parent (`promise.lazy-id`).
  std::vector<Reaction> reactions;
};

struct ThenableState {
  const Block* block;
  std::string name;
};

struct Promises {
  CowVector<PromiseState> all;  ///< Growing never moves the promises (references stay valid).
  std::vector<ThenableState> thenables;
  /// Thenable blocks running now: inside, `t.resolve`/`t.reject` settle `promise` (unless `flag`).
  struct ThenableCall {
    std::size_t thenable, promise;
    FlagRef flag;
  };
  std::vector<ThenableCall> thenable_calls;
};

}  // namespace acx::model::detail
