#include "acx/fuzz/program_gen.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "acx/scenario/ops.h"
#include "acx/scenario/printer.h"
#include "gen_scope.h"

namespace acx::fuzz {

using scenario::Block;
using scenario::Op;
using scenario::Statement;
using scenario::Value;

rc::Gen<std::string> gen_text() {
  return rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::inRange<char>('a', 'z' + 1), rc::gen::element(' ', '"', '\\', '\n', '\t', '/', '{', '}'),
      rc::gen::inRange<char>(0x20, 0x7f)));
}

namespace {

using detail::Env;
using detail::prefix;
using scenario::Arg;
using scenario::Kind;
using scenario::OpSpec;

/// The statements the generator writes anywhere, in the order it lists them (a seed's programs
/// depend on this order). Not clearInterval: an interval's own block clears it.
// clang-format off
constexpr Op kOffered[] = {
    Op::CreateHook, Op::NewAls, Op::Observe, Op::NextTick, Op::QueueMicrotask,
    Op::SetTimeout, Op::SetImmediate, Op::NewPromise, Op::PromiseResolve, Op::HookEnable,
    Op::HookDisable, Op::AlsRun, Op::Then, Op::Resolve, Op::ClearTimeout,
    Op::ClearImmediate, Op::PromiseReject, Op::Throw, Op::Try, Op::Function,
    Op::AsyncFunction, Op::Thenable, Op::ProcessOn, Op::Reject, Op::Catch,
    Op::Finally, Op::Call, Op::Return, Op::Await, Op::ObserveExecution,
    Op::Snapshot, Op::NewResource, Op::NewEmitter, Op::SetInterval, Op::PromiseAll,
    Op::PromiseAllSettled, Op::PromiseRace, Op::PromiseAny, Op::AlsExit, Op::AlsEnterWith,
    Op::AlsDisable, Op::SnapshotRun, Op::AlsBind, Op::StaticBind, Op::RunInScope,
    Op::EmitDestroy, Op::ObserveResource, Op::ResourceBind, Op::On, Op::Emit,
    Op::ObserveError};
// clang-format on

/// The statements whose result is bound one time in two; every other result is always bound.
bool bound_by_chance(Op op) {
  return op == Op::SetTimeout || op == Op::SetImmediate || op == Op::Then || op == Op::Catch ||
         op == Op::Finally || op == Op::Call;
}

class Builder {
 public:
  explicit Builder(Mix mix) : max_depth_(mix.max_depth), interleavings_(mix.interleavings) {}

  Block block(Env env, int depth) {
    Block out;
    const int count = *rc::gen::inRange(depth == 0 ? 1 : 0, depth == 0 ? 10 : 5);
    for (int i = 0; i < count; ++i) {
      // The interleavings mix also writes whole patterns that make contexts part, one slot in six.
      if (interleavings_ && *rc::gen::inRange(0, 6) == 0)
        pattern(env, out);
      else
        out.push_back(statement(env, depth));
    }
    return out;
  }

 private:
  static Statement make(Op op, std::vector<Value> args = {}, std::vector<Block> blocks = {}) {
    Statement st;
    st.op = op;
    st.args = std::move(args);
    st.blocks = std::move(blocks);
    st.labels.assign(st.blocks.size(), "");
    return st;
  }
  static Statement on(Op op, const std::string& receiver, std::vector<Value> args = {},
                      std::vector<Block> blocks = {}) {
    Statement st = make(op, std::move(args), std::move(blocks));
    st.receiver = receiver;
    return st;
  }
  Statement observe() { return make(Op::Observe, {Value::string(*gen_text())}); }
  /// A callback that runs later: a tick, a microtask, an immediate or a 0 ms timer. The timer has
  /// a chance of one in eight only: it holds a program for a millisecond of wall time (see the
  /// timer weights in statement()), and the patterns call later() once or twice each.
  Statement later(Block body) {
    switch (*rc::gen::inRange(0, 8)) {
      case 0:
      case 1:
        return make(Op::NextTick, {}, {std::move(body)});
      case 2:
      case 3:
        return make(Op::QueueMicrotask, {}, {std::move(body)});
      case 4:
      case 5:
      case 6:
        return make(Op::SetImmediate, {}, {std::move(body)});
      default:
        return make(Op::SetTimeout, {Value::of(std::int64_t{0})}, {std::move(body)});
    }
  }
  std::string some_als(Env& env, Block& out) {
    if (env.als.empty() || *rc::gen::inRange(0, 4) == 0) {
      Statement st = make(Op::NewAls);
      st.binding = fresh("a");
      env.als.push_back(st.binding);
      out.push_back(st);
    }
    return *rc::gen::elementOf(env.als);
  }

