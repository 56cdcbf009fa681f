#include "matcher.h"

#include <algorithm>

namespace acx::model::detail {

void Deepest::note(std::size_t index, const std::vector<trace::Event>& observed,
                   std::optional<trace::Event> expected) {
  if (!best_ || index > best_->index) {
    best_ = trace::Divergence{};
    best_->index = index;
    if (index < observed.size()) best_->observed = observed[index];
    const std::size_t from = index > 6 ? index - 6 : 0;
    best_->context.assign(observed.begin() + static_cast<std::ptrdiff_t>(from),
                          observed.begin() + static_cast<std::ptrdiff_t>(index));
  }
  if (index == best_->index && expected &&
      std::find(best_->expected.begin(), best_->expected.end(), *expected) == best_->expected.end()) {
    best_->expected.push_back(*expected);
  }
}

Matcher::Matcher(const std::vector<trace::Event>& observed, trace::Projection projection, Deepest& deepest)
    : observed_(&observed), projection_(projection), deepest_(&deepest), hypotheses_(1) {}

bool Matcher::consume(Hypothesis& h, const trace::Event& raw, bool report) {
  trace::Event e = h.rename.apply(raw);
  if (!trace::project(e, projection_)) return true;
  if (h.index < observed_->size() && e == (*observed_)[h.index]) {
    ++h.index;
    return true;
  }
  if (report) deepest_->note(h.index, *observed_, e);
  return false;
}

bool Matcher::event(const trace::Event& event, bool decided) {
  std::vector<Hypothesis> next;
  next.reserve(hypotheses_.size());
  for (Hypothesis& h : hypotheses_) {
    if (decided) {
      if (consume(h, event)) next.push_back(std::move(h));
      continue;
    }
    const auto fate = h.fate.find(event.id);
    if (fate != h.fate.end()) {
      if (!fate->second || consume(h, event)) next.push_back(std::move(h));
      continue;
    }
    // Its id has not joined yet: the event is in the trace if the id joins later, else not.
    // (Kept, it is not reported where it differs: the model only might have made it part of the trace.)
    Hypothesis kept = h;
    kept.fate[event.id] = true;
    if (consume(kept, event, false)) next.push_back(std::move(kept));
    h.fate[event.id] = false;
    next.push_back(std::move(h));
  }
  hypotheses_ = std::move(next);
  return keep_distinct();
}

bool Matcher::joined(trace::AsyncId id) {
  // Where the id was assumed dropped, the hypothesis was wrong; where kept, it is settled.
  std::erase_if(hypotheses_, [&](const Hypothesis& h) {
    const auto fate = h.fate.find(id);
    return fate != h.fate.end() && !fate->second;
  });
  for (Hypothesis& h : hypotheses_) h.fate.erase(id);
  return keep_distinct();
}

bool Matcher::end() {
  // An id assumed kept that never joined: its events are not in the trace after all.
  std::erase_if(hypotheses_, [](const Hypothesis& h) {
    return std::any_of(h.fate.begin(), h.fate.end(), [](const auto& f) { return f.second; });
  });
  for (Hypothesis& h : hypotheses_) h.fate.clear();
  return keep_distinct();
}

bool Matcher::finished() {
  for (const Hypothesis& h : hypotheses_)
    if (h.index == observed_->size()) return true;
  for (const Hypothesis& h : hypotheses_) deepest_->note(h.index, *observed_, std::nullopt);
  return false;
}

bool Matcher::keep_distinct() {
  for (std::size_t i = 0; i < hypotheses_.size(); ++i)
    for (std::size_t j = hypotheses_.size(); j-- > i + 1;)
      if (hypotheses_[j] == hypotheses_[i])
        hypotheses_.erase(hypotheses_.begin() + static_cast<std::ptrdiff_t>(j));
  return !hypotheses_.empty();
}

std::uint64_t Matcher::position_signature() const {
  std::vector<std::size_t> indices;
  for (const Hypothesis& h : hypotheses_) indices.push_back(h.index);
  std::sort(indices.begin(), indices.end());
  StateHasher h;
  for (auto i : indices) h.add(i);
  return h.key().low;
}

void Matcher::hash_into(StateHasher& h) const {
  // Hypotheses in a canonical order: a branch's future does not depend on how they were listed.
  std::vector<StateKey> keys;
  for (const Hypothesis& hyp : hypotheses_) {
    StateHasher one;
    one.add(hyp.index);
    hyp.rename.for_each([&](trace::AsyncId raw, trace::AsyncId canonical) {
      one.add_signed(raw);
      one.add_signed(canonical);
    });
    for (const auto& [id, kept] : hyp.fate) {
      one.add_signed(id);
      one.add(kept);
    }
    keys.push_back(one.key());
  }
  std::sort(keys.begin(), keys.end(), [](const StateKey& a, const StateKey& b) {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  });
  h.add(keys.size());
  for (const StateKey& k : keys) {
    h.add(k.high);
    h.add(k.low);
  }
}

}  // namespace acx::model::detail
