// The checker of the scenario language (spec/scenario-language.md, "Names and scoping" and "What
// the checker rejects"): names, kinds, arguments and blocks against the table (ops.def), where a
// statement may appear, and the few rules a row cannot say (marked below). Also gives bound names
// their slots.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "acx/scenario/ops.h"
#include "acx/scenario/parser.h"
#include "failure.h"

namespace acx::scenario {

namespace {

using detail::Failure;

std::string_view where_phrase(Where where) {
  switch (where) {
    case Where::Anywhere:
      return "anywhere";
    case Where::Function:
      return "inside a function or callback";
    case Where::AsyncFunction:
      return "in the body of an async function (and its try blocks)";
    case Where::Catch:
      return "in a catch block";
  }
  return "?";
}

/// The words joined by ", ", the last one by `last` (", " or " or ").
std::string join(const std::vector<std::string>& words, std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? std::string(last) : ", ") + words[i];
  return out;
}

/// The hook callback names, for messages: "init, before, after, destroy, promiseResolve".
std::string hook_callback_list() {
  std::vector<std::string> names;
  for (const auto name : hook_callback_names()) names.emplace_back(name);
  return join(names, ", ");
}

/// The events of process.on, for messages: "\"unhandledRejection\" or \"uncaughtException\"".
std::string process_event_list() {
  std::vector<std::string> names;
  for (const auto& event : process_events()) names.push_back(fmt::format("\"{}\"", event.name));
  return join(names, " or ");
}

class Checker {
 public:
  void run(const Scenario& s) {
    scopes_.push_back(Scope{{}, {}, Context::TopLevel});
    block(s.body);
  }

 private:
  struct Binding {
    Kind kind;
    bool resolvable;     // a `new Promise` whose resolve function is kept
    bool resolver_only;  // inside its own executor only `NAME.resolve` may be used (the promise
                         // object does not exist yet in JavaScript)
  };

  [[noreturn]] static void fail(const Statement& st, std::string message) {
    throw Failure{st.location, std::move(message)};
  }

  enum class Context;
  struct Scope {
    std::map<std::string, Binding> bound;  // bound by statements already checked
    std::map<std::string, Binding> later;  // bound further down this block: visible to callbacks
    Context context;
    bool in_catch = false;   // a catch block (or a try nested in one): observeError may be used
    std::string thenable;    // the thenable whose then() this block is (or a try block inside it)
    bool hook_body = false;  // a createHook callback body
  };