  /// One of the interleavings where implementations part (the hook and frame models of
  /// AsyncLocalStorage above all), written out whole so that random programs meet them often.
  void pattern(Env& env, Block& out) {
    const std::string a = some_als(env, out);
    const auto run = [&](Block body) { return on(Op::AlsRun, a, {literal()}, {std::move(body)}); };
    switch (*rc::gen::inRange(0, 5)) {
      case 0: {
        // A then-chain built in one context, resolved or rejected in another.
        Statement p = make(Op::NewPromise);
        p.binding = fresh("p");
        Statement q = on(Op::Then, p.binding, {}, {Block{observe()}});
        q.binding = fresh("p");
        Statement settle = on(*rc::gen::arbitrary<bool>() ? Op::Resolve : Op::Reject, p.binding, {literal()});
        out.push_back(p);
        out.push_back(run(Block{q}));
        out.push_back(later(Block{run(Block{settle})}));
        env.promises.push_back(p.binding);  // q is bound inside the run block only
        env.resolvable.push_back(p.binding);
        break;
      }
      case 1: {
        // A rejection made in one context and reported to 'unhandledRejection' in another.
        Statement p = make(Op::NewPromise);
        p.binding = fresh("p");
        Block reject{run(Block{on(Op::Reject, p.binding, {literal()})})};
        out.push_back(make(Op::ProcessOn, {Value::string("unhandledRejection")}, {Block{observe()}}));
        out.push_back(p);
        if (*rc::gen::arbitrary<bool>())
          out.push_back(run(Block{later(std::move(reject))}));
        else
          out.insert(out.end(), reject.begin(), reject.end());
        env.promises.push_back(p.binding);
        env.resolvable.push_back(p.binding);
        break;
      }
      case 2: {
        // enterWith inside runInAsyncScope, then the same resource's scope again, now and later.
        Statement r = make(Op::NewResource, {Value::string("T")});
        r.binding = fresh("r");
        out.push_back(r);
        out.push_back(
            on(Op::RunInScope, r.binding, {}, {Block{on(Op::AlsEnterWith, a, {literal()}), observe()}}));
        out.push_back(observe());
        out.push_back(later(Block{on(Op::RunInScope, r.binding, {}, {Block{observe()}})}));
        env.resources.push_back(r.binding);
        break;
      }
      case 3: {
        // disable() inside run, with callbacks scheduled before it and after the run.
        out.push_back(on(Op::AlsEnterWith, a, {literal()}));
        out.push_back(run(Block{later(Block{observe()}), on(Op::AlsDisable, a), observe()}));
        out.push_back(observe());
        out.push_back(later(Block{observe()}));
        break;
      }
      default: {
        // An async function that changes the store across its awaits, called inside run.
        Statement f = make(Op::AsyncFunction);
        f.binding = fresh("f");
        Block body{observe(), make(Op::Await), observe()};
        body.push_back(*rc::gen::arbitrary<bool>() ? on(Op::AlsEnterWith, a, {literal()})
                                                   : on(Op::AlsExit, a, {}, {Block{observe()}}));
        body.push_back(make(Op::Await));
        body.push_back(observe());
        f.blocks.push_back(std::move(body));
        f.labels = {""};
        Statement call = on(Op::Call, f.binding);
        call.binding = fresh("p");
        out.push_back(f);
        out.push_back(run(Block{call}));
        out.push_back(observe());
        env.functions.push_back(f.binding);
        async_[f.binding] = true;
        break;
      }
    }
  }

  std::string fresh(const char* prefix) { return fmt::format("{}{}", prefix, counter_++); }

