#include "gen_scope.h"

namespace acx::fuzz::detail {

using scenario::Arg;
using scenario::Kind;

std::vector<std::string>* Env::of(Kind kind) {
  switch (kind) {
    case Kind::Hook:
      return &hooks;
    case Kind::Als:
      return &als;
    case Kind::Promise:
      return &promises;
    case Kind::Timer:
      return &timers;
    case Kind::Immediate:
      return &immediates;
    case Kind::Function:
      return &functions;
    case Kind::Thenable:
      return &thenables;
    case Kind::Snapshot:
      return &snapshots;
    case Kind::Resource:
      return &resources;
    case Kind::Emitter:
      return &emitters;
    case Kind::None:
    case Kind::AsyncFunction:
    case Kind::BoundFunction:
      break;
  }
  return nullptr;
}

std::vector<std::string>* Env::of(Arg arg) {
  switch (arg) {
    case Arg::TimerName:
      return &timers;
    case Arg::ImmediateName:
      return &immediates;
    case Arg::ResourceName:
      return &resources;
    case Arg::Callable:
      return &sync_functions;
    case Arg::PromiseName:
      return &promises;
    default:
      return nullptr;
  }
}

const char* prefix(Kind kind) {
  switch (kind) {
    case Kind::Hook:
      return "h";
    case Kind::Als:
      return "a";
    case Kind::Timer:
    case Kind::Thenable:
      return "t";
    case Kind::Immediate:
      return "i";
    case Kind::Function:
    case Kind::AsyncFunction:
      return "f";
    case Kind::Snapshot:
      return "s";
    case Kind::BoundFunction:
      return "b";
    case Kind::Resource:
      return "r";
    case Kind::Emitter:
      return "e";
    case Kind::None:
    case Kind::Promise:
      break;
  }
  return "p";
}

}  // namespace acx::fuzz::detail
