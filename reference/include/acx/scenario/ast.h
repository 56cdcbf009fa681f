// The scenario language's abstract syntax (spec/scenario-language.md).
//
// A scenario is a header plus a block of statements. Every statement has the same shape:
//   [let NAME =] [RECEIVER.]OPERATION[(ARGS)] [BLOCK [LABEL BLOCK]...]
// and the table ops.def says, for each operation, which receiver, arguments and blocks it takes.
// Keeping one shape makes the parser, the printer, the generators and the emitters table-driven:
// adding a construct is one row in ops.def plus its semantics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acx::scenario {

/// Where a token starts in its file (1-based). Not part of a program's meaning: two programs that
/// differ only in layout compare equal.
struct Location {
  int line = 0;
  int column = 0;
  friend bool operator==(const Location&, const Location&) { return true; }
};

/// The dense index of a bound name (names are unique in a scenario), filled in by check() so that
/// the model finds bindings without hashing strings. Like Location, not part of a program's meaning.
struct Slot {
  int index = -1;
  friend bool operator==(const Slot&, const Slot&) { return true; }
};

/// A literal or a reference to a bound name (for `p.resolve(q)`) or a bare word (hook callback names).
struct Value {
  enum class Kind { Undefined, Null, Boolean, Number, String, Name, Object };
  Kind kind = Kind::Undefined;
  bool boolean = false;
  std::int64_t number = 0;
  std::string text;   ///< String contents, or the referenced name.
  mutable Slot slot;  ///< Name values: the referenced name's slot.
  /// The literal's text, computed once by whoever needs it (the model, for store values). Like
  /// Location, not part of the meaning.
  struct Text {
    std::string text;
    friend bool operator==(const Text&, const Text&) { return true; }
  };
  mutable Text literal_text;
  /// Object literals (only as AsyncResource options): keys and their values, in written order.
  std::vector<std::string> keys;
  std::vector<Value> fields;

  static Value undefined() { return {}; }
  static Value null() { return {Kind::Null}; }
  static Value of(bool b) { return {Kind::Boolean, b}; }
  static Value of(std::int64_t n) { return {Kind::Number, false, n}; }
  static Value string(std::string s) { return {Kind::String, false, 0, std::move(s)}; }
  static Value name(std::string s) { return {Kind::Name, false, 0, std::move(s)}; }

  friend bool operator==(const Value&, const Value&) = default;
};

/// The JavaScript literal for a value (`undefined`, `42`, `"text"`, or the name itself). The same
/// text is used for store values in traces (spec/trace-format.md, `stores`).
std::string to_literal(const Value& value);

/// The statement kinds, one per row of ops.def (in its order), which says what each takes.
enum class Op {
#define ACX_OP(name, ...) name,
#include "acx/scenario/ops.def"
#undef ACX_OP
};

struct Statement;
using Block = std::vector<Statement>;

struct Statement {
  Location location;
  Op op{};
  std::string binding;   ///< `let NAME =`; empty when the result is not bound.
  std::string receiver;  ///< Receiver name for method operations; empty otherwise.
  mutable Slot binding_slot, receiver_slot;
  std::vector<Value> args;
  std::vector<Block> blocks;  ///< Callback bodies, in the order they are written.
  /// The label of each block ("" for the first, then e.g. "rejected", "catch", "finally"): an
  /// operation may leave out optional blocks, so a block is found by its label.
  std::vector<std::string> labels;

  /// The block with this label, or nullptr.
  const Block* block(std::string_view label) const {
    for (std::size_t i = 0; i < blocks.size() && i < labels.size(); ++i)
      if (labels[i] == label) return &blocks[i];
    return nullptr;
  }

  friend bool operator==(const Statement&, const Statement&) = default;
};

/// Metadata lines (`@id`, `@title`, ...) at the top of a scenario file.
struct Header {
  std::string id;
  std::string title;
  std::vector<std::string> rules;      ///< Spec rule ids the case exercises.
  std::vector<std::string> requires_;  ///< Capabilities a backend needs to run the case.
  std::vector<std::string> notes;      ///< Free text: sources, substitutions (e.g. http replaced by timers).
  /// `@orders N`: the spec allows exactly N distinct traces of the case (its tightness, which a
  /// backend's trace alone cannot show: a model that allowed more would still pass it).
  std::optional<std::size_t> orders;

  friend bool operator==(const Header&, const Header&) = default;
};

struct Scenario {
  Header header;
  Block body;
  mutable Slot slot_count;  ///< Number of bound names (index -1: slots not assigned yet).
  /// createHook and new AsyncLocalStorage statements in textual order, found with the slots (so
  /// that each model run need not walk the whole AST). Not part of the program's meaning.
  struct Declarations {
    std::vector<const Statement*> statements;
    std::vector<std::string_view> slot_names;  ///< Bound names, by slot (textual order).
    bool valid = false;  ///< Pointers into this very Scenario; a copy must find them again.
    Declarations() = default;
    Declarations(const Declarations&) {}
    Declarations& operator=(const Declarations&) {
      statements.clear();
      slot_names.clear();
      valid = false;
      return *this;
    }
    friend bool operator==(const Declarations&, const Declarations&) { return true; }
  };
  mutable Declarations declarations;
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

}  // namespace acx::scenario