  Value literal() {
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        return Value::undefined();
      case 1:
        return Value::null();
      case 2:
        return Value::of(*rc::gen::arbitrary<bool>());
      case 3:
        return Value::of(static_cast<std::int64_t>(*rc::gen::inRange(-1000, 1000)));
      default:
        return Value::string(*gen_text());
    }
  }

  Block child(const Env& env, int depth, Env::Context context = Env::Context::Function) {
    if (depth + 1 >= max_depth_) return Block{};
    Env inner = env;
    inner.context = context;
    inner.in_catch = false;
    return block(inner, depth + 1);
  }

  /// Whether the names a statement needs are in scope, and it may appear here (its row).
  static bool available(const OpSpec& spec, Env& env) {
    if (spec.receiver != Kind::None && env.receivers(spec).empty()) return false;
    for (std::size_t i = 0; i < spec.required_args; ++i)
      if (const auto* names = env.of(spec.args[i]); names && names->empty()) return false;
    switch (spec.where) {
      case scenario::Where::Anywhere:
        return true;
      case scenario::Where::Function:
        return env.context != Env::Context::TopLevel;
      case scenario::Where::AsyncFunction:
        return env.context == Env::Context::Async;
      case scenario::Where::Catch:
        return env.in_catch;
    }
    return false;
  }

  /// What code a statement's blocks are (try blocks are written by their own case).
  static Env::Context context_of(const OpSpec& spec, const Env& env) {
    return spec.body == scenario::Body::Async    ? Env::Context::Async
           : spec.body == scenario::Body::Inline ? env.context
                                                 : Env::Context::Function;
  }

