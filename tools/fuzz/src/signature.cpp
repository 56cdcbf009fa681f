#include "acx/fuzz/signature.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "acx/model/search.h"

namespace acx::fuzz {

namespace {

using scenario::Block;
using scenario::Op;
using scenario::Statement;

/// For every label an observation statement uses, the kinds of callback it runs in.
using CallbackKinds = std::map<std::string, std::set<std::string>>;

bool records_label(Op op) {
  return op == Op::Observe || op == Op::ObserveError || op == Op::ObserveExecution ||
         op == Op::ObserveResource;
}

/// The kind of callback the blocks of `st` run in, given the kind of the code around it. Families,
/// not operations: the same runtime departure shows in a tick or in a reaction alike, so those are
/// one kind; a timer and an immediate, likewise.
std::string block_kind(const Statement& st, const std::string& around) {
  switch (st.op) {
    case Op::NextTick:
    case Op::QueueMicrotask:
    case Op::Then:
    case Op::Catch:
    case Op::Finally:
    case Op::Thenable:  // its then() runs in a job (NewPromiseResolveThenableJob)
      return "microtask";
    case Op::SetTimeout:
    case Op::SetInterval:
    case Op::SetImmediate:
      return "macrotask";
    case Op::ProcessOn:
      return st.args.empty() ? "process.on" : st.args[0].text;
    case Op::CreateHook:
      return "hook";
    case Op::Function:
    case Op::AsyncFunction:
    case Op::On:
      return "function";
    default:
      // run, exit, runInAsyncScope, a snapshot's run, try, an executor: the code around, at once.
      return around;
  }
}

/// Records the kinds of the observations in `block`; returns whether an await was met in it (the
/// rest of the enclosing async function's body then runs as a continuation).
bool walk(const Block& block, const std::string& kind, bool in_async_function, CallbackKinds& out) {
  // After an await, the rest of an async function's body (the blocks of a try included) is a
  // continuation: a microtask.
  std::string current = kind;
  bool awaited = false;
  for (const Statement& st : block) {
    if (records_label(st.op) && !st.args.empty()) out[st.args[0].text].insert(current);
    for (const Block& inner : st.blocks) {
      if (st.op == Op::AsyncFunction) {
        walk(inner, "function", true, out);
        continue;
      }
      const bool inline_block = st.op == Op::Try;
      if (walk(inner, block_kind(st, current), in_async_function && inline_block, out) && inline_block)
        awaited = true, current = "microtask";
    }
    if (in_async_function && st.op == Op::Await) awaited = true, current = "microtask";
  }
  return awaited;
}

std::string callback_of(const CallbackKinds& kinds, const std::string& label) {
  const auto it = kinds.find(label);
  if (it == kinds.end() || it->second.empty()) return "?";
  return fmt::format("{}", fmt::join(it->second, "|"));
}

std::string shape(const trace::Event& e, const CallbackKinds& kinds) {
  switch (e.kind) {
    case trace::EventKind::Observe:
      return "observe in " + callback_of(kinds, e.label);
    case trace::EventKind::Exit:
      return fmt::format("exit {}", e.code);
    case trace::EventKind::Init:
      return "init " + e.type;
    default:
      return std::string(trace::kind_name(e.kind));
  }
}

std::string value_class(const std::string& literal) {
  return literal == "undefined" ? "undefined" : "value";
}

/// How an allowed observation and the observed one at the same statement differ; empty if they do
/// not (then they differ in nothing a signature keeps).
std::string observe_difference(const trace::Event& allowed, const trace::Event& observed) {
  std::set<std::string> stores;
  for (std::size_t i = 0; i < allowed.stores.size() && i < observed.stores.size(); ++i)
    if (allowed.stores[i].second != observed.stores[i].second)
      stores.insert(value_class(allowed.stores[i].second) + "->" + value_class(observed.stores[i].second));
  if (allowed.stores.size() != observed.stores.size()) stores.insert("count");
  if (!stores.empty()) return fmt::format("stores {}", fmt::join(stores, ","));
  if (allowed.eid != observed.eid || allowed.tid != observed.tid) return "ids";
  if (allowed.error != observed.error) return "error";
  if (allowed.resource != observed.resource) return "resource";
  return "";
}

/// "exit 1" out of a backend failure's message ("bun: exit 1", "deno: killed by signal 9 (...)").
std::string how_it_ended(const judge::Judgement& j) {
  if (j.failure == backends::BackendFailure::Kind::TimedOut) return "timed out";
  if (j.failure == backends::BackendFailure::Kind::BadOutput) return "bad output";
  if (j.failure == backends::BackendFailure::Kind::Unavailable) return "unavailable";
  const std::string first_line = j.report.substr(0, j.report.find('\n'));
  const auto colon = first_line.rfind(": ");
  std::string end = colon == std::string::npos ? first_line : first_line.substr(colon + 2);
  // A signal's description after its number is the C library's wording, not the runtime's.
  if (const auto paren = end.find(" ("); paren != std::string::npos) end.resize(paren);
  return end;
}

}  // namespace

std::optional<std::string> divergence_signature(const scenario::Scenario& s, const judge::Judgement& j,
                                                const model::Profile& profile) {
  if (j.kind == judge::Judgement::Kind::BackendFailure) {
    const model::Prediction p = model::predict(s, profile, judge::random_program_options());
    const bool ends = !p.events.empty() && p.events.back().kind == trace::EventKind::Exit;
    return fmt::format("no trace ({}); model exits {}", how_it_ended(j),
                       ends ? std::to_string(p.events.back().code) : "?");
  }
  if (j.kind != judge::Judgement::Kind::Fail) return std::nullopt;
  if (!j.divergence) return "fail without a divergence";  // an @orders failure
  const trace::Divergence& d = *j.divergence;
  CallbackKinds kinds;
  walk(s.body, "main", false, kinds);
  if (d.observed && d.observed->kind == trace::EventKind::Observe) {
    // The same statement on both sides: how the observation differs. With several allowed
    // executions at that statement, the closest one (fewest differing stores).
    std::optional<std::string> best;
    std::size_t best_count = 0;
    for (const trace::Event& allowed : d.expected) {
      if (allowed.kind != trace::EventKind::Observe || allowed.label != d.observed->label) continue;
      const std::string difference = observe_difference(allowed, *d.observed);
      if (difference.empty()) continue;
      const auto count = static_cast<std::size_t>(std::count(difference.begin(), difference.end(), ',')) + 1;
      if (!best || count < best_count) best = difference, best_count = count;
    }
    if (best) return fmt::format("{} at observe in {}", *best, callback_of(kinds, d.observed->label));
  }
  std::set<std::string> allowed;
  for (const trace::Event& e : d.expected) allowed.insert(shape(e, kinds));
  return fmt::format("order: allowed {} | observed {}", fmt::join(allowed, ", "),
                     d.observed ? shape(*d.observed, kinds) : "the end of the trace");
}

}  // namespace acx::fuzz