  // Lexical scoping with one JavaScript twist: a callback (a nested block) may name something its
  // enclosing blocks bind after it, since the callback runs later (spec/scenario-language.md).
  const Binding* lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (auto found = it->bound.find(name); found != it->bound.end()) return &found->second;
      if (it != scopes_.rbegin())
        if (auto found = it->later.find(name); found != it->later.end()) return &found->second;
    }
    return nullptr;
  }

  void block(const Block& b) {
    for (const auto& st : b)
      if (!st.binding.empty())
        scopes_.back().later[st.binding] =
            Binding{declared_kind(st), spec_of(st.op).body == Body::Executor, false};
    for (const auto& st : b) statement(st);
  }

  // What kind of code a block is: the top level, a callback (a function), or an async function
  // body, where `await` may appear; try/catch/finally blocks keep their enclosing context.
  enum class Context { TopLevel, Function, Async };

  void statement(const Statement& st) {
    const OpSpec& spec = spec_of(st.op);
    if (spec.receiver != Kind::None) receiver(st, spec);
    arguments(st, spec);
    if (st.blocks.size() < spec.required_blocks || st.blocks.size() > spec.blocks.size())
      fail(st, fmt::format("{} takes {} block(s), found {}", spec.spelling,
                           spec.required_blocks == spec.blocks.size()
                               ? fmt::format("{}", spec.blocks.size())
                               : fmt::format("{} to {}", spec.required_blocks, spec.blocks.size()),
                           st.blocks.size()));
    if (st.labels.size() != st.blocks.size() ||
        (!st.labels.empty() && !st.labels[0].empty() && (spec.blocks.empty() || spec.blocks[0].empty())))
      fail(st, "internal: block labels do not match the blocks");
    const Scope& here = scopes_.back();
    const Context context = here.context;
    // Where it may appear: the function context is checked before the hook body rule, a catch block
    // after it (the order in which the checker has always reported them).
    const bool in_place = spec.where == Where::Function        ? context != Context::TopLevel
                          : spec.where == Where::AsyncFunction ? context == Context::Async
                          : spec.where == Where::Catch         ? here.in_catch
                                                               : true;
    const auto misplaced = [&] {
      fail(st, fmt::format("{} is only allowed {}", spec.spelling, where_phrase(spec.where)));
    };
    if (!in_place && spec.where != Where::Catch) misplaced();
    if (here.hook_body && !spec.in_hook_body)
      fail(st, "a hook callback body may only enable or disable hooks, or throw");
    if (!in_place) misplaced();
    own_rules(st);
    if (st.binding.empty() && spec.must_bind)
      fail(st, fmt::format("{} must be bound with `let NAME =`", spec.spelling));
    const Kind result = declared_kind(st);
    if (!st.binding.empty()) {
      if (result == Kind::None)
        fail(st, fmt::format("{} has no result to bind",
                             st.op == Op::Call ? "calling a function" : spec.spelling));
      if (all_names_.contains(st.binding))
        fail(st, fmt::format("'{}' is already bound (names are unique in a scenario)", st.binding));
      if (is_reserved(st.binding)) fail(st, fmt::format("'{}' is a reserved word", st.binding));
      all_names_.insert(st.binding);
    }
    const Binding self{result, spec.body == Body::Executor, false};
    // The executor of `new Promise` and the block of a thenable may call the resolve and reject
    // functions they are given, so the name is in scope (for that only) inside the block; every
    // other binding becomes visible after its statement.
    const bool own_block = spec.body == Body::Executor || spec.body == Body::Thenable;
    if (own_block) scopes_.back().bound[st.binding] = Binding{result, true, true};
    for (std::size_t i = 0; i < st.blocks.size(); ++i) {
      const bool inline_block = spec.body == Body::Inline;  // try/catch/finally
      const Context inner = inline_block               ? context
                            : spec.body == Body::Async ? Context::Async
                                                       : Context::Function;
      // A block labelled `catch` is where the caught value is.
      const bool in_catch = inline_block && (st.labels[i] == "catch" || scopes_.back().in_catch);
      const std::string thenable = spec.body == Body::Thenable ? st.binding
                                   : inline_block              ? scopes_.back().thenable
                                                               : "";
      scopes_.push_back(Scope{{}, {}, inner, in_catch, thenable, spec.body == Body::Hook});
      block(st.blocks[i]);
      scopes_.pop_back();
    }
    if (own_block) scopes_.back().bound.erase(st.binding);
    if (!st.binding.empty()) scopes_.back().bound[st.binding] = self;
  }

  void receiver(const Statement& st, const OpSpec& spec) {
    const Binding* r = lookup(st.receiver);
    if (!r) fail(st, fmt::format("'{}' is not bound here", st.receiver));
    const bool settles = spec.settles;
    if (r->resolver_only && !settles)
      fail(st, fmt::format("inside its own block, '{}' can only be resolved or rejected", st.receiver));
    if (st.op == Op::Call) {
      if (r->kind != Kind::Function && r->kind != Kind::AsyncFunction && r->kind != Kind::BoundFunction)
        fail(st, fmt::format("'{}' is {}, not a function", st.receiver, a(r->kind)));
      return;
    }
    if (settles && r->kind == Kind::Thenable) {
      // The resolve/reject functions are then()'s parameters: usable while then() runs, not from
      // callbacks it schedules.
      if (!r->resolver_only || scopes_.back().thenable != st.receiver)
        fail(st, fmt::format("'{}' can only be resolved or rejected directly in its own block", st.receiver));
      return;
    }
    if (r->kind != spec.receiver)
      fail(st, fmt::format("'{}' is {}, but {} needs {}", st.receiver, a(r->kind), spec.spelling,
                           a(spec.receiver)));
    if (settles && !r->resolvable)
      fail(st, fmt::format("'{}' has no kept resolve and reject functions (only `new Promise` keeps them)",
                           st.receiver));
  }

  // A call's result is the promise of an async function, and nothing for other functions (a rule
  // the row cannot say).
  Kind declared_kind(const Statement& st) const {
    if (st.op != Op::Call) return spec_of(st.op).result;
    const Binding* f = lookup(st.receiver);
    return f && f->kind == Kind::AsyncFunction ? Kind::Promise : Kind::None;
  }

  // The rules of single statement kinds that a row cannot say.
  void own_rules(const Statement& st) const {
    if (st.op == Op::CreateHook)
      for (const auto& label : st.labels)
        if (std::none_of(st.args.begin(), st.args.end(), [&](const Value& v) { return v.text == label; }))
          fail(st, fmt::format("a body for '{}' needs '{}' in the callback list", label, label));
    if (st.op == Op::On && st.blocks.empty() == (st.args.size() < 2))
      fail(st, "on takes either a listener block or the name of a function, not both or neither");
    if (st.op == Op::On && st.args[0].text == "newListener")
      fail(st, "'newListener' listeners are not part of the language");
  }

  static std::string a(Kind kind) {
    const std::string_view name = kind_name(kind);
    return std::string(std::string_view("AEIOUaeiou").find(name[0]) != std::string_view::npos ? "an "
                                                                                              : "a ") +
           std::string(name);
  }

  static bool is_reserved(const std::string& name) {
    static const std::set<std::string> words = {"let",
                                                "new",
                                                "undefined",
                                                "null",
                                                "true",
                                                "false",
                                                "Promise",
                                                "process",
                                                "observe",
                                                "async",
                                                "await",
                                                "function",
                                                "throw",
                                                "return",
                                                "thenable",
                                                "try",
                                                "catch",
                                                "finally",
                                                "AsyncLocalStorage",
                                                "AsyncResource",
                                                "EventEmitter",
                                                "observeResource",
                                                "observeError"};
    return words.contains(name);
  }

  void arguments(const Statement& st, const OpSpec& spec) {
    const bool variadic = !spec.args.empty() &&
                          (spec.args.back() == Arg::HookCallbacks || spec.args.back() == Arg::PromiseName);
    if (st.args.size() < spec.required_args || (!variadic && st.args.size() > spec.args.size()))
      fail(st, fmt::format("{} takes {} argument(s), found {}", spec.spelling,
                           spec.required_args == spec.args.size()
                               ? fmt::format("{}", spec.args.size())
                               : fmt::format("{} to {}", spec.required_args, spec.args.size()),
                           st.args.size()));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < st.args.size(); ++i) {
      const Value& v = st.args[i];
      const Arg kind = spec.args[std::min(i, spec.args.size() - 1)];
      switch (kind) {
        case Arg::Literal:
          if (v.kind == Value::Kind::Name || v.kind == Value::Kind::Object)
            fail(st, fmt::format("expected a literal, found name '{}'", v.text));
          break;
        case Arg::Label:
          if (v.kind != Value::Kind::String) fail(st, "expected a string label");
          break;
        case Arg::Milliseconds:
          if (v.kind != Value::Kind::Number || v.number < 0)
            fail(st, "expected a non-negative integer number of milliseconds");
          break;
        case Arg::HookCallbacks: {
          const auto names = hook_callback_names();
          if (v.kind != Value::Kind::Name || std::find(names.begin(), names.end(), v.text) == names.end())
            fail(st, fmt::format("expected a hook callback name ({}), found {}", hook_callback_list(),
                                 to_literal(v)));
          if (!seen.insert(v.text).second) fail(st, fmt::format("hook callback '{}' listed twice", v.text));
          break;
        }
        case Arg::AnyLiteral:
          if (v.kind == Value::Kind::Name || v.kind == Value::Kind::Object)
            fail(st, fmt::format("expected a literal, found {}", to_literal(v)));
          break;
        case Arg::ResourceOptions:
          if (v.kind == Value::Kind::Name)
            fail(st, "expected a trigger id or {triggerAsyncId: N, requireManualDestroy: B}");
          for (std::size_t k = 0; k < v.keys.size(); ++k) {
            if (v.keys[k] != "triggerAsyncId" && v.keys[k] != "requireManualDestroy")
              fail(st, fmt::format("unknown AsyncResource option '{}'", v.keys[k]));
            if (v.fields[k].kind == Value::Kind::Name || v.fields[k].kind == Value::Kind::Object)
              fail(st, "AsyncResource options take literals");
          }
          break;
        case Arg::Callable:
        case Arg::ResourceName:
        case Arg::PromiseName: {
          if (v.kind != Value::Kind::Name) fail(st, "expected a name");
          const Binding* b = lookup(v.text);
          if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
          const bool ok = kind == Arg::Callable
                              ? (b->kind == Kind::Function || b->kind == Kind::BoundFunction)
                          : kind == Arg::ResourceName ? b->kind == Kind::Resource
                                                      : b->kind == Kind::Promise && !b->resolver_only;
          if (!ok)
            fail(st, fmt::format("'{}' is {}, not {}", v.text, a(b->kind),
                                 kind == Arg::Callable       ? "a (non-async) function"
                                 : kind == Arg::ResourceName ? "an AsyncResource"
                                                             : "a promise"));
          break;
        }
        case Arg::ProcessEvent: {
          const auto events = process_events();
          if (v.kind != Value::Kind::String ||
              std::none_of(events.begin(), events.end(), [&](const auto& e) { return e.name == v.text; }))
            fail(st, fmt::format("{} takes {}", spec.spelling, process_event_list()));
          break;
        }
        case Arg::TimerName:
        case Arg::ImmediateName: {
          const Kind want = kind == Arg::TimerName ? Kind::Timer : Kind::Immediate;
          if (v.kind != Value::Kind::Name) fail(st, fmt::format("expected the name of {}", a(want)));
          const Binding* b = lookup(v.text);
          if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
          if (b->kind != want) fail(st, fmt::format("'{}' is {}, not {}", v.text, a(b->kind), a(want)));
          break;
        }
        case Arg::Settlement:
          if (v.kind == Value::Kind::Object) fail(st, "object literals are only AsyncResource options");
          if (v.kind == Value::Kind::Name) {
            const Binding* b = lookup(v.text);
            if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
            if (b->resolver_only)
              fail(st, fmt::format("inside its own block, '{}' can only be resolved or rejected", v.text));
            if (b->kind != Kind::Promise && b->kind != Kind::Thenable)
              fail(st, fmt::format("'{}' is neither a promise nor a thenable", v.text));
            if (v.text == st.receiver)  // only `p.resolve` has a receiver and a settlement
              fail(st,
                   fmt::format("'{}' cannot be resolved with itself (JavaScript rejects it with a TypeError)",
                               v.text));
          }
          break;
      }
    }
  }

  std::vector<Scope> scopes_;
  std::set<std::string> all_names_;
};

