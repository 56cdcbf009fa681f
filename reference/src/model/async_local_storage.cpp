// AsyncLocalStorage (spec/async-local-storage.md): instances, getStore() and the statements of the
// API. Where stores live is `als.model`: als_hook_model.cpp and als_frame_model.cpp.
#include "machine_impl.h"

namespace acx::model::detail {

std::unique_ptr<StorageModel> make_hook_storage(Machine& machine);
std::unique_ptr<StorageModel> make_frame_storage(Machine& machine);

std::unique_ptr<StorageModel> make_storage_model(Machine& machine, AlsModel model) {
  return model == AlsModel::Frame ? make_frame_storage(machine) : make_hook_storage(machine);
}

const Value& Machine::store_of(std::size_t als) {
  const AlsState& a = als_[als];
  if (!a.created) return kUndefined;
  // `als.default-value`: where the context has no store, the instance's default; `als.switch`
  // (variation point): with Deno's switch, also wherever it is asked while the switch is off, and
  // where the store is undefined (`value === undefined ? this.#defaultValue : value`).
  const bool instance = profile_.als_switch == AlsSwitch::Instance;
  const Value* store = instance && a.switched_off ? nullptr : storage_->get(als);
  if (store && !(instance && store->kind == Value::Kind::Undefined)) return *store;
  return a.default_value ? *a.default_value : kUndefined;
}

std::size_t Machine::new_als_instance(const Statement& st) {
  // `als.instances`: each run of the statement makes a new instance; the first takes the instance
  // numbered for it up front.
  const std::size_t first = als_index_.at(st.binding);
  if (!als_[first].created) return first;
  if (++extra_instances_ > options_.instance_limit) throw StopRun{RunStatus::InstanceLimit};
  als_.push_back(AlsState{st.binding});
  storage_->add_instance();
  return als_.size() - 1;
}

void Machine::new_als(const Statement& st) {
  const std::size_t a = new_als_instance(st);
  bind(st, Bound{Kind::Als, a});
  als_[a].created = true;
  // `als.default-value` (variation point): the constructor's defaultValue, where it is honoured.
  if (profile_.als_default_value && st.args.size() > 1) als_[a].default_value = &st.args[1];
  // `als.switch` instance: Deno's instance starts switched off (`enabled = false`) until its first
  // run or enterWith (no context has a store of it before, so this shows nowhere; an exit() before
  // then only calls its callback, as Deno's does).
  als_[a].switched_off = profile_.als_switch == AlsSwitch::Instance;
  storage_->construct(a);  // `als.hook.enable`
}

void Machine::als_run(const Statement& st) {
  // `als.run`, `als.exit`: the callback runs with the store set (or, for exit, with none).
  const std::size_t a = bound(st.receiver_slot).index;
  const Body body = [&] { return call_block(st.blocks[0]); };
  Completion c;
  if (profile_.als_switch == AlsSwitch::Instance) {
    // `als.switch` (variation point): Deno's run turns the switch on (and leaves it on), then sets
    // the store as usual; its exit only turns the switch off around the callback (if it was on)
    // and back on after it, leaving every context's store as it is.
    AlsState& state = als_[a];
    if (st.op == scenario::Op::AlsRun) {
      state.switched_off = false;
      c = storage_->run(a, st.args[0], body);
    } else if (state.switched_off) {
      c = body();
    } else {
      state.switched_off = true;
      c = body();
      als_[a].switched_off = false;  // (als_ may have grown meanwhile)
    }
  } else {
    c = st.op == scenario::Op::AlsExit ? storage_->exit(a, body) : storage_->run(a, st.args[0], body);
  }
  if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
}

void Machine::als_enter_with(const Statement& st) {
  // `als.enter-with`; `als.switch`: with Deno's switch, enterWith turns it on as well.
  const std::size_t a = bound(st.receiver_slot).index;
  if (profile_.als_switch == AlsSwitch::Instance) als_[a].switched_off = false;
  storage_->enter_with(a, st.args[0]);
}

void Machine::als_disable(const Statement& st) {
  // `als.disable`; `als.switch` (variation point): Deno's disable only turns the instance's switch
  // off; the stores stay where they are, and show again once a run or an enterWith turns it on.
  const std::size_t a = bound(st.receiver_slot).index;
  if (profile_.als_switch == AlsSwitch::Instance)
    als_[a].switched_off = true;
  else
    storage_->disable(a);
}

void Machine::snapshot(const Statement& st) {
  // `als.snapshot`: AsyncResource.bind((cb, ...args) => cb(...args)): a resource made now, whose
  // run is runInAsyncScope (resources.cpp).
  const AsyncId id = init_resource("bound-anonymous-fn", default_trigger());
  bind(st, Bound{Kind::Snapshot, static_cast<std::size_t>(id)});
}

}  // namespace acx::model::detail
