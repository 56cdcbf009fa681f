// Timers (spec/event-loop.md `loop.timers.*`, `timer.*`): setTimeout, setInterval, their clearing,
// and the timers phase with the orders the spec leaves open (Node >= 11: one list per duration;
// Node 10: a TIMERWRAP resource per list, `timer.list-resource`).
#include <algorithm>
#include <map>
#include <set>

#include "machine_impl.h"

namespace acx::model::detail {

void Machine::set_timer(const Statement& st) {
  // `timer.resource`, `timer.interval`: one Timeout resource either way.
  const AsyncId id = init_resource("Timeout", default_trigger());
  // `loop.timers.minimum`: durations below 1 ms or above 2^31 - 1 ms become 1 ms.
  const std::int64_t requested = st.args[0].number;
  const std::int64_t ms = requested < 1 || requested > 2147483647 ? 1 : requested;
  // `timer.list-resource` (variation point): Node 10 makes a TIMERWRAP for a new list.
  if (profile_.timer_list == TimerList::TimerWrap && !timers_.lists.contains(ms))
    timers_.lists[ms] = init_resource("TIMERWRAP", default_trigger());
  timers_.pending.push_back(
      Timer{id, ms, &st.blocks[0], timers_.created++, st.op == scenario::Op::SetInterval});
  bind(st, Bound{Kind::Timer, static_cast<std::size_t>(id)});
}

void Machine::clear_timer(const Statement& st) {
  // `timer.clear`: a pending timer is removed and its destroy queued; so is a running one (an
  // interval is then not armed again); a fired or cleared one is left alone.
  const auto id = static_cast<AsyncId>(bound(st.args[0].slot).index);
  auto& pending = timers_.pending;
  auto it = std::find_if(pending.begin(), pending.end(), [&](const Timer& t) { return t.id == id; });
  if (it != pending.end()) {
    const std::int64_t duration = it->duration;
    pending.erase(it);
    queue_destroy(id);
    if (timers_.running_list != duration) close_list_if_empty(duration);
  } else if (auto running = timers_.running.find(id); running != timers_.running.end() && !running->second) {
    running->second = true;
    queue_destroy(id);
  }
}

void Machine::begin_timers_phase() {
  // `loop.timers.eligible`: only timers that exist when the phase starts can run in it.
  pos_.phase_start = timers_.created;
  // `loop.timers.must-run`: with no immediate and no queued destroy the loop blocks in poll until a
  // timer is due, so the phase after that runs at least one.
  pos_.must_run = loop_.immediates.empty() && loop_.destroy_queue.empty();
  pos_.ran = false;
  pos_.lists_ran.clear();
  pos_.stage = profile_.timer_list == TimerList::TimerWrap ? LoopPosition::Stage::TimerLists
                                                           : LoopPosition::Stage::Timers;
}

bool Machine::timers_step() {
  // `loop.timers.fifo`: among timers of one duration the oldest goes first; timers of different
  // durations are not ordered (`loop.timers.unordered`), so each duration's oldest is a candidate.
  std::map<std::int64_t, std::size_t> oldest;  // duration -> index in pending
  for (std::size_t i = 0; i < timers_.pending.size(); ++i) {
    const Timer& t = timers_.pending[i];
    if (t.created >= pos_.phase_start) continue;
    auto [it, inserted] = oldest.try_emplace(t.duration, i);
    if (!inserted && timers_.pending[it->second].created > t.created) it->second = i;
  }
  if (oldest.empty()) return false;
  // Options: [end the phase] then each candidate, shortest duration first.
  pos_.timers.clear();
  for (const auto& [duration, index] : oldest) pos_.timers.push_back(timers_.pending[index].id);
  pos_.stop = pos_.must_run ? 0 : 1;
  pos_.options = pos_.stop + pos_.timers.size();
  if (pos_.options == 1) {
    run_chosen_timer(0);
  } else {
    pos_.choice = LoopPosition::Choice::Timer;
  }
  return true;
}

void Machine::run_chosen_timer(std::size_t option) {
  if (option < pos_.stop) return end_timers_phase();
  const AsyncId chosen = pos_.timers[option - pos_.stop];
  // The drain after the last callback runs before the next one, inside the phase
  // (`loop.phase-context`); after an uncaught exception the next timer runs before the leftover
  // ticks (`uncaught.handled`: Node runs processTimers again).
  if (pos_.ran && !loop_.interrupted) drain_in_phase();
  loop_.interrupted = false;
  // That drain may have cleared the chosen timer: then choose again.
  const auto it = std::find_if(timers_.pending.begin(), timers_.pending.end(),
                               [&](const Timer& t) { return t.id == chosen; });
  if (it == timers_.pending.end()) return;
  const Timer timer = *it;
  timers_.pending.erase(it);
  run_timer(timer);
  pos_.must_run = false;
  pos_.ran = true;
}

void Machine::end_timers_phase() {
  // The phase's callback scope closes (only if JavaScript ran in it) and drains, outside it (after
  // an uncaught exception in the last timer too: Node runs processTimers again, which finds none).
  pos_.stage = LoopPosition::Stage::Check;
  loop_.interrupted = false;
  if (pos_.ran) drain();
}

void Machine::run_timer(const Timer& timer) {
  // `timer.destroy`: a fired timeout's destroy is queued after its callback; an interval is armed
  // again (same id, no new init) unless its callback cleared it (`timer.interval`).
  timers_.running[timer.id] = false;
  loop_.zero_after = profile_.after_zero == AfterZero::Callbacks;  // `uncaught.after-zero`
  invoke(timer.id, timer.block, [&] {
    if (!timer.interval && !timers_.running[timer.id]) queue_destroy(timer.id);
  });
  loop_.zero_after = false;
  const bool cleared = timers_.running[timer.id];
  timers_.running.erase(timer.id);
  if (timer.interval && !cleared) {
    Timer again = timer;
    again.created = timers_.created++;
    timers_.pending.push_back(again);
  }
}

void Machine::close_list_if_empty(std::int64_t duration) {
  if (profile_.timer_list != TimerList::TimerWrap) return;
  if (std::any_of(timers_.pending.begin(), timers_.pending.end(),
                  [&](const Timer& t) { return t.duration == duration; }))
    return;
  auto it = timers_.lists.find(duration);
  if (it == timers_.lists.end()) return;
  timers_.closing.push_back(it->second);
  timers_.lists.erase(it);
}

bool Machine::lists_step() {
  // `timer.list-resource`: each list's libuv timer fires at most once per timers phase (a list
  // re-armed for its later timers waits for a later phase); lists of different durations are not
  // ordered (`loop.timers.unordered`); `loop.timers.eligible` and `loop.timers.must-run` as usual.
  pos_.lists.clear();
  for (const auto& [duration, list] : timers_.lists)
    if (std::find(pos_.lists_ran.begin(), pos_.lists_ran.end(), duration) == pos_.lists_ran.end() &&
        timers_.oldest_due(duration, pos_.phase_start))
      pos_.lists.push_back(duration);
  if (pos_.lists.empty()) return false;
  pos_.stop = pos_.must_run ? 0 : 1;
  pos_.options = pos_.stop + pos_.lists.size();
  if (pos_.options == 1)
    open_list(0);
  else
    pos_.choice = LoopPosition::Choice::List;
  return true;
}

void Machine::open_list(std::size_t option) {
  // `timer.list-resource`: the list's callback runs between before and after of its TIMERWRAP; inside,
  // every due timer of the list with its own before/after; the first is due (it armed the list), a
  // later one may not be yet. An uncaught exception closes the pair (`uncaught.handled`: after of the
  // whole stack) and a new pair runs the rest, so the list's frame is pushed by hand, once per pair.
  if (option < pos_.stop) {
    pos_.stage = LoopPosition::Stage::Check;
    return;
  }
  const std::int64_t duration = pos_.lists[option - pos_.stop];
  pos_.lists_ran.push_back(duration);
  pos_.must_run = false;
  pos_.list = duration;
  pos_.list_first = true;
  pos_.stage = LoopPosition::Stage::TimerList;
  timers_.running_list = duration;
  const AsyncId list = timers_.lists.at(duration);
  ids_.stack.push_back(ExecFrame{list, resource(list).trigger, list});
  emit_each(&HookState::before, EventKind::Before, list);
}

bool Machine::list_step() {
  if (!timers_.oldest_due(pos_.list, pos_.phase_start)) {
    close_list();
    return false;
  }
  if (pos_.list_first) {
    run_list_timer();
  } else {
    pos_.options = 2;  // not due yet (the list is armed again), or due
    pos_.choice = LoopPosition::Choice::ListNext;
  }
  return true;
}

void Machine::run_list_timer() {
  const std::size_t index = *timers_.oldest_due(pos_.list, pos_.phase_start);
  pos_.list_first = false;
  const Timer timer = timers_.pending[index];
  timers_.pending.erase(timers_.pending.begin() + static_cast<std::ptrdiff_t>(index));
  run_timer(timer);
  if (loop_.interrupted) {
    loop_.interrupted = false;
    const AsyncId list = timers_.lists.at(pos_.list);
    ids_.stack.push_back(ExecFrame{list, resource(list).trigger, list});
    emit_each(&HookState::before, EventKind::Before, list);
  }
}

void Machine::close_list() {
  // The drain follows the list (`loop.drain-after`).
  const AsyncId list = timers_.lists.at(pos_.list);
  emit_each(&HookState::after, EventKind::After, list);
  if (!ids_.stack.empty() && eid() == list) ids_.stack.pop_back();
  timers_.running_list.reset();
  close_list_if_empty(pos_.list);
  pos_.stage = LoopPosition::Stage::TimerLists;
  drain();
}

}  // namespace acx::model::detail