void collect_slots(const Block& block, std::map<std::string, int>& slots, Scenario::Declarations& decls) {
  for (const auto& st : block) {
    const Kind result = spec_of(st.op).result;
    if (result == Kind::Hook || result == Kind::Als) decls.statements.push_back(&st);
    if (!st.binding.empty()) {
      auto [it, inserted] = slots.try_emplace(st.binding, static_cast<int>(slots.size()));
      if (inserted) decls.slot_names.push_back(st.binding);  // a view of the AST's own string
      st.binding_slot.index = it->second;
    }
    for (const auto& b : st.blocks) collect_slots(b, slots, decls);
  }
}
void fill_slots(const Block& block, const std::map<std::string, int>& slots) {
  const auto slot_of = [&](const std::string& name) {
    auto it = slots.find(name);
    return it == slots.end() ? -1 : it->second;
  };
  for (const auto& st : block) {
    if (!st.receiver.empty()) st.receiver_slot.index = slot_of(st.receiver);
    for (const auto& v : st.args)
      if (v.kind == Value::Kind::Name) v.slot.index = slot_of(v.text);
    for (const auto& b : st.blocks) fill_slots(b, slots);
  }
}
}  // namespace

void assign_slots(const Scenario& scenario) {
  std::map<std::string, int> slots;
  scenario.declarations.statements.clear();
  scenario.declarations.slot_names.clear();
  collect_slots(scenario.body, slots, scenario.declarations);
  fill_slots(scenario.body, slots);
  scenario.slot_count.index = static_cast<int>(slots.size());

  scenario.declarations.valid = true;
}

std::optional<ParseError> check(const Scenario& scenario, std::string_view file) {
  try {
    Checker{}.run(scenario);
  } catch (const Failure& f) {
    return ParseError{std::string(file), f.location, f.message};
  }
  assign_slots(scenario);
  return std::nullopt;
}

}  // namespace acx::scenario