  Statement statement(Env& env, int depth) {
    std::vector<Op> possible;
    for (Op op : kOffered)
      if (available(spec_of(op), env)) possible.push_back(op);
    if (interleavings_) {
      // Twice the chance for the statements that move contexts around.
      std::vector<Op> weighted;
      for (Op op : possible) {
        weighted.push_back(op);
        switch (op) {
          case Op::AlsRun:
          case Op::AlsExit:
          case Op::Await:
          case Op::Then:
          case Op::Resolve:
          case Op::Reject:
          case Op::HookEnable:
          case Op::HookDisable:
          case Op::RunInScope:
          case Op::Thenable:
          case Op::Observe:
          case Op::ProcessOn:
          case Op::PromiseReject:
          case Op::NewAls:
          case Op::NewResource:
            weighted.push_back(op);
            weighted.push_back(op);
            break;
          case Op::AlsEnterWith:
          case Op::AlsDisable:
            // Where the hook and frame models of AsyncLocalStorage part: four times the chance.
            for (int k = 0; k < 3; ++k) weighted.push_back(op);
            break;
          case Op::SetTimeout:
          case Op::SetInterval:
            // A timer holds a program for a millisecond or two of wall time on a runtime, where
            // the rest of a program takes a few hundred microseconds: half the chance, so that
            // runtimes run thousands of programs a second, while the orders of timers the spec
            // leaves open (`loop.timers.*`) stay in one program in ten.
            if (*rc::gen::arbitrary<bool>()) weighted.pop_back();
            break;
          default:
            break;
        }
      }
      possible = std::move(weighted);
    }
    Statement st;
    st.op = *rc::gen::elementOf(possible);
    const bool bind = *rc::gen::arbitrary<bool>();
    const OpSpec& spec = spec_of(st.op);
    if (spec.receiver != Kind::None) st.receiver = *rc::gen::elementOf(env.receivers(spec));
    // A name that the statement's own blocks may use is taken before them.
    if (spec.must_bind) st.binding = fresh(prefix(spec.result));
    bool remembered = true;
    switch (st.op) {
      case Op::SetTimeout:
        // Durations 0..3 ms, 0..2 in the interleavings mix that runtimes run (a program then takes
        // about a millisecond, while 0, 1 and 2 ms still exercise the orders the spec leaves open,
        // `loop.timers.*`).
        st.args.push_back(Value::of(static_cast<std::int64_t>(*rc::gen::inRange(0, interleavings_ ? 3 : 4))));
        st.blocks.push_back(child(env, depth));
        break;
      case Op::NewPromise:
        if (*rc::gen::arbitrary<bool>()) {
          Statement resolve;
          resolve.op = Op::Resolve;
          resolve.receiver = st.binding;
          resolve.args.push_back(literal());
          st.blocks.push_back(Block{resolve});
        }
        break;
      case Op::Then:
        if (*rc::gen::arbitrary<bool>()) st.blocks.push_back(child(env, depth));
        break;
      case Op::PromiseReject:
        st.args.push_back(literal());
        break;
      case Op::Try: {
        st.blocks.push_back(child(env, depth, env.context));
        const int shape = *rc::gen::inRange(0, 3);  // catch, finally, or both
        st.labels = {""};
        if (shape != 1) {
          Env catching = env;
          catching.in_catch = true;
          Block handler = depth + 1 >= max_depth_ ? Block{} : block(catching, depth + 1);
          st.blocks.push_back(std::move(handler));
          st.labels.push_back("catch");
        }
        if (shape != 0) {
          st.blocks.push_back(child(env, depth, env.context));
          st.labels.push_back("finally");
        }
        break;
      }
      case Op::Function:
        // Its own body may name it (to bind it or listen with it), but not call it.
        env.sync_functions.push_back(st.binding);
        fill(st, spec, env, depth);
        break;
      case Op::Thenable: {
        Statement settle;
        settle.op = *rc::gen::arbitrary<bool>() ? Op::Resolve : Op::Reject;
        settle.receiver = st.binding;
        settle.args.push_back(literal());
        Block body = child(env, depth);
        if (*rc::gen::inRange(0, 4) != 0) body.push_back(settle);
        st.blocks.push_back(std::move(body));
        break;
      }
      case Op::NewResource:
        st.args.push_back(Value::string(*rc::gen::element<std::string>("A", "B", "Query")));
        // A trigger that is no resource: far above any id a process allocates (a batch driver
        // runs thousands of programs), so that it never names a real resource by chance.
        if (*rc::gen::inRange(0, 3) == 0)
          st.args.push_back(Value::of(static_cast<std::int64_t>(*rc::gen::inRange(1000000000, 1000000010))));
        break;
      case Op::On:
        st.args.push_back(Value::string(*rc::gen::element<std::string>("x", "y")));
        if (!env.sync_functions.empty() && *rc::gen::arbitrary<bool>())
          st.args.push_back(Value::name(*rc::gen::elementOf(env.sync_functions)));
        else
          st.blocks.push_back(child(env, depth));
        break;
      case Op::Emit:
        st.args.push_back(Value::string(*rc::gen::element<std::string>("x", "y")));
        break;
      case Op::SetInterval: {
        st.args.push_back(Value::of(static_cast<std::int64_t>(*rc::gen::inRange(1, interleavings_ ? 2 : 4))));
        st.binding = fresh("t");
        // The interval clears itself on its first run, so that the program ends; nothing else
        // clears it.
        remembered = false;
        Statement clear;
        clear.op = Op::ClearInterval;
        clear.args.push_back(Value::name(st.binding));
        Block body = child(env, depth);
        body.push_back(clear);
        st.blocks.push_back(std::move(body));
        break;
      }
      default:
        fill(st, spec, env, depth);
        break;
    }
    if (st.labels.size() != st.blocks.size()) st.labels.assign(st.blocks.size(), "");
    // A call's result is the promise of an async function only.
    const Kind result =
        st.op == Op::Call ? (async_.at(st.receiver) ? Kind::Promise : Kind::None) : spec.result;
    if (st.binding.empty() && result != Kind::None && (bind || !bound_by_chance(st.op)))
      st.binding = fresh(prefix(result));
    if (remembered && !st.binding.empty()) remember(env, st.binding, result, spec);
    return st;
  }

