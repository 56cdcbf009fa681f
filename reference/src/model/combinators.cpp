// Promise.all, allSettled, race and any (spec/promises.md `promise.combinators`).
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::combinator(const Statement& st) {
  // `promise.combinators`: the result promise first, then then() on each input with element
  // functions; the last element (all, allSettled), the first settlement (race) or the first
  // fulfilment (any) settles the result.
  const std::size_t result = create_promise(std::nullopt);
  bind(st, Bound{Kind::Promise, result});
  const CombinatorRef shared = combinators_.size();
  combinators_.push_back(Combinator{st.op, result, st.args.size()});
  // `promise.fast-paths` (variation point): without a promise hook V8's Promise.all and allSettled
  // register the element functions on a native promise with no result promise (no init, no
  // before/after, an empty stack when they run); with one, and always for race and any, through
  // then(), which makes one.
  const bool fast = !profile_.no_fast_paths && !hooks_.promise_hook.installed &&
                    (st.op == scenario::Op::PromiseAll || st.op == scenario::Op::PromiseAllSettled);
  for (const auto& a : st.args) {
    Handler fulfil{Handler::Kind::Element};
    fulfil.combinator = shared;
    Handler reject_h{Handler::Kind::ElementReject};
    reject_h.combinator = shared;
    if (fast) {
      Reaction r;
      r.derived = kNoPromise;
      r.on_fulfilled = std::move(fulfil);
      r.on_rejected = std::move(reject_h);
      r.frame = storage_->capture();
      then(bound(a.slot).index, std::move(r));
    } else {
      then_with(bound(a.slot).index, std::move(fulfil), std::move(reject_h));
    }
  }
  if (st.args.empty()) {
    if (st.op == scenario::Op::PromiseAll || st.op == scenario::Op::PromiseAllSettled)
      resolve(result, RValue{});
    else if (st.op == scenario::Op::PromiseAny)
      reject(result, RValue::failure("AggregateError"));
  }
}

void Machine::run_element(const Handler& h, const RValue& argument) {
  // An element function: it counts down (all, allSettled, any) or settles the result at once.
  Combinator& comb = combinators_[h.combinator];
  const bool fulfilled = h.kind == Handler::Kind::Element;
  switch (comb.op) {
    case scenario::Op::PromiseAll:
      if (!fulfilled)
        reject(comb.result, argument);
      else if (--comb.remaining == 0)
        resolve(comb.result, RValue{});
      break;
    case scenario::Op::PromiseAllSettled:
      if (--comb.remaining == 0) resolve(comb.result, RValue{});
      break;
    case scenario::Op::PromiseRace:
      if (fulfilled)
        resolve(comb.result, argument);
      else
        reject(comb.result, argument);
      break;
    default:  // any
      if (fulfilled)
        resolve(comb.result, argument);
      else if (--comb.remaining == 0)
        reject(comb.result, RValue::failure("AggregateError"));
      break;
  }
}

}  // namespace acx::model::detail
