// AsyncResource (spec/resources.md): construction and its options, runInAsyncScope, emitDestroy,
// bind; AsyncLocalStorage.bind and snapshot's run are the same operations.
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::new_resource(const Statement& st) {
  // `resource.options`: new AsyncResource(type, opts) validates, then takes an id and emits init
  // (lib/async_hooks.js); the legacy number form gives the trigger directly.
  const Value type = st.args.empty() ? Value::undefined() : st.args[0];
  if (type.kind != Value::Kind::String) throw JsThrow{RValue::failure("ERR_INVALID_ARG_TYPE")};
  AsyncId trigger = default_trigger();
  bool valid = true;
  if (st.args.size() > 1) {
    const Value& opts = st.args[1];
    if (opts.kind == Value::Kind::Null) throw JsThrow{RValue::failure("TypeError")};  // opts.triggerAsyncId
    const Value* given = nullptr;
    if (opts.kind == Value::Kind::Object) {
      for (std::size_t k = 0; k < opts.keys.size(); ++k)
        if (opts.keys[k] == "triggerAsyncId" && opts.fields[k].kind != Value::Kind::Undefined)
          given = &opts.fields[k];
    } else if (opts.kind == Value::Kind::Number) {
      given = &opts;  // the legacy form: the number is the triggerAsyncId
    }                 // another primitive has no triggerAsyncId property: the default trigger
    if (given) {
      valid = given->kind == Value::Kind::Number && given->number >= -1;
      trigger = given->number;
    }
  }
  if (!valid) throw JsThrow{RValue::failure("ERR_INVALID_ASYNC_ID")};
  if (type.text.empty() && !hooks_.active.empty() && has(&HookState::init))
    throw JsThrow{RValue::failure("ERR_ASYNC_TYPE")};
  const AsyncId id = init_resource(type.text, trigger);
  bind(st, Bound{Kind::Resource, static_cast<std::size_t>(id)});
}

Completion Machine::run_in_scope(AsyncId id, const Body& body) {
  // `resource.run-in-scope`: emitBefore (push, before hooks), the function in the resource's context,
  // then emitAfter in a finally block, so also when it throws.
  ExecScope frame(ids_.stack, ExecFrame{id, resource(id).trigger, id});
  const ContextScope context(*storage_, storage_->enter_resource(id, true));
  emit_each(&HookState::before, EventKind::Before, id);
  const Completion c = body();
  emit_each(&HookState::after, EventKind::After, id);
  frame.pop();
  return c;
}

void Machine::run_in_scope_statement(const Statement& st) {
  // A snapshot is a bound AsyncResource: its call is runInAsyncScope (`als.snapshot`).
  const auto id = static_cast<AsyncId>(bound(st.receiver_slot).index);
  const Completion c = run_in_scope(id, [&] { return call_callback(st.blocks[0]); });
  if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
}

void Machine::emit_destroy(const Statement& st) {
  // `resource.emit-destroy`: every call queues a destroy (a second call is not an error).
  queue_destroy(static_cast<AsyncId>(bound(st.receiver_slot).index));
}

void Machine::bind_function(const Statement& st) {
  // `resource.bind`: the static forms (AsyncResource.bind, AsyncLocalStorage.bind) make a resource
  // now, whose type is the function's name: 'bound-anonymous-fn' for ours (they have none), the name
  // bind() gave a bound function (`resource.bound-name`); the instance form binds to that resource.
  const std::size_t target = bound(st.args[0].slot).index;
  const bool of_bound = functions_.at(target).kind == FunctionState::Kind::Bound;
  const std::string_view type = !of_bound                          ? "bound-anonymous-fn"
                                : profile_.bound_name_run_in_scope ? "bound runInAsyncScope"
                                                                   : "bound";
  const AsyncId id = st.op == scenario::Op::ResourceBind ? static_cast<AsyncId>(bound(st.receiver_slot).index)
                                                         : init_resource(type, default_trigger());
  FunctionState f{FunctionState::Kind::Bound};
  f.resource = id;
  f.target = target;
  bind(st, Bound{Kind::BoundFunction, functions_.size()});
  functions_.push_back(f);
}

}  // namespace acx::model::detail