  /// The arguments and blocks of a statement, from its row: the required arguments by their kind,
  /// the first optional one (a literal or a value to settle with) one time in two, hook callbacks
  /// and promise lists by their own rules; the required blocks as callbacks.
  void fill(Statement& st, const OpSpec& spec, Env& env, int depth) {
    for (std::size_t i = 0; i < spec.args.size(); ++i) {
      const Arg kind = spec.args[i];
      if (kind == Arg::HookCallbacks) {
        for (auto name : scenario::hook_callback_names())
          if (*rc::gen::arbitrary<bool>()) st.args.push_back(Value::name(std::string(name)));
        break;
      }
      if (kind == Arg::PromiseName) {
        const int n = env.promises.empty() ? 0 : *rc::gen::inRange(1, 3);
        for (int k = 0; k < n; ++k) st.args.push_back(Value::name(*rc::gen::elementOf(env.promises)));
        break;
      }
      if (i >= spec.required_args) {
        if ((kind == Arg::Settlement || kind == Arg::Literal) && *rc::gen::arbitrary<bool>())
          st.args.push_back(kind == Arg::Settlement ? settlement(env, st.receiver) : literal());
        break;
      }
      if (const auto* names = env.of(kind)) {
        st.args.push_back(Value::name(*rc::gen::elementOf(*names)));
      } else if (kind == Arg::Literal) {
        st.args.push_back(literal());
      } else if (kind == Arg::Label) {
        st.args.push_back(Value::string(*gen_text()));
      } else if (kind == Arg::ProcessEvent) {
        const auto events = scenario::process_events();
        st.args.push_back(Value::string(std::string(events[*rc::gen::arbitrary<bool>() ? 0 : 1].name)));
      } else {
        throw std::logic_error(fmt::format("program_gen: no rule for the arguments of {}", spec.name));
      }
    }
    for (std::size_t b = 0; b < spec.required_blocks; ++b)
      st.blocks.push_back(child(env, depth, context_of(spec, env)));
  }

  /// Puts a bound name in scope for the statements after it, by the kind of its value.
  void remember(Env& env, const std::string& name, Kind kind, const OpSpec& spec) {
    switch (kind) {
      case Kind::Function:  // in sync_functions since its statement began
      case Kind::AsyncFunction:
      case Kind::BoundFunction:
        env.functions.push_back(name);
        if (kind == Kind::BoundFunction) env.sync_functions.push_back(name);
        async_[name] = kind == Kind::AsyncFunction;
        break;
      default:
        env.of(kind)->push_back(name);
        // Only `new Promise` keeps its resolve and reject functions.
        if (spec.body == scenario::Body::Executor) env.resolvable.push_back(name);
        break;
    }
  }

  /// A literal or, sometimes, a promise or thenable to adopt (never `self`: a TypeError in JS).
  Value settlement(const Env& env, const std::string& self = "") {
    std::vector<std::string> others;
    for (const auto& p : env.promises)
      if (p != self) others.push_back(p);
    for (const auto& t : env.thenables) others.push_back(t);
    if (!others.empty() && *rc::gen::inRange(0, 4) == 0) return Value::name(*rc::gen::elementOf(others));
    return literal();
  }

  int max_depth_;
  bool interleavings_;
  int counter_ = 0;
  std::map<std::string, bool> async_;  ///< function name -> async
};

rc::Gen<std::string> gen_word() {
  return rc::gen::nonEmpty(
      rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c', 'x', '-', '.', '/', '1')));
}

}  // namespace

std::mutex& generation_mutex() {
  static std::mutex m;
  return m;
}

rc::Gen<scenario::Scenario> gen_scenario(int max_depth) {
  return gen_program(Mix{max_depth, true, false});
}

rc::Gen<scenario::Scenario> gen_program(Mix mix) {
  return rc::gen::exec([mix] {
    scenario::Scenario s;
    if (mix.headers && *rc::gen::arbitrary<bool>()) {
      s.header.id = *gen_word();
      s.header.title = *rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z' + 1));
      s.header.rules = *rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 3), gen_word());
      s.header.requires_ = *rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 3), gen_word());
      s.header.notes = *rc::gen::container<std::vector<std::string>>(
          *rc::gen::inRange(0, 3),
          rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z' + 1))));
    }
    Builder builder(mix);
    s.body = builder.block(Env{}, 0);
    return s;
  });
}

}  // namespace acx::fuzz

namespace acx::scenario {
void showValue(const Scenario& s, std::ostream& os) {
  os << "\n" << print(s);
}
}  // namespace acx::scenario
