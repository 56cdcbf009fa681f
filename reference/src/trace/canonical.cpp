#include "acx/trace/canonical.h"

#include <fmt/format.h>

#include <algorithm>

namespace acx::trace {

// `trace.canonical`: ids are renamed by first appearance; 0, NaN and the root keep fixed names.
AsyncId Renamer::operator()(AsyncId raw) {
  if (raw == 0 || raw == kNaNId) return raw;
  if (raw == root_trigger_ && root_trigger_ != 0) return 0;
  if (raw == root_) return kRootId;
  if (raw > 0 && raw < kDenseLimit) {
    const auto index = static_cast<std::size_t>(raw);
    if (index >= dense_.size()) dense_.resize(std::max(index + 1, dense_.size() * 2), 0);
    if (dense_[index] == 0) dense_[index] = next_++;
    return dense_[index];
  }
  auto [it, inserted] = sparse_.try_emplace(raw, next_);
  if (inserted) ++next_;
  return it->second;
}

bool operator==(const Renamer& a, const Renamer& b) {
  if (a.root_ != b.root_ || a.root_trigger_ != b.root_trigger_ || a.next_ != b.next_ ||
      a.sparse_ != b.sparse_)
    return false;
  const std::size_t common = std::min(a.dense_.size(), b.dense_.size());
  if (!std::equal(a.dense_.begin(), a.dense_.begin() + static_cast<std::ptrdiff_t>(common), b.dense_.begin()))
    return false;
  const auto zero = [](AsyncId v) { return v == 0; };
  return std::all_of(a.dense_.begin() + static_cast<std::ptrdiff_t>(common), a.dense_.end(), zero) &&
         std::all_of(b.dense_.begin() + static_cast<std::ptrdiff_t>(common), b.dense_.end(), zero);
}

Event Renamer::apply(Event e) {
  switch (e.kind) {
    case EventKind::Init:
      e.id = (*this)(e.id);
      e.trigger = (*this)(e.trigger);
      e.eid = (*this)(e.eid);
      break;
    case EventKind::Observe:
      e.eid = (*this)(e.eid);
      e.tid = (*this)(e.tid);
      break;
    case EventKind::Exit:
      break;
    case EventKind::Resource:
      e.id = (*this)(e.id);
      e.trigger = (*this)(e.trigger);
      break;
    default:
      e.id = (*this)(e.id);
  }
  return e;
}

Trace canonicalize(const Trace& trace) {
  Trace out;
  out.meta = trace.meta;
  out.meta.root = kRootId;
  out.meta.root_trigger = 0;
  Renamer rename(trace.meta.root, trace.meta.root_trigger);
  out.events.reserve(trace.events.size());
  for (const auto& e : trace.events) out.events.push_back(rename.apply(e));
  return out;
}

std::string id_name(AsyncId id) {
  if (id == 0) return "0";
  if (id == kNaNId) return "NaN";
  if (id == kRootId) return "root";
  return fmt::format("#{}", id);
}

std::string describe(const Event& e) {
  switch (e.kind) {
    case EventKind::Init:
      return fmt::format("init {} {} trigger={} eid={} [{}]", e.type, id_name(e.id), id_name(e.trigger),
                         id_name(e.eid), e.hook);
    case EventKind::Observe: {
      std::string stores;
      for (const auto& [name, literal] : e.stores) stores += fmt::format(" {}={}", name, literal);
      if (e.error) stores += fmt::format(" error={}", *e.error);
      if (e.resource) stores += fmt::format(" executionAsyncResource={}", *e.resource);
      return fmt::format("observe \"{}\" eid={} tid={}{}", e.label, id_name(e.eid), id_name(e.tid), stores);
    }
    case EventKind::Exit:
      return fmt::format("exit code={}", e.code);
    case EventKind::Resource:
      return fmt::format("resource \"{}\" asyncId={} triggerAsyncId={}", e.label, id_name(e.id),
                         id_name(e.trigger));
    default:
      return fmt::format("{} {} [{}]", kind_name(e.kind), id_name(e.id), e.hook);
  }
}

}  // namespace acx::trace
