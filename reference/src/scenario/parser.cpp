// Recursive-descent parser for the scenario language (spec/scenario-language.md, "Grammar"). The
// operations it accepts, their spellings and block labels, come from the table (ops.def); the
// tokens from lexer.cpp; names, kinds and arguments are checked by checker.cpp.
#include "acx/scenario/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "acx/scenario/ops.h"
#include "failure.h"
#include "lexer.h"

namespace acx::scenario {

std::string ParseError::to_string() const {
  return fmt::format("{}:{}:{}: {}", file, location.line, location.column, message);
}

namespace {

using detail::Failure;
using detail::Tok;
using detail::Token;

/// The row with this spelling (or alias), for a method or for a free operation.
const OpSpec* find_op(std::string_view spelling, bool method) {
  for (const auto& candidate : all_ops())
    if ((candidate.spelling == spelling || candidate.alias == spelling) &&
        (candidate.receiver != Kind::None) == method)
      return &candidate;
  return nullptr;
}

/// `Promise`, `process`, `AsyncLocalStorage`, `AsyncResource`: the words before the dot of the
/// free operations' spellings (`Promise.resolve`), which are no receivers.
bool is_namespace(std::string_view word) {
  const auto prefixes = [&](std::string_view spelling) {
    return spelling.size() > word.size() && spelling.starts_with(word) && spelling[word.size()] == '.';
  };
  return std::any_of(all_ops().begin(), all_ops().end(), [&](const OpSpec& op) {
    return op.receiver == Kind::None && (prefixes(op.spelling) || prefixes(op.alias));
  });
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Scenario run() {
    Scenario s;
    skip_newlines();
    while (at().kind == Tok::Header) {
      header_line(s.header, take());
      skip_newlines();
    }
    s.body = block_body(/*top_level=*/true);
    return s;
  }

 private:
  const Token& at() const { return tokens_[pos_]; }
  const Token& ahead(std::size_t n) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)]; }
  Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool is_punct(char c) const { return at().kind == Tok::Punct && at().text[0] == c; }
  void skip_newlines() {
    while (at().kind == Tok::Newline) ++pos_;
  }
  [[noreturn]] void fail(const Token& t, std::string message) const { throw Failure{t.location, message}; }
  void expect_punct(char c, std::string_view what) {
    if (!is_punct(c)) fail(at(), fmt::format("expected '{}' {}, found {}", c, what, describe(at())));
    ++pos_;
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::Newline:
        return "end of line";
      case Tok::End:
        return "end of file";
      case Tok::String:
        return fmt::format("string \"{}\"", t.text);
      case Tok::Header:
        return fmt::format("header line '@{}' (headers come before statements)", t.text);
      default:
        return fmt::format("'{}'", t.text);
    }
  }

  void header_line(Header& h, const Token& t) {
    auto words = [&] {
      std::vector<std::string> out;
      std::istringstream in(t.rest);
      for (std::string w; in >> w;) out.push_back(w);
      return out;
    };
    if (t.text == "id") {
      if (t.rest.empty() || t.rest.find(' ') != std::string::npos) fail(t, "@id takes one word");
      h.id = t.rest;
    } else if (t.text == "title") {
      h.title = t.rest;
    } else if (t.text == "rules") {
      for (auto& w : words()) h.rules.push_back(w);
    } else if (t.text == "requires") {
      for (auto& w : words()) h.requires_.push_back(w);
    } else if (t.text == "note") {
      h.notes.push_back(t.rest);
    } else if (t.text == "orders") {
      const auto w = words();
      if (w.size() != 1 || w[0].empty() || w[0].find_first_not_of("0123456789") != std::string::npos ||
          w[0].size() > 6 || std::stoul(w[0]) == 0)
        fail(t, "@orders takes one positive number (how many traces the spec allows)");
      else
        h.orders = std::stoul(w[0]);
    } else {
      fail(t, fmt::format("unknown header '@{}' (known: @id @title @rules @requires @note @orders)", t.text));
    }
  }

  // Statements until '}' (nested) or end of file (top level).
  Block block_body(bool top_level) {
    Block body;
    while (true) {
      skip_newlines();
      if (at().kind == Tok::End) {
        if (!top_level) fail(at(), "missing '}' before end of file");
        return body;
      }
      if (is_punct('}')) {
        if (top_level) fail(at(), "'}' without a matching '{'");
        return body;
      }
      body.push_back(statement());
    }
  }

  Statement statement() {
    Statement st;
    st.location = at().location;
    if (at().kind == Tok::Ident && at().text == "let") {
      ++pos_;
      if (at().kind != Tok::Ident)
        fail(at(), fmt::format("expected a name after 'let', found {}", describe(at())));
      st.binding = take().text;
      expect_punct('=', "after the bound name");
    }
    if (at().kind != Tok::Ident) fail(at(), fmt::format("expected a statement, found {}", describe(at())));
    const Token first = take();
    std::string spelling = first.text;
    if (first.text == "new") {
      if (at().kind != Tok::Ident) fail(at(), "expected a constructor name after 'new'");
      spelling = "new " + take().text;
    } else if (first.text == "async" && at().kind == Tok::Ident && at().text == "function") {
      ++pos_;
      spelling = "async function";
    } else if (is_punct('.')) {
      ++pos_;
      if (at().kind != Tok::Ident) fail(at(), "expected a method name after '.'");
      const Token method = take();
      if (is_namespace(first.text)) {
        spelling = first.text + "." + method.text;
      } else {
        st.receiver = first.text;
        spelling = method.text;
      }
    }
    const OpSpec* spec = find_op(spelling, !st.receiver.empty());
    // `f()` calls the function bound to f (the row spelled "()").
    if (!spec && st.receiver.empty() && is_punct('(') && ahead(1).kind == Tok::Punct &&
        ahead(1).text == ")") {
      st.receiver = first.text;
      spec = find_op("()", true);
    }
    if (!spec) {
      fail(first, st.receiver.empty() ? fmt::format("unknown operation '{}'", spelling)
                                      : fmt::format("unknown method '{}' (on '{}')", spelling, st.receiver));
    }
    st.op = spec->op;
    if (spelling == spec->alias) spelling = spec->spelling;  // the printer writes `nextTick`
    if (is_punct('(')) {
      ++pos_;
      if (!is_punct(')')) {
        st.args.push_back(value());
        while (is_punct(',')) {
          ++pos_;
          st.args.push_back(value());
        }
      }
      expect_punct(')', "to close the argument list");
    }
    // Blocks: the first one is unlabelled unless the operation's first label is not empty
    // (createHook's callback bodies); the others carry their label. Optional ones may be left out;
    // the order is fixed.
    const bool labelled_first = !spec->blocks.empty() && !spec->blocks[0].empty();
    std::size_t next_label = 0;
    if (is_punct('{') && !labelled_first) {
      st.blocks.push_back(braced_block());
      st.labels.push_back("");
      next_label = 1;
    }
    if (!st.blocks.empty() || labelled_first) {
      while (at().kind == Tok::Ident && ahead(1).kind == Tok::Punct && ahead(1).text == "{") {
        const Token label = take();
        const auto& labels = spec->blocks;
        while (next_label < labels.size() && labels[next_label] != label.text) ++next_label;
        if (next_label >= labels.size())
          fail(label, fmt::format("unexpected block label '{}' for {}", label.text, spelling));
        ++next_label;
        st.blocks.push_back(braced_block());
        st.labels.push_back(label.text);
      }
    }
    if (at().kind != Tok::Newline && at().kind != Tok::End)
      fail(at(), fmt::format("expected end of line after the statement, found {}", describe(at())));
    return st;
  }

  Block braced_block() {
    const Token open = take();  // '{'
    if (at().kind != Tok::Newline) fail(at(), "a block's '{' must end its line");
    Block b = block_body(false);
    if (!is_punct('}')) fail(open, "unclosed block");
    ++pos_;
    return b;
  }

  Value value() {
    if (is_punct('{')) return object();
    const Token t = take();
    switch (t.kind) {
      case Tok::Number:
        return Value::of(t.number);
      case Tok::String:
        return Value::string(t.text);
      case Tok::Ident:
        if (t.text == "undefined") return Value::undefined();
        if (t.text == "null") return Value::null();
        if (t.text == "true") return Value::of(true);
        if (t.text == "false") return Value::of(false);
        return Value::name(t.text);
      default:
        fail(t, fmt::format("expected a value, found {}", describe(t)));
    }
  }

  // {key: value, ...}: only AsyncResource options use it.
  Value object() {
    ++pos_;  // '{'
    Value v;
    v.kind = Value::Kind::Object;
    while (!is_punct('}')) {
      if (at().kind != Tok::Ident)
        fail(at(), fmt::format("expected a property name, found {}", describe(at())));
      v.keys.push_back(take().text);
      expect_punct(':', "after a property name");
      v.fields.push_back(value());
      if (!is_punct(',')) break;
      ++pos_;
    }
    expect_punct('}', "to close the object");
    return v;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

// Methods share names across kinds (hook.disable and als.disable, als.run and snapshot.run): the
// parser takes the first, and this pass picks the one whose receiver kind the bound name has.
void resolve_methods(Block& block, std::map<std::string, Kind>& kinds) {
  for (auto& st : block)
    if (!st.binding.empty()) kinds[st.binding] = spec_of(st.op).result;
  for (auto& st : block) {
    if (!st.receiver.empty()) {
      auto kind = kinds.find(st.receiver);
      if (kind != kinds.end() && spec_of(st.op).receiver != kind->second) {
        for (const auto& candidate : all_ops())
          if (candidate.spelling == spec_of(st.op).spelling && candidate.receiver == kind->second)
            st.op = candidate.op;
      }
    }
    for (auto& b : st.blocks) resolve_methods(b, kinds);
  }
}

}  // namespace

ParseResult parse(std::string_view text, std::string_view file) {
  try {
    Scenario s = Parser(detail::lex(text)).run();
    std::map<std::string, Kind> kinds;
    resolve_methods(s.body, kinds);
    if (auto error = check(s, file)) return *error;
    return s;
  } catch (const Failure& f) {
    return ParseError{std::string(file), f.location, f.message};
  }
}

ParseResult parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{path, {}, "cannot read file"};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

}  // namespace acx::scenario
